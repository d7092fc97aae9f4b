package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/customs-survey/surveyd/auth"
	"github.com/customs-survey/surveyd/survey"
)

// TestSignInAndOut: the login page signs in with a new session id behind
// an HttpOnly, SameSite cookie; sign-out ends the session on the server, so
// that a copy of the cookie is worthless.
func TestSignInAndOut(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		b := e.browser()
		if p := b.get("/"); p.Status != http.StatusSeeOther || p.Location != "/login" {
			t.Fatalf("/ signed out: %d %s", p.Status, p.Location)
		}
		if p := b.get("/campaigns"); p.Status != http.StatusSeeOther || !strings.HasPrefix(p.Location, "/login?next=") {
			t.Fatalf("/campaigns signed out: %d %s", p.Status, p.Location)
		}
		form := b.get("/login")
		csp := form.Header.Get("Content-Security-Policy")
		if !strings.Contains(csp, "default-src 'self'") || strings.Contains(csp, "unsafe-inline") ||
			form.Header.Get("Cache-Control") != "no-store" || form.Header.Get("X-Frame-Options") != "DENY" {
			t.Errorf("page headers: CSP %q, Cache-Control %q, X-Frame-Options %q", csp,
				form.Header.Get("Cache-Control"), form.Header.Get("X-Frame-Options"))
		}
		p := b.post("/login", url.Values{"email": {adminEmail}, "password": {adminPassword}, "next": {"/campaigns"}})
		if p.Status != http.StatusSeeOther || p.Location != "/campaigns" {
			t.Fatalf("login: %d %s\n%s", p.Status, p.Location, p.Body)
		}
		var session *http.Cookie
		for _, c := range (&http.Response{Header: p.Header}).Cookies() {
			if c.Name == "surveyd_session" && c.Value != "" {
				session = c
			}
		}
		if session == nil || !session.HttpOnly || session.SameSite != http.SameSiteLaxMode || session.Path != "/" {
			t.Fatalf("session cookie: %+v", session)
		}
		stolen := *session

		b.get("/campaigns")
		if p := b.post("/logout", nil); p.Status != http.StatusSeeOther || p.Location != "/login" {
			t.Fatalf("logout: %d %s", p.Status, p.Location)
		}
		thief := e.browser()
		u, _ := url.Parse(e.server.URL)
		thief.client.Jar.SetCookies(u, []*http.Cookie{&stolen})
		if p := thief.get("/campaigns"); p.Status != http.StatusSeeOther {
			t.Fatalf("the cookie still works after logout: %d", p.Status)
		}
	})
}

// TestWrongPassword: the same answer as the API's, the e-mail kept in the
// form, the password not.
func TestWrongPassword(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		b := e.browser()
		b.get("/login")
		p := b.post("/login", url.Values{"email": {adminEmail}, "password": {"not the password at all"}})
		if p.Status != http.StatusUnauthorized || !strings.Contains(p.Body, "There is a problem") ||
			!strings.Contains(p.Body, `value="`+adminEmail+`"`) || strings.Contains(p.Body, "not the password") {
			t.Fatalf("wrong password: %d\n%s", p.Status, p.Body)
		}
		if !strings.Contains(p.Body, "<title>Error:") {
			t.Errorf("the title does not start with Error:")
		}
	})
}

// TestCrossSiteFormsAreRefused: a form post from another origin, or
// without the session's CSRF token, changes nothing.
func TestCrossSiteFormsAreRefused(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		b := e.browser()
		b.login(adminEmail, adminPassword)
		b.get("/campaigns")
		for _, tt := range []struct {
			name   string
			origin string
			csrf   string
		}{
			{"another origin", "https://evil.example", b.csrf},
			{"no token", e.server.URL, ""},
			{"a wrong token", e.server.URL, "x" + b.csrf},
		} {
			req, _ := http.NewRequest(http.MethodPost, e.server.URL+"/logout", strings.NewReader(url.Values{"csrf": {tt.csrf}}.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Origin", tt.origin)
			if p := b.do(req); p.Status != http.StatusForbidden {
				t.Errorf("%s: %d, want 403", tt.name, p.Status)
			}
		}
		if p := b.get("/campaigns"); p.Status == http.StatusSeeOther {
			t.Fatal("a refused logout ended the session")
		}
		// The login form takes the token of its own cookie only.
		other := e.browser()
		p := other.post("/login", url.Values{"email": {adminEmail}, "password": {adminPassword}, "csrf": {"forged"}})
		if p.Status != http.StatusForbidden {
			t.Errorf("login without the login cookie: %d, want 403", p.Status)
		}
	})
}

// TestSessionTimeouts: a session ends after 30 minutes without a request,
// and 12 hours after sign-in whatever happens.
func TestSessionTimeouts(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		idle := e.browser()
		idle.login(adminEmail, adminPassword)
		busy := e.browser()
		busy.login(adminEmail, adminPassword)
		for elapsed := time.Duration(0); elapsed < auth.BrowserLifetime-auth.BrowserIdleTimeout; elapsed += 20 * time.Minute {
			e.advance(20 * time.Minute)
			if p := busy.get("/campaigns"); p.Status == http.StatusSeeOther {
				t.Fatalf("an active session ended after %s", elapsed)
			}
		}
		if p := idle.get("/campaigns"); p.Status != http.StatusSeeOther {
			t.Fatalf("an idle session survived: %d", p.Status)
		}
		e.advance(auth.BrowserIdleTimeout)
		if p := busy.get("/campaigns"); p.Status != http.StatusSeeOther {
			t.Fatalf("a session outlived its lifetime: %d", p.Status)
		}
	})
}

// TestRefusedFormsAreAudited: a form post refused before its page runs
// (wrong role, no CSRF token) is in the audit trail under its route, with
// its actor, as the API records its refusals; one from a visitor not
// signed in is not.
func TestRefusedFormsAreAudited(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.world()
		b := e.browser()
		b.login("resp_be@customs.example", userPassword)
		b.get("/campaigns")
		if p := b.post("/campaigns/customs-2023/close", nil); p.Status != http.StatusForbidden {
			t.Fatalf("a respondent closing a campaign: %d", p.Status)
		}
		if p := b.post("/logout", url.Values{"csrf": {"forged"}}); p.Status != http.StatusForbidden {
			t.Fatalf("a forged token: %d", p.Status)
		}
		anonymous := e.browser()
		anonymous.post("/campaigns/customs-2023/close", nil)
		events, err := e.store.AuditEvents(context.Background(), survey.AuditFilter{})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, ev := range events {
			if ev.Status == http.StatusForbidden || ev.Status == http.StatusUnauthorized {
				got = append(got, fmt.Sprintf("%s %d %s", ev.Action, ev.Status, ev.ActorEmail))
			}
		}
		want := []string{"session.logout 403 resp_be@customs.example", "campaign.close 403 resp_be@customs.example"}
		if !slices.Equal(got, want) {
			t.Errorf("refusals in the trail: %q, want %q", got, want)
		}
	})
}

// TestTooLargeFormsGetAPage: a form post beyond the body limit is answered
// with a page (413), not with the API's JSON problem.
func TestTooLargeFormsGetAPage(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		b := e.browser()
		b.login(adminEmail, adminPassword)
		b.get("/questionnaires")
		p := b.post("/questionnaires", url.Values{"document": {strings.Repeat("x", 2<<20)}})
		if p.Status != http.StatusRequestEntityTooLarge || !strings.HasPrefix(p.Header.Get("Content-Type"), "text/html") {
			t.Fatalf("a 2 MiB form: %d %s", p.Status, p.Header.Get("Content-Type"))
		}
	})
}

// TestStaticFiles: the stylesheet and script a page links are served (200,
// their type, cached for a year) under names holding a hash of their
// content; any other name under /static/ is not.
func TestStaticFiles(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		b := e.browser()
		page := b.get("/login")
		links := regexp.MustCompile(`(?:href|src)="(/static/[^"]+)"`).FindAllStringSubmatch(page.Body, -1)
		if len(links) < 2 {
			t.Fatalf("the login page links %d static files", len(links))
		}
		for _, l := range links {
			p := b.get(l[1])
			if p.Status != http.StatusOK || p.Header.Get("Cache-Control") != "public, max-age=31536000, immutable" ||
				!(strings.HasPrefix(p.Header.Get("Content-Type"), "text/css") || strings.HasPrefix(p.Header.Get("Content-Type"), "text/javascript")) {
				t.Errorf("%s: %d %q %q", l[1], p.Status, p.Header.Get("Content-Type"), p.Header.Get("Cache-Control"))
			}
		}
		if p := b.get("/static/app.css"); p.Status != http.StatusNotFound {
			t.Errorf("/static/app.css without its hash: %d", p.Status)
		}
	})
}
