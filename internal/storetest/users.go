package storetest

import (
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/customs-survey/surveyd/auth"
	"github.com/customs-survey/surveyd/survey"
)

// testUsers is the contract of users.Store. The facts of survey.UserRecord
// that come from responses, submissions and questionnaires are left to the
// parts of the contract that create those.
func testUsers(t *testing.T, open Open) {
	t.Run("administrations", func(t *testing.T) { testUserAdministrations(t, open) })
	t.Run("create", func(t *testing.T) { testCreateUser(t, open) })
	t.Run("first admin", func(t *testing.T) { testFirstAdmin(t, open) })
	t.Run("scope", func(t *testing.T) { testUserScope(t, open) })
	t.Run("update", func(t *testing.T) { testUpdateUser(t, open) })
	t.Run("delete", func(t *testing.T) { testDeleteUser(t, open) })
	t.Run("serialised", func(t *testing.T) { testUserChangesSerialised(t, open) })
	t.Run("import", func(t *testing.T) { testImportUsers(t, open) })
	t.Run("reset password", func(t *testing.T) { testResetPassword(t, open) })
	t.Run("unlock", func(t *testing.T) { testUnlockUser(t, open) })
	t.Run("pages", func(t *testing.T) { testUserPages(t, open) })
}

// userClock is the fixed time of the stores of testUsers, finer than the
// microsecond that the stores keep.
var userClock = time.Date(2024, 3, 1, 12, 0, 0, 123456789, time.UTC)

func openUsers(t *testing.T, open Open) Store {
	return open(t, func() time.Time { return userClock })
}

// errAnyUserError stands for a case's error of any kind but nil.
var errAnyUserError = errors.New("any error")

// checkUserErr fails t unless err is want (nil, a sentinel, or
// errAnyUserError).
func checkUserErr(t *testing.T, what string, err, want error) {
	t.Helper()
	switch {
	case want == nil && err != nil, want != nil && err == nil:
		t.Fatalf("%s: error %v, want %v", what, err, want)
	case want != nil && want != errAnyUserError && !errors.Is(err, want):
		t.Fatalf("%s: error %v, want %v", what, err, want)
	}
}

// sameUser compares accounts, times as instants.
func sameUser(a, b survey.User) bool {
	return a.ID == b.ID && a.Email == b.Email && a.Role == b.Role && a.Administration == b.Administration &&
		a.CreatedAt.Equal(b.CreatedAt) && a.Disabled == b.Disabled
}

func userEmails(list []survey.User) []string {
	out := make([]string, len(list))
	for i, u := range list {
		out[i] = u.Email
	}
	return out
}

func testUserAdministrations(t *testing.T, open Open) {
	st := openUsers(t, open)
	ctx := t.Context()
	a, err := st.CreateAdministration(ctx, "AA", "Administration A")
	if err != nil {
		t.Fatal(err)
	}
	if a.Code != "AA" || a.Name != "Administration A" || !a.CreatedAt.Equal(userClock.Truncate(time.Microsecond)) {
		t.Fatalf("created %+v", a)
	}
	for _, c := range []struct {
		name, code, wantName string
		err                  error
	}{
		{name: "created", code: "AA", wantName: "Administration A"},
		{name: "unknown", code: "ZZ", err: survey.ErrNotFound},
		{name: "empty code", code: "", err: survey.ErrNotFound},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := st.Administration(ctx, c.code)
			checkUserErr(t, "Administration", err, c.err)
			if err == nil && (got.Code != c.code || got.Name != c.wantName || !got.CreatedAt.Equal(a.CreatedAt)) {
				t.Fatalf("Administration = %+v, want %+v", got, a)
			}
		})
	}
	t.Run("duplicate code", func(t *testing.T) {
		_, err := st.CreateAdministration(ctx, "AA", "Another")
		checkUserErr(t, "CreateAdministration", err, survey.ErrConflict)
		if got, err := st.Administration(ctx, "AA"); err != nil || got.Name != "Administration A" {
			t.Fatalf("after the duplicate: %+v, %v", got, err)
		}
	})
}

func testCreateUser(t *testing.T, open Open) {
	st := openUsers(t, open)
	ctx := t.Context()
	for _, code := range []string{"AA", "BB"} {
		if _, err := st.CreateAdministration(ctx, code, code); err != nil {
			t.Fatal(err)
		}
	}
	admin, coordinator, respondent := string(auth.RoleAdmin), string(auth.RoleCoordinator), string(auth.RoleRespondent)
	// The cases run in order on one store: the later ones collide with
	// the earlier.
	ids := map[string]bool{}
	for _, c := range []struct {
		name string
		in   survey.NewAccount
		err  error
	}{
		{name: "admin", in: survey.NewAccount{Email: "admin@hq.test", Role: admin}},
		{name: "coordinator", in: survey.NewAccount{Email: "coord@aa.test", Role: coordinator, Administration: "AA"}},
		{name: "respondent", in: survey.NewAccount{Email: "resp@aa.test", Role: respondent, Administration: "AA"}},
		{name: "e-mail of another administration's account", in: survey.NewAccount{Email: "coord@aa.test", Role: respondent, Administration: "BB"}, err: survey.ErrConflict},
		{name: "e-mail of an admin", in: survey.NewAccount{Email: "admin@hq.test", Role: admin}, err: survey.ErrConflict},
		{name: "unknown administration", in: survey.NewAccount{Email: "resp@zz.test", Role: respondent, Administration: "ZZ"}, err: survey.ErrConflict},
		{name: "admin of an administration", in: survey.NewAccount{Email: "admin@aa.test", Role: admin, Administration: "AA"}, err: errAnyUserError},
		{name: "respondent of no administration", in: survey.NewAccount{Email: "resp@hq.test", Role: respondent}, err: errAnyUserError},
		{name: "unknown role", in: survey.NewAccount{Email: "guest@aa.test", Role: "guest", Administration: "AA"}, err: errAnyUserError},
	} {
		t.Run(c.name, func(t *testing.T) {
			c.in.PasswordHash = auth.NoPassword
			before, err := st.Users(ctx, survey.Everything)
			if err != nil {
				t.Fatal(err)
			}
			got, err := st.CreateUser(ctx, c.in)
			checkUserErr(t, "CreateUser", err, c.err)
			after, err := st.Users(ctx, survey.Everything)
			if err != nil {
				t.Fatal(err)
			}
			if c.err != nil {
				if len(after) != len(before) {
					t.Fatalf("a refused account was stored: %v", userEmails(after))
				}
				return
			}
			want := survey.User{ID: got.ID, Email: c.in.Email, Role: c.in.Role, Administration: c.in.Administration,
				CreatedAt: userClock.Truncate(time.Microsecond)}
			if got.ID == "" || ids[got.ID] || !sameUser(got, want) {
				t.Fatalf("CreateUser = %+v, want %+v with a new id", got, want)
			}
			ids[got.ID] = true
			if len(after) != len(before)+1 {
				t.Fatalf("Users after a creation: %v", userEmails(after))
			}
			if stored, err := st.User(ctx, survey.Everything, got.ID); err != nil || !sameUser(stored, want) {
				t.Fatalf("User = %+v, %v; want %+v", stored, err, want)
			}
		})
	}
}

func testFirstAdmin(t *testing.T, open Open) {
	coordinator := survey.NewAccount{Email: "coord@aa.test", PasswordHash: auth.NoPassword, Role: string(auth.RoleCoordinator), Administration: "AA"}
	respondent := survey.NewAccount{Email: "resp@aa.test", PasswordHash: auth.NoPassword, Role: string(auth.RoleRespondent), Administration: "AA"}
	otherAdmin := survey.NewAccount{Email: "old-admin@hq.test", PasswordHash: auth.NoPassword, Role: string(auth.RoleAdmin)}
	first := survey.NewAccount{Email: "first@hq.test", PasswordHash: auth.NoPassword, Role: string(auth.RoleAdmin)}
	second := survey.NewAccount{Email: "second@hq.test", PasswordHash: auth.NoPassword, Role: string(auth.RoleAdmin)}
	for _, c := range []struct {
		name string
		seed []survey.NewAccount
		// disable disables the seeded accounts.
		disable  bool
		hasAdmin bool
	}{
		{name: "no account", hasAdmin: false},
		{name: "no admin", seed: []survey.NewAccount{coordinator, respondent}, hasAdmin: false},
		{name: "an admin", seed: []survey.NewAccount{coordinator, otherAdmin}, hasAdmin: true},
		{name: "a disabled admin", seed: []survey.NewAccount{otherAdmin}, disable: true, hasAdmin: true},
	} {
		t.Run(c.name, func(t *testing.T) {
			st := openUsers(t, open)
			ctx := t.Context()
			if _, err := st.CreateAdministration(ctx, "AA", "AA"); err != nil {
				t.Fatal(err)
			}
			var want []string
			for _, a := range c.seed {
				u, err := st.CreateUser(ctx, a)
				if err != nil {
					t.Fatal(err)
				}
				if c.disable {
					disableUser(t, st, u.ID)
				}
				want = append(want, a.Email)
			}
			if has, err := st.HasAdmin(ctx); err != nil || has != c.hasAdmin {
				t.Fatalf("HasAdmin = %v, %v; want %v", has, err, c.hasAdmin)
			}
			created, err := st.CreateFirstAdmin(ctx, first)
			if err != nil || created == c.hasAdmin {
				t.Fatalf("CreateFirstAdmin = %v, %v; want %v", created, err, !c.hasAdmin)
			}
			if created {
				want = append(want, first.Email)
			}
			if has, err := st.HasAdmin(ctx); err != nil || !has {
				t.Fatalf("HasAdmin after CreateFirstAdmin = %v, %v", has, err)
			}
			if again, err := st.CreateFirstAdmin(ctx, second); err != nil || again {
				t.Fatalf("CreateFirstAdmin again = %v, %v; want false", again, err)
			}
			list, err := st.Users(ctx, survey.Everything)
			if err != nil {
				t.Fatal(err)
			}
			slices.Sort(want)
			if got := userEmails(list); !slices.Equal(got, want) {
				t.Fatalf("Users = %v, want %v", got, want)
			}
			for _, u := range list {
				if u.Email == first.Email && (u.Role != string(auth.RoleAdmin) || u.Administration != "" || u.Disabled) {
					t.Fatalf("first admin stored as %+v", u)
				}
			}
		})
	}
}

// disableUser disables the account id through UpdateUser.
func disableUser(t *testing.T, st Store, id string) {
	t.Helper()
	disabled := true
	if _, err := st.UpdateUser(t.Context(), survey.Everything, id, func(survey.UserRecord) (survey.UserUpdate, error) {
		return survey.UserUpdate{Disabled: &disabled, StaleTokens: true, RevokeRefreshTokens: true}, nil
	}); err != nil {
		t.Fatal(err)
	}
}

func testUserScope(t *testing.T, open Open) {
	st := openUsers(t, open)
	ctx := t.Context()
	for _, code := range []string{"AA", "BB", "CC"} {
		if _, err := st.CreateAdministration(ctx, code, code); err != nil {
			t.Fatal(err)
		}
	}
	// Created out of the order of their e-mails, which Users follows.
	ids := map[string]string{}
	for _, a := range []survey.NewAccount{
		{Email: "zed@aa.test", Role: string(auth.RoleRespondent), Administration: "AA"},
		{Email: "amy@bb.test", Role: string(auth.RoleRespondent), Administration: "BB"},
		{Email: "kim@aa.test", Role: string(auth.RoleCoordinator), Administration: "AA"},
		{Email: "bob@hq.test", Role: string(auth.RoleAdmin)},
	} {
		a.PasswordHash = auth.NoPassword
		u, err := st.CreateUser(ctx, a)
		if err != nil {
			t.Fatal(err)
		}
		ids[a.Email] = u.ID
	}
	for _, c := range []struct {
		name  string
		scope survey.Scope
		want  []string
	}{
		{name: "everything", scope: survey.Everything, want: []string{"amy@bb.test", "bob@hq.test", "kim@aa.test", "zed@aa.test"}},
		{name: "one administration", scope: survey.Scope{Administration: "AA"}, want: []string{"kim@aa.test", "zed@aa.test"}},
		{name: "one administration without drafts", scope: survey.Scope{Administration: "AA", HideDrafts: true}, want: []string{"kim@aa.test", "zed@aa.test"}},
		{name: "another administration", scope: survey.Scope{Administration: "BB"}, want: []string{"amy@bb.test"}},
		{name: "an administration without accounts", scope: survey.Scope{Administration: "CC"}},
		{name: "an unknown administration", scope: survey.Scope{Administration: "ZZ"}},
		{name: "zero scope", scope: survey.Scope{}},
		{name: "zero scope without drafts", scope: survey.Scope{HideDrafts: true}},
	} {
		t.Run(c.name, func(t *testing.T) {
			list, err := st.Users(ctx, c.scope)
			if err != nil {
				t.Fatal(err)
			}
			if got := userEmails(list); !slices.Equal(got, c.want) {
				t.Fatalf("Users = %v, want %v", got, c.want)
			}
			for email, id := range ids {
				u, err := st.User(ctx, c.scope, id)
				if slices.Contains(c.want, email) {
					if err != nil || u.Email != email {
						t.Errorf("User(%s) = %+v, %v", email, u, err)
					}
				} else if !errors.Is(err, survey.ErrNotFound) {
					t.Errorf("User(%s) = %+v, %v; want ErrNotFound", email, u, err)
				}
			}
			if _, err := st.User(ctx, c.scope, "no-such-user"); !errors.Is(err, survey.ErrNotFound) {
				t.Errorf("User of an unknown id: %v, want ErrNotFound", err)
			}
		})
	}
}

// userSeed creates the accounts that the update and delete cases work on,
// in administrations AA and BB, and returns their ids by name: admin1 and
// admin2 (admins), resp (respondent of AA) and coord (coordinator of BB).
// The accounts named in disabled are disabled.
func userSeed(t *testing.T, st Store, disabled ...string) map[string]survey.User {
	t.Helper()
	ctx := t.Context()
	for _, code := range []string{"AA", "BB"} {
		if _, err := st.CreateAdministration(ctx, code, code); err != nil {
			t.Fatal(err)
		}
	}
	out := map[string]survey.User{}
	for name, a := range map[string]survey.NewAccount{
		"admin1": {Email: "admin1@hq.test", Role: string(auth.RoleAdmin)},
		"admin2": {Email: "admin2@hq.test", Role: string(auth.RoleAdmin)},
		"resp":   {Email: "resp@aa.test", Role: string(auth.RoleRespondent), Administration: "AA"},
		"coord":  {Email: "coord@bb.test", Role: string(auth.RoleCoordinator), Administration: "BB"},
	} {
		a.PasswordHash = auth.NoPassword
		u, err := st.CreateUser(ctx, a)
		if err != nil {
			t.Fatal(err)
		}
		if slices.Contains(disabled, name) {
			disableUser(t, st, u.ID)
			u.Disabled = true
		}
		out[name] = u
	}
	return out
}

// userTarget is the id of the seeded account name, or an id no account
// has.
func userTarget(seeded map[string]survey.User, name string) string {
	if u, ok := seeded[name]; ok {
		return u.ID
	}
	return "no-such-user"
}

func testUpdateUser(t *testing.T, open Open) {
	yes, no := true, false
	errDecided := survey.Errorf(survey.ErrConflict, "refused by the rules")
	all, aa, bb := survey.Everything, survey.Scope{Administration: "AA"}, survey.Scope{Administration: "BB"}
	for _, c := range []struct {
		name     string
		disabled []string // seeded accounts disabled beforehand
		target   string   // a seeded account, or none
		scope    survey.Scope
		update   survey.UserUpdate
		// decideErr is what decide returns, with update.
		decideErr error
		// otherActiveAdmin is the fact decide must be given.
		otherActiveAdmin bool
		// want changes the seeded account into the expected one.
		want func(*survey.User)
		err  error
		// notFound: decide must not be called.
		notFound bool
	}{
		{name: "respondent to coordinator of another administration", target: "resp", scope: all,
			update:           survey.UserUpdate{Membership: &survey.Membership{Role: "coordinator", Administration: "BB"}, StaleTokens: true},
			otherActiveAdmin: true, want: func(u *survey.User) { u.Role, u.Administration = "coordinator", "BB" }},
		{name: "respondent to admin", target: "resp", scope: all,
			update:           survey.UserUpdate{Membership: &survey.Membership{Role: "admin"}, StaleTokens: true},
			otherActiveAdmin: true, want: func(u *survey.User) { u.Role, u.Administration = "admin", "" }},
		{name: "admin to respondent", target: "admin2", scope: all,
			update:           survey.UserUpdate{Membership: &survey.Membership{Role: "respondent", Administration: "AA"}, StaleTokens: true},
			otherActiveAdmin: true, want: func(u *survey.User) { u.Role, u.Administration = "respondent", "AA" }},
		{name: "disable", target: "resp", scope: all,
			update:           survey.UserUpdate{Disabled: &yes, StaleTokens: true, RevokeRefreshTokens: true},
			otherActiveAdmin: true, want: func(u *survey.User) { u.Disabled = true }},
		{name: "re-enable", disabled: []string{"coord"}, target: "coord", scope: all,
			update:           survey.UserUpdate{Disabled: &no},
			otherActiveAdmin: true, want: func(u *survey.User) { u.Disabled = false }},
		{name: "tokens only", target: "coord", scope: all,
			update:           survey.UserUpdate{StaleTokens: true, RevokeRefreshTokens: true},
			otherActiveAdmin: true},
		{name: "nothing", target: "coord", scope: all, otherActiveAdmin: true},
		{name: "admin beside another active admin", target: "admin1", scope: all, otherActiveAdmin: true},
		{name: "admin beside a disabled admin", disabled: []string{"admin2"}, target: "admin1", scope: all, otherActiveAdmin: false},
		{name: "disabled admin beside an active admin", disabled: []string{"admin2"}, target: "admin2", scope: all, otherActiveAdmin: true},
		{name: "respondent when every admin is disabled", disabled: []string{"admin1", "admin2"}, target: "resp", scope: all, otherActiveAdmin: false},
		{name: "own administration's account", target: "resp", scope: aa,
			update:           survey.UserUpdate{Disabled: &yes, StaleTokens: true, RevokeRefreshTokens: true},
			otherActiveAdmin: true, want: func(u *survey.User) { u.Disabled = true }},
		{name: "another administration's account", target: "resp", scope: bb,
			update: survey.UserUpdate{Disabled: &yes}, err: survey.ErrNotFound, notFound: true},
		{name: "admin seen by an administration", target: "admin1", scope: aa,
			update: survey.UserUpdate{Disabled: &yes}, err: survey.ErrNotFound, notFound: true},
		{name: "zero scope", target: "resp", scope: survey.Scope{},
			update: survey.UserUpdate{Disabled: &yes}, err: survey.ErrNotFound, notFound: true},
		{name: "unknown account", scope: all,
			update: survey.UserUpdate{Disabled: &yes}, err: survey.ErrNotFound, notFound: true},
		{name: "refused by decide", target: "resp", scope: all,
			update:    survey.UserUpdate{Membership: &survey.Membership{Role: "coordinator", Administration: "AA"}, Disabled: &yes, StaleTokens: true, RevokeRefreshTokens: true},
			decideErr: errDecided, otherActiveAdmin: true, err: errDecided},
		{name: "unknown administration", target: "resp", scope: all,
			update:           survey.UserUpdate{Membership: &survey.Membership{Role: "respondent", Administration: "ZZ"}, Disabled: &yes},
			otherActiveAdmin: true, err: survey.ErrConflict},
		{name: "admin of an administration", target: "resp", scope: all,
			update:           survey.UserUpdate{Membership: &survey.Membership{Role: "admin", Administration: "AA"}, Disabled: &yes},
			otherActiveAdmin: true, err: errAnyUserError},
	} {
		t.Run(c.name, func(t *testing.T) {
			st := openUsers(t, open)
			ctx := t.Context()
			seeded := userSeed(t, st, c.disabled...)
			id := userTarget(seeded, c.target)
			before := seeded[c.target]
			calls := 0
			got, err := st.UpdateUser(ctx, c.scope, id, func(rec survey.UserRecord) (survey.UserUpdate, error) {
				calls++
				if !sameUser(rec.User, before) || rec.OtherActiveAdmin != c.otherActiveAdmin || rec.HasResponses || rec.HasHistory {
					t.Errorf("decide given %+v; want %+v with OtherActiveAdmin %v and no responses nor history", rec, before, c.otherActiveAdmin)
				}
				return c.update, c.decideErr
			})
			checkUserErr(t, "UpdateUser", err, c.err)
			if c.err == errDecided && err != errDecided {
				t.Fatalf("UpdateUser = %v, want the error of decide as it is", err)
			}
			if (calls == 0) != c.notFound || calls > 1 {
				t.Fatalf("decide called %d times", calls)
			}
			want := before
			if c.want != nil && c.err == nil {
				c.want(&want)
			}
			if err == nil && !sameUser(got, want) {
				t.Fatalf("UpdateUser = %+v, want %+v", got, want)
			}
			if c.target == "" {
				return
			}
			if stored, err := st.User(ctx, survey.Everything, id); err != nil || !sameUser(stored, want) {
				t.Fatalf("stored %+v, %v; want %+v", stored, err, want)
			}
		})
	}
}

func testDeleteUser(t *testing.T, open Open) {
	errDecided := survey.Errorf(survey.ErrConflict, "refused by the rules")
	all, aa, bb := survey.Everything, survey.Scope{Administration: "AA"}, survey.Scope{Administration: "BB"}
	for _, c := range []struct {
		name             string
		disabled         []string
		target           string
		scope            survey.Scope
		decideErr        error
		otherActiveAdmin bool
		err              error
		notFound         bool
	}{
		{name: "respondent", target: "resp", scope: all, otherActiveAdmin: true},
		{name: "admin beside another active admin", target: "admin1", scope: all, otherActiveAdmin: true},
		{name: "admin beside a disabled admin", disabled: []string{"admin2"}, target: "admin1", scope: all, otherActiveAdmin: false},
		{name: "disabled admin", disabled: []string{"admin2"}, target: "admin2", scope: all, otherActiveAdmin: true},
		{name: "own administration's account", target: "resp", scope: aa, otherActiveAdmin: true},
		{name: "refused by decide", target: "resp", scope: all, decideErr: errDecided, otherActiveAdmin: true, err: errDecided},
		{name: "another administration's account", target: "resp", scope: bb, err: survey.ErrNotFound, notFound: true},
		{name: "admin seen by an administration", target: "admin1", scope: aa, err: survey.ErrNotFound, notFound: true},
		{name: "zero scope", target: "resp", scope: survey.Scope{}, err: survey.ErrNotFound, notFound: true},
		{name: "unknown account", scope: all, err: survey.ErrNotFound, notFound: true},
	} {
		t.Run(c.name, func(t *testing.T) {
			st := openUsers(t, open)
			ctx := t.Context()
			seeded := userSeed(t, st, c.disabled...)
			id := userTarget(seeded, c.target)
			before := seeded[c.target]
			calls := 0
			err := st.DeleteUser(ctx, c.scope, id, func(rec survey.UserRecord) error {
				calls++
				if !sameUser(rec.User, before) || rec.OtherActiveAdmin != c.otherActiveAdmin || rec.HasResponses || rec.HasHistory {
					t.Errorf("decide given %+v; want %+v with OtherActiveAdmin %v and no responses nor history", rec, before, c.otherActiveAdmin)
				}
				return c.decideErr
			})
			checkUserErr(t, "DeleteUser", err, c.err)
			if c.err == errDecided && err != errDecided {
				t.Fatalf("DeleteUser = %v, want the error of decide as it is", err)
			}
			if (calls == 0) != c.notFound || calls > 1 {
				t.Fatalf("decide called %d times", calls)
			}
			list, lerr := st.Users(ctx, survey.Everything)
			if lerr != nil {
				t.Fatal(lerr)
			}
			stored, gerr := st.User(ctx, survey.Everything, id)
			if err != nil {
				// Nothing is deleted.
				if len(list) != len(seeded) {
					t.Fatalf("Users after a refused deletion: %v", userEmails(list))
				}
				if c.target != "" && (gerr != nil || !sameUser(stored, before)) {
					t.Fatalf("after a refused deletion: %+v, %v", stored, gerr)
				}
				return
			}
			if !errors.Is(gerr, survey.ErrNotFound) || len(list) != len(seeded)-1 || slices.Contains(userEmails(list), before.Email) {
				t.Fatalf("after the deletion: User = %v, Users = %v", gerr, userEmails(list))
			}
			// The e-mail is free again.
			if _, err := st.CreateUser(ctx, survey.NewAccount{Email: before.Email, PasswordHash: auth.NoPassword,
				Role: before.Role, Administration: before.Administration}); err != nil {
				t.Fatalf("CreateUser with the e-mail of the deleted account: %v", err)
			}
		})
	}
}

// testUserChangesSerialised checks that two changes of accounts do not run
// alongside: two admins disabling each other at the same moment, with the
// rule that an admin is disabled only beside another active one, leave one
// active admin. The first change waits inside decide so that, if they ran
// alongside, the second would read the accounts before the first is
// written.
func testUserChangesSerialised(t *testing.T, open Open) {
	for _, c := range []struct {
		name   string
		second func(st Store, id string, decide func(survey.UserRecord) (survey.UserUpdate, error)) error
	}{
		{name: "update and update", second: func(st Store, id string, decide func(survey.UserRecord) (survey.UserUpdate, error)) error {
			_, err := st.UpdateUser(t.Context(), survey.Everything, id, decide)
			return err
		}},
		{name: "update and delete", second: func(st Store, id string, decide func(survey.UserRecord) (survey.UserUpdate, error)) error {
			return st.DeleteUser(t.Context(), survey.Everything, id, func(rec survey.UserRecord) error {
				_, err := decide(rec)
				return err
			})
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			st := openUsers(t, open)
			seeded := userSeed(t, st)
			errLast := survey.Errorf(survey.ErrConflict, "the last active admin")
			yes := true
			rule := func(rec survey.UserRecord) (survey.UserUpdate, error) {
				if !rec.OtherActiveAdmin {
					return survey.UserUpdate{}, errLast
				}
				return survey.UserUpdate{Disabled: &yes}, nil
			}
			entered := make(chan struct{})
			var wg sync.WaitGroup
			var firstErr error
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, firstErr = st.UpdateUser(t.Context(), survey.Everything, seeded["admin2"].ID, func(rec survey.UserRecord) (survey.UserUpdate, error) {
					close(entered)
					time.Sleep(200 * time.Millisecond)
					return rule(rec)
				})
			}()
			<-entered
			secondErr := c.second(st, seeded["admin1"].ID, rule)
			wg.Wait()
			if firstErr != nil || secondErr != errLast {
				t.Fatalf("first change: %v, second: %v; want nil and %v", firstErr, secondErr, errLast)
			}
			var active []string
			list, err := st.Users(t.Context(), survey.Everything)
			if err != nil {
				t.Fatal(err)
			}
			for _, u := range list {
				if u.Role == string(auth.RoleAdmin) && !u.Disabled {
					active = append(active, u.Email)
				}
			}
			if want := []string{"admin1@hq.test"}; !slices.Equal(active, want) {
				t.Fatalf("active admins %v, want %v", active, want)
			}
		})
	}
}
