// Package browsertest drives a real, headless Chromium from go test, for
// the tests of the web pages as people use them: in a browser, with and
// without JavaScript, with the keyboard only, and audited by axe-core
// against the WCAG 2.1 A and AA rules. It is imported only by tests.
//
// Chromium is looked for, in order: the SURVEY_TEST_CHROMIUM environment
// variable (the path of the browser's executable); chromium,
// chromium-browser or google-chrome on the PATH; /usr/bin/chromium.
// axe-core is looked for, in order: the SURVEY_TEST_AXE environment
// variable (the path of axe.min.js); node_modules/axe-core/axe.min.js in
// the test's directory or any directory above it; axe-core/axe.min.js under
// the global node_modules (npm root -g). When either is missing, the
// browser tests are skipped with a message saying how to install it
// (apt-get install chromium; npm install axe-core), unless the CI
// environment variable is set, in which case they fail: CI must run them.
// A variable that is set but names nothing usable always fails.
//
// A test binary starts one browser, at its first [NewTab], and each test
// gets a tab of its own in a browser context of its own (its own cookies,
// as a different person's browser), closed when the test ends. The browser
// is stopped and its profile directory removed when the test binary exits,
// however it exits.
//
// On a tab, [Axe] audits the page as it is and keeps a [Screenshot] of it;
// [TabTo] and [Press] move and type with the keyboard only; [Navigate] and
// [Follow] go to another page and return its HTTP status; chromedp's own
// actions do the rest. A tab fails its test if one of its pages throws a
// script error, breaks the Content Security Policy or fails to load a
// stylesheet or script.
package browsertest

import (
	"context"
	"errors"
	"fmt"
	"github.com/customs-survey/surveyd/internal/testskip"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// The environment variables that point the tests at their tools.
const (
	// ChromiumEnv names the Chromium (or Chrome) executable.
	ChromiumEnv = "SURVEY_TEST_CHROMIUM"
	// AxeEnv names axe-core's axe.min.js.
	AxeEnv = "SURVEY_TEST_AXE"
	// ScreenshotsEnv names the folder the screenshots go to; by default,
	// testdata/screenshots in the test's package, which git ignores.
	ScreenshotsEnv = "SURVEY_TEST_SCREENSHOTS"
)

// The skip (or, in CI, failure) messages when a tool is missing.
const (
	chromiumMissing = "Chromium not found: install it (apt-get install chromium) or set " + ChromiumEnv +
		" to a Chromium or Chrome executable to run the browser tests"
	axeMissing = "axe-core not found: install it (npm install axe-core, in this repository or globally) or set " +
		AxeEnv + " to its axe.min.js to run the browser tests"
)

// Timeout bounds the whole of one test's use of its tab.
const Timeout = 2 * time.Minute

// tools are the browser and the audit script, found once per test binary.
type tools struct {
	chromium string
	axe      string
	axeJS    string // axe.min.js's content
	err      error  // why a tool is missing
	mustFail bool   // err fails the test even outside CI
}

var (
	toolsOnce  sync.Once
	foundTools tools
)

func getTools() tools {
	toolsOnce.Do(func() { foundTools = findTools() })
	return foundTools
}

func findTools() tools {
	var tl tools
	var err error
	if tl.chromium, err = findChromium(os.Getenv(ChromiumEnv), exec.LookPath, "/usr/bin/chromium"); err != nil {
		tl.err, tl.mustFail = err, os.Getenv(ChromiumEnv) != ""
		return tl
	}
	wd, _ := os.Getwd()
	if tl.axe, err = findAxe(os.Getenv(AxeEnv), wd, npmRoot); err != nil {
		tl.err, tl.mustFail = err, os.Getenv(AxeEnv) != ""
		return tl
	}
	js, err := os.ReadFile(tl.axe)
	if err != nil {
		tl.err, tl.mustFail = fmt.Errorf("reading axe-core: %w", err), true
		return tl
	}
	tl.axeJS = string(js)
	return tl
}

// findChromium returns the browser to run: the one named by the variable
// (env) if set, else the first of the usual names on the PATH, else
// fallback if it exists.
func findChromium(env string, lookPath func(string) (string, error), fallback string) (string, error) {
	if env != "" {
		p, err := lookPath(env)
		if err != nil {
			return "", fmt.Errorf("%s=%s: not an executable: %w", ChromiumEnv, env, err)
		}
		return p, nil
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := lookPath(name); err == nil {
			return p, nil
		}
	}
	if p, err := lookPath(fallback); err == nil {
		return p, nil
	}
	return "", errors.New(chromiumMissing)
}

// findAxe returns the path of axe.min.js: the one named by the variable
// (env) if set, else the first node_modules/axe-core/axe.min.js in dir or
// a directory above it, else the one under the global node_modules that
// globalRoot reports.
func findAxe(env, dir string, globalRoot func() (string, error)) (string, error) {
	if env != "" {
		if !isFile(env) {
			return "", fmt.Errorf("%s=%s: no such file", AxeEnv, env)
		}
		return env, nil
	}
	for d := dir; d != ""; {
		if p := filepath.Join(d, "node_modules", "axe-core", "axe.min.js"); isFile(p) {
			return p, nil
		}
		parent := filepath.Dir(d)
		if parent == d {
			break
		}
		d = parent
	}
	if root, err := globalRoot(); err == nil && root != "" {
		if p := filepath.Join(root, "axe-core", "axe.min.js"); isFile(p) {
			return p, nil
		}
	}
	return "", errors.New(axeMissing)
}

func isFile(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.Mode().IsRegular()
}

// npmRoot asks npm where its global packages are.
func npmRoot() (string, error) {
	if _, err := exec.LookPath("npm"); err != nil {
		return "", err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "npm", "root", "-g").Output()
	return strings.TrimSpace(string(out)), err
}

// Require skips t, with a message saying how to install what is missing,
// unless Chromium and axe-core are both there. It fails t instead in CI
// (the CI environment variable is set) or when a variable names nothing
// usable. [NewTab] calls it; a test that prepares much before its first
// tab may call it first.
func Require(t testing.TB) {
	t.Helper()
	requireTools(t)
}

func requireTools(t testing.TB) tools {
	t.Helper()
	tl := getTools()
	if tl.err == nil {
		return tl
	}
	if tl.mustFail {
		t.Fatalf("browsertest: %v", tl.err)
	}
	testskip.Unavailable(t, testskip.CI(), "browser tests", "browsertest: "+tl.err.Error())
	return tl
}

// browser is the test binary's Chromium.
type browser struct {
	ctx      context.Context // the browser's root context: a child of it is a new tab
	dataDir  string          // the profile directory
	watchdog *os.File        // the write end of the watchdog's standard input
	err      error
}

var (
	browserOnce sync.Once
	theBrowser  browser
)

// startTimeout bounds the start of the browser.
const startTimeout = time.Minute

// Flags are the command-line flags the browser starts with, beside
// --user-data-dir (a new temporary directory) and, as root, --no-sandbox:
// headless; no GPU; no QUIC, no background networking, component updates,
// sync or first-run pages (nothing but the service under test on the
// network); English first in Accept-Language, so that pages come out in
// the language the tests read; a desktop-sized window.
var Flags = []chromedp.ExecAllocatorOption{
	chromedp.Headless,
	chromedp.Flag("disable-gpu", true),
	chromedp.Flag("disable-quic", true),
	chromedp.NoFirstRun,
	chromedp.Flag("disable-background-networking", true),
	chromedp.Flag("disable-component-update", true),
	chromedp.Flag("disable-sync", true),
	chromedp.Flag("lang", "en-GB"),
	chromedp.Flag("accept-lang", "en-GB,en"),
	chromedp.WindowSize(1280, 900),
}

func getBrowser(tl tools) *browser {
	browserOnce.Do(func() { theBrowser = startBrowser(tl) })
	return &theBrowser
}

// startBrowser starts Chromium with its own profile directory and a
// watchdog that stops it and removes the directory when the test binary
// exits.
func startBrowser(tl tools) browser {
	dir, err := os.MkdirTemp("", "surveyd-browser-")
	if err != nil {
		return browser{err: err}
	}
	opts := append(append([]chromedp.ExecAllocatorOption{}, chromedp.DefaultExecAllocatorOptions[:]...), Flags...)
	opts = append(opts, chromedp.ExecPath(tl.chromium), chromedp.UserDataDir(dir))
	if os.Geteuid() == 0 {
		opts = append(opts, chromedp.NoSandbox) // Chromium refuses to start as root with its sandbox
	}
	alloc, stop := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, _ := chromedp.NewContext(alloc)
	// The first Do starts the browser and ties it to ctx, which is never
	// cancelled: the browser lives as long as the test binary. A browser
	// that does not answer within a minute is stopped.
	started := make(chan error, 1)
	go func() { started <- chromedp.Do(ctx) }()
	select {
	case err = <-started:
	case <-time.After(startTimeout):
		err = fmt.Errorf("no answer within %s", startTimeout)
	}
	if err != nil {
		stop()
		os.RemoveAll(dir)
		return browser{err: fmt.Errorf("starting %s: %w", tl.chromium, err)}
	}
	b := browser{ctx: ctx, dataDir: dir}
	if c := chromedp.FromContext(ctx); c != nil && c.Browser != nil && c.Browser.Process() != nil {
		b.watchdog = startWatchdog(c.Browser.Process().Pid, dir)
	}
	return b
}

// startWatchdog starts a process that kills the browser (by its process
// id) and removes its profile directory when the test binary exits,
// however it exits: it waits for the end of its standard input, a pipe
// whose only writer is this process.
func startWatchdog(pid int, dir string) *os.File {
	r, w, err := os.Pipe()
	if err != nil {
		return nil
	}
	defer r.Close()
	cmd := exec.Command("/bin/sh", "-c",
		`cat >/dev/null; kill -9 "$BROWSERTEST_PID" 2>/dev/null; sleep 1; rm -rf "$BROWSERTEST_DIR"; sleep 2; rm -rf "$BROWSERTEST_DIR"`)
	cmd.Env = append(os.Environ(), fmt.Sprintf("BROWSERTEST_PID=%d", pid), "BROWSERTEST_DIR="+dir)
	cmd.Stdin = r
	// Stdout and stderr stay /dev/null: go test waits for the test
	// binary's output pipes to close.
	cmd.SysProcAttr = detached()
	if err := cmd.Start(); err != nil {
		w.Close()
		return nil
	}
	go cmd.Wait() //nolint:errcheck // it outlives the tests; reaped if it ends first
	return w
}

// Option changes a new tab.
type Option func(*tabOptions)

type tabOptions struct {
	noScript bool
}

// WithoutJavaScript opens the tab with JavaScript switched off, as a
// browser whose user turned it off, or whose scripts failed to load.
func WithoutJavaScript() Option { return func(o *tabOptions) { o.noScript = true } }

// NewTab opens a tab in a browser context of its own (its own cookies and
// storage, as another person's browser) and returns its context, for
// chromedp's actions. The tab is closed when t ends, and t fails if a page
// shown in it threw an uncaught exception, was refused something by the
// Content Security Policy, failed to load a stylesheet, script, image or
// font (an error status), or opened an alert, confirm or prompt dialog. A
// warning before leaving a page with unsaved changes is answered by
// leaving, and counted (see [LeaveWarnings]). It skips t (or fails it, in
// CI) if Chromium or axe-core is missing.
func NewTab(t testing.TB, opts ...Option) context.Context {
	t.Helper()
	tl := requireTools(t)
	b := getBrowser(tl)
	if b.err != nil {
		t.Fatalf("browsertest: %v", b.err)
	}
	tab, cancel := chromedp.NewContext(b.ctx, chromedp.WithNewBrowserContext())
	return openTab(t, tab, cancel, opts)
}

// SameBrowser opens another tab next to the tab of ctx, sharing its cookies
// (the same person's browser, in a second tab), closed when t ends.
func SameBrowser(t testing.TB, ctx context.Context, opts ...Option) context.Context {
	t.Helper()
	tab, cancel := chromedp.NewContext(ctx)
	return openTab(t, tab, cancel, opts)
}

func openTab(t testing.TB, tab context.Context, cancel context.CancelFunc, opts []Option) context.Context {
	t.Helper()
	var o tabOptions
	for _, opt := range opts {
		opt(&o)
	}
	if err := chromedp.Do(tab); err != nil { // opens the tab
		cancel()
		t.Fatalf("browsertest: opening a tab: %v", err)
	}
	if o.noScript {
		if err := setScripts(tab, false); err != nil {
			cancel()
			t.Fatalf("browsertest: switching JavaScript off: %v", err)
		}
	}
	noScript.Store(targetOf(tab), o.noScript)
	w := watchTab(tab)
	timed, stop := context.WithTimeout(tab, Timeout)
	t.Cleanup(func() {
		stop()
		for _, p := range w.report(tab) {
			t.Errorf("browsertest: a page did what it must not: %s", p)
		}
		tabWatches.Delete(targetOf(tab))
		noScript.Delete(targetOf(tab))
		cancel()
	})
	return timed
}

// noScript remembers, by tab, whether JavaScript is switched off, so that
// an audit can switch it back off after running.
var noScript sync.Map

func targetOf(ctx context.Context) any {
	if c := chromedp.FromContext(ctx); c != nil {
		return c.Target
	}
	return nil
}

// setScripts switches the tab's scripts on or off. The setting holds for
// the pages the tab loads next, not only for the current one.
func setScripts(ctx context.Context, on bool) error {
	_, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: !on})
	return err
}

// watch is what a tab's pages did that a test may not see: what they must
// never do (throw an uncaught exception, be refused something by the
// Content Security Policy, fail to load a stylesheet, script, image or
// font, open an alert, confirm or prompt dialog), and the warnings before
// leaving a page with unsaved changes, which the tab answers by leaving.
type watch struct {
	mu        sync.Mutex
	problems  []string
	failed    []failedLoad    // resources that answered an error status
	documents map[string]bool // the addresses of the pages themselves
	leaving   int
}

// failedLoad is a resource the browser's log says answered an error status.
type failedLoad struct{ url, text string }

// tabWatches holds each tab's watch, by target.
var tabWatches sync.Map

func watchTab(ctx context.Context) *watch {
	w := &watch{documents: map[string]bool{}}
	tabWatches.Store(targetOf(ctx), w)
	messages := chromedp.Console(ctx)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			switch {
			case m.IsException() || strings.Contains(m.Text, "Content Security Policy"):
				w.mu.Lock()
				w.problems = append(w.problems, fmt.Sprintf("%s (%s:%d)", m.Text, m.URL, m.Line+1))
				w.mu.Unlock()
			case strings.HasPrefix(m.Text, "Failed to load resource: the server responded with a status"):
				w.mu.Lock()
				w.failed = append(w.failed, failedLoad{url: m.URL, text: m.Text})
				w.mu.Unlock()
			}
		}
	}()
	requests := chromedp.Events(ctx, network.RequestWillBeSent)
	go func() {
		for r, err := range requests {
			if err != nil {
				return
			}
			if r.Type == network.ResourceTypeDocument && r.Request != nil {
				w.mu.Lock()
				w.documents[r.Request.URL] = true
				w.mu.Unlock()
			}
		}
	}()
	dialogs := chromedp.Events(ctx, page.JavascriptDialogOpening)
	go func() {
		for d, err := range dialogs {
			if err != nil {
				return
			}
			w.mu.Lock()
			if d.Type == page.DialogTypeBeforeunload {
				w.leaving++
			} else {
				w.problems = append(w.problems, fmt.Sprintf("a dialog (%s): %q (%s)", d.Type, d.Message, d.URL))
			}
			w.mu.Unlock()
			// Leave the page, or close the dialog.
			chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: true}) //nolint:errcheck // the tab may be gone
		}
	}()
	return w
}

// report is what the tab's pages must never do, seen so far.
func (w *watch) report(ctx context.Context) []string {
	// Let the events of the last page arrive.
	chromedp.Run(ctx, chromedp.Evaluate[chromedp.Void]("0")) //nolint:errcheck // best effort
	w.mu.Lock()
	defer w.mu.Unlock()
	out := append([]string(nil), w.problems...)
	// A page's own error status (a form's 422, a 404 page) is the test's to
	// check, and the icon the browser asks for by itself is no page's.
	for _, f := range w.failed {
		if u, err := url.Parse(f.url); !w.documents[f.url] && (err != nil || u.Path != "/favicon.ico") {
			out = append(out, fmt.Sprintf("%s (%s)", f.text, f.url))
		}
	}
	return out
}

// LeaveWarnings is how many times a page of the tab warned, as the tab
// was leaving it, that changes would be lost (a beforeunload dialog). The
// tab leaves all the same.
func LeaveWarnings(ctx context.Context) int {
	w, ok := tabWatches.Load(targetOf(ctx))
	if !ok {
		return 0
	}
	ww := w.(*watch)
	ww.mu.Lock()
	defer ww.mu.Unlock()
	return ww.leaving
}

// Navigate loads url in the tab and returns the HTTP status of the page,
// failing t if it could not be loaded at all.
func Navigate(t testing.TB, ctx context.Context, url string) int64 {
	t.Helper()
	res, err := chromedp.Run(ctx, chromedp.NavigateResponse(url))
	if err != nil {
		t.Fatalf("browsertest: loading %s: %v", url, err)
	}
	return res.Status
}

// Follow runs actions that lead to another page (a click on a link, Enter
// on a button), waits until that page has loaded and returns its HTTP
// status (after redirects: 200 for the page a 303 leads to).
func Follow(t testing.TB, ctx context.Context, actions ...chromedp.Action[chromedp.Void]) int64 {
	t.Helper()
	res, err := chromedp.RunResponse(ctx, actions...)
	if err != nil {
		t.Fatalf("browsertest: following to the next page: %v", err)
	}
	if res == nil {
		t.Fatalf("browsertest: following to the next page: no response")
	}
	return res.Status
}

// Location is the address of the tab's page.
func Location(t testing.TB, ctx context.Context) string {
	t.Helper()
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatalf("browsertest: location: %v", err)
	}
	return loc
}

// Eval evaluates a JavaScript expression in the page and returns its value,
// failing t on an error. It works with JavaScript switched off too (the
// test's script runs, not the page's).
func Eval[T any](t testing.TB, ctx context.Context, expression string) T {
	t.Helper()
	v, err := evalAnyway[T](ctx, expression, chromedp.EvalAsValue)
	if err != nil {
		t.Fatalf("browsertest: evaluating %s: %v", expression, err)
	}
	return v
}

// evalAnyway evaluates an expression, switching the tab's JavaScript on for
// the time of it if it is off. The page's own scripts stay as they were:
// they ran, or not, when the page loaded.
func evalAnyway[T any](ctx context.Context, expression string, opts ...chromedp.EvaluateOption) (T, error) {
	off, _ := noScript.Load(targetOf(ctx))
	if off == true {
		if err := setScripts(ctx, true); err != nil {
			var zero T
			return zero, err
		}
		defer setScripts(ctx, false) //nolint:errcheck // the next call reports a broken tab
	}
	return chromedp.Run(ctx, chromedp.Evaluate[T](expression, opts...))
}
