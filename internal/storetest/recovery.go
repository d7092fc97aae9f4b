package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/customs-survey/surveyd/auth"
	"github.com/customs-survey/surveyd/survey"
)

// accountReader reads an account as the session use cases do (auth.Store's
// AccountByID): where a reset shows, in the password, its one-time expiry
// and the time from which the account's access tokens are valid.
type accountReader interface {
	AccountByID(ctx context.Context, id string) (auth.Account, bool, error)
}

// attemptCounter is the part of the throttle's storage (auth.Store) that
// shows whether an account's failed logins were forgiven. The fake keeps no
// attempts: the cases check this on the stores that keep them.
type attemptCounter interface {
	ReserveAttempt(ctx context.Context, limits []auth.ThrottleLimit, start time.Time, window time.Duration,
		decide func(counted [][]time.Time) error) (auth.Reservation, error)
}

// oneTimeHash is the hash the reset cases store; the store keeps it as it
// is, whatever it holds.
const oneTimeHash = "hash of a one-time password"

// recoveryFixture is a store of the reset and unlock cases, on a clock that
// moves on between steps, with the accounts of userSeed.
type recoveryFixture struct {
	st     Store
	clock  *steppedClock
	seeded map[string]survey.User
}

func newRecoveryFixture(t *testing.T, open Open, disabled ...string) recoveryFixture {
	clock := newSteppedClock()
	st := open(t, clock.now)
	return recoveryFixture{st: st, clock: clock, seeded: userSeed(t, st, disabled...)}
}

// account reads the account id as the session use cases do.
func (f recoveryFixture) account(t *testing.T, id string) auth.Account {
	t.Helper()
	r, ok := f.st.(accountReader)
	if !ok {
		t.Fatalf("%T does not read accounts as auth.Store does", f.st)
	}
	a, found, err := r.AccountByID(t.Context(), id)
	if err != nil || !found {
		t.Fatalf("AccountByID(%s) = %v, %v", id, found, err)
	}
	return a
}

// failLogins records n failed logins of the account with that e-mail at
// the clock's time, on a store that keeps attempts; ok is false on one
// that keeps none.
func (f recoveryFixture) failLogins(t *testing.T, email string, n int) (ok bool) {
	t.Helper()
	c, ok := f.st.(attemptCounter)
	for range n {
		if !ok {
			break
		}
		if _, err := c.ReserveAttempt(t.Context(), []auth.ThrottleLimit{{Scope: auth.AccountScope(email), Max: 100, Record: true}},
			f.clock.now(), time.Hour, func([][]time.Time) error { return nil }); err != nil {
			t.Fatal(err)
		}
	}
	return ok
}

// failedLogins counts the failed logins of the account with that e-mail
// that a login beginning at the clock's time would weigh.
func (f recoveryFixture) failedLogins(t *testing.T, email string) int {
	t.Helper()
	var n int
	_, err := f.st.(attemptCounter).ReserveAttempt(t.Context(), []auth.ThrottleLimit{{Scope: auth.AccountScope(email), Max: 100}},
		f.clock.now(), time.Hour, func(counted [][]time.Time) error {
			n = len(counted[0])
			return nil
		})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// sameAccount compares accounts as the session use cases read them, times
// as instants.
func sameAccount(a, b auth.Account) bool {
	return a.ID == b.ID && a.Email == b.Email && a.PasswordHash == b.PasswordHash && a.Role == b.Role &&
		a.Administration == b.Administration && a.Disabled == b.Disabled && a.PasswordChangedAt.Equal(b.PasswordChangedAt) &&
		a.TokensValidAfter.Equal(b.TokensValidAfter) && a.OneTimePasswordExpiresAt.Equal(b.OneTimePasswordExpiresAt) &&
		a.OneTimePasswordUsed == b.OneTimePasswordUsed
}

// testResetPassword: a reset of an account the scope sees, unless decide
// refuses, replaces the password with the one-time password's hash,
// accepted for the lifetime given from now, makes the account's tokens
// stale and forgives its failed logins; anything else changes nothing.
func testResetPassword(t *testing.T, open Open) {
	errDecided := survey.Errorf(survey.ErrForbidden, "refused by the rules")
	all, aa, bb := survey.Everything, survey.Scope{Administration: "AA"}, survey.Scope{Administration: "BB"}
	for _, c := range []struct {
		name      string
		disabled  []string
		target    string
		scope     survey.Scope
		decideErr error
		err       error
		notFound  bool // decide must not be called
	}{
		{name: "respondent", target: "resp", scope: all},
		{name: "admin", target: "admin1", scope: all},
		{name: "disabled account", disabled: []string{"coord"}, target: "coord", scope: all},
		{name: "own administration's account", target: "resp", scope: aa},
		{name: "refused by decide", target: "resp", scope: all, decideErr: errDecided, err: errDecided},
		{name: "another administration's account", target: "resp", scope: bb, err: survey.ErrNotFound, notFound: true},
		{name: "admin seen by an administration", target: "admin1", scope: aa, err: survey.ErrNotFound, notFound: true},
		{name: "zero scope", target: "resp", scope: survey.Scope{}, err: survey.ErrNotFound, notFound: true},
		{name: "unknown account", scope: all, err: survey.ErrNotFound, notFound: true},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := newRecoveryFixture(t, open, c.disabled...)
			id := userTarget(f.seeded, c.target)
			target := f.seeded[c.target]
			f.clock.tick()
			keepsAttempts := c.target != "" && f.failLogins(t, target.Email, 3)
			var before auth.Account
			if c.target != "" {
				before = f.account(t, id)
			}
			at := f.clock.tick()
			calls := 0
			got, expires, err := f.st.ResetPassword(t.Context(), c.scope, id, oneTimeHash, 72*time.Hour, func(rec survey.UserRecord) error {
				calls++
				if !sameUser(rec.User, target) || !rec.OtherActiveAdmin || rec.HasResponses || rec.HasHistory {
					t.Errorf("decide given %+v; want %+v with another active admin, no responses nor history", rec, target)
				}
				return c.decideErr
			})
			checkUserErr(t, "ResetPassword", err, c.err)
			if c.err == errDecided && err != errDecided {
				t.Fatalf("ResetPassword = %v, want the error of decide as it is", err)
			}
			if (calls == 0) != c.notFound || calls > 1 {
				t.Fatalf("decide called %d times", calls)
			}
			if c.target == "" {
				return
			}
			want := before
			if err == nil {
				if !sameUser(got, target) || !expires.Equal(at.Add(72*time.Hour)) {
					t.Errorf("ResetPassword = %+v, %v; want %+v, %v", got, expires, target, at.Add(72*time.Hour))
				}
				want.PasswordHash, want.PasswordChangedAt, want.TokensValidAfter = oneTimeHash, at, at
				want.OneTimePasswordExpiresAt, want.OneTimePasswordUsed = at.Add(72*time.Hour), false
			}
			after := f.account(t, id)
			if !sameAccount(after, want) || after.MustChangePassword() != (err == nil) {
				t.Errorf("account after the reset %+v, want %+v", after, want)
			}
			if stored, err := f.st.User(t.Context(), all, id); err != nil || !sameUser(stored, target) {
				t.Errorf("User after the reset = %+v, %v; want %+v", stored, err, target)
			}
			if keepsAttempts {
				f.clock.tick()
				wantFailures := 3
				if err == nil {
					wantFailures = 0
				}
				if n := f.failedLogins(t, target.Email); n != wantFailures {
					t.Errorf("%d failed logins counted after the reset, want %d", n, wantFailures)
				}
			}
		})
	}
	t.Run("reset again", func(t *testing.T) {
		f := newRecoveryFixture(t, open)
		id := f.seeded["resp"].ID
		mayReset := func(survey.UserRecord) error { return nil }
		f.clock.tick()
		if _, _, err := f.st.ResetPassword(t.Context(), survey.Everything, id, "first hash", time.Hour, mayReset); err != nil {
			t.Fatal(err)
		}
		at := f.clock.tick()
		_, expires, err := f.st.ResetPassword(t.Context(), survey.Everything, id, oneTimeHash, 72*time.Hour, mayReset)
		if err != nil {
			t.Fatal(err)
		}
		a := f.account(t, id)
		if !expires.Equal(at.Add(72*time.Hour)) || a.PasswordHash != oneTimeHash || !a.OneTimePasswordExpiresAt.Equal(expires) ||
			!a.TokensValidAfter.Equal(at) {
			t.Fatalf("after a second reset: expires %v, account %+v; want the second's hash and times", expires, a)
		}
	})
}

// testUnlockUser: an unlock of an account the scope sees forgives its
// failed logins and changes nothing else; another account is not found.
func testUnlockUser(t *testing.T, open Open) {
	all, aa, bb := survey.Everything, survey.Scope{Administration: "AA"}, survey.Scope{Administration: "BB"}
	for _, c := range []struct {
		name     string
		disabled []string
		target   string
		scope    survey.Scope
		err      error
	}{
		{name: "respondent", target: "resp", scope: all},
		{name: "admin", target: "admin1", scope: all},
		{name: "disabled account", disabled: []string{"coord"}, target: "coord", scope: all},
		{name: "own administration's account", target: "resp", scope: aa},
		{name: "another administration's account", target: "resp", scope: bb, err: survey.ErrNotFound},
		{name: "admin seen by an administration", target: "admin1", scope: aa, err: survey.ErrNotFound},
		{name: "zero scope", target: "resp", scope: survey.Scope{}, err: survey.ErrNotFound},
		{name: "unknown account", scope: all, err: survey.ErrNotFound},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := newRecoveryFixture(t, open, c.disabled...)
			id := userTarget(f.seeded, c.target)
			target := f.seeded[c.target]
			f.clock.tick()
			keepsAttempts := c.target != "" && f.failLogins(t, target.Email, 5)
			var before auth.Account
			if c.target != "" {
				before = f.account(t, id)
			}
			f.clock.tick()
			got, err := f.st.UnlockUser(t.Context(), c.scope, id)
			checkUserErr(t, "UnlockUser", err, c.err)
			if c.target == "" {
				return
			}
			if err == nil && !sameUser(got, target) {
				t.Errorf("UnlockUser = %+v, want %+v", got, target)
			}
			if after := f.account(t, id); !sameAccount(after, before) {
				t.Errorf("account after the unlock %+v, want it unchanged: %+v", after, before)
			}
			if keepsAttempts {
				f.clock.tick()
				wantFailures := 5
				if err == nil {
					wantFailures = 0
				}
				if n := f.failedLogins(t, target.Email); n != wantFailures {
					t.Errorf("%d failed logins counted after the unlock, want %d", n, wantFailures)
				}
			}
		})
	}
}
