package web_test

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

// TestPagesAreMeasured: a submission and a scores page served by the
// pages count in /metrics, as the API's do.
func TestPagesAreMeasured(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.world()
		scrape := func() string {
			t.Helper()
			res, err := http.Get(e.server.URL + "/metrics")
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			b, _ := io.ReadAll(res.Body)
			return string(b)
		}
		const submitted = `surveyd_submissions_total{outcome="submitted"} 1`
		const scored = "surveyd_scoring_duration_seconds_count 1"
		if m := scrape(); strings.Contains(m, submitted) || strings.Contains(m, scored) {
			t.Fatalf("counted before anything was done:\n%s", m)
		}
		e.respSignIn(respBE).respSaveAndSubmit(t, respComplete())
		if p := staffSignIn(e, "admin").get("/campaigns/" + respKey + "/scores"); p.Status != http.StatusOK {
			t.Fatalf("scores page: %d", p.Status)
		}
		m := scrape()
		for _, want := range []string{submitted, scored} {
			if !strings.Contains(m, want) {
				t.Errorf("/metrics does not say %q", want)
			}
		}
	})
}
