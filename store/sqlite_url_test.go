package store

import (
	"strings"
	"testing"
)

// TestDialectOfSQLiteURLs: a sqlite:// URL names a file, with or without
// parameters; one without a path is refused at start-up, parameters or
// not, since SQLite would open a temporary database that every restart,
// and every closed connection, loses.
func TestDialectOfSQLiteURLs(t *testing.T) {
	for _, c := range []struct {
		url     string
		wantErr string
	}{
		{"sqlite://surveyd.db", ""},
		{"sqlite:///srv/surveyd.db?_pragma=mmap_size(0)", ""},
		{"sqlite://", "needs a file path"},
		{"sqlite://?_pragma=mmap_size(0)", "needs a file path"},
		{"sqlite://surveyd.db?%zz", "database URL"},
	} {
		t.Run(c.url, func(t *testing.T) {
			dialect, err := DialectOf(c.url)
			if c.wantErr == "" {
				if err != nil || dialect != "sqlite" {
					t.Fatalf("DialectOf = %q, %v; want sqlite", dialect, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), c.wantErr) {
				t.Fatalf("error %v, want one saying %q", err, c.wantErr)
			}
		})
	}
}
