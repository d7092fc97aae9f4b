package main

import (
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestServeDemo runs the README's demo: serve --demo, log in, and the CSV
// of the 2023 scores holds the report's indicators; the banner names the
// pages' address and a coordinator and a respondent who can sign in, the
// respondent with the open 2024 campaign to answer.
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

	var banner string
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if banner = s.stdout.String(); strings.Contains(banner, "respondent of") {
			break
		}
	}
	if !strings.Contains(banner, "Open "+s.base+"/") {
		t.Errorf("the banner does not give the pages' address %s/:\n%s", s.base, banner)
	}
	account := regexp.MustCompile(`respondent of BE:\s+(\S+)\s+password (\S+)`).FindStringSubmatch(banner)
	if account == nil {
		t.Fatalf("the banner names no respondent:\n%s", banner)
	}
	status, body = s.call(t, "POST", "/api/v1/auth/login", "", `{"email":"`+account[1]+`","password":"`+account[2]+`"}`)
	if status != 200 {
		t.Fatalf("the demo respondent cannot log in: %d %v", status, body)
	}
	req, _ = http.NewRequest("GET", s.base+"/api/v1/campaigns", nil)
	req.Header.Set("Authorization", "Bearer "+body["access_token"].(string))
	res, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	list, _ := io.ReadAll(res.Body)
	if !strings.Contains(string(list), `"customs-2024"`) {
		t.Errorf("the demo respondent has no campaign to answer: %s", list)
	}
	res, err = http.Get(s.base + "/login")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
		t.Errorf("GET /login: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
}
