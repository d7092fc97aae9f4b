package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/customs-survey/surveyd/internal/dbtest"
)

// TestLogsHoldNoSecrets runs a whole session against the real server —
// logins right and wrong, refresh, user creation, questionnaire, campaign,
// answers, logout — then reads everything the server logged: it must hold
// one line per request, and none of the passwords, tokens or the token key
// that went by.
func TestLogsHoldNoSecrets(t *testing.T) {
	const (
		adminPassword = "admin password 7c1e"
		userPassword  = "respondent password 9f2a"
		wrongPassword = "wrong password b4d8"
		jwtSecret     = "a token key of at least thirty-two bytes 3e5f"
	)
	s := startServer(t, map[string]string{
		"SURVEY_DATABASE_URL": dbtest.SQLiteURL(t), "SURVEY_ADMIN_EMAIL": "admin@commission.example",
		"SURVEY_ADMIN_PASSWORD": adminPassword, "SURVEY_JWT_SECRET": jwtSecret,
	})
	secrets := []string{adminPassword, userPassword, wrongPassword, jwtSecret}
	call := func(method, path, token, body string, want int) map[string]any {
		t.Helper()
		status, m := s.call(t, method, path, token, body)
		if status != want {
			t.Fatalf("%s %s: %d %v, want %d", method, path, status, m, want)
		}
		for _, k := range []string{"access_token", "refresh_token"} {
			if v, ok := m[k].(string); ok {
				secrets = append(secrets, v)
			}
		}
		return m
	}
	js := func(v any) string { b, _ := json.Marshal(v); return string(b) }

	call("POST", "/api/v1/auth/login", "", js(map[string]string{"email": "admin@commission.example", "password": wrongPassword}), 401)
	admin := call("POST", "/api/v1/auth/login", "", js(map[string]string{"email": "admin@commission.example", "password": adminPassword}), 200)
	token := admin["access_token"].(string)
	refreshed := call("POST", "/api/v1/auth/refresh", "", js(map[string]string{"refresh_token": admin["refresh_token"].(string)}), 200)
	token = refreshed["access_token"].(string)
	call("POST", "/api/v1/administrations", token, `{"code":"BE","name":"Belgium"}`, 201)
	call("GET", "/api/v1/administrations/BE", token, "", 200)
	call("GET", "/api/v1/administrations/"+strings.Repeat("é", 300), token, "", 404)
	call("POST", "/api/v1/users", token, js(map[string]string{"email": "r@customs.example", "password": userPassword, "role": "respondent", "administration": "BE"}), 201)
	call("POST", "/api/v1/users", token, js(map[string]string{"email": "weak@customs.example", "password": "short", "role": "respondent", "administration": "BE"}), 422)
	resp := call("POST", "/api/v1/auth/login", "", js(map[string]string{"email": "r@customs.example", "password": userPassword}), 200)
	call("GET", "/api/v1/me", resp["access_token"].(string), "", 200)
	call("GET", "/api/v1/me", "Bearer-garbage."+resp["access_token"].(string), "", 401)
	call("POST", "/api/v1/auth/logout", resp["access_token"].(string), js(map[string]string{"refresh_token": resp["refresh_token"].(string)}), 204)
	s.stop(t)

	logs := s.logs.String()
	if n := strings.Count(logs, `"msg":"request"`); n < 10 {
		t.Fatalf("only %d request lines logged: the check below would prove nothing\n%s", n, logs)
	}
	for _, secret := range secrets {
		if strings.Contains(logs, secret) {
			t.Errorf("the log holds a secret (%.12s…)", secret)
		}
		// A token's signature alone is enough to matter.
		if parts := strings.Split(secret, "."); len(parts) == 3 && strings.Contains(logs, parts[2]) {
			t.Errorf("the log holds a token signature")
		}
	}
	if strings.Contains(logs, "short") && strings.Contains(logs, "weak@") {
		t.Errorf("the log holds a rejected password")
	}
	// A request's line names its route and the concrete path, cut short
	// when it is long.
	want := map[string]string{
		"/api/v1/administrations/BE":                               "/api/v1/administrations/:code",
		"/api/v1/administrations/" + strings.Repeat("é", 88) + "…": "/api/v1/administrations/:code",
	}
	for _, line := range strings.Split(logs, "\n") {
		var entry struct{ Msg, Route, Path string }
		if json.Unmarshal([]byte(line), &entry) == nil && entry.Msg == "request" {
			if route, ok := want[entry.Path]; ok && entry.Route == route {
				delete(want, entry.Path)
			}
		}
	}
	for path, route := range want {
		t.Errorf("no request line with route %q and path %q", route, path)
	}
}
