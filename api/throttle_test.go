package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/customs-survey/surveyd/auth"
	"github.com/customs-survey/surveyd/internal/dbtest"
)

// stepClock is a clock that stands still until it is moved, so that every
// request of a burst begins at the same instant, whatever the scheduler
// does.
type stepClock struct{ ns atomic.Int64 }

func newStepClock() *stepClock {
	c := &stepClock{}
	c.ns.Store(time.Now().UnixNano())
	return c
}

func (c *stepClock) now() time.Time          { return time.Unix(0, c.ns.Load()) }
func (c *stepClock) advance(d time.Duration) { c.ns.Add(int64(d)) }

// throttleInstance is one server process with the given throttle and
// clock (newInstance).
func throttleInstance(t *testing.T, databaseURL string, throttle auth.Throttle, now func() time.Time) http.Handler {
	t.Helper()
	_, h := newInstance(t, databaseURL, throttle, now, 64<<10)
	return h
}

// call is one request of a burst.
type call struct {
	handler http.Handler
	path    string
	from    string // client address
	token   string // bearer token, if any
	body    any
}

// answered is one answer of a burst.
type answered struct {
	status     int
	retryAfter string
	body       []byte
}

// send serves one call through its router.
func send(t *testing.T, c call) answered {
	t.Helper()
	var raw []byte
	switch b := c.body.(type) {
	case nil:
	case string:
		raw = []byte(b) // sent verbatim
	default:
		var err error
		if raw, err = json.Marshal(b); err != nil {
			t.Fatal(err)
		}
	}
	req := httptest.NewRequest(http.MethodPost, c.path, bytes.NewReader(raw))
	req.RemoteAddr = c.from + ":40000"
	req.Header.Set("Content-Type", "application/json")
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	sent := req.Clone(context.Background())
	rec := httptest.NewRecorder()
	c.handler.ServeHTTP(rec, req)
	checkContract(t, sent, raw, result{Status: rec.Code, Header: rec.Header(), Body: rec.Body.Bytes()})
	return answered{status: rec.Code, retryAfter: rec.Header().Get("Retry-After"), body: rec.Body.Bytes()}
}

// burst sends every call at once, each from a goroutine of its own released
// together with the others, and returns the answers in the calls' order.
func burst(t *testing.T, calls []call) []answered {
	t.Helper()
	out := make([]answered, len(calls))
	var ready, done sync.WaitGroup
	start := make(chan struct{})
	for i, c := range calls {
		ready.Add(1)
		done.Add(1)
		go func() {
			defer done.Done()
			ready.Done()
			<-start
			out[i] = send(t, c)
		}()
	}
	ready.Wait()
	close(start)
	done.Wait()
	return out
}

// tally counts the answers of a burst by status.
func tally(answers []answered) map[int]int {
	n := map[int]int{}
	for _, a := range answers {
		n[a.status]++
	}
	return n
}

// checkThrottled fails unless every answer of a burst is one of ok (the
// answers of a request that was let through) or a 429 with Retry-After, and
// at most limit (and at least one) were let through. A 503 (password
// hashing at capacity) is a request that was let through but not checked:
// it is allowed and not counted.
func checkThrottled(t *testing.T, answers []answered, limit int, ok ...int) {
	t.Helper()
	counts := tally(answers)
	through := 0
	for _, status := range ok {
		through += counts[status]
	}
	for _, a := range answers {
		switch {
		case a.status == http.StatusTooManyRequests:
			if secs, err := strconv.Atoi(a.retryAfter); err != nil || secs < 1 {
				t.Errorf("429 with Retry-After %q", a.retryAfter)
			}
		case a.status == http.StatusServiceUnavailable:
		case !contains(ok, a.status):
			t.Errorf("unexpected answer %d: %s", a.status, a.body)
		}
	}
	t.Logf("answers by status: %v (let through: %d, limit %d)", counts, through, limit)
	if through > limit {
		t.Errorf("%d requests were let through, limit %d", through, limit)
	}
	if through == 0 && counts[http.StatusServiceUnavailable] == 0 {
		t.Errorf("no request was let through")
	}
}

func contains(list []int, v int) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// loginBody is the body of a login.
func loginBody(email, password string) map[string]string {
	return map[string]string{"email": email, "password": password}
}

// TestLoginThrottleHoldsUnderConcurrency fires simultaneous logins at one
// server: however many arrive together, at most the throttle's number of
// passwords are checked (answered 200 or 401), and the others answer 429.
// TestLoginThrottleHoldsWhateverTheServersIsolation runs the burst of 40
// wrong guesses against a PostgreSQL whose default isolation is REPEATABLE
// READ: a count taken in a snapshot older than the lock it waited for would
// miss the attempts committed meanwhile (9 checks instead of 5 were seen).
func TestLoginThrottleHoldsWhateverTheServersIsolation(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, databaseURL string) {
		if !strings.HasPrefix(databaseURL, "postgres") {
			t.Skip("SQLite has one isolation level")
		}
		u, err := url.Parse(databaseURL)
		if err != nil {
			t.Fatal(err)
		}
		q := u.Query()
		q.Set("default_transaction_isolation", "repeatable read")
		u.RawQuery = q.Encode()
		clock := newStepClock()
		h := throttleInstance(t, u.String(), auth.DefaultThrottle, clock.now)
		clock.advance(time.Second)
		calls := make([]call, 40)
		for i := range calls {
			calls[i] = call{handler: h, path: "/api/v1/auth/login", from: "192.0.2.1",
				body: loginBody(adminEmail, fmt.Sprintf("wrong guess %03d", i))}
		}
		checkThrottled(t, burst(t, calls), 5, http.StatusOK, http.StatusUnauthorized)
	})
}

func TestLoginThrottleHoldsUnderConcurrency(t *testing.T) {
	small := auth.Throttle{MaxPerAccount: 5, MaxPerAddress: 10, Window: 15 * time.Minute}
	tests := []struct {
		name     string
		throttle auth.Throttle
		n        int
		body     func(i int) map[string]string
		limit    int
	}{
		{"40 wrong guesses for one account", auth.DefaultThrottle, 40,
			func(i int) map[string]string { return loginBody(adminEmail, fmt.Sprintf("wrong guess %03d", i)) }, 5},
		{"20 guesses for one account, one of them right", auth.DefaultThrottle, 20,
			func(i int) map[string]string {
				if i == 13 {
					return loginBody(adminEmail, adminPassword)
				}
				return loginBody(adminEmail, fmt.Sprintf("wrong guess %03d", i))
			}, 5},
		{"40 guesses for 40 unknown accounts from one address", small, 40,
			func(i int) map[string]string {
				return loginBody(fmt.Sprintf("nobody%03d@customs.example", i), "wrong guess 123")
			}, 10},
		{"40 guesses for one account from 40 addresses", small, 40,
			func(i int) map[string]string { return loginBody(adminEmail, fmt.Sprintf("wrong guess %03d", i)) }, 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dbtest.Each(t, func(t *testing.T, url string) {
				clock := newStepClock()
				h := throttleInstance(t, url, tt.throttle, clock.now)
				clock.advance(time.Second)
				calls := make([]call, tt.n)
				for i := range calls {
					from := "192.0.2.1"
					if tt.name == "40 guesses for one account from 40 addresses" {
						from = "198.51.100." + strconv.Itoa(i+1)
					}
					calls[i] = call{handler: h, path: "/api/v1/auth/login", from: from, body: tt.body(i)}
				}
				checkThrottled(t, burst(t, calls), tt.limit, http.StatusOK, http.StatusUnauthorized)
			})
		})
	}
}

// TestLoginThrottleIsSharedByServerProcesses sends a burst of logins to two
// server instances over one database, half to each: the limits hold for
// the two together.
func TestLoginThrottleIsSharedByServerProcesses(t *testing.T) {
	small := auth.Throttle{MaxPerAccount: 5, MaxPerAddress: 10, Window: 15 * time.Minute}
	tests := []struct {
		name  string
		body  func(i int) map[string]string
		limit int
	}{
		{"one account", func(i int) map[string]string { return loginBody(adminEmail, fmt.Sprintf("wrong guess %03d", i)) }, 5},
		{"one address", func(i int) map[string]string {
			return loginBody(fmt.Sprintf("nobody%03d@customs.example", i), "wrong guess 123")
		}, 10},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dbtest.Each(t, func(t *testing.T, url string) {
				clock := newStepClock()
				servers := []http.Handler{throttleInstance(t, url, small, clock.now), throttleInstance(t, url, small, clock.now)}
				clock.advance(time.Second)
				calls := make([]call, 40)
				for i := range calls {
					calls[i] = call{handler: servers[i%2], path: "/api/v1/auth/login", from: "192.0.2.1", body: tt.body(i)}
				}
				checkThrottled(t, burst(t, calls), tt.limit, http.StatusOK, http.StatusUnauthorized)
			})
		})
	}
}

// TestAnonymousTokenEndpointsAreThrottled sends junk refresh and logout
// requests from one address: each counts against the address, and past
// the limit every refresh or logout from it answers 429 before any other
// work (a valid token included), while other addresses, and logins from
// the same address, are not affected.
func TestAnonymousTokenEndpointsAreThrottled(t *testing.T) {
	limit := auth.DefaultThrottle.MaxPerAddress
	junk := []struct {
		name  string
		path  string
		token string
		body  any
	}{
		{"unknown refresh token", "/api/v1/auth/refresh", "", map[string]string{"refresh_token": "made-up"}},
		{"no refresh token", "/api/v1/auth/refresh", "", map[string]string{}},
		{"not JSON", "/api/v1/auth/refresh", "", "{"},
		{"logout with an unknown refresh token", "/api/v1/auth/logout", "", map[string]string{"refresh_token": "made-up"}},
		{"logout with a forged access token", "/api/v1/auth/logout", "not.a.jwt", nil},
		{"logout with nothing", "/api/v1/auth/logout", "", nil},
	}
	dbtest.Each(t, func(t *testing.T, url string) {
		clock := newStepClock()
		h := throttleInstance(t, url, auth.DefaultThrottle, clock.now)
		login := func(from string) map[string]any {
			t.Helper()
			a := send(t, call{handler: h, path: "/api/v1/auth/login", from: from, body: loginBody(adminEmail, adminPassword)})
			if a.status != http.StatusOK {
				t.Fatalf("login from %s: %d %s", from, a.status, a.body)
			}
			var m map[string]any
			json.Unmarshal(a.body, &m)
			return m
		}
		other := login("203.0.113.9")
		mine := login("192.0.2.1")
		clock.advance(time.Second)

		// Twice the limit of junk at once, from one address.
		calls := make([]call, 2*limit)
		for i := range calls {
			j := junk[i%len(junk)]
			calls[i] = call{handler: h, path: j.path, from: "192.0.2.1", token: j.token, body: j.body}
		}
		checkThrottled(t, burst(t, calls), limit, http.StatusUnauthorized, http.StatusNoContent,
			http.StatusBadRequest, http.StatusUnprocessableEntity)

		// Past the limit, even a valid token is refused from that address.
		for _, j := range []call{
			{path: "/api/v1/auth/refresh", body: map[string]string{"refresh_token": mine["refresh_token"].(string)}},
			{path: "/api/v1/auth/logout", token: mine["access_token"].(string)},
		} {
			j.handler, j.from = h, "192.0.2.1"
			if a := send(t, j); a.status != http.StatusTooManyRequests || a.retryAfter == "" {
				t.Errorf("%s from the throttled address: %d (Retry-After %q), want 429", j.path, a.status, a.retryAfter)
			}
		}
		// Another address refreshes and logs out as usual.
		a := send(t, call{handler: h, path: "/api/v1/auth/refresh", from: "203.0.113.9",
			body: map[string]string{"refresh_token": other["refresh_token"].(string)}})
		if a.status != http.StatusOK {
			t.Fatalf("refresh from another address: %d %s", a.status, a.body)
		}
		var next map[string]any
		json.Unmarshal(a.body, &next)
		if a := send(t, call{handler: h, path: "/api/v1/auth/logout", from: "203.0.113.9",
			body: map[string]string{"refresh_token": next["refresh_token"].(string)}}); a.status != http.StatusNoContent {
			t.Errorf("logout from another address: %d %s", a.status, a.body)
		}
		// Logins have their own counter: the address can still log in.
		login("192.0.2.1")
		// The window passes, and the address is free again.
		clock.advance(auth.DefaultThrottle.Window + time.Second)
		if a := send(t, call{handler: h, path: "/api/v1/auth/refresh", from: "192.0.2.1",
			body: map[string]string{"refresh_token": mine["refresh_token"].(string)}}); a.status != http.StatusOK {
			t.Errorf("refresh after the window: %d %s", a.status, a.body)
		}
	})
}

// TestSuccessfulLoginForgivesTheAccountsFailures: a successful login
// forgives the account's failures (for the logins after it), not the
// address's.
func TestSuccessfulLoginForgivesTheAccountsFailures(t *testing.T) {
	small := auth.Throttle{MaxPerAccount: 5, MaxPerAddress: 12, Window: 15 * time.Minute}
	dbtest.Each(t, func(t *testing.T, url string) {
		clock := newStepClock()
		h := throttleInstance(t, url, small, clock.now)
		login := func(email, password string, want int) {
			t.Helper()
			clock.advance(time.Millisecond)
			a := send(t, call{handler: h, path: "/api/v1/auth/login", from: "192.0.2.1", body: loginBody(email, password)})
			if a.status != want {
				t.Fatalf("login %s: %d, want %d: %s", email, a.status, want, a.body)
			}
		}
		for range 4 {
			login(adminEmail, "wrong guess 123", http.StatusUnauthorized)
		}
		login(adminEmail, adminPassword, http.StatusOK)
		// The account starts afresh: five more failures before 429.
		for range 5 {
			login(adminEmail, "wrong guess 123", http.StatusUnauthorized)
		}
		login(adminEmail, adminPassword, http.StatusTooManyRequests)
		// The address keeps its 9 failures: 3 more for other accounts.
		for i := range 3 {
			login(fmt.Sprintf("nobody%d@customs.example", i), "wrong guess 123", http.StatusUnauthorized)
		}
		login("nobody9@customs.example", "wrong guess 123", http.StatusTooManyRequests)
	})
}
