package auth

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/customs-survey/surveyd/auth/passwords"
)

// Errors of the session use cases. The api package answers 401 for
// ErrInvalidCredentials, ErrInvalidToken and ErrTokenReused, 429 for a
// *ThrottledError and 503 for passwords.ErrBusy.
var (
	// ErrInvalidCredentials means the e-mail or the password is wrong; which
	// one is never told.
	ErrInvalidCredentials = errors.New("invalid e-mail or password")
	// ErrTokenReused means a refresh token was presented after it had been
	// rotated; its whole family is now revoked.
	ErrTokenReused = errors.New("refresh token reused")
)

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
	// OneTimePasswordExpiresAt, when not zero, says that the password is
	// the one-time password of a reset, accepted until then, which the
	// account must replace (MustChangePassword); OneTimePasswordUsed says
	// that it has opened a session already.
	OneTimePasswordExpiresAt time.Time
	OneTimePasswordUsed      bool
	// Stamp is the version of the account's row as the store read it,
	// which any change of the row moves on (on PostgreSQL); "" where the
	// store gives none. Only accounts with one are kept for deferred
	// checks (deferred.go).
	Stamp string
}

// MustChangePassword reports whether the account's password is the
// one-time password of a reset, to be replaced before anything else.
func (a Account) MustChangePassword() bool { return !a.OneTimePasswordExpiresAt.IsZero() }

// Principal returns who the account acts as.
func (a Account) Principal() Principal {
	return Principal{UserID: a.ID, Email: a.Email, Role: a.Role, Administration: a.Administration,
		MustChangePassword: a.MustChangePassword()}
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
	// RotateRefreshToken reads the token with oldHash and its account
	// (found false for an unknown token or a deleted account) and passes
	// them to decide. On Rotate it marks the token used and stores next in
	// its family, on condition that the token was not used meanwhile: if it
	// was, decide is asked again, the token now used. On RevokeFamily it
	// revokes the token's whole family, and the error of decide is returned
	// once that is done; on any other error of decide nothing changes.
	RotateRefreshToken(ctx context.Context, oldHash string, next RefreshToken,
		decide func(old StoredRefreshToken, account Account, found bool) (Rotation, error)) (Account, error)
	// RevokeRefreshFamily revokes the family of the token with that hash
	// and returns its user.
	RevokeRefreshFamily(ctx context.Context, hash string) (userID string, found bool, err error)
	RevokeUserRefreshTokens(ctx context.Context, userID string) error
	// SetPassword stores a new password hash, sets the time of the last
	// password change and the account's TokensValidAfter to now, and
	// revokes every refresh token of the user, in one transaction.
	// Errors: ErrInvalidToken (account gone or disabled). It also ends a
	// one-time password (Account.OneTimePasswordExpiresAt).
	SetPassword(ctx context.Context, userID, hash string) error
	// UseOneTimePassword marks the one-time password of the account, whose
	// hash is given, as used at the time at, on condition that it is still
	// that account's password and unused; it reports whether it did, so
	// that of two logins at once only one gets in.
	UseOneTimePassword(ctx context.Context, userID, hash string, at time.Time) (bool, error)
	// CreateBrowserSession stores a browser session; BrowserSession reads
	// one by the hash of its token (found=false: none); TouchBrowserSession
	// moves its last_seen on; DeleteBrowserSession ends it (none is no
	// error).
	CreateBrowserSession(ctx context.Context, b StoredBrowserSession) error
	BrowserSession(ctx context.Context, tokenHash string) (b StoredBrowserSession, found bool, err error)
	TouchBrowserSession(ctx context.Context, tokenHash string, at time.Time) error
	DeleteBrowserSession(ctx context.Context, tokenHash string) error
	// RevokeAccessToken denies the access token with that id until it
	// expires; AccessTokenRevoked tells whether it was.
	RevokeAccessToken(ctx context.Context, jti string, expiresAt time.Time) error
	AccessTokenRevoked(ctx context.Context, jti string) (bool, error)
	// TokenAccount reads, in one query, the account with that id
	// (found=false: none) and whether the access token with that id was
	// revoked (false when there is no account): all that checking an access
	// token needs from the store.
	TokenAccount(ctx context.Context, userID, jti string) (a Account, found, revoked bool, err error)
	// ReserveAttempt, ReleaseAttempt and ForgiveAttempts keep the
	// throttle's counts (see Throttle).
	//
	// ReserveAttempt reads, for the scope of each limit, the times of the
	// attempts recorded within window before start and not forgiven before
	// start (oldest first, counted[i] for limits[i]), passes them to decide
	// and, unless decide refuses, records the attempt at start under the
	// scope of each limit that has Record set: as one step that no other
	// ReserveAttempt on any of the same scopes can interleave with, in this
	// process or in any other using the same database. An error of decide
	// is returned as it is, and nothing is recorded.
	ReserveAttempt(ctx context.Context, limits []ThrottleLimit, start time.Time, window time.Duration,
		decide func(counted [][]time.Time) error) (Reservation, error)
	// ReleaseAttempt deletes the records of an attempt that was not carried
	// out: nothing was checked.
	ReleaseAttempt(ctx context.Context, r Reservation) error
	// ForgiveAttempts marks as forgiven at the time at the records of a
	// successful attempt and, when scope is not empty, every record of that
	// scope not forgiven yet.
	ForgiveAttempts(ctx context.Context, r Reservation, scope string, at time.Time) error
}

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
	kept       keptAccounts // for deferred checks (deferred.go)
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

// Login checks an e-mail and password and returns a token pair. The
// attempt is counted by the throttle before the password is checked.
// Errors: ErrInvalidCredentials, *ThrottledError, passwords.ErrBusy.
func (s *Service) Login(ctx context.Context, email, password, address string) (Tokens, error) {
	account, err := s.checkCredentials(ctx, email, password, address)
	if err != nil {
		return Tokens{}, err
	}
	return s.issue(ctx, account, uuid.NewString())
}

// checkCredentials is the check of a login, for the API's tokens and the
// pages' sessions alike: the attempt is counted by the throttle before the
// password is checked, an unknown e-mail costs what a known one does, and a
// success forgives the account's earlier failures.
func (s *Service) checkCredentials(ctx context.Context, email, password, address string) (Account, error) {
	email = NormalizeEmail(email)
	a, err := s.reserve(ctx, "logins",
		ThrottleLimit{Scope: AccountScope(email), Max: s.throttle.MaxPerAccount, Record: true},
		ThrottleLimit{Scope: addressScope(address), Max: s.throttle.MaxPerAddress, Record: true})
	if err != nil {
		return Account{}, err
	}
	account, found, err := s.store.AccountByEmail(ctx, email)
	if err != nil {
		a.release(ctx)
		return Account{}, err
	}
	ok, err := checkPassword(ctx, a, account, found, password)
	if err != nil {
		return Account{}, fmt.Errorf("login: %w", err)
	}
	if !ok || account.Disabled {
		// The attempt stays recorded: a failure.
		return Account{}, ErrInvalidCredentials
	}
	if account.MustChangePassword() {
		if err := s.useOneTimePassword(ctx, &account); err != nil {
			return Account{}, err
		}
	}
	if err := a.forgive(ctx, AccountScope(email)); err != nil {
		return Account{}, err
	}
	return account, nil
}

// checkPassword checks password against the account's hash, or, for no
// account (found false) or one that cannot log in, against a dummy hash
// that costs the same time and memory: answers must not tell which
// e-mails exist. A check that did not happen (hashing at capacity, the
// client gone) releases the throttle's reservation, a malformed stored
// hash does not: it counts as a failure.
func checkPassword(ctx context.Context, a *attempt, account Account, found bool, password string) (bool, error) {
	usable := found && account.PasswordHash != NoPassword
	encoded := passwords.DummyHash()
	if usable {
		encoded = account.PasswordHash
	}
	ok, err := passwords.VerifyContext(ctx, encoded, password)
	if err != nil && !errors.Is(err, passwords.ErrMalformedHash) {
		a.release(ctx)
	}
	return ok && usable, err
}

func (s *Service) issue(ctx context.Context, account Account, family string) (Tokens, error) {
	access, _, err := s.issuer.Issue(account.Principal())
	if err != nil {
		return Tokens{}, err
	}
	plain, hash, err := NewOpaqueToken()
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
	plain, hash, err := NewOpaqueToken()
	if err != nil {
		return Tokens{}, err
	}
	now := s.now()
	account, err := s.store.RotateRefreshToken(ctx, HashOpaqueToken(refreshToken),
		RefreshToken{Hash: hash, ExpiresAt: now.Add(s.refreshTTL)}, func(old StoredRefreshToken, a Account, found bool) (Rotation, error) {
			return rotation(old, a, found, now)
		})
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
// invalid access token, it fails with ErrInvalidToken. ended is false when
// a refresh token alone was given and it is unknown: nothing was ended, which
// is not an error (logging out twice is harmless).
func (s *Service) Logout(ctx context.Context, accessToken, refreshToken string) (ended bool, err error) {
	if accessToken != "" {
		claims, err := s.verify(ctx, accessToken)
		if err != nil {
			return false, err
		}
		if err := s.store.RevokeAccessToken(ctx, claims.ID, claims.ExpiresAt.Time); err != nil {
			return false, err
		}
		if refreshToken == "" {
			return true, s.store.RevokeUserRefreshTokens(ctx, claims.Subject)
		}
	}
	if refreshToken != "" {
		_, found, err := s.store.RevokeRefreshFamily(ctx, HashOpaqueToken(refreshToken))
		return found || accessToken != "", err
	}
	return false, ErrInvalidToken
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
	claims, err := s.issuer.Verify(token)
	if err != nil {
		return Principal{}, err
	}
	return s.authenticate(ctx, claims)
}

// authenticate is Authenticate once the token's signature and claims are
// verified. An account that passes is kept for deferred checks
// (AuthenticateDeferred); one that does not is forgotten.
func (s *Service) authenticate(ctx context.Context, claims Claims) (Principal, error) {
	// Every authenticated request comes here: one query, not one for the
	// revocation and one for the account.
	readAt := s.issuer.now()
	account, found, revoked, err := s.store.TokenAccount(ctx, claims.Subject, claims.ID)
	if err != nil {
		return Principal{}, err
	}
	if !found || account.Disabled {
		s.kept.forget(claims.Subject)
		return Principal{}, fmt.Errorf("%w: account gone or disabled", ErrInvalidToken)
	}
	if revoked {
		return Principal{}, fmt.Errorf("%w: revoked by a logout", ErrInvalidToken)
	}
	if err := tokenAllowed(claims, account); err != nil {
		s.kept.forget(claims.Subject)
		return Principal{}, err
	}
	s.kept.keep(account, readAt)
	return account.Principal(), nil
}

// tokenAllowed applies the rules of an access token to its account: the
// account is enabled, and the token was issued after its last password
// change and after it last changed (TokensValidAfter). iat has
// one-second precision: a token from the same second as the change stays
// valid.
// Errors: ErrInvalidToken.
func tokenAllowed(claims Claims, account Account) error {
	if account.Disabled {
		return fmt.Errorf("%w: account gone or disabled", ErrInvalidToken)
	}
	if claims.IssuedAt != nil && claims.IssuedAt.Time.Before(account.PasswordChangedAt.Truncate(time.Second)) {
		return fmt.Errorf("%w: issued before the last password change", ErrInvalidToken)
	}
	if claims.IssuedAt != nil && claims.IssuedAt.Time.Before(account.TokensValidAfter.Truncate(time.Second)) {
		return fmt.Errorf("%w: issued before the account last changed", ErrInvalidToken)
	}
	return nil
}
