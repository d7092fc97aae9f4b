package users_test

import (
	"regexp"
	"testing"

	"github.com/customs-survey/surveyd/auth"
	"github.com/customs-survey/surveyd/auth/passwords"
	"github.com/customs-survey/surveyd/survey"
)

// TestResetPassword: admins reset any account, coordinators only their own
// administration's respondents (another administration's account is not
// found), respondents none. A reset gives the account a one-time password
// kept as its hash, accepted for 72 hours, ends the account's tokens and
// forgives its failed logins; a refusal changes nothing.
func TestResetPassword(t *testing.T) {
	for _, c := range []struct {
		name, by, target string
		err              error
	}{
		{name: "admin resets a respondent", by: "admin", target: "resp"},
		{name: "admin resets another administration's respondent", by: "admin", target: "respB"},
		{name: "admin resets a coordinator", by: "admin", target: "coord"},
		{name: "admin resets another admin", by: "admin", target: "admin2"},
		{name: "admin resets themselves", by: "admin", target: "admin"},
		{name: "admin resets a disabled account", by: "admin", target: "coord2"},
		{name: "coordinator resets their administration's respondent", by: "coord", target: "resp"},
		{name: "coordinator may not reset a coordinator", by: "coord", target: "coord2", err: survey.ErrForbidden},
		{name: "coordinator may not reset themselves", by: "coord", target: "coord", err: survey.ErrForbidden},
		{name: "coordinator does not see another administration's respondent", by: "coord", target: "respB", err: survey.ErrNotFound},
		{name: "coordinator does not see an admin", by: "coord", target: "admin", err: survey.ErrNotFound},
		{name: "respondent may not reset themselves", by: "resp", target: "resp", err: survey.ErrForbidden},
		{name: "respondent may not reset another", by: "resp", target: "respB", err: survey.ErrForbidden},
		{name: "nobody", by: "", target: "resp", err: survey.ErrForbidden},
		{name: "unknown account", by: "admin", target: "nobody", err: survey.ErrNotFound},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t, nil, "coord2")
			id := f.id(c.target)
			before, _ := f.st.Account(id)
			got, err := f.svc.ResetPassword(t.Context(), f.as(c.by), id)
			checkErr(t, err, c.err, nil, "")
			after, _ := f.st.Account(id)
			if err != nil {
				if after != before {
					t.Fatalf("a refused reset changed the account: %+v, before %+v", after, before)
				}
				return
			}
			if got.User != before.User || !regexp.MustCompile(`^[A-Z2-7]{26}$`).MatchString(got.OneTimePassword) ||
				!got.ExpiresAt.Equal(acted.Add(auth.OneTimePasswordLifetime)) {
				t.Fatalf("ResetPassword = %+v; want %+v, a one-time password and an expiry 72 hours on", got, before.User)
			}
			if ok, err := passwords.Verify(after.PasswordHash, got.OneTimePassword); !ok || err != nil {
				t.Fatalf("the stored hash does not verify the one-time password: %v, %v", ok, err)
			}
			for what, ok := range map[string]bool{
				"one-time password expiry": after.OneTimePasswordExpiresAt.Equal(got.ExpiresAt),
				"tokens valid after":       after.TokensValidAfter.Equal(acted),
				"refresh tokens revoked":   after.RefreshTokensRevokedAt.Equal(acted),
				"failed logins forgiven":   after.LoginsForgivenAt.Equal(acted),
				"password changed":         after.PasswordChangedAt.Equal(acted),
			} {
				if !ok {
					t.Errorf("%s: not the time of the reset (%+v)", what, after)
				}
			}
		})
	}
}

// TestResetPasswordTwice: each reset gives a new one-time password, and the
// one of the earlier reset no longer verifies.
func TestResetPasswordTwice(t *testing.T) {
	f := newFixture(t, nil)
	first, err := f.svc.ResetPassword(t.Context(), f.as("admin"), f.id("resp"))
	if err != nil {
		t.Fatal(err)
	}
	second, err := f.svc.ResetPassword(t.Context(), f.as("coord"), f.id("resp"))
	if err != nil {
		t.Fatal(err)
	}
	stored, _ := f.st.Account(f.id("resp"))
	if first.OneTimePassword == second.OneTimePassword {
		t.Fatal("two resets gave the same one-time password")
	}
	if ok, _ := passwords.Verify(stored.PasswordHash, first.OneTimePassword); ok {
		t.Fatal("the first reset's one-time password still verifies")
	}
}

// TestUnlock: only admins unlock, any account they see; an unlock forgives
// the account's failed logins and changes nothing else.
func TestUnlock(t *testing.T) {
	for _, c := range []struct {
		name, by, target string
		err              error
	}{
		{name: "admin unlocks a respondent", by: "admin", target: "resp"},
		{name: "admin unlocks a coordinator", by: "admin", target: "coord"},
		{name: "admin unlocks an admin", by: "admin", target: "admin2"},
		{name: "admin unlocks a disabled account", by: "admin", target: "coord2"},
		{name: "coordinator may not unlock their respondent", by: "coord", target: "resp", err: survey.ErrForbidden},
		{name: "respondent may not unlock themselves", by: "resp", target: "resp", err: survey.ErrForbidden},
		{name: "nobody", by: "", target: "resp", err: survey.ErrForbidden},
		{name: "unknown account", by: "admin", target: "nobody", err: survey.ErrNotFound},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t, nil, "coord2")
			id := f.id(c.target)
			before, _ := f.st.Account(id)
			got, err := f.svc.Unlock(t.Context(), f.as(c.by), id)
			checkErr(t, err, c.err, nil, "")
			after, _ := f.st.Account(id)
			want := before
			if err == nil {
				want.LoginsForgivenAt = acted
				if got != before.User {
					t.Errorf("Unlock = %+v, want %+v", got, before.User)
				}
			}
			if after != want {
				t.Fatalf("account after the unlock %+v, want %+v", after, want)
			}
		})
	}
}
