package api_test

import (
	"bytes"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/customs-survey/surveyd/api"
	"github.com/customs-survey/surveyd/internal/dbtest"
)

// families is one scrape of GET /metrics, by family name.
type families map[string]*dto.MetricFamily

// scrape reads GET /metrics through the router and parses the exposition.
func (e *env) scrape() families {
	e.t.Helper()
	res := e.request("GET", "/metrics", "", nil)
	if res.Status != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/plain") {
		e.t.Fatalf("GET /metrics: %d, Content-Type %q", res.Status, res.Header.Get("Content-Type"))
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(bytes.NewReader(res.Body))
	if err != nil {
		e.t.Fatalf("GET /metrics is not the Prometheus text format: %v\n%.2000s", err, res.Body)
	}
	return fams
}

// value is the sum of the series of a family that have every one of
// labels (for a histogram, of their counts of observations); ok is false
// when there is no such series.
func (f families) value(name string, labels map[string]string) (sum float64, ok bool) {
	for _, m := range f[name].GetMetric() {
		have := map[string]string{}
		for _, l := range m.GetLabel() {
			have[l.GetName()] = l.GetValue()
		}
		matches := true
		for k, want := range labels {
			matches = matches && have[k] == want
		}
		if !matches {
			continue
		}
		ok = true
		switch {
		case m.Counter != nil:
			sum += m.Counter.GetValue()
		case m.Gauge != nil:
			sum += m.Gauge.GetValue()
		case m.Histogram != nil:
			sum += float64(m.Histogram.GetSampleCount())
		case m.Untyped != nil:
			sum += m.Untyped.GetValue()
		}
	}
	return sum, ok
}

// labelValues lists every value that a label takes in the families whose
// name starts with prefix.
func (f families) labelValues(prefix, label string) []string {
	seen := map[string]bool{}
	for name, fam := range f {
		if !strings.HasPrefix(name, prefix) {
			continue
		}
		for _, m := range fam.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == label {
					seen[l.GetValue()] = true
				}
			}
		}
	}
	return slices.Sorted(maps.Keys(seen))
}

// TestMetrics checks, through the router on both databases, that a login,
// a save and a submission, scores reports and exports move the counts of
// their families, labelled by route pattern, outcome, kind and format, and
// that the pool, password hashing, Go and process families are there.
func TestMetrics(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		e := newEnv(t, url)
		e.world()
		admin := e.tokens["admin"]
		before := e.scrape()

		e.login("resp_fr@customs.example", userPassword)
		e.submit(e.tokens["resp_be"], "customs-2023", fullAnswers())
		e.must(http.StatusOK, "GET", "/api/v1/campaigns/customs-2023/scores", admin, nil)
		for _, path := range []string{"/api/v1/campaigns/customs-2023/scores?format=csv", "/api/v1/campaigns/customs-2023/responses?format=csv"} {
			if res := e.request("GET", path, admin, nil); res.Status != http.StatusOK {
				t.Fatalf("GET %s: %d\n%s", path, res.Status, res.Body)
			}
		}
		// Refused before it began: no export is timed.
		e.request("GET", "/api/v1/campaigns/no-such-campaign/responses?format=xlsx", admin, nil)
		after := e.scrape()

		login := map[string]string{"route": "/api/v1/auth/login", "method": "POST", "status": "200"}
		for _, c := range []struct {
			name   string
			labels map[string]string
			moved  float64
		}{
			{"surveyd_http_requests_total", login, 1},
			{"surveyd_http_request_duration_seconds", login, 1},
			{"surveyd_http_requests_total", map[string]string{"route": "/api/v1/campaigns/:key/response", "method": "PUT", "status": "200"}, 1},
			{"surveyd_http_requests_total", map[string]string{"route": "/api/v1/campaigns/:key/response/submit", "method": "POST", "status": "200"}, 1},
			{"surveyd_http_requests_total", map[string]string{"route": "/api/v1/campaigns/:key/responses", "method": "GET", "status": "404"}, 1},
			{"surveyd_http_requests_total", map[string]string{"route": "/metrics", "method": "GET", "status": "200"}, 1},
			{"surveyd_submissions_total", map[string]string{"outcome": "submitted"}, 1},
			{"surveyd_submissions_total", map[string]string{"outcome": "amended"}, 0},
			{"surveyd_submission_duration_seconds", nil, 1},
			{"surveyd_scoring_duration_seconds", nil, 2},
			{"surveyd_export_duration_seconds", map[string]string{"kind": "scores", "format": "json"}, 1},
			{"surveyd_export_duration_seconds", map[string]string{"kind": "scores", "format": "csv"}, 1},
			{"surveyd_export_duration_seconds", map[string]string{"kind": "responses", "format": "csv"}, 1},
			{"surveyd_export_duration_seconds", map[string]string{"kind": "responses", "format": "xlsx"}, 0},
		} {
			was, _ := before.value(c.name, c.labels)
			now, ok := after.value(c.name, c.labels)
			if !ok || now-was != c.moved {
				t.Errorf("%s %v: %v then %v (found: %v), want a move of %v", c.name, c.labels, was, now, ok, c.moved)
			}
		}

		pool := map[string]string{"db_name": e.store.Dialect()}
		for _, c := range []struct {
			name    string
			labels  map[string]string
			atLeast float64
		}{
			{"go_sql_open_connections", pool, 1},
			{"go_sql_in_use_connections", pool, 0},
			{"go_sql_idle_connections", pool, 0},
			{"go_sql_wait_count_total", pool, 0},
			{"go_sql_wait_duration_seconds_total", pool, 0},
			{"surveyd_password_hashes_in_flight", nil, 0},
			{"surveyd_password_hash_slots", nil, 1},
			{"go_goroutines", nil, 1},
			{"process_cpu_seconds_total", nil, 0},
		} {
			if v, ok := after.value(c.name, c.labels); !ok || v < c.atLeast {
				t.Errorf("%s %v: %v (found: %v), want at least %v", c.name, c.labels, v, ok, c.atLeast)
			}
		}
		// On SQLite, the pool that exports read through, which the
		// export above used; PostgreSQL has none.
		exportsPool := map[string]string{"db_name": e.store.Dialect() + "_exports"}
		v, ok := after.value("go_sql_max_open_connections", exportsPool)
		if want := e.store.Dialect() == "sqlite"; ok != want || (ok && v < 1) {
			t.Errorf("go_sql_max_open_connections %v: %v (found: %v), want found: %v", exportsPool, v, ok, want)
		}
	})
}

// TestMetricsLabelsAreBounded checks that requests for paths no route
// takes, or with methods HTTP does not define, add no label value: they
// are counted under "(unmatched)" and "other", never under their own path
// or word.
func TestMetricsLabelsAreBounded(t *testing.T) {
	e := &env{t: t, handler: api.NewServer(api.Config{}, api.Deps{})} // no database: unknown paths need none
	e.request("GET", "/no-such-page-0", "", nil)
	e.request("BREW", "/api/v1/no-such-pot-0", "", nil)
	e.scrape()
	first := e.scrape()
	unknown := []struct{ method, path string }{
		{"GET", "/no-such-page-1"},
		{"GET", "/api/v1/no-such-endpoint-2/deeper"},
		{"POST", "/api/v1/campaigns/no-such-campaign-3/nonsense"},
		{"BREW", "/api/v1/no-such-pot-4"},
		{"DELETE", "/api/v1/healthz"}, // a route, but not with this method
	}
	for _, u := range unknown {
		if res := e.request(u.method, u.path, "", nil); res.Status != http.StatusNotFound && res.Status != http.StatusMethodNotAllowed {
			t.Fatalf("%s %s: %d, want 404 or 405", u.method, u.path, res.Status)
		}
	}
	second := e.scrape()
	if a, b := first.labelValues("surveyd_http_", "route"), second.labelValues("surveyd_http_", "route"); !slices.Equal(a, b) ||
		!slices.Equal(b, []string{"(unmatched)", "/metrics"}) {
		t.Errorf("routes %q, then %q after requests for unknown paths, want only (unmatched) and /metrics", a, b)
	}
	for _, m := range second.labelValues("surveyd_http_", "method") {
		if !slices.Contains([]string{"GET", "POST", "DELETE", "other"}, m) {
			t.Errorf("method %q, want only the methods sent that HTTP defines, and other", m)
		}
	}
	for _, c := range []struct {
		labels map[string]string
		moved  float64
	}{
		{map[string]string{"route": "(unmatched)"}, float64(len(unknown))},
		{map[string]string{"route": "(unmatched)", "method": "other"}, 1},
		{map[string]string{"route": "(unmatched)", "method": "DELETE", "status": "405"}, 1},
	} {
		was, _ := first.value("surveyd_http_requests_total", c.labels)
		now, _ := second.value("surveyd_http_requests_total", c.labels)
		if now-was != c.moved {
			t.Errorf("requests %v: %v then %v, want a move of %v", c.labels, was, now, c.moved)
		}
	}
}

// TestMetricsElsewhere checks that a server whose metrics have a listener
// of their own does not serve them on its routes.
func TestMetricsElsewhere(t *testing.T) {
	e := &env{t: t, handler: api.NewServer(api.Config{MetricsElsewhere: true}, api.Deps{})}
	res := e.request("GET", "/metrics", "", nil)
	if res.Status != http.StatusNotFound || bytes.Contains(res.Body, []byte("surveyd_")) {
		t.Errorf("GET /metrics: %d\n%s\nwant 404 without metrics", res.Status, res.Body)
	}
	for _, r := range api.RoutesForTest(e.handler) {
		if r.Path == "/metrics" {
			t.Errorf("%s %s is a route", r.Method, r.Path)
		}
	}
}

// TestMetricsNamePagesByPattern checks that a request the pages take is
// counted under the pattern of the page, without its method, and one that
// no page takes either under "(unmatched)".
func TestMetricsNamePagesByPattern(t *testing.T) {
	pages := http.NewServeMux()
	pages.HandleFunc("GET /campaigns/{key}", func(w http.ResponseWriter, r *http.Request) {})
	e := &env{t: t, handler: api.NewServer(api.Config{}, api.Deps{Pages: pages})}
	for _, path := range []string{"/campaigns/customs-2023", "/campaigns/customs-2024", "/no-such-page"} {
		req := httptest.NewRequest("GET", path, nil)
		e.handler.ServeHTTP(httptest.NewRecorder(), req)
	}
	f := e.scrape()
	for _, c := range []struct {
		labels map[string]string
		want   float64
	}{
		{map[string]string{"route": "/campaigns/{key}", "method": "GET", "status": "200"}, 2},
		{map[string]string{"route": "(unmatched)", "method": "GET", "status": "404"}, 1},
	} {
		if got, _ := f.value("surveyd_http_requests_total", c.labels); got != c.want {
			t.Errorf("requests %v: %v, want %v", c.labels, got, c.want)
		}
	}
}
