package api_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/customs-survey/surveyd/internal/dbtest"
)

func TestChangePassword(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		e := newEnv(t, url)
		e.world()
		const path = "/api/v1/me/password"
		const unprocessable = http.StatusUnprocessableEntity
		const newPassword = "correct horse battery staple"
		change := func(current, next string) map[string]string {
			return map[string]string{"current_password": current, "new_password": next}
		}
		e.runCases(t, []apiCase{
			{name: "anonymous", method: "POST", path: path, body: change(userPassword, newPassword), wantStatus: http.StatusUnauthorized},
			{name: "wrong current password", token: "resp_fr", method: "POST", path: path,
				body: change("not my password", newPassword), wantStatus: unprocessable, wantFields: []string{"current_password:wrong_password"}},
			{name: "weak new password", token: "resp_fr", method: "POST", path: path,
				body: change(userPassword, "short"), wantStatus: unprocessable, wantFields: []string{"new_password:weak_password"}},
			{name: "too long new password", token: "resp_fr", method: "POST", path: path,
				body: change(userPassword, strings.Repeat("x", 1025)), wantStatus: unprocessable, wantFields: []string{"new_password:weak_password"}},
			{name: "wrong current and weak new password", token: "resp_fr", method: "POST", path: path,
				body: change("not my password", "short"), wantStatus: unprocessable, wantFields: []string{"current_password:wrong_password"}},
			{name: "missing members", token: "resp_fr", method: "POST", path: path,
				body: map[string]string{}, wantStatus: unprocessable, wantFields: []string{"current_password:required", "new_password:required"}},
			{name: "unknown member", token: "resp_fr", method: "POST", path: path,
				body:       map[string]string{"current_password": userPassword, "new_password": newPassword, "password": newPassword},
				wantStatus: unprocessable, wantFields: []string{"password:unknown_field"}},
			{name: "array", token: "resp_fr", method: "POST", path: path, body: `[]`, wantStatus: http.StatusBadRequest},
			{name: "respondent changes their password", token: "resp_fr", method: "POST", path: path,
				body: change(userPassword, newPassword), wantStatus: http.StatusOK,
				check: func(t *testing.T, res result) {
					body := res.JSON(t)
					if body["token_type"] != "Bearer" || body["expires_in"] != float64(900) {
						t.Errorf("token_type/expires_in: %s", res.Body)
					}
					me := e.must(http.StatusOK, "GET", "/api/v1/me", body["access_token"].(string), nil)
					if me["email"] != "resp_fr@customs.example" {
						t.Errorf("/me with the new token: %v", me)
					}
					e.must(http.StatusOK, "POST", "/api/v1/auth/refresh", "", map[string]string{"refresh_token": body["refresh_token"].(string)})
				}},
			{name: "coordinator changes their password", token: "coord_de", method: "POST", path: path,
				body: change(userPassword, newPassword), wantStatus: http.StatusOK},
		})

		t.Run("only the new password logs in", func(t *testing.T) {
			defer e.useT(t)()
			e.must(http.StatusUnauthorized, "POST", "/api/v1/auth/login", "", map[string]string{"email": "resp_fr@customs.example", "password": userPassword})
			e.must(http.StatusOK, "GET", "/api/v1/me", e.login("resp_fr@customs.example", newPassword), nil)
		})

		t.Run("wrong current passwords count as failed logins", func(t *testing.T) {
			defer e.useT(t)()
			token := e.login("resp_be2@customs.example", userPassword)
			for i := range 5 {
				e.must(unprocessable, "POST", path, token, change("guess number "+strconv.Itoa(i), newPassword))
			}
			// The sixth attempt is refused before the password is checked,
			// and so is a login of the account.
			for _, res := range []result{
				e.request("POST", path, token, change(userPassword, newPassword)),
				e.request("POST", "/api/v1/auth/login", "", map[string]string{"email": "resp_be2@customs.example", "password": userPassword}),
			} {
				if res.Status != http.StatusTooManyRequests || res.Header.Get("Retry-After") == "" {
					t.Errorf("status %d, Retry-After %q, want 429 with Retry-After: %s", res.Status, res.Header.Get("Retry-After"), res.Body)
				}
			}
		})
	})
}
