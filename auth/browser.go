package auth

import (
	"context"
	"crypto/subtle"
	"fmt"
	"time"
)

// Lifetimes of a browser session: it ends after BrowserIdleTimeout without a
// request, and BrowserLifetime after sign-in whatever happens.
const (
	BrowserIdleTimeout = 30 * time.Minute
	BrowserLifetime    = 12 * time.Hour
	// browserTouchEvery bounds the writes that keep a session alive: its
	// last_seen is moved on at most once a minute.
	browserTouchEvery = time.Minute
)

// StoredBrowserSession is a browser session as it is kept: the hash of the
// cookie's token, never the token itself.
type StoredBrowserSession struct {
	TokenHash  string
	UserID     string
	CSRF       string
	CreatedAt  time.Time
	LastSeenAt time.Time
	ExpiresAt  time.Time
}

// BrowserSession is a signed-in browser: the token its cookie carries, the
// CSRF token its forms carry, and who it is.
type BrowserSession struct {
	Token     string
	CSRF      string
	Principal Principal
	ExpiresAt time.Time
}

// SignIn checks an e-mail and password exactly as Login does (same
// throttle, same answers) and starts a browser session: a new token, never
// one the browser brought, so that a session id planted before sign-in is
// worthless.
// Errors: ErrInvalidCredentials, *ThrottledError, passwords.ErrBusy.
func (s *Service) SignIn(ctx context.Context, email, password, address string) (BrowserSession, error) {
	account, err := s.checkCredentials(ctx, email, password, address)
	if err != nil {
		return BrowserSession{}, err
	}
	return s.startBrowserSession(ctx, account)
}

// ChangeBrowserPassword is ChangePassword for the pages: the session the
// change ended (every session of the account ends) is followed by a new
// one, whose token the browser gets instead of a token pair.
// Errors: those of ChangePassword.
func (s *Service) ChangeBrowserPassword(ctx context.Context, userID, current, next, address string) (BrowserSession, error) {
	account, err := s.changePassword(ctx, userID, current, next, address)
	if err != nil {
		return BrowserSession{}, err
	}
	return s.startBrowserSession(ctx, account)
}

// startBrowserSession stores a new session of account: a new token, never
// one the browser brought.
func (s *Service) startBrowserSession(ctx context.Context, account Account) (BrowserSession, error) {
	token, hash, err := NewOpaqueToken()
	if err != nil {
		return BrowserSession{}, err
	}
	csrf, _, err := NewOpaqueToken()
	if err != nil {
		return BrowserSession{}, err
	}
	now := s.now().UTC().Truncate(time.Microsecond)
	stored := StoredBrowserSession{TokenHash: hash, UserID: account.ID, CSRF: csrf, CreatedAt: now, LastSeenAt: now,
		ExpiresAt: now.Add(BrowserLifetime)}
	if err := s.store.CreateBrowserSession(ctx, stored); err != nil {
		return BrowserSession{}, err
	}
	return BrowserSession{Token: token, CSRF: csrf, Principal: account.Principal(), ExpiresAt: stored.ExpiresAt}, nil
}

// Browser returns the session whose cookie carries token, as the database
// knows its account now: an unknown, idle or expired session, a disabled or
// deleted account, and a session begun before the account's password or
// membership last changed are refused (the session then ends).
// Errors: ErrInvalidToken.
func (s *Service) Browser(ctx context.Context, token string) (BrowserSession, error) {
	hash := HashOpaqueToken(token)
	stored, found, err := s.store.BrowserSession(ctx, hash)
	if err != nil {
		return BrowserSession{}, err
	}
	if !found {
		return BrowserSession{}, fmt.Errorf("%w: no such browser session", ErrInvalidToken)
	}
	now := s.now()
	refuse := func(why string) (BrowserSession, error) {
		if err := s.store.DeleteBrowserSession(ctx, hash); err != nil {
			return BrowserSession{}, err
		}
		return BrowserSession{}, fmt.Errorf("%w: %s", ErrInvalidToken, why)
	}
	if !now.Before(stored.ExpiresAt) {
		return refuse("the session has expired")
	}
	if !now.Before(stored.LastSeenAt.Add(BrowserIdleTimeout)) {
		return refuse("the session was idle too long")
	}
	account, found, err := s.store.AccountByID(ctx, stored.UserID)
	if err != nil {
		return BrowserSession{}, err
	}
	if !found || account.Disabled {
		return refuse("account gone or disabled")
	}
	if stored.CreatedAt.Before(account.PasswordChangedAt) || stored.CreatedAt.Before(account.TokensValidAfter) {
		return refuse("the account changed after sign-in")
	}
	if now.Sub(stored.LastSeenAt) >= browserTouchEvery {
		if err := s.store.TouchBrowserSession(ctx, hash, now.UTC().Truncate(time.Microsecond)); err != nil {
			return BrowserSession{}, err
		}
	}
	return BrowserSession{Token: token, CSRF: stored.CSRF, Principal: account.Principal(), ExpiresAt: stored.ExpiresAt}, nil
}

// CheckCSRF reports whether a form's token is the session's, in constant
// time.
func (b BrowserSession) CheckCSRF(token string) bool {
	return token != "" && subtle.ConstantTimeCompare([]byte(token), []byte(b.CSRF)) == 1
}

// SignOut ends the browser session whose cookie carries token, on the
// server: the cookie is worthless from then on, even if it was copied.
func (s *Service) SignOut(ctx context.Context, token string) error {
	return s.store.DeleteBrowserSession(ctx, HashOpaqueToken(token))
}
