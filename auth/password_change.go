package auth

import (
	"context"
	"errors"
	"fmt"

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
// authenticated). Errors: ErrInvalidToken (account gone or disabled),
// *ThrottledError, ErrWrongPassword, *passwords.PolicyError (the new
// password), passwords.ErrBusy.
func (s *Service) ChangePassword(ctx context.Context, userID, current, next, address string) (Tokens, error) {
	account, found, err := s.store.AccountByID(ctx, userID)
	if err != nil {
		return Tokens{}, err
	}
	if !found || account.Disabled {
		return Tokens{}, fmt.Errorf("%w: account gone or disabled", ErrInvalidToken)
	}
	a, err := s.reserve(ctx, "logins",
		ThrottleLimit{Scope: AccountScope(account.Email), Max: s.throttle.MaxPerAccount, Record: true},
		ThrottleLimit{Scope: addressScope(address), Max: s.throttle.MaxPerAddress})
	if err != nil {
		return Tokens{}, err
	}
	ok, err := checkPassword(ctx, a, account, true, current)
	if err != nil {
		return Tokens{}, fmt.Errorf("change password: %w", err)
	}
	if !ok {
		// The attempt stays recorded: a failure.
		return Tokens{}, ErrWrongPassword
	}
	// The current password was right: this attempt is no failure, whatever
	// happens to the new password.
	if err := passwords.CheckPolicy(next); err != nil {
		_ = a.forgive(ctx, "")
		return Tokens{}, err
	}
	hash, err := passwords.HashContext(ctx, next)
	if err != nil {
		_ = a.forgive(ctx, "")
		return Tokens{}, fmt.Errorf("change password: %w", err)
	}
	if err := s.store.SetPassword(ctx, account.ID, hash); err != nil {
		_ = a.forgive(ctx, "")
		return Tokens{}, err
	}
	if err := a.forgive(ctx, AccountScope(account.Email)); err != nil {
		return Tokens{}, err
	}
	return s.issue(ctx, account, uuid.NewString())
}
