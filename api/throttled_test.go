package api

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/customs-survey/surveyd/auth"
)

// TestThrottledAnswer: whichever way the throttle's error arrives, the
// answer is the one of writeThrottled: 429, Retry-After in whole seconds
// rounded up, and a detail naming what was refused, the seconds and the
// time to try again at (rounded up to the second as well).
func TestThrottledAnswer(t *testing.T) {
	at := time.Date(2024, 3, 1, 12, 15, 30, 200_000_000, time.FixedZone("CET", 3600))
	for _, c := range []struct {
		name       string
		err        error
		retryAfter string
		detail     string
	}{
		{"a login, wrapped", fmt.Errorf("login: %w", &auth.ThrottledError{RetryAfter: 90*time.Second + time.Millisecond, At: at, Attempts: "logins"}),
			"91", "too many failed logins; retry in 91 seconds, at 2024-03-01T11:15:31Z"},
		{"a token request", &auth.ThrottledError{RetryAfter: time.Millisecond, At: at.Truncate(time.Second), Attempts: "token requests"},
			"1", "too many failed token requests; retry in 1 seconds, at 2024-03-01T11:15:30Z"},
		{"no time known", &auth.ThrottledError{RetryAfter: 2 * time.Second},
			"2", "too many failed logins; retry in 2 seconds"},
	} {
		t.Run(c.name, func(t *testing.T) {
			gin.SetMode(gin.ReleaseMode)
			rec := httptest.NewRecorder()
			ctx, _ := gin.CreateTestContext(rec)
			ctx.Request = httptest.NewRequest(http.MethodPost, "/api/v1/auth/login", nil)
			(&server{log: slog.New(slog.DiscardHandler)}).writeError(ctx, c.err)
			var p Problem
			if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil {
				t.Fatalf("not a problem: %s", rec.Body)
			}
			if rec.Code != http.StatusTooManyRequests || p.Type != problemBase+"too-many-requests" ||
				rec.Header().Get("Retry-After") != c.retryAfter || p.Detail != c.detail {
				t.Errorf("%d %s (Retry-After %q), want 429 too-many-requests with Retry-After %q and detail %q",
					rec.Code, rec.Body, rec.Header().Get("Retry-After"), c.retryAfter, c.detail)
			}
		})
	}
}
