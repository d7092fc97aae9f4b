package users_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/customs-survey/surveyd/survey"
)

// TestListPage: admins and coordinators list accounts (coordinators their
// administration's only, whatever the filter names), filtered by role,
// administration and a piece of the e-mail, one page at a time by e-mail;
// a bad filter is a validation error naming each bad parameter.
func TestListPage(t *testing.T) {
	f := newFixture(t, nil)
	for _, c := range []struct {
		name    string
		by      string
		filter  survey.UserFilter
		page    survey.PageRequest
		want    []string
		err     error
		invalid []survey.FieldError
	}{
		{name: "admin, every account", by: "admin",
			want: []string{"admin2@hq.test", "admin@hq.test", "coord2@aa.test", "coord@aa.test", "resp@aa.test", "resp@bb.test"}},
		{name: "admin, a role", by: "admin", filter: survey.UserFilter{Role: "respondent"}, want: []string{"resp@aa.test", "resp@bb.test"}},
		{name: "admin, an administration", by: "admin", filter: survey.UserFilter{Administration: "BB"}, want: []string{"resp@bb.test"}},
		{name: "admin, an administration without accounts", by: "admin", filter: survey.UserFilter{Administration: "ZZ"}, want: []string{}},
		{name: "admin, a piece of e-mail in another case", by: "admin", filter: survey.UserFilter{EmailContains: "COORD"},
			want: []string{"coord2@aa.test", "coord@aa.test"}},
		{name: "admin, filters combine", by: "admin", filter: survey.UserFilter{Role: "coordinator", Administration: "AA", EmailContains: "2@"},
			want: []string{"coord2@aa.test"}},
		{name: "admin, the first page", by: "admin", page: survey.PageRequest{Limit: 2}, want: []string{"admin2@hq.test", "admin@hq.test"}},
		{name: "admin, the next page", by: "admin", page: survey.PageRequest{After: "admin@hq.test", Limit: 2},
			want: []string{"coord2@aa.test", "coord@aa.test"}},
		{name: "admin, a page of a filtered list", by: "admin", filter: survey.UserFilter{EmailContains: "resp"},
			page: survey.PageRequest{After: "resp@aa.test", Limit: 1}, want: []string{"resp@bb.test"}},
		{name: "admin, after the last", by: "admin", page: survey.PageRequest{After: "resp@bb.test", Limit: 10}, want: []string{}},
		{name: "coordinator, their administration", by: "coord", want: []string{"coord2@aa.test", "coord@aa.test", "resp@aa.test"}},
		{name: "coordinator, a role", by: "coord", filter: survey.UserFilter{Role: "respondent"}, want: []string{"resp@aa.test"}},
		{name: "coordinator, admins", by: "coord", filter: survey.UserFilter{Role: "admin"}, want: []string{}},
		{name: "coordinator, another administration", by: "coord", filter: survey.UserFilter{Administration: "BB"}, want: []string{}},
		{name: "coordinator, the first page", by: "coord", page: survey.PageRequest{Limit: 1}, want: []string{"coord2@aa.test"}},
		{name: "respondent", by: "resp", err: survey.ErrForbidden},
		{name: "nobody", by: "", err: survey.ErrForbidden},
		{name: "an unknown role", by: "admin", filter: survey.UserFilter{Role: "guest"}, invalid: invalid("role", survey.CodeNotAllowed)},
		{name: "a code in lower case", by: "admin", filter: survey.UserFilter{Administration: "aa"}, invalid: invalid("administration", survey.CodeInvalidCode)},
		{name: "a code too long", by: "coord", filter: survey.UserFilter{Administration: "ABCDEFGHI"}, invalid: invalid("administration", survey.CodeInvalidCode)},
		{name: "a piece longer than an e-mail", by: "admin", filter: survey.UserFilter{EmailContains: strings.Repeat("é", 255)},
			invalid: invalid("q", survey.CodeTooLong)},
		{name: "a piece as long as an e-mail", by: "admin", filter: survey.UserFilter{EmailContains: strings.Repeat("é", 254)}, want: []string{}},
		{name: "a piece that is not UTF-8", by: "admin", filter: survey.UserFilter{EmailContains: "resp\xff"}, invalid: invalid("q", survey.CodeInvalidText)},
		{name: "every filter bad", by: "admin", filter: survey.UserFilter{Role: "Admin", Administration: "A", EmailContains: "\xff"},
			invalid: []survey.FieldError{{Field: "role", Code: survey.CodeNotAllowed}, {Field: "administration", Code: survey.CodeInvalidCode},
				{Field: "q", Code: survey.CodeInvalidText}}},
		{name: "a respondent's bad filter is forbidden first", by: "resp", filter: survey.UserFilter{Role: "guest"}, err: survey.ErrForbidden},
	} {
		t.Run(c.name, func(t *testing.T) {
			list, err := f.svc.ListPage(t.Context(), f.as(c.by), c.filter, c.page)
			checkErr(t, err, c.err, c.invalid, "")
			if err != nil {
				return
			}
			got := []string{}
			for _, u := range list {
				got = append(got, u.Email)
			}
			if !slices.Equal(got, c.want) {
				t.Fatalf("ListPage = %v, want %v", got, c.want)
			}
		})
	}
}
