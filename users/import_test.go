package users_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/customs-survey/surveyd/auth"
	"github.com/customs-survey/surveyd/survey"
)

// TestImportCSV: every bad line of a file, of its shape or of its
// accounts, in one error in the order of the file, and nothing created;
// otherwise every account, each with a one-time password that its hash
// holds and that must be replaced at the first login.
func TestImportCSV(t *testing.T) {
	for _, c := range []struct {
		name, as, file string
		err            error
		fields         []string // field:code, in order
		created        []string // e-mail/role/administration
	}{
		{name: "a respondent may not import", as: "resp", file: "email,role\nx@aa.test,respondent\n", err: survey.ErrForbidden},
		{name: "shape and rules together, in line order", as: "admin",
			file: "email,role,administration\nbad,respondent,AA\nx@aa.test,respondent\nresp@aa.test,respondent,AA\nX@AA.test,respondent,ZZ\nx@aa.test,respondent,BB\n",
			fields: []string{"line.2.email:invalid_email", "line.3:invalid_csv", "line.4.email:email_taken",
				"line.5.administration:unknown_administration", "line.6.email:duplicate"}},
		{name: "a coordinator's own respondents only", as: "coord",
			file:   "email,role,administration\na@aa.test,respondent,\nb@aa.test,coordinator,AA\nc@bb.test,respondent,BB\n",
			fields: []string{"line.3.role:not_allowed", "line.4.administration:not_allowed"}},
		{name: "a coordinator's administration by default", as: "coord", file: "role,email\nrespondent, A@aa.test \n",
			created: []string{"a@aa.test/respondent/AA"}},
		{name: "admins import any account", as: "admin", file: "\uFEFFemail,role,administration\nn1@bb.test,coordinator,BB\n\nn2@hq.test,admin,\n",
			created: []string{"n1@bb.test/coordinator/BB", "n2@hq.test/admin/"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t, nil)
			before, _ := f.st.Users(t.Context(), survey.Everything)
			var steps []int
			res, err := f.svc.ImportCSV(t.Context(), f.as(c.as), strings.NewReader(c.file), func(done, total int) { steps = append(steps, done) })
			var invalid *survey.ValidationError
			switch {
			case c.err != nil:
				if !errors.Is(err, c.err) {
					t.Fatalf("err %v, want %v", err, c.err)
				}
			case c.fields != nil:
				if !errors.As(err, &invalid) {
					t.Fatalf("err %v, want a validation error", err)
				}
				var got []string
				for _, fe := range invalid.Errors {
					got = append(got, fe.Field+":"+fe.Code.String())
				}
				if !slices.Equal(got, c.fields) {
					t.Fatalf("fields %v, want %v", got, c.fields)
				}
			case err != nil:
				t.Fatal(err)
			}
			if c.created == nil {
				if after, _ := f.st.Users(t.Context(), survey.Everything); len(after) != len(before) {
					t.Fatalf("%d accounts after a refused import, %d before", len(after), len(before))
				}
				return
			}
			var got []string
			for _, a := range res.Accounts {
				got = append(got, a.User.Email+"/"+a.User.Role+"/"+a.User.Administration)
				stored, _ := f.st.Account(a.User.ID)
				if len(a.OneTimePassword) != 26 || !stored.OneTimePasswordExpiresAt.Equal(res.ExpiresAt) ||
					!res.ExpiresAt.Equal(f.now.Add(auth.OneTimePasswordLifetime)) {
					t.Errorf("%s: one-time password %q, expires %v (stored %v)", a.User.Email, a.OneTimePassword, res.ExpiresAt, stored.OneTimePasswordExpiresAt)
				}
			}
			if !slices.Equal(got, c.created) || len(steps) != len(c.created) {
				t.Fatalf("created %v with progress %v, want %v", got, steps, c.created)
			}
		})
	}
}
