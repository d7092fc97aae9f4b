package web_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/customs-survey/surveyd/internal/browsertest"
)

// TestBrowserPasswordReset: an admin resets a respondent's password from
// the users page, which shows the one-time password once and in no
// address; the respondent signs in with it, lands on the password page
// (whatever page they ask for), gets the form's errors in the error
// summary, and chooses a new password, which leads to the campaigns. Every
// page on the way passes the accessibility audit.
func TestBrowserPasswordReset(t *testing.T) {
	e := browserEnv(t)
	admin := browsertest.NewTab(t)
	signIn(t, admin, e, adminEmail, adminPassword)
	if status := press(t, admin, link(t, admin, "Users")); status != http.StatusOK {
		t.Fatalf("users: status %d", status)
	}
	browsertest.Axe(t, admin, "users with the reset buttons")
	if status := press(t, admin, button(t, admin, "Reset password of resp_be@customs.example")); status != http.StatusOK {
		t.Fatalf("reset: status %d", status)
	}
	otp := text(t, admin, "code.one-time-password")
	if len(otp) != 26 {
		t.Fatalf("one-time password shown: %q", otp)
	}
	if got := text(t, admin, "[role=status]"); !strings.Contains(got, "The password of resp_be@customs.example was reset") {
		t.Errorf("after the reset: %q", got)
	}
	if loc := browsertest.Location(t, admin); strings.Contains(loc, otp) {
		t.Errorf("the one-time password is in the address %s", loc)
	}
	browsertest.Axe(t, admin, "users after a reset")

	resp := browsertest.NewTab(t)
	browsertest.Navigate(t, resp, e.server.URL+"/login")
	typeIn(t, resp, "E-mail address", "resp_be@customs.example")
	typeIn(t, resp, "Password", otp)
	if status := press(t, resp, button(t, resp, "Sign in")); status != http.StatusOK {
		t.Fatalf("signing in with the one-time password: status %d", status)
	}
	if loc := browsertest.Location(t, resp); !strings.HasSuffix(loc, "/password") {
		t.Fatalf("signing in with the one-time password led to %s, want /password", loc)
	}
	browsertest.Axe(t, resp, "password to change")
	browsertest.Navigate(t, resp, e.server.URL+"/campaigns/customs-2023")
	if loc := browsertest.Location(t, resp); !strings.HasSuffix(loc, "/password") {
		t.Fatalf("a campaign before the change led to %s, want /password", loc)
	}

	typeIn(t, resp, "One-time password you were given", otp)
	typeIn(t, resp, "New password", "too short")
	typeIn(t, resp, "New password again", "too short")
	if status := press(t, resp, button(t, resp, "Change password")); status != http.StatusUnprocessableEntity {
		t.Fatalf("a short new password: status %d", status)
	}
	if got := focused(t, resp); got != "error-summary" {
		t.Errorf("the focus is on %q, want the error summary", got)
	}
	if got := title(t, resp); !strings.HasPrefix(got, "Error: ") {
		t.Errorf("title %q", got)
	}
	if got := text(t, resp, "#error-summary"); !strings.Contains(got, "at least 12 characters") {
		t.Errorf("error summary %q", got)
	}
	browsertest.Axe(t, resp, "password with errors")
	do(t, resp, chromedp.Click(link(t, resp, text(t, resp, "#error-summary li"))))
	if got := focused(t, resp); got != "new" {
		t.Errorf("after following the summary's link the focus is on %q, want the new password", got)
	}

	const next = "a password of my own"
	typeIn(t, resp, "One-time password you were given", otp)
	typeIn(t, resp, "New password", next)
	typeIn(t, resp, "New password again", next)
	if status := press(t, resp, button(t, resp, "Change password")); status != http.StatusOK {
		t.Fatalf("the change: status %d", status)
	}
	if loc := browsertest.Location(t, resp); !strings.HasSuffix(loc, "/campaigns") {
		t.Fatalf("the change led to %s, want /campaigns", loc)
	}
	if status := browsertest.Navigate(t, resp, e.server.URL+"/campaigns/customs-2023"); status != http.StatusOK ||
		strings.HasSuffix(browsertest.Location(t, resp), "/password") {
		t.Errorf("a campaign after the change: status %d at %s", status, browsertest.Location(t, resp))
	}
	signIn(t, browsertest.NewTab(t), e, "resp_be@customs.example", next)
}
