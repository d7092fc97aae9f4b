package api_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/customs-survey/surveyd/internal/dbtest"
)

// TestThrottledAnonymousRequestsDoNotFloodTheTrail: junk logins, refreshes
// and logouts from one client are throttled, and once they are, the trail
// records the first refusal of the window only: before, each of 1,000 junk
// calls added a row.
func TestThrottledAnonymousRequestsDoNotFloodTheTrail(t *testing.T) {
	tests := []struct {
		action string
		path   string
		body   any
	}{
		{"session.login", "/api/v1/auth/login", map[string]string{"email": adminEmail, "password": "not the password"}},
		{"session.refresh", "/api/v1/auth/refresh", map[string]string{"refresh_token": "junk"}},
		{"session.logout", "/api/v1/auth/logout", map[string]string{"refresh_token": "junk"}},
	}
	const calls = 300
	for _, tt := range tests {
		t.Run(tt.action, func(t *testing.T) {
			dbtest.Each(t, func(t *testing.T, databaseURL string) {
				e := newEnv(t, databaseURL)
				statuses := map[int]int{}
				for range calls {
					statuses[e.request("POST", tt.path, "", tt.body).Status]++
				}
				if statuses[http.StatusTooManyRequests] == 0 {
					t.Fatalf("statuses %v: the client was never throttled", statuses)
				}
				page, _ := e.auditPage(url.Values{"action": {tt.action}, "limit": {"500"}})
				recorded := map[int]int{}
				for _, ev := range page.Events {
					recorded[ev.Status]++
				}
				if recorded[http.StatusTooManyRequests] != 1 {
					t.Errorf("%d refusals (429) recorded, want the first only; answered %v", recorded[http.StatusTooManyRequests], statuses)
				}
				for status, n := range statuses {
					if status != http.StatusTooManyRequests && recorded[status] != n {
						t.Errorf("status %d: %d answered, %d recorded", status, n, recorded[status])
					}
				}
				t.Logf("%d calls answered %v; recorded %v", calls, statuses, recorded)
			})
		})
	}
}
