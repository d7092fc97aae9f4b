// Package testskip is the policy of the tests that need something a
// machine may lack (a PostgreSQL server, Chromium and axe-core): on a
// developer's machine they are skipped, with a notice on the terminal so
// that go test ./... does not hide it; in CI (the CI environment variable
// set) they fail instead, so that a run that tested less cannot pass.
package testskip

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// CI reports whether the tests run in CI.
func CI() bool { return os.Getenv("CI") != "" }

// Unavailable skips t because what (the PostgreSQL tests, the browser
// tests) cannot run here, for reason; with ci set it fails t instead.
func Unavailable(t testing.TB, ci bool, what, reason string) {
	t.Helper()
	if ci {
		t.Fatalf("%s (the CI environment variable is set, so the %s must run, not be skipped)", reason, what)
	}
	Notice(what, reason)
	t.Skip(reason)
}

var notices sync.Map // what → *sync.Once

// Notice tells the developer, once per test binary and kind, that what is
// skipped. go test ./... prints only "ok" for a package that passes, so
// without -v a t.Skip message would go unnoticed: the notice goes to the
// terminal, if there is one.
func Notice(what, reason string) {
	if testing.Verbose() {
		return // the SKIP lines say it already
	}
	once, _ := notices.LoadOrStore(what, &sync.Once{})
	once.(*sync.Once).Do(func() {
		tty, err := os.OpenFile("/dev/tty", os.O_WRONLY, 0)
		if err != nil {
			return
		}
		defer tty.Close()
		fmt.Fprintf(tty, "%s: %s skipped: %s\n", strings.TrimSuffix(filepath.Base(os.Args[0]), ".test"), what, reason)
	})
}
