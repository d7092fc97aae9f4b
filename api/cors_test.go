package api

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestCORS(t *testing.T) {
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusOK) })
	tests := []struct {
		name, origin, method, preflight string
		origins                         []string
		status                          int
		allowed                         string
	}{
		{"off by default", "https://evil.example", "GET", "", nil, 200, ""},
		{"off by default, preflight passes through", "https://evil.example", "OPTIONS", "POST", nil, 200, ""},
		{"configured origin", "https://survey.example.eu", "GET", "", []string{"https://survey.example.eu"}, 200, "https://survey.example.eu"},
		{"configured origin, preflight", "https://survey.example.eu", "OPTIONS", "PUT", []string{"https://survey.example.eu"}, 204, "https://survey.example.eu"},
		{"other origin", "https://evil.example", "GET", "", []string{"https://survey.example.eu"}, 200, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(tt.method, "/api/v1/me", nil)
			req.Header.Set("Origin", tt.origin)
			if tt.preflight != "" {
				req.Header.Set("Access-Control-Request-Method", tt.preflight)
			}
			rec := httptest.NewRecorder()
			withCORS(tt.origins, ok).ServeHTTP(rec, req)
			if rec.Code != tt.status || rec.Header().Get("Access-Control-Allow-Origin") != tt.allowed {
				t.Errorf("status %d, allow-origin %q; want %d, %q", rec.Code, rec.Header().Get("Access-Control-Allow-Origin"), tt.status, tt.allowed)
			}
		})
	}
	if got := ParseOrigins(" https://a.example/ ,, https://b.example"); len(got) != 2 || got[0] != "https://a.example" {
		t.Errorf("ParseOrigins: %q", got)
	}
}
