package api_test

import (
	"net/http"
	"net/url"
	"strconv"
	"testing"

	"github.com/customs-survey/surveyd/internal/dbtest"
)

// TestAnonymousRefusalsDoNotFloodTheTrail: requests refused before anyone
// is known (no token, a forged one, bad bytes, a body that does not decode)
// add one event of each kind per client and window, not one per request.
func TestAnonymousRefusalsDoNotFloodTheTrail(t *testing.T) {
	tests := []struct {
		action string
		method string
		path   string
		token  string
		body   any
		status int
	}{
		{"user.create", "POST", "/api/v1/users", "", map[string]string{"email": "x@customs.example"}, 401},
		{"campaign.close", "POST", "/api/v1/campaigns/customs-2023/close", "junk", nil, 401},
		{"user.update", "PATCH", "/api/v1/users/%00", "", `{"disabled":true}`, 401},
		{"session.login", "POST", "/api/v1/auth/login", "", `{"email":`, 400},
		{"session.login", "POST", "/api/v1/auth/login", "", `{"email":"a\u0000b@customs.example","password":"p"}`, 422},
	}
	const calls = 200
	dbtest.Each(t, func(t *testing.T, databaseURL string) {
		e := newEnv(t, databaseURL)
		for _, tt := range tests {
			for range calls {
				if res := e.request(tt.method, tt.path, tt.token, tt.body); res.Status != tt.status {
					t.Fatalf("%s %s: status %d, want %d", tt.method, tt.path, res.Status, tt.status)
				}
			}
		}
		events := e.allAudit()
		kinds := map[string]int{}
		for _, ev := range events {
			kinds[ev.Action+" "+strconv.Itoa(ev.Status)]++
		}
		for _, tt := range tests {
			if got := kinds[tt.action+" "+strconv.Itoa(tt.status)]; got != 1 {
				t.Errorf("%s %d: %d events for %d refused calls, want 1", tt.action, tt.status, got, calls)
			}
		}
	})
}

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
