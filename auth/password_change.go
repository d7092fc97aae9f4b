package auth

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"
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
// address is the client's address, checked against the throttle as at login.
// Errors: ErrInvalidToken (account gone or disabled), *ThrottledError,
// ErrWrongPassword, *PasswordPolicyError (the new password).
func (s *Service) ChangePassword(ctx context.Context, userID, current, next, address string) (Tokens, error) {
	now := s.now().UTC()
	account, found, err := s.store.AccountByID(ctx, userID)
	if err != nil {
		return Tokens{}, err
	}
	if !found || account.Disabled {
		return Tokens{}, fmt.Errorf("%w: account gone or disabled", ErrInvalidToken)
	}
	accountScope := "account:" + account.Email
	if err := s.checkThrottle(ctx, now, accountScope, "address:"+address); err != nil {
		return Tokens{}, err
	}
	ok := false
	if account.PasswordHash != NoPassword {
		ok, err = VerifyPassword(account.PasswordHash, current)
		if err != nil {
			return Tokens{}, fmt.Errorf("change password: %w", err)
		}
	} else {
		DummyVerify(current)
	}
	if !ok {
		if err := s.store.RecordLoginFailure(ctx, []string{accountScope}, now, now.Add(-s.throttle.Window)); err != nil {
			return Tokens{}, err
		}
		return Tokens{}, ErrWrongPassword
	}
	if err := CheckPasswordPolicy(next); err != nil {
		return Tokens{}, err
	}
	hash, err := HashPassword(next)
	if err != nil {
		return Tokens{}, fmt.Errorf("change password: %w", err)
	}
	if err := s.store.SetPassword(ctx, account.ID, hash); err != nil {
		return Tokens{}, err
	}
	if err := s.store.ClearLoginFailures(ctx, accountScope); err != nil {
		return Tokens{}, err
	}
	return s.issue(ctx, account, uuid.NewString())
}
