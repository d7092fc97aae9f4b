package storetest

import (
	"slices"
	"testing"

	"github.com/customs-survey/surveyd/auth"
	"github.com/customs-survey/surveyd/survey"
)

// testUserPages: the list of accounts filtered by role, administration and
// a piece of the e-mail (whatever its case, LIKE's wildcards matching only
// themselves), within the scope, and paged on the e-mail compared byte by
// byte ("a%b" < "a1" < "a_b" < "ab": a locale's collation would order them
// otherwise).
func testUserPages(t *testing.T, open Open) {
	st := openUsers(t, open)
	ctx := t.Context()
	for _, code := range []string{"AA", "BB"} {
		if _, err := st.CreateAdministration(ctx, code, code); err != nil {
			t.Fatal(err)
		}
	}
	resp, coord, admin := string(auth.RoleRespondent), string(auth.RoleCoordinator), string(auth.RoleAdmin)
	// Created out of order.
	for _, a := range []survey.NewAccount{
		{Email: "zed@hq.test", Role: admin},
		{Email: "ab@aa.test", Role: coord, Administration: "AA"},
		{Email: "a1@bb.test", Role: resp, Administration: "BB"},
		{Email: "a_b@aa.test", Role: resp, Administration: "AA"},
		{Email: "bob@hq.test", Role: admin},
		{Email: "a%b@bb.test", Role: resp, Administration: "BB"},
	} {
		a.PasswordHash = auth.NoPassword
		if _, err := st.CreateUser(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	all, aa := survey.Everything, survey.Scope{Administration: "AA"}
	every := []string{"a%b@bb.test", "a1@bb.test", "a_b@aa.test", "ab@aa.test", "bob@hq.test", "zed@hq.test"}
	for _, c := range []struct {
		name   string
		scope  survey.Scope
		filter survey.UserFilter
		page   survey.PageRequest
		want   []string
	}{
		{name: "every account", scope: all, want: every},
		{name: "a role", scope: all, filter: survey.UserFilter{Role: resp}, want: []string{"a%b@bb.test", "a1@bb.test", "a_b@aa.test"}},
		{name: "admins", scope: all, filter: survey.UserFilter{Role: admin}, want: []string{"bob@hq.test", "zed@hq.test"}},
		{name: "an administration", scope: all, filter: survey.UserFilter{Administration: "AA"}, want: []string{"a_b@aa.test", "ab@aa.test"}},
		{name: "an administration without accounts", scope: all, filter: survey.UserFilter{Administration: "ZZ"}, want: []string{}},
		{name: "a piece of e-mail", scope: all, filter: survey.UserFilter{EmailContains: "@hq"}, want: []string{"bob@hq.test", "zed@hq.test"}},
		{name: "in another case", scope: all, filter: survey.UserFilter{EmailContains: "AB@"}, want: []string{"ab@aa.test"}},
		{name: "an underscore matches itself", scope: all, filter: survey.UserFilter{EmailContains: "A_B"}, want: []string{"a_b@aa.test"}},
		{name: "a percent sign matches itself", scope: all, filter: survey.UserFilter{EmailContains: "%"}, want: []string{"a%b@bb.test"}},
		{name: "a backslash matches itself", scope: all, filter: survey.UserFilter{EmailContains: `\`}, want: []string{}},
		{name: "filters combine", scope: all, filter: survey.UserFilter{Role: resp, Administration: "BB", EmailContains: "b@"},
			want: []string{"a%b@bb.test"}},
		{name: "the scope", scope: aa, want: []string{"a_b@aa.test", "ab@aa.test"}},
		{name: "the scope and a role", scope: aa, filter: survey.UserFilter{Role: resp}, want: []string{"a_b@aa.test"}},
		{name: "the scope and another administration", scope: aa, filter: survey.UserFilter{Administration: "BB"}, want: []string{}},
		{name: "the scope and admins", scope: aa, filter: survey.UserFilter{Role: admin}, want: []string{}},
		{name: "zero scope", scope: survey.Scope{}, want: []string{}},
		{name: "the first page", scope: all, page: survey.PageRequest{Limit: 2}, want: []string{"a%b@bb.test", "a1@bb.test"}},
		{name: "after an e-mail", scope: all, page: survey.PageRequest{After: "a1@bb.test", Limit: 2}, want: []string{"a_b@aa.test", "ab@aa.test"}},
		{name: "after an e-mail that is not there", scope: all, page: survey.PageRequest{After: "aa", Limit: 1}, want: []string{"ab@aa.test"}},
		{name: "the last page, shorter", scope: all, page: survey.PageRequest{After: "ab@aa.test", Limit: 5}, want: []string{"bob@hq.test", "zed@hq.test"}},
		{name: "after the last e-mail", scope: all, page: survey.PageRequest{After: "zed@hq.test", Limit: 5}, want: []string{}},
		{name: "a page of a filtered list", scope: all, filter: survey.UserFilter{Role: resp}, page: survey.PageRequest{After: "a%b@bb.test", Limit: 1},
			want: []string{"a1@bb.test"}},
		{name: "a page of the scope", scope: aa, page: survey.PageRequest{After: "a_b@aa.test", Limit: 5}, want: []string{"ab@aa.test"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			list, err := st.UserPage(ctx, c.scope, c.filter, c.page)
			if err != nil {
				t.Fatal(err)
			}
			if got := userEmails(list); !slices.Equal(got, c.want) {
				t.Fatalf("UserPage(%+v, %+v, %+v) = %v, want %v", c.scope, c.filter, c.page, got, c.want)
			}
		})
	}
	// Users is the whole list of the scope.
	if list, err := st.Users(ctx, all); err != nil || !slices.Equal(userEmails(list), every) {
		t.Fatalf("Users = %v, %v; want %v", userEmails(list), err, every)
	}
}
