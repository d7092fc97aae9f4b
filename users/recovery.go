package users

import (
	"context"
	"time"

	"github.com/customs-survey/surveyd/auth"
	"github.com/customs-survey/surveyd/survey"
)

// PasswordReset is the outcome of a reset: the account, and the one-time
// password to hand to its holder, shown this once (only its hash is kept)
// and accepted until ExpiresAt.
type PasswordReset struct {
	User            survey.User
	OneTimePassword string
	ExpiresAt       time.Time
}

// ResetPassword gives an account a one-time password (auth.NewOneTimePassword)
// in place of its password, on behalf of by: admins may reset any account,
// coordinators their own administration's respondents. Every session of
// the account ends at once, its failed logins are forgiven, and the
// one-time password opens one session, within auth.OneTimePasswordLifetime,
// in which the holder must choose a new password before anything else.
// Errors: ErrNotFound (also for another administration's account),
// ErrForbidden, passwords.ErrBusy.
func (s *Service) ResetPassword(ctx context.Context, by auth.Principal, id string) (PasswordReset, error) {
	if by.Role != auth.RoleAdmin && by.Role != auth.RoleCoordinator {
		return PasswordReset{}, survey.Errorf(survey.ErrForbidden, "your role may not reset passwords")
	}
	plain, hash, err := auth.NewOneTimePassword(ctx)
	if err != nil {
		return PasswordReset{}, err
	}
	u, expires, err := s.store.ResetPassword(ctx, survey.ScopeOf(by), id, hash, auth.OneTimePasswordLifetime,
		func(u survey.UserRecord) error { return mayReset(by, u) })
	if err != nil {
		return PasswordReset{}, err
	}
	return PasswordReset{User: u, OneTimePassword: plain, ExpiresAt: expires}, nil
}

// mayReset is the rule of a reset on one account as it is now: a
// coordinator resets only respondents (the scope has kept them to their
// administration).
func mayReset(by auth.Principal, u survey.UserRecord) error {
	if by.Role == auth.RoleCoordinator && u.Role != string(auth.RoleRespondent) {
		return survey.Errorf(survey.ErrForbidden, "coordinators may only reset the passwords of respondents")
	}
	return nil
}

// Unlock forgives the failed logins of an account, on behalf of an admin,
// so that its holder may try again at once instead of waiting for the
// throttle's window (auth.DefaultThrottle) to pass.
// Errors: ErrNotFound, ErrForbidden.
func (s *Service) Unlock(ctx context.Context, by auth.Principal, id string) (survey.User, error) {
	if by.Role != auth.RoleAdmin {
		return survey.User{}, survey.Errorf(survey.ErrForbidden, "only admins may unlock accounts")
	}
	return s.store.UnlockUser(ctx, survey.ScopeOf(by), id)
}
