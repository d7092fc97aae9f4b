package api_test

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/customs-survey/surveyd/internal/dbtest"
)

// userID is the id of the account with that e-mail, as the admin finds it.
func (e *env) userID(email string) string {
	e.t.Helper()
	for _, item := range e.list("/api/v1/users?q="+email, e.tokens["admin"]) {
		if u := item.(map[string]any); u["email"] == email {
			return u["id"].(string)
		}
	}
	e.t.Fatalf("no account %s", email)
	return ""
}

// TestPasswordReset: who may reset which account; the one-time password
// ends every session at once, opens one session within 72 hours, and that
// session may do nothing but change the password; the change lifts it.
func TestPasswordReset(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		e := newEnv(t, url)
		e.world()
		respBE, coordBE, respFR := e.userID("resp_be@customs.example"), e.userID("coord_be@customs.example"), e.userID("resp_fr@customs.example")
		reset := func(id string) string { return "/api/v1/users/" + id + "/password-reset" }
		e.runCases(t, []apiCase{
			{name: "respondent may not reset", token: "resp_be", method: "POST", path: reset(respBE), wantStatus: http.StatusForbidden},
			{name: "coordinator may not reset a coordinator", token: "coord_be", method: "POST", path: reset(coordBE), wantStatus: http.StatusForbidden},
			{name: "coordinator may not see another administration's account", token: "coord_be", method: "POST", path: reset(respFR), wantStatus: http.StatusNotFound},
			{name: "unknown account", token: "admin", method: "POST", path: reset("nobody"), wantStatus: http.StatusNotFound},
		})
		// Nothing was reset by the refusals.
		e.login("resp_be@customs.example", userPassword)
		e.login("coord_be@customs.example", userPassword)

		refresh := e.must(http.StatusOK, "POST", "/api/v1/auth/login", "", map[string]string{"email": "resp_be@customs.example", "password": userPassword})
		time.Sleep(time.Second) // past the second of the tokens, which a change of the same second spares
		body := e.must(http.StatusOK, "POST", reset(respBE), e.tokens["coord_be"], nil)
		otp, _ := body["one_time_password"].(string)
		if !regexp.MustCompile(`^[A-Z2-7]{26}$`).MatchString(otp) {
			t.Fatalf("one-time password %q", otp)
		}
		expires, err := time.Parse(time.RFC3339, body["expires_at"].(string))
		if err != nil || expires.Sub(e.now()) < 71*time.Hour || expires.Sub(e.now()) > 72*time.Hour {
			t.Errorf("expires_at %v (%v), want 72 hours from now", body["expires_at"], err)
		}
		// Every session ended; the old password is gone.
		e.must(http.StatusUnauthorized, "GET", "/api/v1/me", e.tokens["resp_be"], nil)
		e.must(http.StatusUnauthorized, "POST", "/api/v1/auth/refresh", "", map[string]string{"refresh_token": refresh["refresh_token"].(string)})
		e.must(http.StatusUnauthorized, "POST", "/api/v1/auth/login", "", map[string]string{"email": "resp_be@customs.example", "password": userPassword})

		// The one-time password opens one session, which must change the
		// password first.
		pair := e.must(http.StatusOK, "POST", "/api/v1/auth/login", "", map[string]string{"email": "resp_be@customs.example", "password": otp})
		if pair["must_change_password"] != true {
			t.Errorf("login answer %v, want must_change_password true", pair)
		}
		token := pair["access_token"].(string)
		e.must(http.StatusUnauthorized, "POST", "/api/v1/auth/login", "", map[string]string{"email": "resp_be@customs.example", "password": otp})
		if me := e.must(http.StatusOK, "GET", "/api/v1/me", token, nil); me["must_change_password"] != true {
			t.Errorf("GET /me %v, want must_change_password true", me)
		}
		for _, path := range []string{"/api/v1/campaigns", "/api/v1/campaigns/customs-2023/response"} {
			res := e.request("GET", path, token, nil)
			if res.Status != http.StatusForbidden || !strings.Contains(string(res.Body), "#password-change-required") {
				t.Errorf("GET %s before the change: %d %s, want 403 password-change-required", path, res.Status, res.Body)
			}
		}
		res := e.request("POST", "/api/v1/me/password", token, map[string]string{"current_password": otp, "new_password": otp})
		checkOutcome(t, res, http.StatusOK, []string{"new_password:weak_password"})
		changed := e.must(http.StatusOK, "POST", "/api/v1/me/password", token, map[string]string{"current_password": otp, "new_password": "my very own new password"})
		if changed["must_change_password"] != false {
			t.Errorf("change answer %v, want must_change_password false", changed)
		}
		e.must(http.StatusOK, "GET", "/api/v1/campaigns", changed["access_token"].(string), nil)
		e.login("resp_be@customs.example", "my very own new password")
		e.must(http.StatusUnauthorized, "POST", "/api/v1/auth/login", "", map[string]string{"email": "resp_be@customs.example", "password": otp})

		// An expired one-time password fails like a wrong one.
		body = e.must(http.StatusOK, "POST", reset(respFR), e.tokens["admin"], nil)
		e.advance(72 * time.Hour)
		e.must(http.StatusUnauthorized, "POST", "/api/v1/auth/login", "", map[string]string{"email": "resp_fr@customs.example", "password": body["one_time_password"].(string)})

		events := e.list("/api/v1/audit?action=user.reset_password", e.tokens["admin"])
		if len(events) != 6 {
			t.Errorf("%d user.reset_password events, want 6 (4 refused, 2 done)", len(events))
		}
	})
}

// TestUnlock: five failed logins lock an account, the lock-out says when
// to try again, and an admin's unlock lets the right password in at once.
func TestUnlock(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		e := newEnv(t, url)
		e.world()
		id := e.userID("resp_be@customs.example")
		wrong := map[string]string{"email": "resp_be@customs.example", "password": "not the password at all"}
		for range 5 {
			e.must(http.StatusUnauthorized, "POST", "/api/v1/auth/login", "", wrong)
		}
		right := map[string]string{"email": "resp_be@customs.example", "password": userPassword}
		res := e.request("POST", "/api/v1/auth/login", "", right)
		if res.Status != http.StatusTooManyRequests || res.Header.Get("Retry-After") == "" {
			t.Fatalf("locked login: %d, Retry-After %q", res.Status, res.Header.Get("Retry-After"))
		}
		at := regexp.MustCompile(`retry in \d+ seconds, at (\S+)"`).FindSubmatch(res.Body)
		if at == nil {
			t.Fatalf("the detail names no time: %s", res.Body)
		}
		if when, err := time.Parse(time.RFC3339, string(at[1])); err != nil || when.Before(e.now().Add(14*time.Minute)) {
			t.Errorf("retry at %s (%v), want about 15 minutes from now", at[1], err)
		}
		e.runCases(t, []apiCase{
			{name: "coordinator may not unlock", token: "coord_be", method: "POST", path: "/api/v1/users/" + id + "/unlock", wantStatus: http.StatusForbidden},
			{name: "unknown account", token: "admin", method: "POST", path: "/api/v1/users/nobody/unlock", wantStatus: http.StatusNotFound},
		})
		e.must(http.StatusTooManyRequests, "POST", "/api/v1/auth/login", "", right)
		e.must(http.StatusNoContent, "POST", "/api/v1/users/"+id+"/unlock", e.tokens["admin"], nil)
		e.must(http.StatusOK, "POST", "/api/v1/auth/login", "", right)
		if n := len(e.list("/api/v1/audit?action=user.unlock", e.tokens["admin"])); n != 3 {
			t.Errorf("%d user.unlock events, want 3", n)
		}
	})
}

// TestUserListPages: limit, cursor and the Link of the next page, and the
// filters, which keep to the caller's scope.
func TestUserListPages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		e := newEnv(t, url)
		e.world()
		emails := func(items []any) string {
			var out []string
			for _, it := range items {
				out = append(out, strings.TrimSuffix(it.(map[string]any)["email"].(string), "@customs.example"))
			}
			return strings.Join(out, " ")
		}
		// Every account, two at a time, following the Link headers.
		var pages []string
		for path := "/api/v1/users?limit=2"; path != ""; {
			res := e.request("GET", path, e.tokens["admin"], nil)
			var items []any
			if res.Status != http.StatusOK || json.Unmarshal(res.Body, &items) != nil {
				t.Fatalf("GET %s: %d %s", path, res.Status, res.Body)
			}
			pages = append(pages, emails(items))
			path = ""
			if m := regexp.MustCompile(`^<([^>]+)>; rel="next"$`).FindStringSubmatch(res.Header.Get("Link")); m != nil {
				path = m[1]
			}
		}
		// Byte order: "resp_be2@" comes before "resp_be@".
		want := []string{"admin@commission.example coord_be", "coord_de resp_be2", "resp_be resp_de", "resp_fr"}
		if strings.Join(pages, " | ") != strings.Join(want, " | ") {
			t.Errorf("pages %q, want %q", pages, want)
		}
		for _, c := range []struct {
			name, token, query, want string
		}{
			{"respondents", "admin", "role=respondent", "resp_be2 resp_be resp_de resp_fr"},
			{"one administration", "admin", "administration=BE", "coord_be resp_be2 resp_be"},
			{"e-mail in another case", "admin", "q=RESP_BE", "resp_be2 resp_be"},
			{"wildcards match themselves", "admin", "q=resp%25", ""},
			{"filters combine", "admin", "role=coordinator&q=de", "coord_de"},
			{"coordinator keeps to their administration", "coord_be", "role=respondent", "resp_be2 resp_be"},
			{"coordinator asks for another administration", "coord_be", "administration=FR", ""},
		} {
			t.Run(c.name, func(t *testing.T) {
				if got := emails(e.list("/api/v1/users?"+c.query, e.tokens[c.token])); got != c.want {
					t.Errorf("got %q, want %q", got, c.want)
				}
			})
		}
		e.runCases(t, []apiCase{
			{name: "bad parameters together", token: "admin", method: "GET",
				path:       "/api/v1/users?limit=501&cursor=nope&role=guest&administration=fr&q=" + strings.Repeat("x", 255),
				wantStatus: http.StatusUnprocessableEntity,
				wantFields: []string{"limit:out_of_range", "cursor:invalid_cursor", "role:not_allowed", "administration:invalid_code", "q:too_long"}},
		})
	})
}
