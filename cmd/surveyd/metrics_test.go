package main

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/customs-survey/surveyd/internal/dbtest"
)

// TestMetricsListener checks where surveyd serves GET /metrics: on the
// main address by default; with SURVEY_METRICS_ADDR on that listener of its
// own, which serves nothing else, and no longer on the main address.
func TestMetricsListener(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		for _, c := range []struct {
			name        string
			metricsAddr string
		}{
			{name: "on the main address"},
			{name: "on a listener of its own", metricsAddr: "127.0.0.1:0"},
		} {
			t.Run(c.name, func(t *testing.T) {
				s := startServer(t, map[string]string{"SURVEY_DATABASE_URL": url, "SURVEY_METRICS_ADDR": c.metricsAddr,
					"SURVEY_PAGES": "off"})
				defer s.stop(t)
				metricsBase := s.base
				if c.metricsAddr != "" {
					metricsBase = s.metricsBase(t)
					if status, body := get(t, s.base+"/metrics"); status != http.StatusNotFound || strings.Contains(body, "surveyd_") {
						t.Errorf("GET /metrics on the main address: %d, want 404 without metrics\n%.300s", status, body)
					}
					if status, _ := get(t, metricsBase+"/healthz"); status != http.StatusNotFound {
						t.Errorf("GET /healthz on the metrics listener: %d, want 404", status)
					}
				}
				// startServer waited for GET /readyz on the main address: it is
				// counted, and so is the pool of the database it checked.
				status, body := get(t, metricsBase+"/metrics")
				if status != http.StatusOK {
					t.Fatalf("GET /metrics: %d\n%.300s", status, body)
				}
				for _, want := range []string{`surveyd_http_requests_total{method="GET",route="/readyz",status="200"}`,
					"go_sql_in_use_connections{db_name=", "surveyd_password_hashes_in_flight ", "process_cpu_seconds_total "} {
					if !strings.Contains(body, want) {
						t.Errorf("GET /metrics lacks %s", want)
					}
				}
			})
		}
	})
}

// metricsBase is the address that serve printed for its metrics listener.
func (s *server) metricsBase(t *testing.T) string {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if _, rest, ok := strings.Cut(s.stdout.String(), "surveyd metrics on "); ok {
			if line, _, ok := strings.Cut(rest, "\n"); ok {
				return "http://" + line
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("serve printed no metrics address; stdout:\n%s", s.stdout.String())
	return ""
}

// get sends GET url and returns the status and the body.
func get(t *testing.T, url string) (int, string) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, string(body)
}

// TestMetricsAddrIsChecked checks that a SURVEY_METRICS_ADDR that is not an
// address stops the command before it serves anything.
func TestMetricsAddrIsChecked(t *testing.T) {
	for _, c := range []struct {
		value string
		ok    bool
	}{
		{"", true}, {":9090", true}, {"127.0.0.1:0", true}, {"[::1]:9090", true},
		{"9090", false}, {"localhost", false}, {"[::1", false},
	} {
		_, _, err := loadConfig("serve", nil, func(k string) string {
			if k == "SURVEY_METRICS_ADDR" {
				return c.value
			}
			return ""
		}, nil)
		if (err == nil) != c.ok || err != nil && !strings.Contains(err.Error(), "SURVEY_METRICS_ADDR") {
			t.Errorf("SURVEY_METRICS_ADDR=%q: %v, want ok %v", c.value, err, c.ok)
		}
	}
}
