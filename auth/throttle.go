package auth

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"time"
)

// Throttle is the policy for anonymous attempts that can fail: logins (and
// password changes) per account and per client address, and refreshes and
// logouts per client address.
//
// Each attempt is counted before it is carried out: in one step that
// serialises with every other attempt on the same account or address, in
// every process sharing the database, the attempts of the window are counted
// and, under the limits, this one is recorded; only then is the password (or
// token) checked. So however many requests arrive at once, within Window at
// most MaxPerAccount passwords of one account are checked (since its last
// successful login) and MaxPerAddress from one address. An attempt under way
// counts as a failure until it succeeds, so that no more than MaxPerAccount
// logins of one account can be under way at once. A failed attempt stays
// recorded; a successful login forgives its own record and the account's
// failures, for the attempts that begin after it (attempts already under way
// still count them); a successful refresh or logout forgives its own record.
// An attempt that could not be carried out (password hashing at capacity,
// the client gone, the database failing) is taken back.
//
// Refreshes and logouts are counted in a counter of their own per address,
// with the limit MaxPerAddress: expired refresh tokens of an office's
// officials must not lock the office's address out of logging in.
type Throttle struct {
	MaxPerAccount int
	MaxPerAddress int
	Window        time.Duration
}

// DefaultThrottle follows OWASP's advice for a soft lockout.
// The address limit is high enough for an office of officials mistyping
// their passwords behind one NAT address, and low enough to stop guessing.
var DefaultThrottle = Throttle{MaxPerAccount: 5, MaxPerAddress: 100, Window: 15 * time.Minute}

// ThrottleLimit is one counter an attempt is checked against: at most Max
// attempts recorded under Scope within the window. Record says whether the
// attempt is also recorded under Scope, or only checked against it.
type ThrottleLimit struct {
	Scope  string
	Max    int
	Record bool
}

// Reservation names the records that Store.ReserveAttempt made for one
// attempt.
type Reservation struct {
	IDs []int64
}

// ThrottledError means too many failed attempts; try again after
// RetryAfter.
type ThrottledError struct {
	RetryAfter time.Duration
	// At is when the attempt may be made again: the start of the refused
	// attempt plus RetryAfter, for a message that names the time.
	At time.Time
	// Attempts names what was refused: "logins" or "token requests".
	Attempts string
}

// RetryAfterSeconds is RetryAfter in whole seconds, rounded up, at least
// one: the value of a Retry-After header.
func (e *ThrottledError) RetryAfterSeconds() string {
	return strconv.Itoa(max(1, int(math.Ceil(e.RetryAfter.Seconds()))))
}

// RetryAt is At, in UTC to the second (rounded up, as RetryAfterSeconds
// is), as RFC 3339: the time a message names.
func (e *ThrottledError) RetryAt() string {
	return e.At.UTC().Add(time.Second - 1).Truncate(time.Second).Format(time.RFC3339)
}

func (e *ThrottledError) Error() string {
	what := e.Attempts
	if what == "" {
		what = "attempts"
	}
	return fmt.Sprintf("too many failed %s, retry after %s", what, e.RetryAfter)
}

// AccountScope is the scope of the throttle's counters of the account with
// that (normalised) e-mail, whose attempts go with the account.
func AccountScope(email string) string { return "account:" + email }

// The scopes of the throttle's counters of a client address.
func addressScope(address string) string { return "address:" + address }
func tokenScope(address string) string   { return "token:" + address }

// settleTimeout bounds the write that settles an attempt, which must happen
// even when the client has gone away.
const settleTimeout = 5 * time.Second

// attempt is one throttled attempt under way.
type attempt struct {
	s   *Service
	res Reservation
}

// reserve counts an attempt against limits and records it; past a limit it
// fails with a *ThrottledError naming what.
func (s *Service) reserve(ctx context.Context, what string, limits ...ThrottleLimit) (*attempt, error) {
	start := s.now().UTC()
	res, err := s.store.ReserveAttempt(ctx, limits, start, s.throttle.Window, func(counted [][]time.Time) error {
		return s.throttle.check(what, limits, counted, start)
	})
	if err != nil {
		return nil, err
	}
	return &attempt{s: s, res: res}, nil
}

// check refuses an attempt that began at start when a limit is reached:
// its scope holds Max or more attempts within the window (counted[i], the
// times of limits[i]'s, oldest first). RetryAfter is then the time until
// every such scope drops below its Max: until the (n-Max+1)th oldest
// attempt leaves the window.
func (t Throttle) check(what string, limits []ThrottleLimit, counted [][]time.Time, start time.Time) error {
	var wait time.Duration
	for i, l := range limits {
		n := len(counted[i])
		if n < l.Max {
			continue
		}
		w := t.Window
		if l.Max > 0 {
			w = counted[i][n-l.Max].Add(t.Window).Sub(start)
		}
		wait = max(wait, w)
	}
	if wait > 0 {
		return &ThrottledError{RetryAfter: wait, At: start.Add(wait), Attempts: what}
	}
	return nil
}

// release takes back an attempt that was not carried out. It is best
// effort: a record left behind only counts as a failure.
func (a *attempt) release(ctx context.Context) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), settleTimeout)
	defer cancel()
	_ = a.s.store.ReleaseAttempt(ctx, a.res)
}

// forgive settles a successful attempt, and forgives the failures of scope
// too when it is not empty.
func (a *attempt) forgive(ctx context.Context, scope string) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), settleTimeout)
	defer cancel()
	return a.s.store.ForgiveAttempts(ctx, a.res, scope, a.s.now().UTC())
}

// TokenAttempt is a refresh or a logout under way, counted against its
// client address. It counts as a failure unless Succeeded is called.
type TokenAttempt struct{ a *attempt }

// BeginTokenAttempt counts a refresh or logout request against its client
// address before anything else is done with it. Past the limit it fails
// with a *ThrottledError.
func (s *Service) BeginTokenAttempt(ctx context.Context, address string) (*TokenAttempt, error) {
	a, err := s.reserve(ctx, "token requests",
		ThrottleLimit{Scope: tokenScope(address), Max: s.throttle.MaxPerAddress, Record: true})
	if err != nil {
		return nil, err
	}
	return &TokenAttempt{a: a}, nil
}

// Succeeded forgives the attempt: the token was valid.
func (t *TokenAttempt) Succeeded(ctx context.Context) error {
	return t.a.forgive(ctx, "")
}
