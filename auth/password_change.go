package auth

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/customs-survey/surveyd/auth/passwords"
)

// ErrWrongPassword means the current password given to ChangePassword is
// wrong. Unlike ErrInvalidCredentials it may say so: the caller is already
// authenticated and names no e-mail.
var ErrWrongPassword = errors.New("the current password is wrong")

// ChangePassword replaces the password of the account userID after checking
// its current one, and returns a fresh token pair so that the caller stays
// logged in. Every other session ends: all refresh tokens of the account are
// revoked and access tokens issued before this second are refused from now
// on (see Authenticate).
//
// A wrong current password counts as a failed login of the account for the
// throttle, so that a stolen access token does not give unlimited guesses;
// address is the client's address, checked against the throttle as at login
// (but a wrong current password is not counted against it: the caller is
// authenticated). An account that must change its password gives its
// one-time password as the current one, until that expires, and may not
// keep it. Errors: ErrInvalidToken (account gone or disabled),
// *ThrottledError, ErrWrongPassword, *passwords.PolicyError (the new
// password), passwords.ErrBusy.
func (s *Service) ChangePassword(ctx context.Context, userID, current, next, address string) (Tokens, error) {
	account, err := s.changePassword(ctx, userID, current, next, address)
	if err != nil {
		return Tokens{}, err
	}
	return s.issue(ctx, account, uuid.NewString())
}

// changePassword is ChangePassword up to the new session, which the API
// and the pages start each their own way. It returns the account as it is
// after the change.
func (s *Service) changePassword(ctx context.Context, userID, current, next, address string) (Account, error) {
	account, found, err := s.store.AccountByID(ctx, userID)
	if err != nil {
		return Account{}, err
	}
	if !found || account.Disabled {
		return Account{}, fmt.Errorf("%w: account gone or disabled", ErrInvalidToken)
	}
	a, err := s.reserve(ctx, "logins",
		ThrottleLimit{Scope: AccountScope(account.Email), Max: s.throttle.MaxPerAccount, Record: true},
		ThrottleLimit{Scope: addressScope(address), Max: s.throttle.MaxPerAddress})
	if err != nil {
		return Account{}, err
	}
	ok, err := checkPassword(ctx, a, account, true, current)
	if err != nil {
		return Account{}, fmt.Errorf("change password: %w", err)
	}
	if !ok || (account.MustChangePassword() && !s.now().Before(account.OneTimePasswordExpiresAt)) {
		// The attempt stays recorded: a failure.
		return Account{}, ErrWrongPassword
	}
	// The current password was right: this attempt is no failure, whatever
	// happens to the new password.
	if err := passwords.CheckPolicy(next); err != nil {
		_ = a.forgive(ctx, "")
		return Account{}, err
	}
	if account.MustChangePassword() && next == current {
		_ = a.forgive(ctx, "")
		return Account{}, &passwords.PolicyError{Message: "must not be the one-time password"}
	}
	hash, err := passwords.HashContext(ctx, next)
	if err != nil {
		_ = a.forgive(ctx, "")
		return Account{}, fmt.Errorf("change password: %w", err)
	}
	if err := s.store.SetPassword(ctx, account.ID, hash); err != nil {
		_ = a.forgive(ctx, "")
		return Account{}, err
	}
	if err := a.forgive(ctx, AccountScope(account.Email)); err != nil {
		return Account{}, err
	}
	account.PasswordHash, account.OneTimePasswordExpiresAt, account.OneTimePasswordUsed = hash, time.Time{}, false
	return account, nil
}
