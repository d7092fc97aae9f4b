package main

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

// TestServeDemo runs the README's demo: serve --demo, log in, and the CSV
// of the 2023 scores holds the report's indicators.
func TestServeDemo(t *testing.T) {
	s := startServer(t, map[string]string{
		"SURVEY_ADMIN_EMAIL": "admin@example.eu", "SURVEY_ADMIN_PASSWORD": "change me at once",
		// Ignored by --demo, which always starts on a fresh embedded database.
		"SURVEY_DATABASE_URL": "postgres://nowhere.invalid/db",
	}, "--demo")
	defer s.stop(t)
	status, body := s.call(t, "POST", "/api/v1/auth/login", "", `{"email":"admin@example.eu","password":"change me at once"}`)
	if status != 200 {
		t.Fatalf("login: %d %v", status, body)
	}
	req, _ := http.NewRequest("GET", s.base+"/api/v1/campaigns/customs-2023/scores?format=csv", nil)
	req.Header.Set("Authorization", "Bearer "+body["access_token"].(string))
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	csv, _ := io.ReadAll(res.Body)
	for _, want := range []string{"RES 3.2.1", "67.31", "OP 3.1", "70.96", "RES 4.2", "56.25"} {
		if !strings.Contains(string(csv), want) {
			t.Errorf("the demo's scores CSV lacks %q:\n%.2000s", want, csv)
		}
	}
}
