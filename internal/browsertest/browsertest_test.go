package browsertest

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestFindChromium: the variable wins, and must name an executable; then
// the usual names on the PATH, in order; then the fallback.
func TestFindChromium(t *testing.T) {
	for _, tt := range []struct {
		name    string
		env     string
		onPath  []string
		want    string
		wantErr string
	}{
		{"the variable", "/opt/chrome/chrome", []string{"/opt/chrome/chrome", "chromium"}, "/opt/chrome/chrome", ""},
		{"the variable names nothing", "/nowhere/chrome", []string{"chromium"}, "", ChromiumEnv + "=/nowhere/chrome: not an executable"},
		{"chromium first", "", []string{"google-chrome", "chromium-browser", "chromium"}, "/bin/chromium", ""},
		{"chromium-browser", "", []string{"google-chrome", "chromium-browser"}, "/bin/chromium-browser", ""},
		{"google-chrome", "", []string{"google-chrome"}, "/bin/google-chrome", ""},
		{"the fallback", "", []string{"/usr/bin/chromium"}, "/usr/bin/chromium", ""},
		{"nothing", "", nil, "", "apt-get install chromium"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			lookPath := func(name string) (string, error) {
				for _, p := range tt.onPath {
					if p == name {
						if strings.HasPrefix(name, "/") {
							return name, nil
						}
						return "/bin/" + name, nil
					}
				}
				return "", errors.New("not on the PATH")
			}
			got, err := findChromium(tt.env, lookPath, "/usr/bin/chromium")
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("got %q, %v; want an error saying %q", got, err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("got %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

// TestFindAxe: the variable wins, and must name a file; then the nearest
// node_modules at or above the test's folder; then the global one.
func TestFindAxe(t *testing.T) {
	root := t.TempDir()
	install := func(dir string) string {
		p := filepath.Join(dir, "node_modules", "axe-core", "axe.min.js")
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("axe"), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	repo := filepath.Join(root, "repo")
	pkg := filepath.Join(repo, "internal", "pkg")
	bare := filepath.Join(root, "bare", "pkg")
	global := filepath.Join(root, "npm-global")
	for _, d := range []string{pkg, bare} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	inRepo := install(repo)
	inGlobal := install(global)
	globalRoot := func() (string, error) { return filepath.Join(global, "node_modules"), nil }
	noGlobal := func() (string, error) { return "", errors.New("no npm") }
	for _, tt := range []struct {
		name    string
		env     string
		dir     string
		global  func() (string, error)
		want    string
		wantErr string
	}{
		{"the variable", inGlobal, pkg, globalRoot, inGlobal, ""},
		{"the variable names nothing", filepath.Join(root, "nothing.js"), pkg, globalRoot, "", AxeEnv + "="},
		{"above the package", "", pkg, globalRoot, inRepo, ""},
		{"global", "", bare, globalRoot, inGlobal, ""},
		{"nothing", "", bare, noGlobal, "", "npm install axe-core"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := findAxe(tt.env, tt.dir, tt.global)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("got %q, %v; want an error saying %q", got, err, tt.wantErr)
				}
				return
			}
			if err != nil || filepath.Clean(got) != filepath.Clean(tt.want) {
				t.Fatalf("got %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

// The test pages, under the same Content Security Policy as the service's.
const csp = "default-src 'self'; script-src 'self'; style-src 'self'"

var testPages = map[string]string{
	"/good": `<!DOCTYPE html><html lang="en"><head><title>A good page</title><script src="/mark.js"></script></head>
<body><main><h1>A good page</h1>
<form action="/next" method="get">
<p><label for="first">First</label> <input id="first" name="first"></p>
<fieldset><legend>Pick one</legend>
<p><input type="radio" id="one" name="pick" value="one"> <label for="one">One</label></p>
<p><input type="radio" id="two" name="pick" value="two"> <label for="two">Two</label></p>
</fieldset>
<p><input type="checkbox" id="agree" name="agree" value="yes"> <label for="agree">I agree</label></p>
<button id="go" type="submit">Go</button>
</form></main></body></html>`,
	"/bad": `<!DOCTYPE html><html><head><title></title></head><body>
<input id="nameless"><p><a href="/x"></a></p><img src="/x.png"></body></html>`,
	"/inline": `<!DOCTYPE html><html lang="en"><head><title>Inline</title></head><body><main><h1>Inline</h1>
<script>document.title = "ran"</script></main></body></html>`,
	"/throws": `<!DOCTYPE html><html lang="en"><head><title>Throws</title><script src="/throw.js"></script></head>
<body><main><h1>Throws</h1></main></body></html>`,
	"/missing": `<!DOCTYPE html><html lang="en"><head><title>Missing</title><link rel="stylesheet" href="/gone.css"></head>
<body><main><h1>Missing</h1></main></body></html>`,
	"/alert": `<!DOCTYPE html><html lang="en"><head><title>Alert</title><script src="/alert.js"></script></head>
<body><main><h1>Alert</h1></main></body></html>`,
	"/leave": `<!DOCTYPE html><html lang="en"><head><title>Leave</title><script src="/leave.js"></script></head>
<body><main><h1>Leave</h1><p><label for="x">X</label> <input id="x"></p></main></body></html>`,
	"/mark.js":  `document.documentElement.dataset.script = "ran";`,
	"/throw.js": `throw new Error("the page's script is broken");`,
	"/alert.js": `alert("something to say");`,
	"/leave.js": `window.addEventListener("beforeunload", e => { e.preventDefault(); e.returnValue = ""; });`,
}

func testServer(t *testing.T) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, ok := testPages[r.URL.Path]
		if r.URL.Path == "/favicon.ico" { // none: the service answers its 404 page
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.WriteHeader(http.StatusNotFound)
			fmt.Fprint(w, `<!DOCTYPE html><html lang="en"><head><title>Not found</title></head><body><h1>Not found</h1></body></html>`)
			return
		}
		if r.URL.Path == "/refused" { // a good page with an error status, as a form's 422
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.WriteHeader(http.StatusUnprocessableEntity)
			fmt.Fprint(w, testPages["/good"])
			return
		}
		if r.URL.Path == "/gone.css" { // a stylesheet, with an error status
			w.Header().Set("Content-Type", "text/css")
			w.WriteHeader(http.StatusNotFound)
			fmt.Fprint(w, "body { color: red }")
			return
		}
		if !ok {
			body = `<!DOCTYPE html><html lang="en"><head><title>Next</title></head><body><main><h1>Next</h1>
<p id="query">` + r.URL.RawQuery + `</p></main></body></html>`
		}
		if strings.HasSuffix(r.URL.Path, ".js") {
			w.Header().Set("Content-Type", "text/javascript")
		} else {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
		}
		w.Header().Set("Content-Security-Policy", csp)
		fmt.Fprint(w, body)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// recorder is a test that keeps its failures to itself, so that a test can
// check that a helper fails the test it is given.
type recorder struct {
	testing.TB
	mu     sync.Mutex
	errors []string
}

func (r *recorder) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}

func (r *recorder) failures() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return strings.Join(r.errors, "\n")
}

// TestAxe: a page that follows the rules passes the audit; one that breaks
// them fails the test with each rule and the elements that break it; the
// audit runs on a page whose JavaScript is off as well.
func TestAxe(t *testing.T) {
	srv := testServer(t)
	t.Setenv(ScreenshotsEnv, t.TempDir())
	for _, tt := range []struct {
		name     string
		path     string
		opts     []Option
		want     []string // in the failure, if any
		wantNone bool
	}{
		{"good", "/good", nil, nil, true},
		{"good without JavaScript", "/good", []Option{WithoutJavaScript()}, nil, true},
		{"bad", "/bad", nil, []string{"html-has-lang (serious)", "label (critical)", `[#nameless]`,
			"image-alt (critical)", "link-name (serious)", "document-title (serious)"}, false},
		{"bad without JavaScript", "/bad", []Option{WithoutJavaScript()}, []string{"label (critical)"}, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			rec := &recorder{TB: t}
			ctx := NewTab(t, tt.opts...)
			if status := Navigate(t, ctx, srv.URL+tt.path); status != http.StatusOK {
				t.Fatalf("status %d", status)
			}
			violations := Axe(rec, ctx, tt.name)
			got := rec.failures()
			if tt.wantNone {
				if got != "" || len(violations) != 0 {
					t.Fatalf("the audit failed a good page:\n%s", got)
				}
				return
			}
			if len(violations) == 0 {
				t.Fatal("the audit passed a bad page")
			}
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("the failure does not say %q:\n%s", w, got)
				}
			}
		})
	}
}

// TestJavaScript: a page's scripts run in a tab, and do not run in a tab
// opened without JavaScript, page after page; the test's own Eval works in
// both.
func TestJavaScript(t *testing.T) {
	srv := testServer(t)
	for _, tt := range []struct {
		name string
		opts []Option
		want string
	}{
		{"on", nil, "ran"},
		{"off", []Option{WithoutJavaScript()}, "none"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ctx := NewTab(t, tt.opts...)
			for i := range 2 {
				Navigate(t, ctx, srv.URL+"/good")
				if got := Eval[string](t, ctx, `document.documentElement.dataset.script || "none"`); got != tt.want {
					t.Fatalf("page %d: script %q, want %q", i+1, got, tt.want)
				}
			}
		})
	}
}

// TestKeyboard: Tab alone moves through the controls in the page's order;
// arrows choose among radios, Space ticks a checkbox and Enter submits.
func TestKeyboard(t *testing.T) {
	srv := testServer(t)
	ctx := NewTab(t)
	Navigate(t, ctx, srv.URL+"/good")
	if n := TabTo(t, ctx, "#first"); n != 1 {
		t.Errorf("#first after %d presses of Tab, want 1", n)
	}
	Press(t, ctx, "Ada")
	if n := TabTo(t, ctx, "#one"); n != 1 {
		t.Errorf("#one after %d presses of Tab, want 1", n)
	}
	Press(t, ctx, ArrowDown)
	if got := Focused(t, ctx); got != "#two" {
		t.Errorf("after the down arrow the focus is on %s, want #two", got)
	}
	TabTo(t, ctx, "#agree")
	Press(t, ctx, Space)
	TabTo(t, ctx, "#go")
	if status := Follow(t, ctx, chromedp.KeyEvent(Enter)); status != http.StatusOK {
		t.Fatalf("status %d", status)
	}
	if got := Eval[string](t, ctx, `document.getElementById("query").textContent`); got != "first=Ada&pick=two&agree=yes" {
		t.Errorf("the form sent %q", got)
	}

	// The focus never comes back to an element before it.
	rec := &fatalRecorder{recorder: recorder{TB: t}}
	Navigate(t, ctx, srv.URL+"/good")
	TabTo(t, ctx, "#agree")
	if !rec.run(func() { TabTo(rec, ctx, "#first") }) {
		t.Errorf("TabTo reached an element before the focus")
	}
}

// fatalRecorder also records Fatalf, and stops the function it runs as
// Fatalf stops a test.
type fatalRecorder struct{ recorder }

func (r *fatalRecorder) Fatalf(format string, args ...any) {
	r.Errorf(format, args...)
	panic(r)
}

// run reports whether fn called Fatalf.
func (r *fatalRecorder) run(fn func()) (fatal bool) {
	defer func() {
		if p := recover(); p != nil {
			if p != r {
				panic(p)
			}
			fatal = true
		}
	}()
	fn()
	return false
}

// TestBrokenPagesFailTheTest: a page that throws, whose inline script the
// Content Security Policy refuses, that opens an alert, or whose
// stylesheet does not load, fails the test of its tab; a page answered
// with an error status (the test's to check) and the missing icon that the
// browser asks for by itself do not.
func TestBrokenPagesFailTheTest(t *testing.T) {
	Require(t)
	srv := testServer(t)
	for _, tt := range []struct {
		path string
		want string
	}{
		{"/good", ""},
		{"/refused", ""},
		{"/throws", "the page's script is broken"},
		{"/inline", "Content Security Policy"},
		{"/alert", `a dialog (alert): "something to say"`},
		{"/missing", "Failed to load resource: the server responded with a status of 404"},
	} {
		rec := &recorder{}
		t.Run(tt.path, func(t *testing.T) {
			rec.TB = t
			ctx := NewTab(rec)
			Navigate(t, ctx, srv.URL+tt.path)
		})
		got := rec.failures()
		if tt.want == "" && got != "" || !strings.Contains(got, tt.want) {
			t.Errorf("%s: the test's failures are %q, want one saying %q", tt.path, got, tt.want)
		}
	}
}

// TestScreenshot: a PNG of the page, named after the test and the step, in
// the folder of the variable.
func TestScreenshot(t *testing.T) {
	srv := testServer(t)
	dir := t.TempDir()
	t.Setenv(ScreenshotsEnv, dir)
	ctx := NewTab(t)
	Navigate(t, ctx, srv.URL+"/good")
	file := Screenshot(t, ctx, "the good page")
	if want := filepath.Join(dir, "browsertest_TestScreenshot_the-good-page.png"); file != want {
		t.Errorf("written to %s, want %s", file, want)
	}
	png, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(png, []byte("\x89PNG\r\n\x1a\n")) || len(png) < 1000 {
		t.Errorf("not a PNG of a page: %d bytes", len(png))
	}
}

// TestSameBrowser: a second tab of the same browser shares its cookies; a
// new tab does not.
func TestSameBrowser(t *testing.T) {
	srv := testServer(t)
	first := NewTab(t)
	Navigate(t, first, srv.URL+"/good")
	Eval[string](t, first, `document.cookie = "who=ada; path=/"`)
	second := SameBrowser(t, first)
	Navigate(t, second, srv.URL+"/good")
	if got := Eval[string](t, second, `document.cookie`); got != "who=ada" {
		t.Errorf("the second tab's cookies: %q", got)
	}
	other := NewTab(t)
	Navigate(t, other, srv.URL+"/good")
	if got := Eval[string](t, other, `document.cookie`); got != "" {
		t.Errorf("another browser's cookies: %q", got)
	}
}

// TestLeaveWarnings: a page that warns before it is left with changes is
// left all the same, and the warning counted.
func TestLeaveWarnings(t *testing.T) {
	srv := testServer(t)
	ctx := NewTab(t)
	Navigate(t, ctx, srv.URL+"/leave")
	Navigate(t, ctx, srv.URL+"/good")
	if n := LeaveWarnings(ctx); n != 0 {
		t.Errorf("%d warnings leaving a page nobody touched", n)
	}
	Navigate(t, ctx, srv.URL+"/leave")
	TabTo(t, ctx, "#x")
	Press(t, ctx, "changed")
	if status := Navigate(t, ctx, srv.URL+"/good"); status != http.StatusOK {
		t.Fatalf("status %d", status)
	}
	if n := LeaveWarnings(ctx); n != 1 {
		t.Errorf("%d warnings leaving a changed page, want 1", n)
	}
	if got := Eval[string](t, ctx, `document.title`); got != "A good page" {
		t.Errorf("the tab is on %q, want the next page", got)
	}
}
