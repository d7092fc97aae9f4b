package api

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/customs-survey/surveyd/scoring"
)

// TestRespondRefusesUnencodableValue: a JSON answer whose value cannot be
// encoded (an infinity or a NaN, which JSON has no notation for) is a
// logged 500 problem naming the request id, never a 200 with an empty or
// truncated body. The scorer never hands such a value over (see
// scoring.TestComputeNeverEmitsNonFinite); this is the guard behind it.
func TestRespondRefusesUnencodableValue(t *testing.T) {
	inf, nan := math.Inf(1), math.NaN()
	values := map[string]any{
		"a report with an infinite value": scoring.Report{Campaign: "c", Indicators: []scoring.Result{{Code: "A", Value: &inf}}},
		"a NaN inside a map":              map[string]any{"value": nan},
		"a bare infinity":                 math.Inf(-1),
	}
	for name, value := range values {
		t.Run(name, func(t *testing.T) {
			var logs bytes.Buffer
			s := &server{log: slog.New(slog.NewTextHandler(&logs, nil))}
			engine := newEngine(nil)
			engine.Use(s.logRequests)
			engine.GET("/value", func(c *gin.Context) { s.respond(c, http.StatusOK, value) })
			rec := httptest.NewRecorder()
			engine.ServeHTTP(rec, httptest.NewRequest("GET", "/value", nil))

			if rec.Code != http.StatusInternalServerError {
				t.Fatalf("status %d, want 500; body %q", rec.Code, rec.Body)
			}
			if ct := rec.Header().Get("Content-Type"); ct != "application/problem+json" {
				t.Errorf("Content-Type %q, want application/problem+json", ct)
			}
			var p Problem
			if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil || p.Status != 500 {
				t.Fatalf("the body is not a complete problem: %v %q", err, rec.Body)
			}
			id := rec.Header().Get("X-Request-ID")
			if id == "" || !strings.Contains(p.Detail, id) {
				t.Errorf("detail %q does not name the request id %q", p.Detail, id)
			}
			if line := logs.String(); !strings.Contains(line, "internal error") || !strings.Contains(line, "request_id="+id) ||
				!strings.Contains(line, "unsupported value") {
				t.Errorf("the cause is not logged with the request id: %q", line)
			}
		})
	}
}
