package web_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/customs-survey/surveyd/internal/browsertest"
	"github.com/customs-survey/surveyd/internal/dbtest"
)

// The browser tests drive the pages in a real Chromium (package
// browsertest), as people use them: by the labels, buttons and links they
// see, with and without JavaScript, with the keyboard only, and audit each
// state of each page with axe-core (WCAG 2.1 A and AA). They skip, with a
// message, where Chromium or axe-core is not installed (and fail in CI).
//
// They run on SQLite only: what they check is what the pages show and do
// in a browser; the storage under the pages is the same use cases whose
// behaviour the other tests check on both databases.

// browserEnv is the service, with the accounts and the open campaign of
// e.world(), for the browser tests.
func browserEnv(t *testing.T) *env {
	t.Helper()
	browsertest.Require(t) // before the service is set up for nothing
	e := newEnv(t, dbtest.SQLiteURL(t))
	e.world()
	return e
}

// find returns a selector for the one element of the page that a person
// would name by what it says: a control by its label's text ("field"), a
// group of radios or checkboxes by its legend ("group"), a button or a
// link by its text. Text is matched whole, spaces folded, or, failing
// that, as the beginning of the text (a label followed by "(required)").
// It fails at once, listing what there is, if there is not exactly one.
func find(t *testing.T, ctx context.Context, kind, text string) chromedp.CSS {
	t.Helper()
	mark := make([]byte, 6)
	rand.Read(mark) //nolint:errcheck // never fails
	token := hex.EncodeToString(mark)
	args, _ := json.Marshal([]string{kind, text, token})
	res := browsertest.Eval[struct {
		Count int      `json:"count"`
		Seen  []string `json:"seen"`
	}](t, ctx, `(([kind, text, token]) => {
		const norm = s => (s || "").replace(/\s+/g, " ").trim();
		const visible = e => !!e && !e.closest("[hidden]");
		let pairs = [];
		switch (kind) {
		case "field":
			pairs = [...document.querySelectorAll("label")].map(l => [norm(l.textContent), l.control]); break;
		case "group":
			pairs = [...document.querySelectorAll("fieldset")].map(f => [norm(f.querySelector("legend")?.textContent), f]); break;
		case "button":
			pairs = [...document.querySelectorAll("button, input[type=submit]")].map(b => [norm(b.textContent || b.value), b]); break;
		case "link":
			pairs = [...document.querySelectorAll("a[href]")].map(a => [norm(a.textContent), a]); break;
		}
		pairs = pairs.filter(([, e]) => visible(e));
		let found = pairs.filter(([s]) => s === text);
		if (found.length === 0) { found = pairs.filter(([s]) => s.startsWith(text)); }
		if (found.length !== 1) { return {count: found.length, seen: pairs.map(([s]) => s)}; }
		found[0][1].setAttribute("data-found", token);
		return {count: 1, seen: []};
	})(`+string(args)+`)`)
	if res.Count != 1 {
		t.Fatalf("%d %ss %q on %s; the page has: %q", res.Count, kind, text, browsertest.Location(t, ctx), res.Seen)
	}
	return chromedp.CSS(`[data-found="` + token + `"]`)
}

// field, group, button and link find an element as find does.
func field(t *testing.T, ctx context.Context, label string) chromedp.CSS {
	t.Helper()
	return find(t, ctx, "field", label)
}

func group(t *testing.T, ctx context.Context, legend string) chromedp.CSS {
	t.Helper()
	return find(t, ctx, "group", legend)
}

func button(t *testing.T, ctx context.Context, text string) chromedp.CSS {
	t.Helper()
	return find(t, ctx, "button", text)
}

func link(t *testing.T, ctx context.Context, text string) chromedp.CSS {
	t.Helper()
	return find(t, ctx, "link", text)
}

// do runs actions on the page that do not leave it, failing t on an error.
func do(t *testing.T, ctx context.Context, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, actions...); err != nil {
		t.Fatalf("on %s: %v", browsertest.Location(t, ctx), err)
	}
}

// typeIn types text into the field labelled label.
func typeIn(t *testing.T, ctx context.Context, label, text string) {
	t.Helper()
	do(t, ctx, chromedp.SendKeys(field(t, ctx, label), text))
}

// choose clicks the option labelled option in the group whose legend is
// question.
func choose(t *testing.T, ctx context.Context, question, option string) {
	t.Helper()
	g := group(t, ctx, question)
	id := browsertest.Eval[string](t, ctx, `(([g, option]) => {
		const norm = s => (s || "").replace(/\s+/g, " ").trim();
		const l = [...document.querySelector(g).querySelectorAll("label")].find(l => norm(l.textContent) === option);
		return l && l.control ? l.control.id : "";
	})(`+jsArgs(string(g), option)+`)`)
	if id == "" {
		t.Fatalf("no option %q in %q", option, question)
	}
	do(t, ctx, chromedp.Click(chromedp.ID(id)))
}

// press clicks a button or a link that leads to another page, and returns
// that page's status.
func press(t *testing.T, ctx context.Context, what chromedp.CSS) int64 {
	t.Helper()
	return browsertest.Follow(t, ctx, chromedp.Click(what))
}

// text is the text of the element sel, as shown.
func text(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	return browsertest.Eval[string](t, ctx, `(e => e ? e.innerText : "<none>")(document.querySelector(`+jsString(sel)+`))`)
}

// shown reports whether the element sel is on the page and shown.
func shown(t *testing.T, ctx context.Context, sel string) bool {
	t.Helper()
	return browsertest.Eval[bool](t, ctx, `(e => !!e && !e.closest("[hidden]") && e.getClientRects().length > 0)(document.querySelector(`+
		jsString(sel)+`))`)
}

// focused is the id of the element that has the focus.
func focused(t *testing.T, ctx context.Context) string {
	t.Helper()
	return browsertest.Eval[string](t, ctx, `document.activeElement ? document.activeElement.id : ""`)
}

// title is the page's title.
func title(t *testing.T, ctx context.Context) string {
	t.Helper()
	return browsertest.Eval[string](t, ctx, `document.title`)
}

// jsString writes s as a JavaScript string literal.
func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// jsArgs writes its arguments as a JavaScript array literal.
func jsArgs(args ...string) string {
	b, _ := json.Marshal(args)
	return string(b)
}

// signIn signs in through the login page, as a person does, and checks
// that it leads to the campaigns.
func signIn(t *testing.T, ctx context.Context, e *env, email, password string) {
	t.Helper()
	browsertest.Navigate(t, ctx, e.server.URL+"/login")
	typeIn(t, ctx, "E-mail address", email)
	typeIn(t, ctx, "Password", password)
	if status := press(t, ctx, button(t, ctx, "Sign in")); status != http.StatusOK {
		t.Fatalf("signing in as %s: status %d", email, status)
	}
	if loc := browsertest.Location(t, ctx); !strings.HasSuffix(loc, "/campaigns") {
		t.Fatalf("signing in as %s led to %s", email, loc)
	}
}

// TestBrowserLogin: the login page passes the audit; a wrong password
// shows the error summary, focused so that it is read out first, in a
// page that passes the audit too and keeps the e-mail address; the right
// one signs in.
func TestBrowserLogin(t *testing.T) {
	e := browserEnv(t)
	ctx := browsertest.NewTab(t)
	if status := browsertest.Navigate(t, ctx, e.server.URL+"/campaigns"); status != http.StatusOK {
		t.Fatalf("status %d", status)
	}
	if loc := browsertest.Location(t, ctx); !strings.Contains(loc, "/login?next=") {
		t.Fatalf("signed out, /campaigns led to %s", loc)
	}
	browsertest.Axe(t, ctx, "login")

	typeIn(t, ctx, "E-mail address", "resp_be@customs.example")
	typeIn(t, ctx, "Password", "not the password")
	if status := press(t, ctx, button(t, ctx, "Sign in")); status != http.StatusUnauthorized {
		t.Fatalf("a wrong password: status %d", status)
	}
	if got := focused(t, ctx); got != "error-summary" {
		t.Errorf("the focus is on %q, want the error summary", got)
	}
	if got := title(t, ctx); !strings.HasPrefix(got, "Error: ") {
		t.Errorf("title %q", got)
	}
	if got := text(t, ctx, "#error-summary"); !strings.Contains(got, "The e-mail address or the password is wrong") {
		t.Errorf("error summary %q", got)
	}
	browsertest.Axe(t, ctx, "login error")

	// The summary's link leads to the field.
	do(t, ctx, chromedp.Click(link(t, ctx, "The e-mail address or the password is wrong")))
	if got := focused(t, ctx); got != "email" {
		t.Errorf("after following the summary's link the focus is on %q, want the e-mail field", got)
	}
	if got := browsertest.Eval[string](t, ctx, `document.getElementById("email").value`); got != "resp_be@customs.example" {
		t.Errorf("the e-mail address is not kept: %q", got)
	}
	typeIn(t, ctx, "Password", userPassword)
	if status := press(t, ctx, button(t, ctx, "Sign in")); status != http.StatusOK {
		t.Fatalf("signing in: status %d", status)
	}
	if loc := browsertest.Location(t, ctx); !strings.HasSuffix(loc, "/campaigns") {
		t.Errorf("signing in led to %s, want the campaigns it was asked for", loc)
	}
}
