package auth

import (
	"context"
	"crypto/rand"
	"fmt"
	"time"

	"github.com/customs-survey/surveyd/auth/passwords"
)

// OneTimePasswordLifetime is how long the one-time password of a reset is
// accepted: three days, so that one given on a Friday still works on
// Monday. It opens one session, in which the account must choose a new
// password.
const OneTimePasswordLifetime = 72 * time.Hour

// NewOneTimePassword returns a new one-time password, to be handed to its
// holder once, and its argon2id hash, the only form in which it is kept. It
// is 26 characters of crypto/rand (rand.Text: 128 bits, upper-case letters
// and digits 2-7, nothing to mistype but case, which is upper throughout).
// Errors: passwords.ErrBusy, and those of the context.
func NewOneTimePassword(ctx context.Context) (plain, hash string, err error) {
	plain = rand.Text()
	hash, err = passwords.HashContext(ctx, plain)
	if err != nil {
		return "", "", fmt.Errorf("one-time password: %w", err)
	}
	return plain, hash, nil
}

// oneTimePasswordOpens is the rule of a right one-time password at login:
// it opens a session once, before it expires.
func oneTimePasswordOpens(a Account, now time.Time) bool {
	return !a.OneTimePasswordUsed && now.Before(a.OneTimePasswordExpiresAt)
}

// useOneTimePassword lets a login with the account's one-time password
// (already checked) in if the password may still open a session, and marks
// it used. Otherwise, and when a concurrent login used it first, the login
// fails like one with a wrong password, and counts as one.
func (s *Service) useOneTimePassword(ctx context.Context, a *Account) error {
	now := s.now().UTC()
	if !oneTimePasswordOpens(*a, now) {
		return ErrInvalidCredentials
	}
	used, err := s.store.UseOneTimePassword(ctx, a.ID, a.PasswordHash, now.Truncate(time.Microsecond))
	if err != nil {
		return err
	}
	if !used {
		return ErrInvalidCredentials
	}
	a.OneTimePasswordUsed = true
	return nil
}
