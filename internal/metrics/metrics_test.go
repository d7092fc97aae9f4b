package metrics

import (
	"database/sql"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	_ "github.com/glebarez/go-sqlite" // a pool to watch
)

// TestMethodLabel checks that the methods HTTP defines are their own
// label, and any other word one label, "other".
func TestMethodLabel(t *testing.T) {
	for _, c := range []struct{ method, want string }{
		{"GET", "GET"}, {"POST", "POST"}, {"DELETE", "DELETE"}, {"OPTIONS", "OPTIONS"},
		{"get", "other"}, {"BREW", "other"}, {"PROPFIND", "other"}, {"", "other"},
	} {
		if got := methodLabel(c.method); got != c.want {
			t.Errorf("methodLabel(%q) = %q, want %q", c.method, got, c.want)
		}
	}
}

// TestWatchPoolReplaces checks that watching a pool again under the same
// name replaces the first (a server rebuilt over a new store), instead of
// failing or reporting both.
func TestWatchPoolReplaces(t *testing.T) {
	m := New()
	for range 2 {
		db, err := sql.Open("sqlite", ":memory:")
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		m.WatchPool(db, "sqlite")
	}
	if n, err := testutil.GatherAndCount(m.registry, "go_sql_open_connections"); err != nil || n != 1 {
		t.Errorf("go_sql_open_connections: %d series (%v), want 1", n, err)
	}
}

// TestRequestLabels checks the series a request adds: one per route,
// method and status, in the counter and the histogram alike.
func TestRequestLabels(t *testing.T) {
	m := New()
	m.Request("/api/v1/me", "GET", 200, time.Millisecond)
	m.Request("/api/v1/me", "GET", 200, time.Millisecond)
	m.Request(Unmatched, "BREW", 404, time.Millisecond)
	want := `
# HELP surveyd_http_requests_total HTTP requests answered, by route pattern, method and status.
# TYPE surveyd_http_requests_total counter
surveyd_http_requests_total{method="GET",route="/api/v1/me",status="200"} 2
surveyd_http_requests_total{method="other",route="(unmatched)",status="404"} 1
`
	if err := testutil.GatherAndCompare(m.registry, strings.NewReader(want), "surveyd_http_requests_total"); err != nil {
		t.Error(err)
	}
	if n, err := testutil.GatherAndCount(m.registry, "surveyd_http_request_duration_seconds"); err != nil || n != 2 {
		t.Errorf("surveyd_http_request_duration_seconds: %d series (%v), want 2", n, err)
	}
}

// BenchmarkRequest is what the measure middleware adds to every request.
func BenchmarkRequest(b *testing.B) {
	m := New()
	b.ReportAllocs()
	for b.Loop() {
		m.Request("/api/v1/campaigns/:key/response", "PUT", 200, 3*time.Millisecond)
	}
}
