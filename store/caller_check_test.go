package store

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/customs-survey/surveyd/auth"
	"github.com/customs-survey/surveyd/internal/dbtest"
	"github.com/customs-survey/surveyd/responding"
	"github.com/customs-survey/surveyd/survey"
)

// TestChangeCarriesTheCallerCheck: a save or a submission whose token
// check was left for it (auth.Deferred) is one statement in all on
// PostgreSQL, token check included, and is refused, writing nothing, when
// another process revoked the token or changed the account in between,
// as the full check would refuse it. A change of the account that leaves
// the token valid (its e-mail) costs the full check, and the change is
// made.
func TestChangeCarriesTheCallerCheck(t *testing.T) {
	type change func(ctx context.Context, r *responding.Service, p auth.Principal) (survey.Response, error)
	calls := []struct {
		name string
		do   change
	}{
		{"save", func(ctx context.Context, r *responding.Service, p auth.Principal) (survey.Response, error) {
			return r.SaveDraft(ctx, p, "c-2023", annualAnswers(), nil)
		}},
		{"submission", func(ctx context.Context, r *responding.Service, p auth.Principal) (survey.Response, error) {
			return r.Submit(ctx, p, "c-2023", nil)
		}},
	}
	cases := []struct {
		name string
		// meanwhile is what another process does between the check and
		// the change, to the account userID and the token jti.
		meanwhile  func(t *testing.T, other *Store, userID, jti string)
		refused    bool
		statements int // at most, when not refused
	}{
		{"nothing", func(*testing.T, *Store, string, string) {}, false, 1},
		{"token revoked by a logout", func(t *testing.T, other *Store, _, jti string) {
			if err := other.RevokeAccessToken(context.Background(), jti, time.Now().Add(time.Hour)); err != nil {
				t.Fatal(err)
			}
		}, true, 0},
		{"account disabled", func(t *testing.T, other *Store, userID, _ string) {
			execSQL(t, other, "UPDATE users SET disabled_at = now() WHERE id = ?", userID)
		}, true, 0},
		{"password changed", func(t *testing.T, other *Store, userID, _ string) {
			if err := other.SetPassword(context.Background(), userID, auth.NoPassword); err != nil {
				t.Fatal(err)
			}
		}, true, 0},
		{"moved to another administration", func(t *testing.T, other *Store, userID, _ string) {
			execSQL(t, other, "UPDATE users SET administration_code = 'FR' WHERE id = ?", userID)
		}, true, 0},
		{"e-mail changed", func(t *testing.T, other *Store, userID, _ string) {
			execSQL(t, other, "UPDATE users SET email = 'r2@be.example' WHERE id = ?", userID)
		}, false, 4},
	}
	for _, call := range calls {
		for _, tc := range cases {
			t.Run(call.name+"/"+tc.name, func(t *testing.T) {
				ctx := context.Background()
				url := dbtest.PostgresURL(t)
				s, trace := openTraced(t, url)
				p := seedOpenCampaign(t, s)
				if _, err := s.CreateAdministration(ctx, "FR", "France"); err != nil {
					t.Fatal(err)
				}
				other, err := Open(ctx, url, Options{})
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { other.Close() })
				issuer, err := auth.NewIssuer([]byte(strings.Repeat("k", 32)), "surveyd", "surveyd-api", 15*time.Minute)
				if err != nil {
					t.Fatal(err)
				}
				svc := auth.NewService(s, issuer, auth.DefaultThrottle, time.Hour, nil)
				token, claims, err := issuer.Issue(p)
				if err != nil {
					t.Fatal(err)
				}
				r := responding.New(s, time.Now)
				// The account is read in a later second than the token's
				// iat, past the clock skew allowed, as a request a little
				// after a sign-in reads it.
				time.Sleep(time.Until(time.Now().Add(auth.DeferredSkew).Truncate(time.Second).Add(time.Second)))

				// A first request checks the token in full, and the
				// process keeps the account; its changes leave the
				// response's state kept.
				first, check, err := svc.AuthenticateDeferred(ctx, token)
				if err != nil || check != nil {
					t.Fatalf("first check: %v, deferred %v", err, check)
				}
				for _, c := range calls {
					if _, err := c.do(ctx, r, first); err != nil {
						t.Fatal(err)
					}
				}
				if _, err := calls[0].do(ctx, r, first); err != nil {
					t.Fatal(err)
				}
				caller, check, err := svc.AuthenticateDeferred(ctx, token)
				if err != nil || check == nil {
					t.Fatalf("second check: %v, deferred %v: want it left for the change", err, check)
				}
				before := responseRevision(t, s, p.UserID)
				tc.meanwhile(t, other, p.UserID, claims.ID)

				trace.take()
				got, err := call.do(auth.WithDeferred(ctx, check), r, caller)
				sent := trace.take()
				if len(sent) == 0 || !strings.Contains(sent[0], "revoked_access_tokens") {
					t.Errorf("the first statement does not carry the check:\n%s", strings.Join(sent, "\n"))
				}
				after := responseRevision(t, s, p.UserID)
				if tc.refused {
					if !errors.Is(err, auth.ErrInvalidToken) {
						t.Fatalf("got %v, want auth.ErrInvalidToken", err)
					}
					if after != before {
						t.Errorf("revision %d after a refused change, want %d", after, before)
					}
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				if got.Revision != before+1 || after != before+1 {
					t.Errorf("revision %d (answered %d), want %d", after, got.Revision, before+1)
				}
				if auth.DeferredFrom(auth.WithDeferred(ctx, check)) != nil {
					t.Error("the check is still to be made after the change")
				}
				if len(sent) > tc.statements {
					t.Errorf("%d statements, want at most %d:\n%s", len(sent), tc.statements, strings.Join(sent, "\n"))
				}
			})
		}
	}
}

func execSQL(t *testing.T, s *Store, query string, args ...any) {
	t.Helper()
	if err := s.db.Exec(query, args...).Error; err != nil {
		t.Fatal(err)
	}
}

func responseRevision(t *testing.T, s *Store, userID string) int {
	t.Helper()
	var revision int
	if err := s.db.Raw("SELECT revision FROM responses WHERE respondent_id = ?", userID).Scan(&revision).Error; err != nil {
		t.Fatal(err)
	}
	return revision
}
