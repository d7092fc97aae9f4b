package api_test

import (
	"bytes"
	"net/http"
	"strconv"
	"testing"

	"github.com/customs-survey/surveyd/auth"
	"github.com/customs-survey/surveyd/internal/dbtest"
)

func TestLogin(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		e := newEnv(t, url)
		e.world()
		tests := []struct {
			name     string
			body     any
			status   int
			wantType string
		}{
			{"admin", map[string]string{"email": adminEmail, "password": adminPassword}, 200, ""},
			{"e-mail is case-insensitive", map[string]string{"email": "ADMIN@Commission.example", "password": adminPassword}, 200, ""},
			{"respondent", map[string]string{"email": "resp_be@customs.example", "password": userPassword}, 200, ""},
			{"wrong password", map[string]string{"email": "resp_fr@customs.example", "password": "not the password"}, 401, "unauthorized"},
			{"unknown e-mail", map[string]string{"email": "nobody@customs.example", "password": userPassword}, 401, "unauthorized"},
			{"missing password", map[string]string{"email": adminEmail}, 422, "validation"},
			{"unknown member", map[string]string{"email": adminEmail, "password": adminPassword, "pasword": "x"}, 422, "validation"},
			{"not JSON", "{email:", 400, "malformed"},
			{"array", "[]", 400, "malformed"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				res := e.request("POST", "/api/v1/auth/login", "", tt.body)
				if res.Status != tt.status {
					t.Fatalf("status %d, want %d: %s", res.Status, tt.status, res.Body)
				}
				body := res.JSON(t)
				if tt.status == 200 {
					for _, k := range []string{"access_token", "refresh_token"} {
						if s, _ := body[k].(string); s == "" {
							t.Errorf("no %s in %s", k, res.Body)
						}
					}
					if body["token_type"] != "Bearer" || body["expires_in"] != float64(900) {
						t.Errorf("token_type/expires_in: %s", res.Body)
					}
					return
				}
				if got := body["type"].(string); !bytes.HasSuffix([]byte(got), []byte("#"+tt.wantType)) {
					t.Errorf("problem type %q, want #%s", got, tt.wantType)
				}
			})
		}

		t.Run("wrong e-mail and wrong password answer identically", func(t *testing.T) {
			a := e.request("POST", "/api/v1/auth/login", "", map[string]string{"email": "resp_be2@customs.example", "password": "wrong password!!"})
			b := e.request("POST", "/api/v1/auth/login", "", map[string]string{"email": "ghost@customs.example", "password": "wrong password!!"})
			if a.Status != b.Status || !bytes.Equal(a.Body, b.Body) {
				t.Errorf("answers differ:\n%d %s\n%d %s", a.Status, a.Body, b.Status, b.Body)
			}
		})
	})
}

func TestMe(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		e := newEnv(t, url)
		e.world()
		tests := []struct {
			token, role string
			adm         any
		}{
			{"admin", "admin", nil},
			{"coord_be", "coordinator", "BE"},
			{"resp_fr", "respondent", "FR"},
		}
		for _, tt := range tests {
			body := e.must(200, "GET", "/api/v1/me", e.tokens[tt.token], nil)
			if body["role"] != tt.role || body["administration"] != tt.adm || body["id"] == "" || body["email"] == "" {
				t.Errorf("%s: %v", tt.token, body)
			}
		}
		for name, header := range map[string]string{
			"no header": "", "not bearer": "Basic YWRtaW46YWRtaW4=", "garbage": "Bearer not.a.jwt", "empty bearer": "Bearer ",
		} {
			res := e.request("GET", "/api/v1/me", "", nil, "Authorization", header)
			if res.Status != 401 || res.Header.Get("WWW-Authenticate") == "" {
				t.Errorf("%s: status %d, WWW-Authenticate %q", name, res.Status, res.Header.Get("WWW-Authenticate"))
			}
		}
	})
}

func TestRefreshRotationAndLogout(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		e := newEnv(t, url)
		login := e.must(200, "POST", "/api/v1/auth/login", "", map[string]string{"email": adminEmail, "password": adminPassword})
		first := login["refresh_token"].(string)

		second := e.must(200, "POST", "/api/v1/auth/refresh", "", map[string]string{"refresh_token": first})
		next := second["refresh_token"].(string)
		if next == first {
			t.Fatal("refresh returned the same refresh token")
		}
		e.must(200, "GET", "/api/v1/me", second["access_token"].(string), nil)

		// Replaying the rotated token is refused and revokes its family,
		// so the token issued by the rotation dies too.
		e.must(401, "POST", "/api/v1/auth/refresh", "", map[string]string{"refresh_token": first})
		e.must(401, "POST", "/api/v1/auth/refresh", "", map[string]string{"refresh_token": next})

		// Another session is unaffected, until it logs out.
		other := e.must(200, "POST", "/api/v1/auth/login", "", map[string]string{"email": adminEmail, "password": adminPassword})
		res := e.request("POST", "/api/v1/auth/logout", other["access_token"].(string), map[string]string{"refresh_token": other["refresh_token"].(string)})
		if res.Status != http.StatusNoContent || len(res.Body) != 0 {
			t.Fatalf("logout: %d %s", res.Status, res.Body)
		}
		e.must(401, "POST", "/api/v1/auth/refresh", "", map[string]string{"refresh_token": other["refresh_token"].(string)})

		e.must(422, "POST", "/api/v1/auth/refresh", "", map[string]string{})
		e.must(401, "POST", "/api/v1/auth/refresh", "", map[string]string{"refresh_token": "made-up"})
		e.must(401, "POST", "/api/v1/auth/logout", "", nil)
	})
}

func TestLoginThrottling(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		e := newEnv(t, url)
		wrong := map[string]string{"email": adminEmail, "password": "wrong password 1"}
		for i := 0; i < 5; i++ {
			e.must(401, "POST", "/api/v1/auth/login", "", wrong)
		}
		// The sixth attempt is refused before the password is checked,
		// even with the right password.
		res := e.request("POST", "/api/v1/auth/login", "", map[string]string{"email": adminEmail, "password": adminPassword})
		if res.Status != http.StatusTooManyRequests {
			t.Fatalf("status %d, want 429: %s", res.Status, res.Body)
		}
		if secs, err := strconv.Atoi(res.Header.Get("Retry-After")); err != nil || secs < 1 || secs > 15*60 {
			t.Errorf("Retry-After %q", res.Header.Get("Retry-After"))
		}
		// Fifteen minutes later the account is free again.
		e.advance(16 * 60 * 1e9)
		e.must(200, "POST", "/api/v1/auth/login", "", map[string]string{"email": adminEmail, "password": adminPassword})
	})
}

func TestSuccessfulLoginsAreNotThrottled(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		e := newEnv(t, url)
		// An office behind one address: many logins in a row all succeed.
		for i := 0; i < 60; i++ {
			e.must(200, "POST", "/api/v1/auth/login", "", map[string]string{"email": adminEmail, "password": adminPassword})
		}
	})
}

func TestLogoutRevokesTheAccessToken(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		e := newEnv(t, url)
		login := e.must(200, "POST", "/api/v1/auth/login", "", map[string]string{"email": adminEmail, "password": adminPassword})
		access, refresh := login["access_token"].(string), login["refresh_token"].(string)
		e.must(200, "GET", "/api/v1/me", access, nil)
		e.must(204, "POST", "/api/v1/auth/logout", access, nil)
		e.must(401, "GET", "/api/v1/me", access, nil)
		// An access token alone also ends the refresh tokens of its user.
		e.must(401, "POST", "/api/v1/auth/refresh", "", map[string]string{"refresh_token": refresh})
		// Logging out twice with the same token is refused: it is revoked.
		e.must(401, "POST", "/api/v1/auth/logout", access, nil)
		// Other sessions' access tokens keep working.
		e.must(200, "GET", "/api/v1/me", e.tokens["admin"], nil)
	})
}

func TestForwardedForIsNotTrustedByDefault(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		e := newEnv(t, url)
		// The address's allowance of failures, each claiming another
		// address in X-Forwarded-For and naming another (unknown) account.
		for i := range auth.DefaultThrottle.MaxPerAddress {
			e.must(401, "POST", "/api/v1/auth/login", "", map[string]string{"email": "x" + strconv.Itoa(i) + "@nowhere.example", "password": "wrong password 12"},
				"X-Forwarded-For", "203.0.113."+strconv.Itoa(i%250))
		}
		res := e.request("POST", "/api/v1/auth/login", "", map[string]string{"email": adminEmail, "password": adminPassword},
			"X-Forwarded-For", "198.51.100.7")
		if res.Status != http.StatusTooManyRequests {
			t.Fatalf("status %d, want 429: the address limit was dodged with X-Forwarded-For", res.Status)
		}
	})
}
