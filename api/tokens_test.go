package api_test

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"maps"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"

	"github.com/customs-survey/surveyd/internal/dbtest"
)

// accountIDs maps the e-mail of every account to its id, as the admin sees
// them.
func (e *env) accountIDs() map[string]string {
	e.t.Helper()
	ids := map[string]string{}
	for _, u := range listOf(e.t, e.request("GET", "/api/v1/users", e.tokens["admin"], nil), "users") {
		ids[u["email"].(string)] = u["id"].(string)
	}
	return ids
}

// backdatedRespondents creates the administrations BE and FR and a
// respondent of BE for each name (e-mail name@customs.example), with the
// service's clock a minute behind. Tokens minted with an iat a few seconds
// ago then postdate the accounts' creation (their first "password change"),
// and still predate, by whole seconds, any change a test makes next: iat has
// one-second precision, and a token of the same second as a change survives
// it.
func (e *env) backdatedRespondents(names ...string) map[string]string {
	e.t.Helper()
	e.advance(-time.Minute)
	defer e.advance(time.Minute)
	for _, code := range []string{"BE", "FR"} {
		e.must(http.StatusCreated, "POST", "/api/v1/administrations", e.tokens["admin"], map[string]string{"code": code, "name": code})
	}
	ids := map[string]string{}
	for _, name := range names {
		email := name + "@customs.example"
		body := e.must(http.StatusCreated, "POST", "/api/v1/users", e.tokens["admin"], newUser(email, userPassword, "respondent", "BE"))
		ids[name] = body["id"].(string)
	}
	return ids
}

// loginPair logs in and returns the access and refresh tokens.
func (e *env) loginPair(email, password string) (access, refresh string) {
	e.t.Helper()
	body := e.must(http.StatusOK, "POST", "/api/v1/auth/login", "", map[string]string{"email": email, "password": password})
	return body["access_token"].(string), body["refresh_token"].(string)
}

// accessClaims are the claims the service issues for a respondent of BE,
// issued at iat and valid for five minutes from then.
func accessClaims(id string, iat time.Time) jwt.MapClaims {
	return jwt.MapClaims{
		"sub": id, "role": "respondent", "adm": "BE", "iss": "surveyd", "aud": "surveyd-api",
		"exp": iat.Add(5 * time.Minute).Unix(), "iat": iat.Unix(), "jti": uuid.NewString(),
	}
}

// claimsWith copies c with the members kv (name, value pairs) set; a nil
// value removes the member.
func claimsWith(c jwt.MapClaims, kv ...any) jwt.MapClaims {
	out := maps.Clone(c)
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == nil {
			delete(out, kv[i].(string))
			continue
		}
		out[kv[i].(string)] = kv[i+1]
	}
	return out
}

func sign(t *testing.T, method jwt.SigningMethod, key any, claims jwt.MapClaims) string {
	t.Helper()
	token, err := jwt.NewWithClaims(method, claims).SignedString(key)
	if err != nil {
		t.Fatalf("sign %s: %v", method.Alg(), err)
	}
	return token
}

// rawToken joins a header and claims, as JSON, with a signature given as
// bytes, without signing anything.
func rawToken(t *testing.T, header map[string]any, claims jwt.MapClaims, signature []byte) string {
	t.Helper()
	part := func(v any) string {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		return base64.RawURLEncoding.EncodeToString(b)
	}
	return part(header) + "." + part(claims) + "." + base64.RawURLEncoding.EncodeToString(signature)
}

// wantUnauthorized fails t unless res is a 401 problem of type unauthorized
// with a WWW-Authenticate challenge (request already checks the media type).
func wantUnauthorized(t *testing.T, res result) {
	t.Helper()
	if res.Status != http.StatusUnauthorized {
		t.Fatalf("status %d, want 401\n%s", res.Status, res.Body)
	}
	if res.Header.Get("WWW-Authenticate") == "" {
		t.Error("no WWW-Authenticate header")
	}
	if typ, _ := res.JSON(t)["type"].(string); !strings.HasSuffix(typ, "#unauthorized") {
		t.Errorf("problem type %q, want #unauthorized", typ)
	}
}

// TestTokenAttacks presents forged, tampered, misused and outdated tokens.
// Every forged token differs from the accepted control token in exactly one
// respect, so each case fails if the service stops checking that respect.
func TestTokenAttacks(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		e := newEnv(t, url)
		ids := e.backdatedRespondents("forged", "rotating", "disabled", "deleted", "password", "promoted", "moved", "reenabled")
		email := func(name string) string { return name + "@customs.example" }
		secret, err := e.store.JWTSecret(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		otherKey := make([]byte, 32)
		if _, err := rand.Read(otherKey); err != nil {
			t.Fatal(err)
		}
		now := time.Now()
		valid := accessClaims(ids["forged"], now)
		hs256 := func(c jwt.MapClaims) string { return sign(t, jwt.SigningMethodHS256, secret, c) }
		me := func(token string) result { return e.request("GET", "/api/v1/me", token, nil) }
		refresh := func(token string) result {
			return e.request("POST", "/api/v1/auth/refresh", "", map[string]string{"refresh_token": token})
		}
		patch := func(name string, body map[string]any) {
			e.t.Helper()
			e.must(http.StatusOK, "PATCH", "/api/v1/users/"+ids[name], e.tokens["admin"], body)
		}
		// old mints a token for the account name issued two seconds ago,
		// checks that it is accepted now, and returns it.
		old := func(name, role, adm string) string {
			e.t.Helper()
			c := accessClaims(ids[name], now.Add(-2*time.Second))
			c["role"] = role
			if adm == "" {
				delete(c, "adm")
			} else {
				c["adm"] = adm
			}
			token := hs256(c)
			e.must(http.StatusOK, "GET", "/api/v1/me", token, nil)
			return token
		}

		t.Run("controls", func(t *testing.T) {
			defer e.useT(t)()
			// The forging helpers make tokens the service accepts; each case
			// below breaks one thing.
			body := e.must(http.StatusOK, "GET", "/api/v1/me", hs256(valid), nil)
			if body["id"] != ids["forged"] || body["role"] != "respondent" || body["administration"] != "BE" {
				t.Errorf("/me with the control token: %v", body)
			}
			e.must(http.StatusOK, "GET", "/api/v1/me", hs256(claimsWith(valid, "nbf", now.Add(-time.Minute).Unix())), nil)
			e.must(http.StatusOK, "GET", "/api/v1/me", hs256(claimsWith(valid, "aud", []string{"surveyd-api"})), nil)
			// Issued within the leeway in the future: accepted.
			e.must(http.StatusOK, "GET", "/api/v1/me", hs256(claimsWith(valid, "iat", now.Add(10*time.Second).Unix())), nil)
		})

		// Tokens handed from one case to the next.
		var rotatedNext, disabledRefresh, deletedRefresh, passwordRefresh, reenabledRefresh string

		tests := []struct {
			name string
			send func(t *testing.T) result
		}{
			{"alg none, unsigned", func(t *testing.T) result {
				return me(sign(t, jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, valid))
			}},
			{"HS256 header with the signature stripped", func(t *testing.T) result {
				return me(rawToken(t, map[string]any{"alg": "HS256", "typ": "JWT"}, valid, nil))
			}},
			{"HS384 with the real secret", func(t *testing.T) result {
				return me(sign(t, jwt.SigningMethodHS384, secret, valid))
			}},
			{"HS512 with the real secret", func(t *testing.T) result {
				return me(sign(t, jwt.SigningMethodHS512, secret, valid))
			}},
			{"RS256 header with a garbage signature", func(t *testing.T) result {
				garbage := make([]byte, 256)
				_, _ = rand.Read(garbage)
				return me(rawToken(t, map[string]any{"alg": "RS256", "typ": "JWT"}, valid, garbage))
			}},
			{"payload tampered to admin, signature kept", func(t *testing.T) result {
				genuine := e.login(email("forged"), userPassword)
				e.must(http.StatusOK, "GET", "/api/v1/me", genuine, nil)
				parts := strings.Split(genuine, ".")
				raw, err := base64.RawURLEncoding.DecodeString(parts[1])
				if err != nil {
					t.Fatal(err)
				}
				var claims map[string]any
				if err := json.Unmarshal(raw, &claims); err != nil {
					t.Fatal(err)
				}
				claims["role"] = "admin"
				delete(claims, "adm") // a well-formed admin token: only the signature is wrong
				payload, _ := json.Marshal(claims)
				return me(parts[0] + "." + base64.RawURLEncoding.EncodeToString(payload) + "." + parts[2])
			}},
			{"signed with another key", func(t *testing.T) result {
				return me(sign(t, jwt.SigningMethodHS256, otherKey, valid))
			}},
			{"expired beyond the leeway", func(t *testing.T) result {
				return me(hs256(claimsWith(valid, "iat", now.Add(-20*time.Minute).Unix(), "exp", now.Add(-2*time.Minute).Unix())))
			}},
			{"not yet valid (nbf in the future)", func(t *testing.T) result {
				return me(hs256(claimsWith(valid, "nbf", now.Add(5*time.Minute).Unix())))
			}},
			{"iat in the future beyond the leeway", func(t *testing.T) result {
				return me(hs256(claimsWith(valid, "iat", now.Add(5*time.Minute).Unix(), "exp", now.Add(20*time.Minute).Unix())))
			}},
			{"wrong iss", func(t *testing.T) result { return me(hs256(claimsWith(valid, "iss", "surveyd-staging"))) }},
			{"wrong aud", func(t *testing.T) result { return me(hs256(claimsWith(valid, "aud", "surveyd-admin"))) }},
			{"missing exp", func(t *testing.T) result { return me(hs256(claimsWith(valid, "exp", nil))) }},
			{"missing sub", func(t *testing.T) result { return me(hs256(claimsWith(valid, "sub", nil))) }},
			{"refresh token as a bearer access token", func(t *testing.T) result {
				_, refreshToken := e.loginPair(email("forged"), userPassword)
				return me(refreshToken)
			}},
			{"access token as a refresh token", func(t *testing.T) result {
				return refresh(e.login(email("forged"), userPassword))
			}},
			{"rotated refresh token replayed", func(t *testing.T) result {
				_, first := e.loginPair(email("rotating"), userPassword)
				rotatedNext = e.must(http.StatusOK, "POST", "/api/v1/auth/refresh", "", map[string]string{"refresh_token": first})["refresh_token"].(string)
				return refresh(first)
			}},
			{"refresh token from the rotation, after the replay revoked its family", func(t *testing.T) result {
				return refresh(rotatedNext)
			}},
			{"access token of a disabled user", func(t *testing.T) result {
				var disabledAccess string
				disabledAccess, disabledRefresh = e.loginPair(email("disabled"), userPassword)
				e.must(http.StatusOK, "GET", "/api/v1/me", disabledAccess, nil)
				patch("disabled", map[string]any{"disabled": true})
				return me(disabledAccess)
			}},
			{"refresh token of a disabled user", func(t *testing.T) result { return refresh(disabledRefresh) }},
			{"login of a disabled user", func(t *testing.T) result {
				return e.request("POST", "/api/v1/auth/login", "", map[string]string{"email": email("disabled"), "password": userPassword})
			}},
			{"access token of a deleted user", func(t *testing.T) result {
				var deletedAccess string
				deletedAccess, deletedRefresh = e.loginPair(email("deleted"), userPassword)
				e.must(http.StatusOK, "GET", "/api/v1/me", deletedAccess, nil)
				e.must(http.StatusNoContent, "DELETE", "/api/v1/users/"+ids["deleted"], e.tokens["admin"], nil)
				return me(deletedAccess)
			}},
			{"refresh token of a deleted user", func(t *testing.T) result { return refresh(deletedRefresh) }},
			{"access token issued before a password change", func(t *testing.T) result {
				passwordOld := old("password", "respondent", "BE")
				var access string
				access, passwordRefresh = e.loginPair(email("password"), userPassword)
				fresh := e.must(http.StatusOK, "POST", "/api/v1/me/password", access,
					map[string]string{"current_password": userPassword, "new_password": "a brand new passphrase"})
				// The pair handed out by the change works.
				e.must(http.StatusOK, "GET", "/api/v1/me", fresh["access_token"].(string), nil)
				return me(passwordOld)
			}},
			{"refresh token issued before a password change", func(t *testing.T) result { return refresh(passwordRefresh) }},
			{"access token issued before a role change", func(t *testing.T) result {
				promotedOld := old("promoted", "respondent", "BE")
				patch("promoted", map[string]any{"role": "coordinator"})
				return me(promotedOld)
			}},
			{"access token issued before an administration change", func(t *testing.T) result {
				movedOld := old("moved", "respondent", "BE")
				patch("moved", map[string]any{"administration": "FR"})
				return me(movedOld)
			}},
			{"access token of a re-enabled user, issued before the disabling", func(t *testing.T) result {
				reenabledOld := old("reenabled", "respondent", "BE")
				_, reenabledRefresh = e.loginPair(email("reenabled"), userPassword)
				patch("reenabled", map[string]any{"disabled": true})
				patch("reenabled", map[string]any{"disabled": false})
				return me(reenabledOld)
			}},
			{"refresh token of a re-enabled user, issued before the disabling", func(t *testing.T) result {
				return refresh(reenabledRefresh)
			}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				defer e.useT(t)()
				wantUnauthorized(t, tt.send(t))
			})
		}

		t.Run("new logins after the changes", func(t *testing.T) {
			defer e.useT(t)()
			// A re-enabled user gets in again, with a new login.
			e.must(http.StatusOK, "GET", "/api/v1/me", e.login(email("reenabled"), userPassword), nil)
			// The changed password is the one that works now.
			e.must(http.StatusUnauthorized, "POST", "/api/v1/auth/login", "", map[string]string{"email": email("password"), "password": userPassword})
			e.must(http.StatusOK, "GET", "/api/v1/me", e.login(email("password"), "a brand new passphrase"), nil)
			// A new login carries the new role and administration.
			body := e.must(http.StatusOK, "GET", "/api/v1/me", e.login(email("promoted"), userPassword), nil)
			if body["role"] != "coordinator" || body["administration"] != "BE" {
				t.Errorf("promoted: %v", body)
			}
			body = e.must(http.StatusOK, "GET", "/api/v1/me", e.login(email("moved"), userPassword), nil)
			if body["role"] != "respondent" || body["administration"] != "FR" {
				t.Errorf("moved: %v", body)
			}
			// Deleted and disabled accounts stay out.
			for _, name := range []string{"deleted", "disabled"} {
				e.must(http.StatusUnauthorized, "POST", "/api/v1/auth/login", "", map[string]string{"email": email(name), "password": userPassword})
			}
			// The control token of an untouched account still works: the
			// refusals above are about the accounts, not the key.
			e.must(http.StatusOK, "GET", "/api/v1/me", hs256(valid), nil)
		})
	})
}
