package api_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/customs-survey/surveyd/internal/dbtest"
)

func TestProblemsForBadRequests(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		e := newEnv(t, url)
		e.world()
		admin := e.tokens["admin"]
		big := `{"code":"BE","name":"` + strings.Repeat("x", 70<<10) + `"}`
		tests := []struct {
			name, method, path, token string
			body                      any
			status                    int
			kind                      string
		}{
			{"unknown route", "GET", "/api/v1/nothing-here", admin, nil, 404, "not-found"},
			{"unknown route outside the API", "GET", "/index.php", "", nil, 404, "not-found"},
			{"method not allowed", "DELETE", "/api/v1/administrations", admin, nil, 405, "method-not-allowed"},
			{"body over the limit", "POST", "/api/v1/administrations", admin, big, 413, "too-large"},
			{"malformed JSON", "POST", "/api/v1/administrations", admin, `{"code": "BE",`, 400, "malformed"},
			{"JSON of the wrong type", "POST", "/api/v1/administrations", admin, `"BE"`, 400, "malformed"},
			{"empty body", "POST", "/api/v1/administrations", admin, ``, 400, "malformed"},
			{"member of the wrong type", "POST", "/api/v1/campaigns", admin, `{"key":"x","year":"2023"}`, 422, "validation"},
			{"malformed questionnaire", "POST", "/api/v1/questionnaires", admin, `{"key":`, 400, "malformed"},
			{"questionnaire that is an array", "POST", "/api/v1/questionnaires", admin, `[1]`, 400, "malformed"},
			{"oversized questionnaire", "POST", "/api/v1/questionnaires", admin, `{"key":"` + strings.Repeat("k", 70<<10) + `"}`, 413, "too-large"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				res := e.request(tt.method, tt.path, tt.token, tt.body)
				if res.Status != tt.status {
					t.Fatalf("status %d, want %d: %s", res.Status, tt.status, res.Body)
				}
				p := res.JSON(t)
				if !strings.HasSuffix(p["type"].(string), "#"+tt.kind) || p["status"] != float64(tt.status) || p["title"] == "" {
					t.Errorf("problem %s", res.Body)
				}
			})
		}
		// None of the rejected writes left anything behind.
		list := e.list("/api/v1/administrations", admin)
		if len(list) != 3 {
			t.Errorf("administrations after rejected writes: %v", list)
		}
	})
}

func TestEveryAnswerCarriesSecurityHeaders(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		e := newEnv(t, url)
		for _, path := range []string{"/healthz", "/readyz", "/api/v1/me", "/api/v1/unknown"} {
			res := e.request("GET", path, "", nil)
			for _, h := range []string{"X-Content-Type-Options", "X-Frame-Options", "Cache-Control", "X-Request-Id"} {
				if res.Header.Get(h) == "" {
					t.Errorf("%s: no %s header", path, h)
				}
			}
		}
		if res := e.request("GET", "/readyz", "", nil); res.Status != http.StatusOK {
			t.Errorf("readyz: %d %s", res.Status, res.Body)
		}
	})
}

func TestInternalErrorsLeakNothing(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		e := newEnv(t, url)
		admin := e.tokens["admin"]
		// Closing the database under the running service: every request
		// fails, with a 503 problem that names no SQL, driver or path.
		e.store.Close()
		for _, path := range []string{"/api/v1/administrations", "/readyz"} {
			res := e.request("GET", path, admin, nil)
			if res.Status != http.StatusServiceUnavailable {
				t.Fatalf("%s: status %d, want 503: %s", path, res.Status, res.Body)
			}
			body := strings.ToLower(string(res.Body))
			for _, leak := range []string{"sql", "select", "database is closed", "gorm", "pgx", ".go:"} {
				if strings.Contains(body, leak) {
					t.Errorf("%s: the problem leaks %q: %s", path, leak, res.Body)
				}
			}
		}
	})
}
