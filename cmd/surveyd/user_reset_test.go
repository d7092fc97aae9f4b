package main

import (
	"context"
	"io"
	"regexp"
	"strings"
	"testing"

	"github.com/customs-survey/surveyd/auth/passwords"
	"github.com/customs-survey/surveyd/internal/dbtest"
	"github.com/customs-survey/surveyd/store"
	"github.com/customs-survey/surveyd/survey"
)

// TestUserResetPassword: the operator's reset replaces the password with
// a one-time password, printed once, that the account must change, and is
// in the audit trail; an unknown e-mail or no --email changes nothing.
func TestUserResetPassword(t *testing.T) {
	const oldPassword = "the password before the reset"
	oneTime := regexp.MustCompile(`one-time password: ([A-Z2-7]{26})\n`)
	dbtest.Each(t, func(t *testing.T, url string) {
		ctx := context.Background()
		env := func(k string) string { return map[string]string{"SURVEY_DATABASE_URL": url}[k] }
		create := []string{"user", "create", "--email", "boss@commission.example", "--role", "admin"}
		if err := run(ctx, create, env, strings.NewReader(oldPassword+"\n"), io.Discard, io.Discard); err != nil {
			t.Fatal(err)
		}
		tests := []struct {
			name string
			args []string
			ok   bool
		}{
			{"no e-mail", nil, false},
			{"unknown e-mail", []string{"--email", "nobody@commission.example"}, false},
			{"the account, in another case", []string{"--email", "Boss@Commission.example"}, true},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				var out strings.Builder
				err := resetPassword(ctx, tt.args, env, &out)
				if (err == nil) != tt.ok {
					t.Fatalf("err %v, want ok=%v", err, tt.ok)
				}
				st, err := store.Open(ctx, url, store.Options{})
				if err != nil {
					t.Fatal(err)
				}
				defer st.Close()
				a, _, err := st.AccountByEmail(ctx, "boss@commission.example")
				if err != nil {
					t.Fatal(err)
				}
				if a.MustChangePassword() != tt.ok {
					t.Errorf("must change password: %v, want %v", a.MustChangePassword(), tt.ok)
				}
				events, err := st.AuditEvents(ctx, survey.AuditFilter{Action: "user.reset_password"})
				if err != nil {
					t.Fatal(err)
				}
				if !tt.ok {
					if old, _ := passwords.Verify(a.PasswordHash, oldPassword); !old || len(events) != 0 {
						t.Errorf("a refused reset changed the password (%v) or was audited (%d events)", !old, len(events))
					}
					return
				}
				m := oneTime.FindStringSubmatch(out.String())
				if m == nil {
					t.Fatalf("no one-time password printed: %q", out.String())
				}
				if ok, _ := passwords.Verify(a.PasswordHash, m[1]); !ok {
					t.Error("the printed one-time password is not the account's password")
				}
				if len(events) != 1 || events[0].Target != "id="+a.ID || events[0].ActorID != "" {
					t.Errorf("audit events %+v, want one reset of id=%s by no account", events, a.ID)
				}
			})
		}
	})
}
