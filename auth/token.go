package auth

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"
)

// ErrInvalidToken is the only error Verify returns. Every reason (bad
// signature, wrong algorithm, expired, wrong audience…) maps to the same 401,
// so callers need not and should not tell them apart; the wrapped text says
// which it was, for the logs only.
var ErrInvalidToken = errors.New("invalid access token")

// DefaultLeeway is the clock skew tolerated on exp, nbf and iat. Instances
// of a deployment share tokens, and a token issued by a host whose clock runs
// a second ahead must not be refused as "issued in the future" by another;
// RFC 7519 allows "a few minutes", this stays well below that.
const DefaultLeeway = 30 * time.Second

// maxTokenLength bounds the input to Verify. Our tokens are a few hundred
// bytes; anything far larger is not ours and is refused before any decoding.
const maxTokenLength = 4096

// signingMethod is the one algorithm issued and accepted (RFC 8725 §3.1:
// the verifier, not the token, decides the algorithm).
var signingMethod = jwt.SigningMethodHS256

// Claims are the claims of an access token: sub (user id), role, adm
// (administration code, absent for admins), iss, aud, exp, iat and jti.
type Claims struct {
	// Role is the user's role at the time of issue.
	Role Role `json:"role"`
	// Administration is the user's administration code; omitted for admins,
	// as the API contract says.
	Administration string `json:"adm,omitempty"`
	jwt.RegisteredClaims
}

// Principal returns the caller the claims describe. Tokens do not carry the
// e-mail address, so Email is empty.
func (c Claims) Principal() Principal {
	return Principal{UserID: c.Subject, Role: c.Role, Administration: c.Administration}
}

// Issuer issues and verifies HS256 access tokens with one key, issuer and
// audience. It holds no mutable state and is safe for concurrent use.
type Issuer struct {
	secret   []byte
	issuer   string
	audience string
	ttl      time.Duration
	now      func() time.Time
	leeway   time.Duration
	parser   *jwt.Parser
}

// IssuerOption changes a default of NewIssuer.
type IssuerOption func(*Issuer)

// WithClock makes the Issuer read the time from now instead of time.Now, so
// that tests can issue expired or future tokens without sleeping.
func WithClock(now func() time.Time) IssuerOption {
	return func(i *Issuer) { i.now = now }
}

// WithLeeway replaces DefaultLeeway; zero makes time checks exact.
func WithLeeway(d time.Duration) IssuerOption {
	return func(i *Issuer) { i.leeway = d }
}

// NewIssuer returns an Issuer that signs with secret and stamps tokens with
// issuer and audience, valid for ttl. It refuses a secret shorter than
// MinSecretLength, an empty issuer or audience and a non-positive ttl, so a
// misconfiguration stops start-up instead of weakening tokens. The secret is
// copied, so the caller may wipe or reuse its slice.
func NewIssuer(secret []byte, issuer, audience string, ttl time.Duration, opts ...IssuerOption) (*Issuer, error) {
	if len(secret) < MinSecretLength {
		return nil, fmt.Errorf("jwt secret is too short: %d bytes, need at least %d", len(secret), MinSecretLength)
	}
	if issuer == "" || audience == "" {
		return nil, errors.New("jwt issuer and audience must not be empty")
	}
	if ttl <= 0 {
		return nil, fmt.Errorf("access token ttl must be positive, got %s", ttl)
	}
	i := &Issuer{
		secret:   append([]byte(nil), secret...),
		issuer:   issuer,
		audience: audience,
		ttl:      ttl,
		now:      time.Now,
		leeway:   DefaultLeeway,
	}
	for _, opt := range opts {
		opt(i)
	}
	if i.now == nil {
		return nil, errors.New("jwt clock must not be nil")
	}
	if i.leeway < 0 {
		return nil, fmt.Errorf("jwt leeway must not be negative, got %s", i.leeway)
	}
	i.parser = jwt.NewParser(
		jwt.WithValidMethods([]string{signingMethod.Alg()}),
		jwt.WithIssuer(issuer),
		jwt.WithAudience(audience),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithLeeway(i.leeway),
		jwt.WithTimeFunc(i.now),
		jwt.WithStrictDecoding(),
	)
	return i, nil
}

// TTL returns how long issued tokens are valid, for the "expires_in" field
// of the login answer.
func (i *Issuer) TTL() time.Duration { return i.ttl }

// Issue returns a signed access token for p together with its claims. It
// refuses a principal without user id, with an unknown role, or whose
// administration does not fit the role, so that no token is ever issued that
// Verify would refuse.
func (i *Issuer) Issue(p Principal) (token string, claims Claims, err error) {
	if err := checkPrincipal(p.UserID, p.Role, p.Administration); err != nil {
		return "", Claims{}, fmt.Errorf("issue token: %w", err)
	}
	id, err := uuid.NewRandom()
	if err != nil {
		return "", Claims{}, fmt.Errorf("issue token: jti: %w", err)
	}
	now := i.now()
	claims = Claims{
		Role:           p.Role,
		Administration: p.Administration,
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer:    i.issuer,
			Subject:   p.UserID,
			Audience:  jwt.ClaimStrings{i.audience},
			ExpiresAt: jwt.NewNumericDate(now.Add(i.ttl)),
			IssuedAt:  jwt.NewNumericDate(now),
			ID:        id.String(),
		},
	}
	token, err = jwt.NewWithClaims(signingMethod, claims).SignedString(i.secret)
	if err != nil {
		return "", Claims{}, fmt.Errorf("issue token: sign: %w", err)
	}
	return token, claims, nil
}

// Verify checks token and returns its claims. The token must be HS256 signed
// with this Issuer's key, carry this issuer and audience, be within exp, nbf
// and iat (give or take the leeway), and have a subject, an id, a known role
// and an administration that fits the role. Any failure is ErrInvalidToken.
func (i *Issuer) Verify(token string) (Claims, error) {
	if len(token) > maxTokenLength {
		return Claims{}, invalid("token too long")
	}
	var claims Claims
	_, err := i.parser.ParseWithClaims(token, &claims, i.key)
	if err != nil {
		return Claims{}, invalid(err.Error())
	}
	// The parser checks iat only when present; our tokens always carry it.
	if claims.IssuedAt == nil {
		return Claims{}, invalid("missing iat")
	}
	if claims.ID == "" {
		return Claims{}, invalid("missing jti")
	}
	if err := checkPrincipal(claims.Subject, claims.Role, claims.Administration); err != nil {
		return Claims{}, invalid(err.Error())
	}
	return claims, nil
}

// key is the jwt.Keyfunc. It checks the header again even though the parser
// already restricts the algorithm, so that the choice of key never depends on
// a header the parser let through.
func (i *Issuer) key(t *jwt.Token) (any, error) {
	if t.Method != signingMethod {
		return nil, fmt.Errorf("unexpected signing method %v", t.Header["alg"])
	}
	// RFC 8725 §3.11: a typ other than JWT means another kind of token that
	// happens to share the key.
	if typ, present := t.Header["typ"]; present {
		s, ok := typ.(string)
		if !ok || !strings.EqualFold(s, "JWT") {
			return nil, errors.New("unexpected typ header")
		}
	}
	// RFC 7515 §4.1.11: extensions marked critical must be understood, and
	// we understand none.
	if _, present := t.Header["crit"]; present {
		return nil, errors.New("unsupported crit header")
	}
	return i.secret, nil
}

// checkPrincipal enforces the identity rules shared by Issue and Verify.
func checkPrincipal(userID string, role Role, administration string) error {
	if userID == "" {
		return errors.New("missing subject")
	}
	return CheckMembership(role, administration)
}

func invalid(reason string) error {
	return fmt.Errorf("%w: %s", ErrInvalidToken, reason)
}
