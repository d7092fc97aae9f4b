package metrics

import (
	"database/sql"
	"math"
	"os"
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

// TestResidentMemoryByKind checks that, on Linux, the resident memory is
// split into its three kinds, the process's own memory and the program's
// mapped pages (file, or shared on tmpfs) above zero, and that they add
// up to the process collector's total (read at another instant: within
// 8 MiB).
func TestResidentMemoryByKind(t *testing.T) {
	if _, err := os.Stat("/proc/self/status"); err != nil {
		t.Skip("no /proc/self/status: the split is Linux's")
	}
	families, err := New().registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]float64{}
	var total float64
	for _, f := range families {
		switch f.GetName() {
		case "surveyd_process_resident_memory_bytes":
			for _, m := range f.GetMetric() {
				kinds[m.GetLabel()[0].GetValue()] = m.GetGauge().GetValue()
			}
		case "process_resident_memory_bytes":
			total = f.GetMetric()[0].GetGauge().GetValue()
		}
	}
	if len(kinds) != 3 || kinds["anonymous"] <= 0 || kinds["file"]+kinds["shared"] <= 0 {
		t.Fatalf("resident memory by kind: %v, want anonymous, file and shared, anonymous and the other two together above 0", kinds)
	}
	if sum := kinds["anonymous"] + kinds["file"] + kinds["shared"]; math.Abs(sum-total) > 8<<20 {
		t.Errorf("kinds add up to %.0f bytes, process_resident_memory_bytes is %.0f", sum, total)
	}
}
