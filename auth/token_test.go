package auth

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"
)

var (
	testSecret = []byte("0123456789abcdef0123456789abcdef") // 32 bytes
	testNow    = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
)

const (
	testIssuer   = "surveyd"
	testAudience = "surveyd-api"
	testTTL      = 15 * time.Minute
)

func newTestIssuer(t *testing.T, opts ...IssuerOption) *Issuer {
	t.Helper()
	opts = append([]IssuerOption{WithClock(func() time.Time { return testNow })}, opts...)
	i, err := NewIssuer(testSecret, testIssuer, testAudience, testTTL, opts...)
	if err != nil {
		t.Fatalf("NewIssuer: %v", err)
	}
	return i
}

// forge signs the claims of a valid respondent token, changed by editClaims
// and editHeader, with method and key. It is how the tests build tokens the
// Issuer would never issue.
func forge(t *testing.T, method jwt.SigningMethod, key any, editClaims func(jwt.MapClaims), editHeader func(map[string]any)) string {
	t.Helper()
	claims := jwt.MapClaims{
		"sub":  "user-1",
		"role": "respondent",
		"adm":  "BE",
		"iss":  testIssuer,
		"aud":  []string{testAudience},
		"exp":  testNow.Add(testTTL).Unix(),
		"iat":  testNow.Unix(),
		"jti":  "5f0c6f4e-8a4b-4a8e-9a53-3f1f4c1f2d10",
	}
	if editClaims != nil {
		editClaims(claims)
	}
	tok := jwt.NewWithClaims(method, claims)
	if editHeader != nil {
		editHeader(tok.Header)
	}
	s, err := tok.SignedString(key)
	if err != nil {
		t.Fatalf("sign forged token: %v", err)
	}
	return s
}

// raw assembles a token from a header, claims and signature without any
// library, for headers the library refuses to produce.
func raw(t *testing.T, header, claims map[string]any, signature []byte) string {
	t.Helper()
	enc := func(v any) string {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		return base64.RawURLEncoding.EncodeToString(b)
	}
	return enc(header) + "." + enc(claims) + "." + base64.RawURLEncoding.EncodeToString(signature)
}

func validMapClaims() map[string]any {
	return map[string]any{
		"sub": "user-1", "role": "respondent", "adm": "BE", "iss": testIssuer,
		"aud": testAudience, "exp": testNow.Add(testTTL).Unix(), "iat": testNow.Unix(),
		"jti": "5f0c6f4e-8a4b-4a8e-9a53-3f1f4c1f2d10",
	}
}

func TestIssueVerifyRoundTrip(t *testing.T) {
	tests := []struct {
		name      string
		principal Principal
	}{
		{"admin", Principal{UserID: "u-admin", Email: "a@example.eu", Role: RoleAdmin}},
		{"coordinator", Principal{UserID: "u-coord", Email: "c@example.eu", Role: RoleCoordinator, Administration: "FR"}},
		{"respondent", Principal{UserID: "u-resp", Email: "r@example.eu", Role: RoleRespondent, Administration: "BE"}},
	}
	iss := newTestIssuer(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			token, issued, err := iss.Issue(tt.principal)
			if err != nil {
				t.Fatalf("Issue: %v", err)
			}
			got, err := iss.Verify(token)
			if err != nil {
				t.Fatalf("Verify: %v", err)
			}
			for _, c := range []Claims{issued, got} {
				if c.Subject != tt.principal.UserID || c.Role != tt.principal.Role || c.Administration != tt.principal.Administration {
					t.Errorf("claims sub/role/adm = %q/%q/%q, want %q/%q/%q", c.Subject, c.Role, c.Administration,
						tt.principal.UserID, tt.principal.Role, tt.principal.Administration)
				}
				if c.Issuer != testIssuer {
					t.Errorf("iss = %q, want %q", c.Issuer, testIssuer)
				}
				if len(c.Audience) != 1 || c.Audience[0] != testAudience {
					t.Errorf("aud = %v, want [%s]", c.Audience, testAudience)
				}
				if c.IssuedAt == nil || !c.IssuedAt.Equal(testNow) {
					t.Errorf("iat = %v, want %v", c.IssuedAt, testNow)
				}
				if c.ExpiresAt == nil || !c.ExpiresAt.Equal(testNow.Add(testTTL)) {
					t.Errorf("exp = %v, want %v", c.ExpiresAt, testNow.Add(testTTL))
				}
				if _, err := uuid.Parse(c.ID); err != nil {
					t.Errorf("jti %q is not a UUID: %v", c.ID, err)
				}
			}
			if got.ID != issued.ID {
				t.Errorf("verified jti %q != issued jti %q", got.ID, issued.ID)
			}
			want := tt.principal
			want.Email = "" // not carried by the token
			if p := got.Principal(); p != want {
				t.Errorf("Principal() = %+v, want %+v", p, want)
			}
			if tt.principal.Role == RoleAdmin && strings.Contains(payloadJSON(t, token), `"adm"`) {
				t.Error("admin token carries an adm claim")
			}
		})
	}
}

func TestIssueUniqueJTI(t *testing.T) {
	iss := newTestIssuer(t)
	p := Principal{UserID: "u", Role: RoleAdmin}
	_, a, err := iss.Issue(p)
	if err != nil {
		t.Fatal(err)
	}
	_, b, err := iss.Issue(p)
	if err != nil {
		t.Fatal(err)
	}
	if a.ID == b.ID {
		t.Fatalf("two tokens share jti %q", a.ID)
	}
}

func TestIssueRefusesBadPrincipal(t *testing.T) {
	tests := []struct {
		name      string
		principal Principal
	}{
		{"no user id", Principal{Role: RoleAdmin}},
		{"no role", Principal{UserID: "u"}},
		{"unknown role", Principal{UserID: "u", Role: "root"}},
		{"admin with administration", Principal{UserID: "u", Role: RoleAdmin, Administration: "BE"}},
		{"coordinator without administration", Principal{UserID: "u", Role: RoleCoordinator}},
		{"respondent without administration", Principal{UserID: "u", Role: RoleRespondent}},
	}
	iss := newTestIssuer(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			token, _, err := iss.Issue(tt.principal)
			if err == nil || token != "" {
				t.Fatalf("Issue = %q, %v; want an error", token, err)
			}
		})
	}
}

func TestVerifyRefuses(t *testing.T) {
	iss := newTestIssuer(t)
	hs256 := jwt.SigningMethodHS256
	set := func(k string, v any) func(jwt.MapClaims) { return func(m jwt.MapClaims) { m[k] = v } }
	del := func(k string) func(jwt.MapClaims) { return func(m jwt.MapClaims) { delete(m, k) } }
	header := func(k string, v any) func(map[string]any) { return func(h map[string]any) { h[k] = v } }

	tests := []struct {
		name  string
		token func(t *testing.T) string
	}{
		{"empty", func(t *testing.T) string { return "" }},
		{"garbage", func(t *testing.T) string { return "not.a.jwt" }},
		{"two segments", func(t *testing.T) string {
			valid := forge(t, hs256, testSecret, nil, nil)
			return valid[:strings.LastIndex(valid, ".")]
		}},
		{"too long", func(t *testing.T) string {
			return forge(t, hs256, testSecret, set("pad", strings.Repeat("x", 5000)), nil)
		}},
		{"alg none", func(t *testing.T) string {
			return forge(t, jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, nil, nil)
		}},
		{"alg NONE, no signature", func(t *testing.T) string {
			return raw(t, map[string]any{"alg": "NONE", "typ": "JWT"}, validMapClaims(), nil)
		}},
		{"HS384 with the same key", func(t *testing.T) string {
			return forge(t, jwt.SigningMethodHS384, testSecret, nil, nil)
		}},
		{"HS512 with the same key", func(t *testing.T) string {
			return forge(t, jwt.SigningMethodHS512, testSecret, nil, nil)
		}},
		{"RS256 header with forged signature", func(t *testing.T) string {
			return raw(t, map[string]any{"alg": "RS256", "typ": "JWT"}, validMapClaims(), make([]byte, 256))
		}},
		{"signature stripped", func(t *testing.T) string {
			valid := forge(t, hs256, testSecret, nil, nil)
			return valid[:strings.LastIndex(valid, ".")+1]
		}},
		{"tampered payload", func(t *testing.T) string {
			token, _, err := iss.Issue(Principal{UserID: "u", Role: RoleRespondent, Administration: "BE"})
			if err != nil {
				t.Fatal(err)
			}
			parts := strings.Split(token, ".")
			var claims map[string]any
			if err := json.Unmarshal([]byte(payloadJSON(t, token)), &claims); err != nil {
				t.Fatal(err)
			}
			claims["role"] = "admin"
			delete(claims, "adm")
			b, err := json.Marshal(claims)
			if err != nil {
				t.Fatal(err)
			}
			parts[1] = base64.RawURLEncoding.EncodeToString(b)
			return strings.Join(parts, ".")
		}},
		{"wrong key", func(t *testing.T) string {
			return forge(t, hs256, []byte("fedcba9876543210fedcba9876543210"), nil, nil)
		}},
		{"expired", func(t *testing.T) string {
			return forge(t, hs256, testSecret, func(m jwt.MapClaims) {
				m["iat"] = testNow.Add(-2 * time.Hour).Unix()
				m["exp"] = testNow.Add(-time.Hour).Unix()
			}, nil)
		}},
		{"not yet valid", func(t *testing.T) string {
			return forge(t, hs256, testSecret, set("nbf", testNow.Add(time.Hour).Unix()), nil)
		}},
		{"issued in the future", func(t *testing.T) string {
			return forge(t, hs256, testSecret, set("iat", testNow.Add(time.Hour).Unix()), nil)
		}},
		{"wrong issuer", func(t *testing.T) string { return forge(t, hs256, testSecret, set("iss", "evil"), nil) }},
		{"missing issuer", func(t *testing.T) string { return forge(t, hs256, testSecret, del("iss"), nil) }},
		{"wrong audience", func(t *testing.T) string {
			return forge(t, hs256, testSecret, set("aud", []string{"other-api"}), nil)
		}},
		{"missing audience", func(t *testing.T) string { return forge(t, hs256, testSecret, del("aud"), nil) }},
		{"missing exp", func(t *testing.T) string { return forge(t, hs256, testSecret, del("exp"), nil) }},
		{"exp not a number", func(t *testing.T) string { return forge(t, hs256, testSecret, set("exp", "tomorrow"), nil) }},
		{"missing iat", func(t *testing.T) string { return forge(t, hs256, testSecret, del("iat"), nil) }},
		{"missing sub", func(t *testing.T) string { return forge(t, hs256, testSecret, del("sub"), nil) }},
		{"empty sub", func(t *testing.T) string { return forge(t, hs256, testSecret, set("sub", ""), nil) }},
		{"missing jti", func(t *testing.T) string { return forge(t, hs256, testSecret, del("jti"), nil) }},
		{"bad role", func(t *testing.T) string { return forge(t, hs256, testSecret, set("role", "superadmin"), nil) }},
		{"missing role", func(t *testing.T) string { return forge(t, hs256, testSecret, del("role"), nil) }},
		{"role not a string", func(t *testing.T) string { return forge(t, hs256, testSecret, set("role", 1), nil) }},
		{"respondent without adm", func(t *testing.T) string { return forge(t, hs256, testSecret, del("adm"), nil) }},
		{"admin with adm", func(t *testing.T) string { return forge(t, hs256, testSecret, set("role", "admin"), nil) }},
		{"typ not JWT", func(t *testing.T) string {
			return forge(t, hs256, testSecret, nil, header("typ", "at+jwt"))
		}},
		{"typ not a string", func(t *testing.T) string {
			return forge(t, hs256, testSecret, nil, header("typ", 1))
		}},
		{"crit header", func(t *testing.T) string {
			return forge(t, hs256, testSecret, nil, header("crit", []string{"exp"}))
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			claims, err := iss.Verify(tt.token(t))
			if !errors.Is(err, ErrInvalidToken) {
				t.Fatalf("Verify error = %v, want ErrInvalidToken", err)
			}
			t.Log(err) // the reason, to check each case fails for its own cause
			if claims.Subject != "" || claims.Role != "" {
				t.Errorf("Verify returned claims %+v along with an error", claims)
			}
		})
	}
}

// TestVerifyAcceptsForged checks that forge itself makes valid tokens, so
// that each refusal above is due to the one thing the case changes.
func TestVerifyAcceptsForged(t *testing.T) {
	iss := newTestIssuer(t)
	hs256 := jwt.SigningMethodHS256
	tests := []struct {
		name  string
		token string
	}{
		{"unchanged", forge(t, hs256, testSecret, nil, nil)},
		{"no typ header", forge(t, hs256, testSecret, nil, func(h map[string]any) { delete(h, "typ") })},
		{"lower-case typ", forge(t, hs256, testSecret, nil, func(h map[string]any) { h["typ"] = "jwt" })},
		{"aud as string", resign(t, raw(t, map[string]any{"alg": "HS256", "typ": "JWT"}, validMapClaims(), nil), testSecret)},
		{"nbf in the past", forge(t, hs256, testSecret, func(m jwt.MapClaims) { m["nbf"] = testNow.Add(-time.Minute).Unix() }, nil)},
		{"admin without adm", forge(t, hs256, testSecret, func(m jwt.MapClaims) { m["role"] = "admin"; delete(m, "adm") }, nil)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := iss.Verify(tt.token); err != nil {
				t.Fatalf("Verify: %v", err)
			}
		})
	}
}

func TestVerifyLeeway(t *testing.T) {
	expiredBy := func(d time.Duration) func(jwt.MapClaims) {
		return func(m jwt.MapClaims) {
			m["iat"] = testNow.Add(-testTTL - d).Unix()
			m["exp"] = testNow.Add(-d).Unix()
		}
	}
	futureIAT := func(m jwt.MapClaims) { m["iat"] = testNow.Add(10 * time.Second).Unix() }
	tests := []struct {
		name   string
		opts   []IssuerOption
		claims func(jwt.MapClaims)
		wantOK bool
	}{
		{"expired 10s ago, default leeway", nil, expiredBy(10 * time.Second), true},
		{"expired 10s ago, no leeway", []IssuerOption{WithLeeway(0)}, expiredBy(10 * time.Second), false},
		{"expired beyond default leeway", nil, expiredBy(DefaultLeeway + time.Second), false},
		{"iat 10s ahead, default leeway", nil, futureIAT, true},
		{"iat 10s ahead, no leeway", []IssuerOption{WithLeeway(0)}, futureIAT, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			iss := newTestIssuer(t, tt.opts...)
			_, err := iss.Verify(forge(t, jwt.SigningMethodHS256, testSecret, tt.claims, nil))
			if (err == nil) != tt.wantOK {
				t.Fatalf("Verify error = %v, want ok = %v", err, tt.wantOK)
			}
		})
	}
}

func TestVerifyUsesClock(t *testing.T) {
	now := testNow
	iss := newTestIssuer(t, WithClock(func() time.Time { return now }), WithLeeway(0))
	token, _, err := iss.Issue(Principal{UserID: "u", Role: RoleAdmin})
	if err != nil {
		t.Fatal(err)
	}
	now = testNow.Add(testTTL - time.Second)
	if _, err := iss.Verify(token); err != nil {
		t.Fatalf("Verify just before expiry: %v", err)
	}
	now = testNow.Add(testTTL)
	if _, err := iss.Verify(token); !errors.Is(err, ErrInvalidToken) {
		t.Fatalf("Verify at expiry: err = %v, want ErrInvalidToken", err)
	}
}

func TestNewIssuer(t *testing.T) {
	tests := []struct {
		name     string
		secret   []byte
		issuer   string
		audience string
		ttl      time.Duration
		opts     []IssuerOption
		wantErr  bool
	}{
		{"valid", testSecret, testIssuer, testAudience, testTTL, nil, false},
		{"secret of 31 bytes", testSecret[:31], testIssuer, testAudience, testTTL, nil, true},
		{"nil secret", nil, testIssuer, testAudience, testTTL, nil, true},
		{"empty issuer", testSecret, "", testAudience, testTTL, nil, true},
		{"empty audience", testSecret, testIssuer, "", testTTL, nil, true},
		{"zero ttl", testSecret, testIssuer, testAudience, 0, nil, true},
		{"negative ttl", testSecret, testIssuer, testAudience, -time.Minute, nil, true},
		{"nil clock", testSecret, testIssuer, testAudience, testTTL, []IssuerOption{WithClock(nil)}, true},
		{"negative leeway", testSecret, testIssuer, testAudience, testTTL, []IssuerOption{WithLeeway(-time.Second)}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			iss, err := NewIssuer(tt.secret, tt.issuer, tt.audience, tt.ttl, tt.opts...)
			if (err != nil) != tt.wantErr {
				t.Fatalf("NewIssuer error = %v, wantErr %v", err, tt.wantErr)
			}
			if err != nil && strings.Contains(err.Error(), string(testSecret[:16])) {
				t.Errorf("error %q reveals the secret", err)
			}
			if err == nil && iss.TTL() != tt.ttl {
				t.Errorf("TTL() = %v, want %v", iss.TTL(), tt.ttl)
			}
		})
	}
}

func TestNewIssuerCopiesSecret(t *testing.T) {
	secret := append([]byte(nil), testSecret...)
	iss, err := NewIssuer(secret, testIssuer, testAudience, testTTL, WithClock(func() time.Time { return testNow }))
	if err != nil {
		t.Fatal(err)
	}
	token, _, err := iss.Issue(Principal{UserID: "u", Role: RoleAdmin})
	if err != nil {
		t.Fatal(err)
	}
	for i := range secret {
		secret[i] = 0
	}
	if _, err := iss.Verify(token); err != nil {
		t.Fatalf("Verify after the caller wiped its secret: %v", err)
	}
}

func payloadJSON(t *testing.T, token string) string {
	t.Helper()
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		t.Fatalf("token has %d segments", len(parts))
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// resign replaces the signature of token by an HS256 signature with key.
func resign(t *testing.T, token string, key []byte) string {
	t.Helper()
	signing := token[:strings.LastIndex(token, ".")]
	sig, err := jwt.SigningMethodHS256.Sign(signing, key)
	if err != nil {
		t.Fatal(err)
	}
	return signing + "." + base64.RawURLEncoding.EncodeToString(sig)
}
