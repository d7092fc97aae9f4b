package auth

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
)

// Errors of the session use cases. The api package answers 401 for
// ErrInvalidCredentials, ErrInvalidToken and ErrTokenReused, and 429 for a
// *ThrottledError.
var (
	// ErrInvalidCredentials means the e-mail or the password is wrong; which
	// one is never told.
	ErrInvalidCredentials = errors.New("invalid e-mail or password")
	// ErrTokenReused means a refresh token was presented after it had been
	// rotated; its whole family is now revoked.
	ErrTokenReused = errors.New("refresh token reused")
)

// ThrottledError means too many failed logins; try again after RetryAfter.
type ThrottledError struct {
	RetryAfter time.Duration
}

func (e *ThrottledError) Error() string {
	return fmt.Sprintf("too many failed logins, retry after %s", e.RetryAfter)
}

// NormalizeEmail is the form in which e-mail addresses are stored, looked
// up and throttled, so that logins are case-insensitive.
func NormalizeEmail(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

// NoPassword is the stored hash of an account that cannot log in, such as a
// respondent whose answers were imported from an earlier survey tool.
const NoPassword = "!"

// Account is a user as the session use cases need it.
type Account struct {
	ID                string
	Email             string
	PasswordHash      string
	Role              Role
	Administration    string
	Disabled          bool
	PasswordChangedAt time.Time
	// TokensValidAfter is when the account last changed in a way that makes
	// the claims of its access tokens stale or unwanted (role,
	// administration, disabled, password); zero if never.
	TokensValidAfter time.Time
}

// Principal returns who the account acts as.
func (a Account) Principal() Principal {
	return Principal{UserID: a.ID, Email: a.Email, Role: a.Role, Administration: a.Administration}
}

// RefreshToken is a stored refresh token; only its hash is kept.
type RefreshToken struct {
	UserID    string
	FamilyID  string
	Hash      string
	ExpiresAt time.Time
}

// Store is the persistence the session use cases need. Every method may
// also return an error of the store (unavailable database, ...).
type Store interface {
	// AccountByEmail and AccountByID report found=false for no account.
	AccountByEmail(ctx context.Context, email string) (a Account, found bool, err error)
	AccountByID(ctx context.Context, id string) (a Account, found bool, err error)
	SaveRefreshToken(ctx context.Context, t RefreshToken) error
	// RotateRefreshToken marks the token with oldHash used and stores next
	// in its family. Errors: ErrInvalidToken (unknown, expired, user
	// disabled), ErrTokenReused (already rotated: the family is revoked).
	RotateRefreshToken(ctx context.Context, oldHash string, next RefreshToken) (Account, error)
	// RevokeRefreshFamily revokes the family of the token with that hash
	// and returns its user.
	RevokeRefreshFamily(ctx context.Context, hash string) (userID string, found bool, err error)
	RevokeUserRefreshTokens(ctx context.Context, userID string) error
	// SetPassword stores a new password hash, sets the time of the last
	// password change and the account's TokensValidAfter to now, and
	// revokes every refresh token of the user, in one transaction.
	// Errors: ErrInvalidToken (account gone or disabled).
	SetPassword(ctx context.Context, userID, hash string) error
	// RevokeAccessToken denies the access token with that id until it
	// expires; AccessTokenRevoked tells whether it was.
	RevokeAccessToken(ctx context.Context, jti string, expiresAt time.Time) error
	AccessTokenRevoked(ctx context.Context, jti string) (bool, error)
	RecentLoginFailures(ctx context.Context, scope string, since time.Time) (count int, oldest time.Time, err error)
	RecordLoginFailure(ctx context.Context, scopes []string, at, before time.Time) error
	ClearLoginFailures(ctx context.Context, scope string) error
}

// Throttle is the policy for failed logins: at most MaxPerAccount failures
// per account and MaxPerAddress per client address within Window. Successful
// logins are never counted, so an office behind one address can log in as
// often as it likes.
type Throttle struct {
	MaxPerAccount int
	MaxPerAddress int
	Window        time.Duration
}

// DefaultThrottle follows OWASP's advice for a soft lockout.
// The address limit is high enough for an office of officials mistyping
// their passwords behind one NAT address, and low enough to stop guessing.
var DefaultThrottle = Throttle{MaxPerAccount: 5, MaxPerAddress: 100, Window: 15 * time.Minute}

// Tokens is a pair of tokens handed to a client.
type Tokens struct {
	AccessToken  string
	ExpiresIn    time.Duration
	RefreshToken string
	Principal    Principal
}

// Service runs logins, refreshes and logouts, and authenticates requests.
type Service struct {
	store      Store
	issuer     *Issuer
	throttle   Throttle
	refreshTTL time.Duration
	now        func() time.Time
}

// NewService wires the session use cases. refreshTTL is how long a refresh
// token lives (rotation gives a new one each time); now is the clock of the
// throttle and of refresh-token expiry (nil: time.Now).
func NewService(store Store, issuer *Issuer, throttle Throttle, refreshTTL time.Duration, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{store: store, issuer: issuer, throttle: throttle, refreshTTL: refreshTTL, now: now}
}

// Login checks an e-mail and password and returns a token pair.
// Errors: ErrInvalidCredentials, *ThrottledError.
func (s *Service) Login(ctx context.Context, email, password, address string) (Tokens, error) {
	now := s.now().UTC()
	email = NormalizeEmail(email)
	accountScope, addressScope := "account:"+email, "address:"+address
	if err := s.checkThrottle(ctx, now, accountScope, addressScope); err != nil {
		return Tokens{}, err
	}
	account, found, err := s.store.AccountByEmail(ctx, email)
	if err != nil {
		return Tokens{}, err
	}
	ok := false
	if found && account.PasswordHash != NoPassword {
		ok, err = VerifyPassword(account.PasswordHash, password)
		if err != nil {
			return Tokens{}, fmt.Errorf("login: %w", err)
		}
	} else {
		// Spend the same time as a real check: response times must not
		// tell which e-mails exist.
		DummyVerify(password)
	}
	if !ok || account.Disabled {
		if err := s.store.RecordLoginFailure(ctx, []string{accountScope, addressScope}, now, now.Add(-s.throttle.Window)); err != nil {
			return Tokens{}, err
		}
		return Tokens{}, ErrInvalidCredentials
	}
	if err := s.store.ClearLoginFailures(ctx, accountScope); err != nil {
		return Tokens{}, err
	}
	return s.issue(ctx, account, uuid.NewString())
}

func (s *Service) checkThrottle(ctx context.Context, now time.Time, accountScope, addressScope string) error {
	since := now.Add(-s.throttle.Window)
	var wait time.Duration
	for _, c := range []struct {
		scope string
		max   int
	}{{accountScope, s.throttle.MaxPerAccount}, {addressScope, s.throttle.MaxPerAddress}} {
		n, oldest, err := s.store.RecentLoginFailures(ctx, c.scope, since)
		if err != nil {
			return err
		}
		if n >= c.max {
			// Free again once the oldest failure of the window expires.
			if w := oldest.Add(s.throttle.Window).Sub(now); w > wait {
				wait = w
			}
		}
	}
	if wait > 0 {
		return &ThrottledError{RetryAfter: wait}
	}
	return nil
}

func (s *Service) issue(ctx context.Context, account Account, family string) (Tokens, error) {
	access, _, err := s.issuer.Issue(account.Principal())
	if err != nil {
		return Tokens{}, err
	}
	plain, hash, err := NewRefreshToken()
	if err != nil {
		return Tokens{}, err
	}
	if err := s.store.SaveRefreshToken(ctx, RefreshToken{UserID: account.ID, FamilyID: family, Hash: hash,
		ExpiresAt: s.now().Add(s.refreshTTL)}); err != nil {
		return Tokens{}, err
	}
	return Tokens{AccessToken: access, ExpiresIn: s.issuer.TTL(), RefreshToken: plain, Principal: account.Principal()}, nil
}

// Refresh exchanges a refresh token for a new pair; the old one stops
// working. Errors: ErrInvalidToken, ErrTokenReused.
func (s *Service) Refresh(ctx context.Context, refreshToken string) (Tokens, error) {
	plain, hash, err := NewRefreshToken()
	if err != nil {
		return Tokens{}, err
	}
	account, err := s.store.RotateRefreshToken(ctx, HashRefreshToken(refreshToken),
		RefreshToken{Hash: hash, ExpiresAt: s.now().Add(s.refreshTTL)})
	if err != nil {
		return Tokens{}, err
	}
	access, _, err := s.issuer.Issue(account.Principal())
	if err != nil {
		return Tokens{}, err
	}
	return Tokens{AccessToken: access, ExpiresIn: s.issuer.TTL(), RefreshToken: plain, Principal: account.Principal()}, nil
}

// Logout ends a session. A refresh token, when given, is revoked with its
// family. An access token, when given, stops working at once; given alone,
// it also revokes every refresh token of its user. With neither, or with an
// invalid access token, it fails with ErrInvalidToken.
func (s *Service) Logout(ctx context.Context, accessToken, refreshToken string) error {
	if accessToken != "" {
		claims, err := s.verify(ctx, accessToken)
		if err != nil {
			return err
		}
		if err := s.store.RevokeAccessToken(ctx, claims.ID, claims.ExpiresAt.Time); err != nil {
			return err
		}
		if refreshToken == "" {
			return s.store.RevokeUserRefreshTokens(ctx, claims.Subject)
		}
	}
	if refreshToken != "" {
		_, _, err := s.store.RevokeRefreshFamily(ctx, HashRefreshToken(refreshToken))
		return err
	}
	return ErrInvalidToken
}

// verify checks an access token's signature and claims, and that it was not
// revoked by a logout.
func (s *Service) verify(ctx context.Context, token string) (Claims, error) {
	claims, err := s.issuer.Verify(token)
	if err != nil {
		return Claims{}, err
	}
	revoked, err := s.store.AccessTokenRevoked(ctx, claims.ID)
	if err != nil {
		return Claims{}, err
	}
	if revoked {
		return Claims{}, fmt.Errorf("%w: revoked by a logout", ErrInvalidToken)
	}
	return claims, nil
}

// Authenticate verifies an access token and returns the principal as the
// database knows it now: a disabled or deleted account, or a token issued
// before the last password change or before the account's TokensValidAfter,
// is refused. iat has one-second precision, so both times are compared
// truncated to the second: a token issued in the same second as the change
// stays valid (the token the change itself hands out must work).
// Errors: ErrInvalidToken.
func (s *Service) Authenticate(ctx context.Context, token string) (Principal, error) {
	claims, err := s.verify(ctx, token)
	if err != nil {
		return Principal{}, err
	}
	account, found, err := s.store.AccountByID(ctx, claims.Subject)
	if err != nil {
		return Principal{}, err
	}
	if !found || account.Disabled {
		return Principal{}, fmt.Errorf("%w: account gone or disabled", ErrInvalidToken)
	}
	// iat has one-second precision: a token from the same second as the
	// change stays valid.
	if claims.IssuedAt != nil && claims.IssuedAt.Time.Before(account.PasswordChangedAt.Truncate(time.Second)) {
		return Principal{}, fmt.Errorf("%w: issued before the last password change", ErrInvalidToken)
	}
	if claims.IssuedAt != nil && claims.IssuedAt.Time.Before(account.TokensValidAfter.Truncate(time.Second)) {
		return Principal{}, fmt.Errorf("%w: issued before the account last changed", ErrInvalidToken)
	}
	return account.Principal(), nil
}
