package users_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/customs-survey/surveyd/auth"
	"github.com/customs-survey/surveyd/auth/passwords"
	"github.com/customs-survey/surveyd/internal/memstore"
	"github.com/customs-survey/surveyd/survey"
	"github.com/customs-survey/surveyd/users"
)

// The accounts of a fixture, by name.
var seedAccounts = map[string]survey.NewAccount{
	"admin":  {Email: "admin@hq.test", Role: "admin"},
	"admin2": {Email: "admin2@hq.test", Role: "admin"},
	"coord":  {Email: "coord@aa.test", Role: "coordinator", Administration: "AA"},
	"coord2": {Email: "coord2@aa.test", Role: "coordinator", Administration: "AA"},
	"resp":   {Email: "resp@aa.test", Role: "respondent", Administration: "AA"},
	"respB":  {Email: "resp@bb.test", Role: "respondent", Administration: "BB"},
}

const strongPassword = "correct horse battery staple"

var (
	// seeded is the time at which a fixture's accounts are created (and
	// disabled); acted the time at which the case acts.
	seeded = time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)
	acted  = seeded.Add(time.Hour)
)

// fixture is a service over a fake store holding administrations AA and BB
// and accounts of seedAccounts, created without password (no hashing).
type fixture struct {
	st  *memstore.Store
	svc *users.Service
	ids map[string]string
	now time.Time
}

// newFixture seeds the accounts named (all of seedAccounts when none) and
// disables those in disabled, at the time seeded; the clock then moves to
// acted.
func newFixture(t *testing.T, names []string, disabled ...string) *fixture {
	t.Helper()
	f := &fixture{ids: map[string]string{}, now: seeded}
	f.st = memstore.New(func() time.Time { return f.now })
	f.svc = users.New(f.st)
	ctx := t.Context()
	for _, code := range []string{"AA", "BB"} {
		if _, err := f.st.CreateAdministration(ctx, code, "Administration "+code); err != nil {
			t.Fatal(err)
		}
	}
	if names == nil {
		for name := range seedAccounts {
			names = append(names, name)
		}
	}
	for _, name := range names {
		a := seedAccounts[name]
		a.PasswordHash = auth.NoPassword
		u, err := f.st.CreateUser(ctx, a)
		if err != nil {
			t.Fatal(err)
		}
		f.ids[name] = u.ID
	}
	yes := true
	for _, name := range disabled {
		if _, err := f.st.UpdateUser(ctx, survey.Everything, f.ids[name], func(survey.UserRecord) (survey.UserUpdate, error) {
			return survey.UserUpdate{Disabled: &yes, StaleTokens: true, RevokeRefreshTokens: true}, nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	f.now = acted
	return f
}

// as is the principal of the seeded account name; of nobody for "".
func (f *fixture) as(name string) auth.Principal {
	if name == "" {
		return auth.Principal{}
	}
	a := seedAccounts[name]
	return auth.Principal{UserID: f.ids[name], Email: a.Email, Role: auth.Role(a.Role), Administration: a.Administration}
}

// id is the id of the seeded account name, or one no account has.
func (f *fixture) id(name string) string {
	if id, ok := f.ids[name]; ok {
		return id
	}
	return "no-such-user"
}

func (f *fixture) count(t *testing.T) int {
	t.Helper()
	list, err := f.st.Users(t.Context(), survey.Everything)
	if err != nil {
		t.Fatal(err)
	}
	return len(list)
}

// checkErr fails t unless err matches: want (a sentinel) when set, else the
// validation problems invalid when set, else no error; and contains msg.
func checkErr(t *testing.T, err, want error, invalid []survey.FieldError, msg string) {
	t.Helper()
	switch {
	case want != nil:
		if !errors.Is(err, want) {
			t.Fatalf("error %v, want %v", err, want)
		}
	case invalid != nil:
		var v *survey.ValidationError
		if !errors.As(err, &v) {
			t.Fatalf("error %v, want a validation error", err)
		}
		var got []survey.FieldError
		for _, fe := range v.Errors {
			got = append(got, survey.FieldError{Field: fe.Field, Code: fe.Code})
		}
		if !slices.Equal(got, invalid) {
			t.Fatalf("validation errors %v, want %v", v.Errors, invalid)
		}
	case err != nil:
		t.Fatalf("unexpected error %v", err)
	}
	if msg != "" && (err == nil || !strings.Contains(err.Error(), msg)) {
		t.Fatalf("error %v, want one saying %q", err, msg)
	}
}

func invalid(field string, code survey.Code) []survey.FieldError {
	return []survey.FieldError{{Field: field, Code: code}}
}

func TestCreate(t *testing.T) {
	for _, c := range []struct {
		name    string
		by      string
		in      survey.NewUser
		want    survey.User // ID and CreatedAt aside
		err     error
		invalid []survey.FieldError
	}{
		{name: "admin creates a coordinator", by: "admin",
			in:   survey.NewUser{Email: "New@AA.Test", Password: strongPassword, Role: "coordinator", Administration: "AA"},
			want: survey.User{Email: "new@aa.test", Role: "coordinator", Administration: "AA"}},
		{name: "admin creates an admin", by: "admin",
			in:   survey.NewUser{Email: "new@hq.test", Password: strongPassword, Role: "admin"},
			want: survey.User{Email: "new@hq.test", Role: "admin"}},
		{name: "coordinator creates a respondent of their administration", by: "coord",
			in:   survey.NewUser{Email: "new@aa.test", Password: strongPassword, Role: "respondent", Administration: "AA"},
			want: survey.User{Email: "new@aa.test", Role: "respondent", Administration: "AA"}},
		{name: "coordinator's administration by default", by: "coord",
			in:   survey.NewUser{Email: "new@aa.test", Password: strongPassword, Role: "respondent"},
			want: survey.User{Email: "new@aa.test", Role: "respondent", Administration: "AA"}},
		{name: "coordinator creates a respondent of another administration", by: "coord",
			in: survey.NewUser{Email: "new@bb.test", Password: strongPassword, Role: "respondent", Administration: "BB"}, err: survey.ErrForbidden},
		{name: "coordinator creates a coordinator", by: "coord",
			in: survey.NewUser{Email: "new@aa.test", Password: strongPassword, Role: "coordinator", Administration: "AA"}, err: survey.ErrForbidden},
		{name: "coordinator creates an admin", by: "coord",
			in: survey.NewUser{Email: "new@hq.test", Password: strongPassword, Role: "admin"}, err: survey.ErrForbidden},
		{name: "coordinator's forbidden request with a weak password", by: "coord",
			in: survey.NewUser{Email: "new@bb.test", Password: "short", Role: "respondent", Administration: "BB"}, err: survey.ErrForbidden},
		{name: "respondent", by: "resp",
			in: survey.NewUser{Email: "new@aa.test", Password: strongPassword, Role: "respondent", Administration: "AA"}, err: survey.ErrForbidden},
		{name: "nobody", by: "",
			in: survey.NewUser{Email: "new@aa.test", Password: strongPassword, Role: "respondent", Administration: "AA"}, err: survey.ErrForbidden},
		{name: "weak password", by: "admin",
			in:      survey.NewUser{Email: "new@aa.test", Password: "short", Role: "respondent", Administration: "AA"},
			invalid: invalid("password", survey.CodeWeakPassword)},
		{name: "coordinator's weak password", by: "coord",
			in:      survey.NewUser{Email: "new@aa.test", Password: "short", Role: "respondent"},
			invalid: invalid("password", survey.CodeWeakPassword)},
		{name: "unknown role", by: "admin",
			in:      survey.NewUser{Email: "new@aa.test", Password: strongPassword, Role: "guest", Administration: "AA"},
			invalid: invalid("role", survey.CodeNotAllowed)},
		{name: "admin of an administration", by: "admin",
			in:      survey.NewUser{Email: "new@aa.test", Password: strongPassword, Role: "admin", Administration: "AA"},
			invalid: invalid("administration", survey.CodeNotAllowed)},
		{name: "respondent of no administration", by: "admin",
			in:      survey.NewUser{Email: "new@aa.test", Password: strongPassword, Role: "respondent"},
			invalid: invalid("administration", survey.CodeRequired)},
		{name: "unknown administration", by: "admin",
			in:      survey.NewUser{Email: "new@zz.test", Password: strongPassword, Role: "respondent", Administration: "ZZ"},
			invalid: invalid("administration", survey.CodeUnknownAdministration)},
		{name: "every problem at once", by: "admin",
			in: survey.NewUser{Email: "new@zz.test", Password: "short", Role: "respondent", Administration: "ZZ"},
			invalid: []survey.FieldError{{Field: "password", Code: survey.CodeWeakPassword},
				{Field: "administration", Code: survey.CodeUnknownAdministration}}},
		{name: "not an e-mail address", by: "admin",
			in:      survey.NewUser{Email: "not an address", Password: strongPassword, Role: "admin"},
			invalid: invalid("email", survey.CodeInvalidEmail)},
		{name: "an unknown role, by a coordinator: the fields' rules first", by: "coord",
			in:      survey.NewUser{Email: "new@aa.test", Password: strongPassword, Role: "auditor"},
			invalid: invalid("role", survey.CodeNotAllowed)},
		{name: "e-mail taken, differently written", by: "admin",
			in: survey.NewUser{Email: "ADMIN@hq.test", Password: strongPassword, Role: "admin"}, err: survey.ErrConflict},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t, nil)
			before := f.count(t)
			got, err := f.svc.Create(t.Context(), f.as(c.by), c.in)
			checkErr(t, err, c.err, c.invalid, "")
			if err != nil {
				if n := f.count(t); n != before {
					t.Fatalf("%d accounts after a refused creation, want %d", n, before)
				}
				return
			}
			want := c.want
			want.ID, want.CreatedAt = got.ID, acted
			if got != want {
				t.Fatalf("Create = %+v, want %+v", got, want)
			}
			stored, ok := f.st.Account(got.ID)
			if !ok || stored.User != want {
				t.Fatalf("stored %+v, want %+v", stored.User, want)
			}
			if ok, err := passwords.Verify(stored.PasswordHash, c.in.Password); err != nil || !ok {
				t.Fatalf("the stored hash does not verify the password: %v, %v", ok, err)
			}
		})
	}
}

func TestEnsureAdmin(t *testing.T) {
	for _, c := range []struct {
		name     string
		accounts []string
		disabled []string
		password string
		created  bool
		err      error
	}{
		{name: "no account", accounts: []string{}, password: strongPassword, created: true},
		{name: "no admin", accounts: []string{"coord", "resp"}, password: strongPassword, created: true},
		{name: "no admin, weak password", accounts: []string{"coord"}, password: "short", err: passwords.ErrPolicy},
		{name: "an admin, weak password", accounts: []string{"admin", "coord"}, password: "short"},
		{name: "a disabled admin", accounts: []string{"admin"}, disabled: []string{"admin"}, password: strongPassword},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t, c.accounts, c.disabled...)
			ctx := t.Context()
			created, err := f.svc.EnsureAdmin(ctx, " First@HQ.test ", c.password)
			checkErr(t, err, c.err, nil, "")
			if created != c.created {
				t.Fatalf("EnsureAdmin = %v, want %v", created, c.created)
			}
			list, err := f.st.Users(ctx, survey.Everything)
			if err != nil {
				t.Fatal(err)
			}
			want := len(c.accounts)
			if c.created {
				want++
			}
			if len(list) != want {
				t.Fatalf("%d accounts, want %d", len(list), want)
			}
			if !c.created {
				return
			}
			var first survey.User
			for _, u := range list {
				if u.Email == "first@hq.test" {
					first = u
				}
			}
			stored, _ := f.st.Account(first.ID)
			if first.Role != "admin" || first.Administration != "" || first.Disabled {
				t.Fatalf("first admin stored as %+v", first)
			}
			if ok, err := passwords.Verify(stored.PasswordHash, c.password); err != nil || !ok {
				t.Fatalf("the stored hash does not verify the password: %v, %v", ok, err)
			}
			// Once there is an admin, neither the password is checked
			// nor another admin created.
			again, err := f.svc.EnsureAdmin(ctx, "second@hq.test", "short")
			if err != nil || again {
				t.Fatalf("EnsureAdmin again = %v, %v; want false, nil", again, err)
			}
			if n := f.count(t); n != want {
				t.Fatalf("%d accounts after EnsureAdmin again, want %d", n, want)
			}
		})
	}
}

func TestList(t *testing.T) {
	f := newFixture(t, nil)
	for _, c := range []struct {
		name string
		by   auth.Principal
		want []string
		err  error
	}{
		{name: "admin", by: f.as("admin"),
			want: []string{"admin2@hq.test", "admin@hq.test", "coord2@aa.test", "coord@aa.test", "resp@aa.test", "resp@bb.test"}},
		{name: "coordinator", by: f.as("coord"), want: []string{"coord2@aa.test", "coord@aa.test", "resp@aa.test"}},
		{name: "respondent", by: f.as("respB"), err: survey.ErrForbidden},
		{name: "coordinator of no administration", by: auth.Principal{UserID: f.ids["coord"], Role: auth.RoleCoordinator}},
		{name: "nobody", by: auth.Principal{}, err: survey.ErrForbidden},
	} {
		t.Run(c.name, func(t *testing.T) {
			list, err := f.svc.List(t.Context(), c.by)
			if !errors.Is(err, c.err) || (err != nil) != (c.err != nil) {
				t.Fatalf("List: %v, want %v", err, c.err)
			}
			var got []string
			for _, u := range list {
				got = append(got, u.Email)
			}
			if !slices.Equal(got, c.want) {
				t.Fatalf("List = %v, want %v", got, c.want)
			}
		})
	}
}

func TestGet(t *testing.T) {
	f := newFixture(t, nil)
	for _, c := range []struct {
		name, by, target string
		err              error
	}{
		{name: "admin, another administration's account", by: "admin", target: "respB"},
		{name: "admin, an admin", by: "admin", target: "admin2"},
		{name: "coordinator, own administration's account", by: "coord", target: "resp"},
		{name: "coordinator, another administration's account", by: "coord", target: "respB", err: survey.ErrNotFound},
		{name: "coordinator, an admin", by: "coord", target: "admin", err: survey.ErrNotFound},
		{name: "respondent, own account", by: "resp", target: "resp", err: survey.ErrForbidden},
		{name: "nobody", by: "", target: "resp", err: survey.ErrForbidden},
		{name: "unknown account", by: "admin", target: "", err: survey.ErrNotFound},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := f.svc.Get(t.Context(), f.as(c.by), f.id(c.target))
			checkErr(t, err, c.err, nil, "")
			if err == nil && (got.ID != f.ids[c.target] || got.Email != seedAccounts[c.target].Email) {
				t.Fatalf("Get = %+v, want %s", got, seedAccounts[c.target].Email)
			}
		})
	}
}

func TestUpdate(t *testing.T) {
	role := func(s string) *string { return &s }
	administration := role
	yes, no := true, false
	for _, c := range []struct {
		name     string
		disabled []string
		by       string
		target   string
		change   survey.UserChange
		// want changes the account as seeded into the expected one.
		want    func(*survey.User)
		err     error
		invalid []survey.FieldError
		msg     string
		// stale: the access tokens go stale; revoked: the refresh tokens
		// are revoked.
		stale, revoked bool
	}{
		// Coordinators.
		{name: "coordinator disables a respondent", by: "coord", target: "resp", change: survey.UserChange{Disabled: &yes},
			want: func(u *survey.User) { u.Disabled = true }, stale: true, revoked: true},
		{name: "coordinator re-enables a respondent", disabled: []string{"resp"}, by: "coord", target: "resp", change: survey.UserChange{Disabled: &no},
			want: func(u *survey.User) { u.Disabled = false }},
		{name: "coordinator changes a role", by: "coord", target: "resp", change: survey.UserChange{Role: role("coordinator")}, err: survey.ErrForbidden},
		{name: "coordinator changes an administration", by: "coord", target: "resp", change: survey.UserChange{Administration: administration("BB")}, err: survey.ErrForbidden},
		{name: "coordinator moves to an unknown administration", by: "coord", target: "resp", change: survey.UserChange{Administration: administration("ZZ")}, err: survey.ErrForbidden},
		{name: "coordinator disables a coordinator", by: "coord", target: "coord2", change: survey.UserChange{Disabled: &yes}, err: survey.ErrForbidden},
		{name: "coordinator disables themselves", by: "coord", target: "coord", change: survey.UserChange{Disabled: &yes}, err: survey.ErrForbidden},
		{name: "coordinator, another administration's respondent", by: "coord", target: "respB", change: survey.UserChange{Disabled: &yes}, err: survey.ErrNotFound},
		{name: "coordinator, an admin", by: "coord", target: "admin2", change: survey.UserChange{Disabled: &yes}, err: survey.ErrNotFound},
		// Other roles.
		{name: "respondent", by: "resp", target: "resp", change: survey.UserChange{Disabled: &yes}, err: survey.ErrForbidden},
		{name: "nobody", by: "", target: "resp", change: survey.UserChange{Disabled: &yes}, err: survey.ErrForbidden},
		// Admins: membership.
		{name: "move to another administration", by: "admin", target: "resp", change: survey.UserChange{Administration: administration("BB")},
			want: func(u *survey.User) { u.Administration = "BB" }, stale: true},
		{name: "promote to coordinator", by: "admin", target: "resp", change: survey.UserChange{Role: role("coordinator")},
			want: func(u *survey.User) { u.Role = "coordinator" }, stale: true},
		{name: "promote to admin", by: "admin", target: "resp", change: survey.UserChange{Role: role("admin"), Administration: administration("")},
			want: func(u *survey.User) { u.Role, u.Administration = "admin", "" }, stale: true},
		{name: "membership of a disabled account", disabled: []string{"resp"}, by: "admin", target: "resp", change: survey.UserChange{Role: role("coordinator")},
			want: func(u *survey.User) { u.Role = "coordinator" }, stale: true, revoked: true},
		{name: "the same membership", by: "admin", target: "resp", change: survey.UserChange{Role: role("respondent"), Administration: administration("AA")}},
		{name: "nothing", by: "admin", target: "resp"},
		{name: "admin of an administration", by: "admin", target: "resp", change: survey.UserChange{Role: role("admin")},
			invalid: invalid("administration", survey.CodeNotAllowed)},
		{name: "unknown role", by: "admin", target: "resp", change: survey.UserChange{Role: role("guest")},
			invalid: invalid("role", survey.CodeNotAllowed)},
		{name: "no administration", by: "admin", target: "resp", change: survey.UserChange{Administration: administration("")},
			invalid: invalid("administration", survey.CodeRequired)},
		{name: "unknown administration", by: "admin", target: "resp", change: survey.UserChange{Administration: administration("ZZ")},
			invalid: invalid("administration", survey.CodeUnknownAdministration)},
		{name: "admin, another administration's account", by: "admin", target: "respB", change: survey.UserChange{Disabled: &yes},
			want: func(u *survey.User) { u.Disabled = true }, stale: true, revoked: true},
		{name: "disable a disabled account", disabled: []string{"resp"}, by: "admin", target: "resp", change: survey.UserChange{Disabled: &yes}, revoked: true},
		{name: "unknown account", by: "admin", target: "", change: survey.UserChange{Disabled: &yes}, err: survey.ErrNotFound},
		// Admins: the last active admin, and themselves.
		{name: "disable another admin", by: "admin", target: "admin2", change: survey.UserChange{Disabled: &yes},
			want: func(u *survey.User) { u.Disabled = true }, stale: true, revoked: true},
		{name: "demote another admin", by: "admin", target: "admin2", change: survey.UserChange{Role: role("coordinator"), Administration: administration("AA")},
			want: func(u *survey.User) { u.Role, u.Administration = "coordinator", "AA" }, stale: true},
		{name: "disable themselves", by: "admin", target: "admin", change: survey.UserChange{Disabled: &yes}, err: survey.ErrConflict, msg: "yourself"},
		{name: "demote themselves", by: "admin", target: "admin", change: survey.UserChange{Role: role("coordinator"), Administration: administration("AA")}, err: survey.ErrConflict, msg: "yourself"},
		{name: "disable the last active admin", disabled: []string{"admin2"}, by: "admin", target: "admin", change: survey.UserChange{Disabled: &yes}, err: survey.ErrConflict, msg: "last active admin"},
		{name: "demote the last active admin", disabled: []string{"admin2"}, by: "admin", target: "admin", change: survey.UserChange{Role: role("respondent"), Administration: administration("AA")}, err: survey.ErrConflict, msg: "last active admin"},
		{name: "the last active admin, by another", disabled: []string{"admin2"}, by: "admin2", target: "admin", change: survey.UserChange{Disabled: &yes}, err: survey.ErrConflict, msg: "last active admin"},
		{name: "the last active admin to an unknown administration", disabled: []string{"admin2"}, by: "admin", target: "admin", change: survey.UserChange{Role: role("respondent"), Administration: administration("ZZ")},
			invalid: invalid("administration", survey.CodeUnknownAdministration)},
		{name: "re-enable an admin", disabled: []string{"admin2"}, by: "admin", target: "admin2", change: survey.UserChange{Disabled: &no},
			want: func(u *survey.User) { u.Disabled = false }},
		{name: "demote a disabled admin beside the last active one", disabled: []string{"admin2"}, by: "admin", target: "admin2", change: survey.UserChange{Role: role("respondent"), Administration: administration("AA")},
			want: func(u *survey.User) { u.Role, u.Administration = "respondent", "AA" }, stale: true, revoked: true},
		{name: "demote a disabled admin when no admin is active", disabled: []string{"admin", "admin2"}, by: "admin", target: "admin2", change: survey.UserChange{Role: role("respondent"), Administration: administration("AA")},
			want: func(u *survey.User) { u.Role, u.Administration = "respondent", "AA" }, stale: true, revoked: true},
		{name: "last active admin re-enabled themselves", disabled: []string{"admin2"}, by: "admin", target: "admin", change: survey.UserChange{Disabled: &no}},
		// An account with responses cannot change administration: the
		// fake's responses are created by the parts that own them, so
		// that rule is not covered here.
	} {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t, nil, c.disabled...)
			id := f.id(c.target)
			before, _ := f.st.Account(id)
			got, err := f.svc.Update(t.Context(), f.as(c.by), id, c.change)
			checkErr(t, err, c.err, c.invalid, c.msg)
			want := before
			if err == nil && c.want != nil {
				c.want(&want.User)
			}
			if c.stale {
				want.TokensValidAfter = acted
			}
			if c.revoked {
				want.RefreshTokensRevokedAt = acted
			}
			if err == nil && got != want.User {
				t.Fatalf("Update = %+v, want %+v", got, want.User)
			}
			if after, _ := f.st.Account(id); after != want {
				t.Fatalf("stored %+v, want %+v", after, want)
			}
		})
	}
}

func TestDelete(t *testing.T) {
	for _, c := range []struct {
		name     string
		disabled []string
		by       string
		target   string
		err      error
		msg      string
	}{
		{name: "a respondent", by: "admin", target: "resp"},
		{name: "another admin", by: "admin", target: "admin2"},
		{name: "a disabled admin", disabled: []string{"admin2"}, by: "admin", target: "admin2"},
		{name: "a disabled admin when no admin is active", disabled: []string{"admin", "admin2"}, by: "admin", target: "admin2"},
		{name: "by a coordinator", by: "coord", target: "resp", err: survey.ErrForbidden},
		{name: "by a respondent", by: "resp", target: "resp", err: survey.ErrForbidden},
		{name: "by nobody", by: "", target: "resp", err: survey.ErrForbidden},
		{name: "themselves", by: "admin", target: "admin", err: survey.ErrConflict, msg: "your own account"},
		{name: "the last active admin", disabled: []string{"admin2"}, by: "admin", target: "admin", err: survey.ErrConflict, msg: "last active admin"},
		{name: "the last active admin, by another", disabled: []string{"admin2"}, by: "admin2", target: "admin", err: survey.ErrConflict, msg: "last active admin"},
		{name: "unknown account", by: "admin", target: "", err: survey.ErrNotFound},
		// An account with history is kept: the fake's responses and
		// questionnaires are created by the parts that own them, so that
		// rule is not covered here.
	} {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t, nil, c.disabled...)
			ctx := t.Context()
			id := f.id(c.target)
			before, _ := f.st.Account(id)
			err := f.svc.Delete(ctx, f.as(c.by), id)
			checkErr(t, err, c.err, nil, c.msg)
			after, found := f.st.Account(id)
			switch {
			case err == nil && found:
				t.Fatalf("account %s still there", c.target)
			case err != nil && after != before:
				t.Fatalf("after a refused deletion: %+v, want %+v", after, before)
			}
			if err == nil {
				if _, err := f.svc.Get(ctx, f.as("admin"), id); !errors.Is(err, survey.ErrNotFound) {
					t.Fatalf("Get after Delete: %v, want ErrNotFound", err)
				}
			}
		})
	}
}

// brokenStore is a store of which one method fails with errBroken, as when
// the database goes down at that moment; the others are the fake's.
type brokenStore struct {
	*memstore.Store
	broken string
}

var errBroken = errors.New("database down")

func (b brokenStore) fails(method string) error {
	if b.broken == method {
		return errBroken
	}
	return nil
}

func (b brokenStore) Administration(ctx context.Context, code string) (survey.Administration, error) {
	if err := b.fails("Administration"); err != nil {
		return survey.Administration{}, err
	}
	return b.Store.Administration(ctx, code)
}

func (b brokenStore) CreateUser(ctx context.Context, a survey.NewAccount) (survey.User, error) {
	if err := b.fails("CreateUser"); err != nil {
		return survey.User{}, err
	}
	return b.Store.CreateUser(ctx, a)
}

func (b brokenStore) CreateFirstAdmin(ctx context.Context, a survey.NewAccount) (bool, error) {
	if err := b.fails("CreateFirstAdmin"); err != nil {
		return false, err
	}
	return b.Store.CreateFirstAdmin(ctx, a)
}

func (b brokenStore) HasAdmin(ctx context.Context) (bool, error) {
	if err := b.fails("HasAdmin"); err != nil {
		return false, err
	}
	return b.Store.HasAdmin(ctx)
}

func (b brokenStore) Users(ctx context.Context, sc survey.Scope) ([]survey.User, error) {
	if err := b.fails("Users"); err != nil {
		return nil, err
	}
	return b.Store.Users(ctx, sc)
}

func (b brokenStore) User(ctx context.Context, sc survey.Scope, id string) (survey.User, error) {
	if err := b.fails("User"); err != nil {
		return survey.User{}, err
	}
	return b.Store.User(ctx, sc, id)
}

func (b brokenStore) UpdateUser(ctx context.Context, sc survey.Scope, id string, decide func(survey.UserRecord) (survey.UserUpdate, error)) (survey.User, error) {
	if err := b.fails("UpdateUser"); err != nil {
		return survey.User{}, err
	}
	return b.Store.UpdateUser(ctx, sc, id, decide)
}

func (b brokenStore) DeleteUser(ctx context.Context, sc survey.Scope, id string, decide func(survey.UserRecord) error) error {
	if err := b.fails("DeleteUser"); err != nil {
		return err
	}
	return b.Store.DeleteUser(ctx, sc, id, decide)
}

// The store's errors reach the caller as they are, and are not taken for
// an answer (no admin, an unknown administration).
func TestStoreErrors(t *testing.T) {
	yes, aa := true, "AA"
	for _, c := range []struct {
		name, broken string
		accounts     []string
		call         func(ctx context.Context, svc *users.Service, f *fixture) error
	}{
		{name: "create, checking the administration", broken: "Administration", call: func(ctx context.Context, svc *users.Service, f *fixture) error {
			_, err := svc.Create(ctx, f.as("admin"), survey.NewUser{Email: "new@aa.test", Password: strongPassword, Role: "respondent", Administration: "AA"})
			return err
		}},
		{name: "create, storing", broken: "CreateUser", call: func(ctx context.Context, svc *users.Service, f *fixture) error {
			_, err := svc.Create(ctx, f.as("admin"), survey.NewUser{Email: "new@hq.test", Password: strongPassword, Role: "admin"})
			return err
		}},
		{name: "ensure an admin, asking for one", broken: "HasAdmin", accounts: []string{}, call: func(ctx context.Context, svc *users.Service, f *fixture) error {
			_, err := svc.EnsureAdmin(ctx, "first@hq.test", "short")
			return err
		}},
		{name: "ensure an admin, storing", broken: "CreateFirstAdmin", accounts: []string{}, call: func(ctx context.Context, svc *users.Service, f *fixture) error {
			_, err := svc.EnsureAdmin(ctx, "first@hq.test", strongPassword)
			return err
		}},
		{name: "list", broken: "Users", call: func(ctx context.Context, svc *users.Service, f *fixture) error {
			_, err := svc.List(ctx, f.as("admin"))
			return err
		}},
		{name: "get", broken: "User", call: func(ctx context.Context, svc *users.Service, f *fixture) error {
			_, err := svc.Get(ctx, f.as("admin"), f.ids["resp"])
			return err
		}},
		{name: "update", broken: "UpdateUser", call: func(ctx context.Context, svc *users.Service, f *fixture) error {
			_, err := svc.Update(ctx, f.as("admin"), f.ids["resp"], survey.UserChange{Disabled: &yes})
			return err
		}},
		{name: "update, checking the administration", broken: "Administration", call: func(ctx context.Context, svc *users.Service, f *fixture) error {
			_, err := svc.Update(ctx, f.as("admin"), f.ids["resp"], survey.UserChange{Administration: &aa})
			return err
		}},
		{name: "delete", broken: "DeleteUser", call: func(ctx context.Context, svc *users.Service, f *fixture) error {
			return svc.Delete(ctx, f.as("admin"), f.ids["resp"])
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t, c.accounts)
			svc := users.New(brokenStore{Store: f.st, broken: c.broken})
			if err := c.call(t.Context(), svc, f); !errors.Is(err, errBroken) {
				t.Fatalf("error %v, want the store's", err)
			}
		})
	}
}
