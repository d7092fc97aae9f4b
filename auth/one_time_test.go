package auth

import (
	"context"
	"errors"
	"regexp"
	"testing"
	"time"

	"github.com/customs-survey/surveyd/auth/passwords"
)

// oneTimeStore is the part of Store that logins and password changes use,
// over one account, with the throttle's records kept as the database keeps
// them. The other methods are not implemented: calling one panics.
type oneTimeStore struct {
	Store
	account Account
	// usedElsewhere makes UseOneTimePassword find the password used, as
	// when a concurrent login used it between the read and the write.
	usedElsewhere bool
	attempts      []oneTimeAttempt
}

type oneTimeAttempt struct {
	scope     string
	at        time.Time
	forgiven  bool
	forgiveAt time.Time
}

func (s *oneTimeStore) AccountByEmail(_ context.Context, email string) (Account, bool, error) {
	return s.account, email == s.account.Email, nil
}

func (s *oneTimeStore) AccountByID(_ context.Context, id string) (Account, bool, error) {
	return s.account, id == s.account.ID, nil
}

func (s *oneTimeStore) UseOneTimePassword(_ context.Context, userID, hash string, _ time.Time) (bool, error) {
	a := &s.account
	if userID != a.ID || hash != a.PasswordHash || !a.MustChangePassword() || a.OneTimePasswordUsed || s.usedElsewhere {
		return false, nil
	}
	a.OneTimePasswordUsed = true
	return true, nil
}

func (s *oneTimeStore) SetPassword(_ context.Context, userID, hash string) error {
	s.account.PasswordHash, s.account.OneTimePasswordExpiresAt, s.account.OneTimePasswordUsed = hash, time.Time{}, false
	return nil
}

func (s *oneTimeStore) SaveRefreshToken(context.Context, RefreshToken) error { return nil }

func (s *oneTimeStore) ReserveAttempt(_ context.Context, limits []ThrottleLimit, start time.Time, window time.Duration,
	decide func(counted [][]time.Time) error) (Reservation, error) {
	counted := make([][]time.Time, len(limits))
	for i, l := range limits {
		for _, a := range s.attempts {
			if a.scope == l.Scope && a.at.After(start.Add(-window)) && (!a.forgiven || !a.forgiveAt.Before(start)) {
				counted[i] = append(counted[i], a.at)
			}
		}
	}
	if err := decide(counted); err != nil {
		return Reservation{}, err
	}
	var r Reservation
	for _, l := range limits {
		if l.Record {
			s.attempts = append(s.attempts, oneTimeAttempt{scope: l.Scope, at: start})
			r.IDs = append(r.IDs, int64(len(s.attempts)-1))
		}
	}
	return r, nil
}

func (s *oneTimeStore) ReleaseAttempt(context.Context, Reservation) error { return nil }

func (s *oneTimeStore) ForgiveAttempts(_ context.Context, r Reservation, scope string, at time.Time) error {
	for i := range s.attempts {
		if a := &s.attempts[i]; !a.forgiven && (a.scope == scope || containsID(r.IDs, i)) {
			a.forgiven, a.forgiveAt = true, at
		}
	}
	return nil
}

func containsID(ids []int64, i int) bool {
	for _, id := range ids {
		if id == int64(i) {
			return true
		}
	}
	return false
}

// failures counts the records of the account's logins not forgiven.
func (s *oneTimeStore) failures() int {
	n := 0
	for _, a := range s.attempts {
		if a.scope == AccountScope(s.account.Email) && !a.forgiven {
			n++
		}
	}
	return n
}

// resetAt is when the accounts of these tests got their one-time password.
var resetAt = time.Date(2024, 3, 1, 17, 0, 0, 0, time.UTC)

// oneTimeService is a Service over one account whose password is the
// one-time password plain, given at resetAt, on a clock set by the
// returned pointer.
func oneTimeService(t *testing.T) (svc *Service, st *oneTimeStore, plain string, clock *time.Time) {
	t.Helper()
	plain, hash, err := NewOneTimePassword(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	st = &oneTimeStore{account: Account{ID: "u1", Email: "resp@aa.test", PasswordHash: hash, Role: RoleRespondent,
		Administration: "AA", PasswordChangedAt: resetAt, TokensValidAfter: resetAt,
		OneTimePasswordExpiresAt: resetAt.Add(OneTimePasswordLifetime)}}
	now := resetAt
	svc = NewService(st, newTestIssuer(t), DefaultThrottle, time.Hour, func() time.Time { return now })
	return svc, st, plain, &now
}

// TestNewOneTimePassword: 26 characters of base32's alphabet, kept as a
// hash that verifies it, never the same twice.
func TestNewOneTimePassword(t *testing.T) {
	seen := map[string]bool{}
	for range 3 {
		plain, hash, err := NewOneTimePassword(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if !regexp.MustCompile(`^[A-Z2-7]{26}$`).MatchString(plain) || seen[plain] {
			t.Fatalf("one-time password %q (seen before: %v)", plain, seen[plain])
		}
		seen[plain] = true
		if ok, err := passwords.Verify(hash, plain); !ok || err != nil || hash == plain {
			t.Fatalf("the hash %q does not verify %q: %v, %v", hash, plain, ok, err)
		}
	}
}

// TestOneTimePasswordLogin: a one-time password opens one session, within
// 72 hours of the reset, marked as one that must change its password; any
// other use fails as a wrong password does, counted as a failed login.
func TestOneTimePasswordLogin(t *testing.T) {
	for _, c := range []struct {
		name          string
		after         time.Duration // since the reset
		wrong         bool          // a wrong password instead
		used          bool          // it opened a session already
		usedElsewhere bool          // a concurrent login used it first
		ok            bool
	}{
		{name: "at once", ok: true},
		{name: "a second before it expires", after: OneTimePasswordLifetime - time.Second, ok: true},
		{name: "when it expires", after: OneTimePasswordLifetime},
		{name: "after it expired", after: OneTimePasswordLifetime + time.Hour},
		{name: "a second time", after: time.Hour, used: true},
		{name: "used by a concurrent login", after: time.Hour, usedElsewhere: true},
		{name: "a wrong password", after: time.Hour, wrong: true},
	} {
		t.Run(c.name, func(t *testing.T) {
			svc, st, plain, clock := oneTimeService(t)
			st.account.OneTimePasswordUsed, st.usedElsewhere = c.used, c.usedElsewhere
			*clock = resetAt.Add(c.after)
			password := plain
			if c.wrong {
				password = "not the one-time password"
			}
			tokens, err := svc.Login(t.Context(), "resp@aa.test", password, "192.0.2.1")
			if !c.ok {
				if !errors.Is(err, ErrInvalidCredentials) {
					t.Fatalf("Login = %v, want ErrInvalidCredentials, as for a wrong password", err)
				}
				if n := st.failures(); n != 1 {
					t.Fatalf("%d failed logins recorded, want 1, as for a wrong password", n)
				}
				if st.account.OneTimePasswordUsed != c.used {
					t.Fatal("a refused login used the one-time password")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !tokens.Principal.MustChangePassword || !st.account.OneTimePasswordUsed || st.failures() != 0 {
				t.Fatalf("principal %+v, used %v, %d failures; want one that must change its password, used, none",
					tokens.Principal, st.account.OneTimePasswordUsed, st.failures())
			}
			// It opened its one session.
			if _, err := svc.Login(t.Context(), "resp@aa.test", plain, "192.0.2.1"); !errors.Is(err, ErrInvalidCredentials) {
				t.Fatalf("a second login = %v, want ErrInvalidCredentials", err)
			}
		})
	}
}

// TestOneTimePasswordChange: the session of a one-time password changes it
// with it as the current password, before it expires, for another one; the
// change lifts the must-change flag.
func TestOneTimePasswordChange(t *testing.T) {
	const next = "correct horse battery staple"
	var policy *passwords.PolicyError
	for _, c := range []struct {
		name    string
		after   time.Duration
		current string // "" for the one-time password
		next    string // "" for the one-time password
		err     error  // errWeak for a *passwords.PolicyError
	}{
		{name: "for a new password", after: time.Hour, next: next},
		{name: "a second before it expires", after: OneTimePasswordLifetime - time.Second, next: next},
		{name: "when it expired", after: OneTimePasswordLifetime, next: next, err: ErrWrongPassword},
		{name: "with a wrong current password", after: time.Hour, current: "not the one-time password", next: next, err: ErrWrongPassword},
		{name: "for itself", after: time.Hour, err: errWeak},
		{name: "for a weak password", after: time.Hour, next: "short", err: errWeak},
	} {
		t.Run(c.name, func(t *testing.T) {
			svc, st, plain, clock := oneTimeService(t)
			st.account.OneTimePasswordUsed = true // its session is open
			*clock = resetAt.Add(c.after)
			current, nextPassword := c.current, c.next
			if current == "" {
				current = plain
			}
			if nextPassword == "" {
				nextPassword = plain
			}
			before := st.account
			tokens, err := svc.ChangePassword(t.Context(), "u1", current, nextPassword, "192.0.2.1")
			switch {
			case c.err == errWeak:
				if !errors.As(err, &policy) {
					t.Fatalf("ChangePassword = %v, want a policy error", err)
				}
			case c.err != nil:
				if !errors.Is(err, c.err) {
					t.Fatalf("ChangePassword = %v, want %v", err, c.err)
				}
			case err != nil:
				t.Fatal(err)
			}
			if err != nil {
				if st.account != before {
					t.Fatalf("a refused change changed the account: %+v", st.account)
				}
				return
			}
			if tokens.Principal.MustChangePassword || st.account.MustChangePassword() {
				t.Fatalf("after the change: principal %+v, account %+v; want no password to change", tokens.Principal, st.account)
			}
			if ok, _ := passwords.Verify(st.account.PasswordHash, nextPassword); !ok {
				t.Fatal("the new password is not the account's")
			}
		})
	}
}

// errWeak stands for a *passwords.PolicyError in the cases.
var errWeak = errors.New("a password the policy refuses")
