package memstore

import (
	"context"
	"fmt"
	"time"

	"github.com/customs-survey/surveyd/auth"
	"github.com/customs-survey/surveyd/survey"
)

// ResetPassword reads the account id that sc sees and, unless decide
// refuses, gives it the one-time password whose hash is given, accepted for
// lifetime from now, ends its tokens and forgives its failed logins, all
// under the store's lock.
// Errors: ErrNotFound, and those of decide.
func (s *Store) ResetPassword(ctx context.Context, sc survey.Scope, id, hash string, lifetime time.Duration,
	decide func(survey.UserRecord) error) (survey.User, time.Time, error) {
	if err := ctx.Err(); err != nil {
		return survey.User{}, time.Time{}, fmt.Errorf("reset password: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	u, rec, err := s.userRecord(sc, id)
	if err != nil {
		return survey.User{}, time.Time{}, err
	}
	if err := decide(rec); err != nil {
		return survey.User{}, time.Time{}, err
	}
	now := s.clock()
	expires := now.Add(lifetime)
	u.PasswordHash, u.PasswordChangedAt = hash, now
	u.TokensValidAfter, u.RefreshTokensRevokedAt, u.LoginsForgivenAt = &now, &now, &now
	u.OneTimePasswordExpiresAt = &expires
	return u.User, expires, nil
}

// UnlockUser forgives the failed logins of the account id that sc sees.
// Errors: ErrNotFound.
func (s *Store) UnlockUser(ctx context.Context, sc survey.Scope, id string) (survey.User, error) {
	if err := ctx.Err(); err != nil {
		return survey.User{}, fmt.Errorf("unlock user: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.users[id]
	if !ok || !sc.Sees(u.Administration) {
		return survey.User{}, survey.Errorf(survey.ErrNotFound, "no such user")
	}
	now := s.clock()
	u.LoginsForgivenAt = &now
	return u.User, nil
}

// AccountByID returns the account id as the session use cases read it
// (auth.Store's method of that name), found=false for none: what the
// storage contract compares of a reset with what the store keeps. The fake
// keeps no login, so a one-time password is never used.
func (s *Store) AccountByID(ctx context.Context, id string) (auth.Account, bool, error) {
	if err := ctx.Err(); err != nil {
		return auth.Account{}, false, fmt.Errorf("account: %w", err)
	}
	a, ok := s.Account(id)
	if !ok {
		return auth.Account{}, false, nil
	}
	return auth.Account{ID: a.ID, Email: a.Email, PasswordHash: a.PasswordHash, Role: auth.Role(a.Role),
		Administration: a.Administration, Disabled: a.Disabled, PasswordChangedAt: a.PasswordChangedAt,
		TokensValidAfter: a.TokensValidAfter, OneTimePasswordExpiresAt: a.OneTimePasswordExpiresAt}, true, nil
}
