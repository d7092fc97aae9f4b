package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/customs-survey/surveyd/survey"
)

// oneTimePasswordShown finds the one-time password that the users page
// shows after a reset.
var oneTimePasswordShown = regexp.MustCompile(`<code class="one-time-password">([A-Z2-7]{26})</code>`)

// accountID is the id of the account with that e-mail.
func accountID(t *testing.T, e *env, email string) string {
	t.Helper()
	a, found, err := e.store.AccountByEmail(context.Background(), email)
	if err != nil || !found {
		t.Fatalf("account %s: %v %v", email, found, err)
	}
	return a.ID
}

// resetThroughPage resets the password of the account with that e-mail
// with the users page's button, as by, and returns the answer and the
// one-time password it shows.
func resetThroughPage(t *testing.T, e *env, by *browser, email string) (page, string) {
	t.Helper()
	by.get("/users")
	p := by.post("/users/"+accountID(t, e, email)+"/password-reset", nil)
	m := oneTimePasswordShown.FindStringSubmatch(p.Body)
	if p.Status != http.StatusOK || m == nil {
		t.Fatalf("reset of %s: %d, no one-time password shown\n%s", email, p.Status, p.Body)
	}
	return p, m[1]
}

// TestPasswordFirstAfterReset: the one-time password of a reset signs in
// to the password page, and every other page sends there until the
// password is changed; the change signs the browser in again, and the
// one-time password is spent.
func TestPasswordFirstAfterReset(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.world()
		_, otp := resetThroughPage(t, e, staffSignIn(e, "admin"), "resp_be@customs.example")

		b := e.browser()
		b.get("/login")
		p := b.post("/login", url.Values{"email": {"resp_be@customs.example"}, "password": {otp}, "next": {"/campaigns/customs-2023"}})
		if p.Status != http.StatusSeeOther || p.Location != "/password" {
			t.Fatalf("sign-in with the one-time password: %d to %q, want 303 to /password\n%s", p.Status, p.Location, p.Body)
		}
		for _, path := range []string{"/", "/campaigns", "/campaigns/customs-2023", "/campaigns/customs-2023/progress", "/users", "/nowhere"} {
			if p := b.get(path); p.Status != http.StatusSeeOther || p.Location != "/password" {
				t.Errorf("GET %s before the change: %d to %q, want 303 to /password", path, p.Status, p.Location)
			}
		}
		p = b.get("/password")
		if p.Status != http.StatusOK || !strings.Contains(p.Body, "Your password was reset. Choose a new password before you continue.") ||
			!strings.Contains(p.Body, "One-time password you were given") {
			t.Fatalf("the password page: %d\n%s", p.Status, p.Body)
		}
		// A form of another page does nothing, whatever it carries.
		if p := b.post("/campaigns/customs-2023/response", url.Values{"q1": {"yes"}}); p.Status != http.StatusSeeOther || p.Location != "/password" {
			t.Errorf("a form of another page before the change: %d to %q, want 303 to /password", p.Status, p.Location)
		}
		b.get("/password")
		const next = "my own new password"
		p = b.post("/password", url.Values{"current": {otp}, "new": {next}, "confirm": {next}})
		if p.Status != http.StatusSeeOther || p.Location != "/campaigns" {
			t.Fatalf("the change: %d to %q\n%s", p.Status, p.Location, p.Body)
		}
		if p := b.get("/campaigns"); p.Status != http.StatusOK {
			t.Fatalf("GET /campaigns after the change: %d, want 200", p.Status)
		}
		if ev := staffAudit(t, e, "user.change_password", ""); ev.Status != http.StatusSeeOther || ev.ActorEmail != "resp_be@customs.example" {
			t.Errorf("audit of the change: %+v", ev)
		}
		// The one-time password is spent; the new one signs in.
		other := e.browser()
		other.get("/login")
		if p := other.post("/login", url.Values{"email": {"resp_be@customs.example"}, "password": {otp}}); p.Status != http.StatusUnauthorized {
			t.Errorf("the one-time password after the change: %d, want 401", p.Status)
		}
		other.login("resp_be@customs.example", next)
	})
}

// TestPasswordPageErrors: each problem of the password form comes back
// beside its field and in the error summary, no password is ever shown
// back, and the password is unchanged.
func TestPasswordPageErrors(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.world()
		b := staffSignIn(e, "resp_be")
		const good, short = "a good new password", "too short"
		for _, tt := range []struct {
			name                 string
			current, next, again string
			field, msg           string
		}{
			{"no current password", "", good, good, "current", "Enter your current password"},
			{"wrong current password", "not my password at all", good, good, "current", "The current password is wrong"},
			{"too short", userPassword, short, short, "new", "password must be at least 12 characters long"},
			{"no new password", userPassword, "", "", "new", "Enter a new password"},
			{"not the same twice", userPassword, good, good + "!", "confirm", "Enter the same new password twice"},
		} {
			t.Run(tt.name, func(t *testing.T) {
				b.get("/password")
				p := b.post("/password", url.Values{"current": {tt.current}, "new": {tt.next}, "confirm": {tt.again}})
				if p.Status != http.StatusUnprocessableEntity {
					t.Fatalf("status %d, want 422\n%s", p.Status, p.Body)
				}
				for _, s := range []string{"<title>Error:", `id="error-summary"`, `<a href="#` + tt.field + `">` + tt.msg,
					tt.field + `-error"><span class="visually-hidden">Error:</span> ` + tt.msg, `id="` + tt.field + `"`} {
					if !strings.Contains(p.Body, s) {
						t.Errorf("no %q in\n%s", s, p.Body)
					}
				}
				for _, secret := range []string{userPassword, good, short, "not my password at all"} {
					if strings.Contains(p.Body, secret) {
						t.Errorf("the password %q is shown back", secret)
					}
				}
				if ev := staffAudit(t, e, "user.change_password", ""); ev.Status != http.StatusUnprocessableEntity {
					t.Errorf("audit: %+v", ev)
				}
			})
		}
		staffSignIn(e, "resp_be") // the password is unchanged
	})
}

// TestStaffResetAndUnlock: the users page's Reset password and Unlock
// buttons, for whom each is shown, their CSRF check, the one-time password
// shown once and in no address, and the audit trail.
func TestStaffResetAndUnlock(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.world()
		ids := map[string]string{}
		for _, name := range []string{"coord_be", "resp_be", "resp_be2", "resp_fr"} {
			ids[name] = accountID(t, e, name+"@customs.example")
		}
		resetAction := func(name string) string { return `action="/users/` + ids[name] + `/password-reset"` }
		unlockAction := func(name string) string { return `action="/users/` + ids[name] + `/unlock"` }

		coord := staffSignIn(e, "coord_be")
		p := coord.get("/users")
		for action, shown := range map[string]bool{resetAction("resp_be"): true, resetAction("resp_be2"): true,
			resetAction("coord_be"): false, unlockAction("resp_be"): false} {
			if strings.Contains(p.Body, action) != shown {
				t.Errorf("coordinator's page: form %s shown %v, want %v", action, !shown, shown)
			}
		}
		admin := staffSignIn(e, "admin")
		p = admin.get("/users")
		for _, action := range []string{resetAction("coord_be"), resetAction("resp_fr"), unlockAction("coord_be"), unlockAction("resp_fr")} {
			if !strings.Contains(p.Body, action) {
				t.Errorf("admin's page: no form %s", action)
			}
		}

		t.Run("CSRF", func(t *testing.T) {
			for _, path := range []string{"/users/" + ids["resp_be"] + "/password-reset", "/users/" + ids["resp_be"] + "/unlock"} {
				if p := admin.post(path, url.Values{"csrf": {"forged"}}); p.Status != http.StatusForbidden || oneTimePasswordShown.MatchString(p.Body) {
					t.Errorf("POST %s with a forged token: %d, want 403 and no one-time password", path, p.Status)
				}
			}
			if ev := staffAudit(t, e, "user.reset_password", ""); ev.Status != http.StatusForbidden {
				t.Errorf("audit of the refused reset: %+v", ev)
			}
			staffSignIn(e, "resp_be") // nothing was reset
		})

		t.Run("refusals", func(t *testing.T) {
			coord.get("/users")
			for _, c := range []struct {
				path   string
				status int
			}{
				{"/users/" + ids["coord_be"] + "/password-reset", http.StatusForbidden},
				{"/users/" + ids["resp_fr"] + "/password-reset", http.StatusNotFound},
				{"/users/" + ids["resp_be"] + "/unlock", http.StatusForbidden},
			} {
				if p := coord.post(c.path, nil); p.Status != c.status || oneTimePasswordShown.MatchString(p.Body) {
					t.Errorf("coordinator posts %s: %d, want %d", c.path, p.Status, c.status)
				}
			}
			if ev := staffAudit(t, e, "user.reset_password", "id="+ids["resp_fr"]); ev.Status != http.StatusNotFound {
				t.Errorf("audit of the refused reset: %+v", ev)
			}
		})

		t.Run("reset", func(t *testing.T) {
			p, otp := resetThroughPage(t, e, coord, "resp_be@customs.example")
			if p.Location != "" || !strings.Contains(p.Body, "The password of resp_be@customs.example was reset") ||
				p.Header.Get("Cache-Control") != "no-store" {
				t.Errorf("the reset's answer: Location %q, Cache-Control %q\n%s", p.Location, p.Header.Get("Cache-Control"), p.Body)
			}
			ev := staffAudit(t, e, "user.reset_password", "id="+ids["resp_be"])
			if ev.Status != http.StatusOK || ev.ActorEmail != "coord_be@customs.example" {
				t.Errorf("audit of the reset: %+v", ev)
			}
			events, err := e.store.AuditEvents(context.Background(), survey.AuditFilter{Limit: 500})
			if err != nil {
				t.Fatal(err)
			}
			for _, ev := range events {
				if strings.Contains(fmt.Sprintf("%+v", ev), otp) {
					t.Errorf("the one-time password is in the audit trail: %+v", ev)
				}
			}
			// Shown once: the list shows it no more.
			if p := coord.get("/users"); strings.Contains(p.Body, otp) || oneTimePasswordShown.MatchString(p.Body) {
				t.Error("the one-time password is shown again")
			}
			// The old password is gone, the one-time password signs in.
			b := e.browser()
			b.get("/login")
			if p := b.post("/login", url.Values{"email": {"resp_be@customs.example"}, "password": {userPassword}}); p.Status != http.StatusUnauthorized {
				t.Errorf("the old password after the reset: %d, want 401", p.Status)
			}
			b.login("resp_be@customs.example", otp)
		})

		t.Run("unlock", func(t *testing.T) {
			b := e.browser()
			b.get("/login")
			for range 5 {
				b.post("/login", url.Values{"email": {"resp_be2@customs.example"}, "password": {"not the password at all"}})
			}
			if p := b.post("/login", url.Values{"email": {"resp_be2@customs.example"}, "password": {userPassword}}); p.Status != http.StatusTooManyRequests {
				t.Fatalf("the locked account's sign-in: %d, want 429", p.Status)
			}
			admin.get("/users")
			p := admin.post("/users/"+ids["resp_be2"]+"/unlock", nil)
			if p.Status != http.StatusSeeOther || p.Location != "/users?unlocked="+ids["resp_be2"] {
				t.Fatalf("unlock: %d to %q\n%s", p.Status, p.Location, p.Body)
			}
			if p := admin.get(p.Location); !strings.Contains(p.Body, "The account resp_be2@customs.example is unlocked") {
				t.Errorf("the page after the unlock:\n%s", p.Body)
			}
			if ev := staffAudit(t, e, "user.unlock", "id="+ids["resp_be2"]); ev.Status != http.StatusSeeOther || ev.ActorEmail != adminEmail {
				t.Errorf("audit of the unlock: %+v", ev)
			}
			b.login("resp_be2@customs.example", userPassword)
		})
	})
}
