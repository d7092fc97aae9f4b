package store

import (
	"context"
	"testing"
	"time"

	"github.com/customs-survey/surveyd/auth"
	"github.com/customs-survey/surveyd/internal/dbtest"
	"github.com/customs-survey/surveyd/migrations"
	"github.com/customs-survey/surveyd/survey"
)

// TestTokenAccount: the one query of every authenticated request reads
// the account and whether the token was revoked, and only that token.
func TestTokenAccount(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		ctx := context.Background()
		s, err := Open(ctx, url, Options{Migrate: true})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		if _, err := s.CreateAdministration(ctx, "BE", "Belgium"); err != nil {
			t.Fatal(err)
		}
		u, err := s.CreateUser(ctx, survey.NewAccount{Email: "r@be.example", PasswordHash: auth.NoPassword,
			Role: "respondent", Administration: "BE"})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.RevokeAccessToken(ctx, "revoked-jti", time.Now().Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			name, user, jti       string
			wantFound, wantRevoke bool
		}{
			{"live token", u.ID, "live-jti", true, false},
			{"revoked token", u.ID, "revoked-jti", true, true},
			{"no such account", "no-such-user", "live-jti", false, false},
		} {
			t.Run(c.name, func(t *testing.T) {
				a, found, revoked, err := s.TokenAccount(ctx, c.user, c.jti)
				if err != nil || found != c.wantFound || revoked != c.wantRevoke {
					t.Fatalf("TokenAccount = found %v revoked %v, %v; want %v %v", found, revoked, err, c.wantFound, c.wantRevoke)
				}
				want, _, err := s.AccountByID(ctx, c.user)
				if err != nil {
					t.Fatal(err)
				}
				// The row's version, on PostgreSQL only (auth.Deferred).
				if stamped := a.Stamp != ""; c.wantFound && stamped != (s.dialect == migrations.Postgres) {
					t.Errorf("stamp %q on %s", a.Stamp, s.dialect)
				}
				a.Stamp = ""
				if a != want {
					t.Errorf("account %+v, want %+v as AccountByID reads it", a, want)
				}
			})
		}
	})
}
