package api_test

import (
	"context"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/customs-survey/surveyd/auth"
	"github.com/customs-survey/surveyd/internal/dbtest"
	"github.com/customs-survey/surveyd/store"
	"github.com/customs-survey/surveyd/survey"
)

// TestChangeRefusedForATokenEndedElsewhere: a save or a submission whose
// token another process ended (a logout, the account disabled, made a
// coordinator or its password reset) after this process last checked it in full is
// refused 401, as any request with that token, and changes nothing; the
// answer is the 401 of an anonymous request, nothing of the handler's
// (on PostgreSQL the change carries the rest of the token's check,
// auth.Deferred, and is refused by its own statement).
func TestChangeRefusedForATokenEndedElsewhere(t *testing.T) {
	calls := []struct{ name, method, path string }{
		{"save", "PUT", "/api/v1/campaigns/customs-2023/response"},
		{"submission", "POST", "/api/v1/campaigns/customs-2023/response/submit"},
	}
	cases := []struct {
		name string
		// meanwhile is what the other process does to the respondent id
		// whose token is token; admin is the admin's token.
		meanwhile func(other *env, admin, id, token string)
		want      int
	}{
		{"nothing", func(*env, string, string, string) {}, http.StatusOK},
		{"logout", func(other *env, _, _, token string) {
			other.must(http.StatusNoContent, "POST", "/api/v1/auth/logout", token, nil)
		}, http.StatusUnauthorized},
		{"account disabled", func(other *env, admin, id, _ string) {
			other.must(http.StatusOK, "PATCH", "/api/v1/users/"+id, admin, map[string]any{"disabled": true})
		}, http.StatusUnauthorized},
		{"made a coordinator", func(other *env, admin, id, _ string) {
			other.must(http.StatusOK, "PATCH", "/api/v1/users/"+id, admin, map[string]any{"role": "coordinator"})
		}, http.StatusUnauthorized},
		{"password reset", func(other *env, admin, id, _ string) {
			other.must(http.StatusOK, "POST", "/api/v1/users/"+id+"/password-reset", admin, nil)
		}, http.StatusUnauthorized},
	}
	dbtest.Each(t, func(t *testing.T, url string) {
		e := newEnv(t, url)
		e.world()
		admin := e.tokens["admin"]
		other := e.secondProcess(url)
		answers := map[string]any{"answers": campaignAnswers}
		for _, call := range calls {
			for _, tc := range cases {
				t.Run(call.name+"/"+tc.name, func(t *testing.T) {
					email := strings.ReplaceAll(call.name+"-"+tc.name, " ", "-") + "@customs.example"
					u := e.must(http.StatusCreated, "POST", "/api/v1/users", admin,
						map[string]string{"email": email, "password": userPassword, "role": "respondent", "administration": "BE"})
					id := u["id"].(string)
					token := e.login(email, userPassword)
					// Changes through this process, in a later second than
					// the token's: it checks the token and keeps the
					// account, read after the token was issued, and the
					// response's state.
					nextSecond()
					e.must(http.StatusOK, "PUT", calls[0].path, token, answers)
					e.must(http.StatusOK, "POST", calls[1].path, token, nil)
					e.must(http.StatusOK, "PUT", calls[0].path, token, answers)
					before := revision(t, e, id)

					tc.meanwhile(other, admin, id, token)
					var body any
					if call.method == "PUT" {
						body = answers
					}
					res := e.request(call.method, call.path, token, body)
					if res.Status != tc.want {
						t.Fatalf("%d %s, want %d", res.Status, res.Body, tc.want)
					}
					after := revision(t, e, id)
					if tc.want == http.StatusOK {
						if after != before+1 {
							t.Errorf("revision %d, want %d", after, before+1)
						}
						return
					}
					if after != before {
						t.Errorf("revision %d after a refused change, want %d", after, before)
					}
					if got := res.Header.Get("Content-Type"); !strings.HasPrefix(got, "application/problem+json") ||
						res.Header.Get("ETag") != "" || !strings.Contains(string(res.Body), `"status":401`) {
						t.Errorf("answer %v %s, want a 401 problem and none of the handler's headers", res.Header, res.Body)
					}
					// The audit trail records the attempt as an anonymous
					// one, as for any request with that token.
					page, _ := e.auditPage(nil)
					refused := 0
					for _, ev := range page.Events {
						if ev.Status == http.StatusUnauthorized && (ev.Action == "response.save" || ev.Action == "response.submit") {
							refused++
							if ev.Actor != nil {
								t.Errorf("the refused change's event names %v", ev)
							}
						}
					}
					if refused == 0 {
						t.Errorf("no event of the refused change:\n%v", page.Events)
					}
				})
			}
		}
	})
}

// revision is the revision of the response of the respondent id to
// customs-2023, as the database holds it.
func revision(t *testing.T, e *env, id string) int {
	t.Helper()
	r, found, err := e.store.Response(context.Background(), survey.ScopeOf(auth.Operator()), "customs-2023", id)
	if err != nil || !found {
		t.Fatalf("response: found %v, %v", found, err)
	}
	return r.Revision
}

// TestChangeRightAfterAPasswordChange: a respondent whose password was
// reset signs in with the one-time password, replaces it, and saves and
// submits at once with the token pair the change hands out. The instance
// that serves them last checked the account in full before the change, as
// one that must change its password, in a later second than the one-time
// sign-in: the new token is not checked on that account, but in full.
// That instance is the one that made the change, or another whose clock
// runs 1.5 s ahead (within the skew allowed for, auth.DeferredSkew), and
// so read the account in a later second by its own clock than the new
// token's iat, though before it was issued.
func TestChangeRightAfterAPasswordChange(t *testing.T) {
	cases := []struct {
		name  string
		ahead time.Duration // the serving instance's clock, ahead of the changing one's; 0: the same instance
	}{
		{"the same instance", 0},
		{"an instance ahead", 1500 * time.Millisecond},
	}
	dbtest.Each(t, func(t *testing.T, url string) {
		e := newEnv(t, url)
		e.world()
		admin := e.tokens["admin"]
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				serving := e
				if tc.ahead != 0 {
					serving = e.instanceOf(url, func() time.Time { return time.Now().Add(tc.ahead) }, nil)
				}
				email := "reset-" + strings.ReplaceAll(tc.name, " ", "-") + "@customs.example"
				id := e.must(http.StatusCreated, "POST", "/api/v1/users", admin,
					map[string]string{"email": email, "password": userPassword, "role": "respondent", "administration": "BE"})["id"].(string)
				answers := map[string]any{"answers": campaignAnswers}
				otp := e.must(http.StatusOK, "POST", "/api/v1/users/"+id+"/password-reset", admin, nil)["one_time_password"].(string)
				once := e.login(email, otp)
				nextSecond()
				serving.must(http.StatusForbidden, "PUT", "/api/v1/campaigns/customs-2023/response", once, answers)
				pair := e.must(http.StatusOK, "POST", "/api/v1/me/password", once,
					map[string]string{"current_password": otp, "new_password": "correct horse battery staple"})
				token := pair["access_token"].(string)
				serving.must(http.StatusOK, "PUT", "/api/v1/campaigns/customs-2023/response", token, answers)
				serving.must(http.StatusOK, "POST", "/api/v1/campaigns/customs-2023/response/submit", token, nil)
			})
		}
	})
}

// nextSecond sleeps until an account read now is read after the tokens
// issued before the call, for AuthenticateDeferred: past the next second
// (the precision of a token's iat) and the clock skew it allows.
func nextSecond() {
	time.Sleep(time.Until(time.Now().Add(auth.DeferredSkew).Truncate(time.Second).Add(time.Second)))
}

// countingTokens is the store the token checks of an instance read, counting
// the full checks (TokenAccount).
type countingTokens struct {
	*store.Store
	n atomic.Int64
}

func (c *countingTokens) TokenAccount(ctx context.Context, userID, jti string) (auth.Account, bool, bool, error) {
	c.n.Add(1)
	return c.Store.TokenAccount(ctx, userID, jti)
}

// TestChangeMakesNoFullTokenCheck: once the process keeps the caller's
// account, a save and a submission read nothing for the token on
// PostgreSQL (their statements carry the check), and each reads it once
// on SQLite; either way the audit trail names the caller of each.
func TestChangeMakesNoFullTokenCheck(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		e := newEnv(t, url)
		e.world()
		admin := e.tokens["admin"]
		var tokens *countingTokens
		counted := e.instanceOf(url, time.Now, func(st *store.Store) auth.Store {
			tokens = &countingTokens{Store: st}
			return tokens
		})

		const email = "counted@customs.example"
		id := counted.must(http.StatusCreated, "POST", "/api/v1/users", admin,
			map[string]string{"email": email, "password": userPassword, "role": "respondent", "administration": "BE"})["id"].(string)
		token := counted.login(email, userPassword)
		answers := map[string]any{"answers": campaignAnswers}
		nextSecond()
		counted.must(http.StatusOK, "PUT", "/api/v1/campaigns/customs-2023/response", token, answers)

		const rounds = 3
		tokens.n.Store(0)
		for range rounds {
			counted.must(http.StatusOK, "PUT", "/api/v1/campaigns/customs-2023/response", token, answers)
			counted.must(http.StatusOK, "POST", "/api/v1/campaigns/customs-2023/response/submit", token, nil)
		}
		want := int64(2 * rounds)
		if strings.HasPrefix(url, "postgres") {
			want = 0
		}
		if got := tokens.n.Load(); got != want {
			t.Errorf("%d full token checks for %d saves and submissions, want %d", got, 2*rounds, want)
		}

		page, _ := e.auditPage(nil)
		named := 0
		for _, ev := range page.Events {
			if ev.Actor != nil && ev.Actor.ID == id && ev.Status == http.StatusOK &&
				(ev.Action == "response.save" || ev.Action == "response.submit") {
				named++
			}
		}
		if named < 2*rounds+1 {
			t.Errorf("%d events of the caller's changes name the caller, want %d:\n%v", named, 2*rounds+1, page.Events)
		}
	})
}

// instanceOf is another instance of the service on url, as secondProcess,
// whose clock (its token issuer's too) is now and whose token checks read
// the store that tokens makes of its own (nil: its own).
func (e *env) instanceOf(url string, now func() time.Time, tokens func(*store.Store) auth.Store) *env {
	e.t.Helper()
	other := &env{t: e.t, tokens: e.tokens}
	other.store, other.handler = newInstanceOf(e.t, url,
		instance{throttle: auth.DefaultThrottle, now: now, clockedTokens: true, tokens: tokens})
	return other
}
