package api

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/customs-survey/surveyd/auth"
	"github.com/customs-survey/surveyd/auth/passwords"
)

// TestProblemsOfTheAuthLimits checks the answers to the errors of the
// throttle and of the password hashing budget, as every handler that logs
// in, refreshes, logs out, changes a password or creates a user writes
// them (the errors arrive wrapped).
func TestProblemsOfTheAuthLimits(t *testing.T) {
	tests := []struct {
		name       string
		err        error
		status     int
		kind       string
		retryAfter string
		detail     string
	}{
		{"password hashing at capacity", fmt.Errorf("create user: %w", passwords.ErrBusy), 503, "unavailable", "1", "busy checking passwords"},
		{"too many failed logins", fmt.Errorf("login: %w", &auth.ThrottledError{RetryAfter: 90*time.Second + time.Millisecond, Attempts: "logins"}),
			429, "too-many-requests", "91", "too many failed logins"},
		{"too many failed token requests", &auth.ThrottledError{RetryAfter: time.Millisecond, Attempts: "token requests"},
			429, "too-many-requests", "1", "too many failed token requests"},
	}
	gin.SetMode(gin.ReleaseMode)
	s := &server{log: slog.New(slog.DiscardHandler)}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			c, _ := gin.CreateTestContext(rec)
			c.Request = httptest.NewRequest(http.MethodPost, "/api/v1/auth/login", nil)
			s.writeError(c, tt.err)
			var p Problem
			if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil {
				t.Fatalf("not a problem: %s", rec.Body)
			}
			if rec.Code != tt.status || !strings.HasSuffix(p.Type, "#"+tt.kind) || rec.Header().Get("Retry-After") != tt.retryAfter ||
				!strings.Contains(p.Detail, tt.detail) {
				t.Errorf("%d %s (Retry-After %q), want %d #%s with Retry-After %q and %q in the detail",
					rec.Code, rec.Body, rec.Header().Get("Retry-After"), tt.status, tt.kind, tt.retryAfter, tt.detail)
			}
		})
	}
}
