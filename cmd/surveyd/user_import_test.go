package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/customs-survey/surveyd/internal/dbtest"
	"github.com/customs-survey/surveyd/store"
	"github.com/customs-survey/surveyd/survey"
)

func TestImportUsersCommand(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		ctx := context.Background()
		st, err := store.Open(ctx, url, store.Options{Migrate: true})
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		if _, err := st.CreateAdministration(ctx, "BE", "Belgium"); err != nil {
			t.Fatal(err)
		}
		getenv := func(k string) string { return map[string]string{"SURVEY_DATABASE_URL": url}[k] }
		file := func(content string) string {
			p := filepath.Join(t.TempDir(), "accounts.csv")
			if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
				t.Fatal(err)
			}
			return p
		}
		accounts := func() int {
			list, err := st.Users(ctx, survey.Everything)
			if err != nil {
				t.Fatal(err)
			}
			return len(list)
		}

		for _, tt := range []struct {
			name    string
			args    []string
			wantErr []string // pieces of the error, in order
		}{
			{"no file", nil, []string{"--csv FILE is required"}},
			{"a missing file", []string{"--csv", "/no/such/file.csv"}, []string{"no such file"}},
			{"bad lines", []string{"--csv", file("email,role,administration\na@be.example,respondent,BE\nbad,respondent,BE\nb@be.example,respondent,ZZ\n")},
				[]string{"nothing was created; 2 problems", "line.3.email:", "(invalid_email)", "line.4.administration:", "(unknown_administration)"}},
		} {
			t.Run(tt.name, func(t *testing.T) {
				var stdout, stderr bytes.Buffer
				err := importUsers(ctx, tt.args, getenv, &stdout, &stderr)
				if err == nil {
					t.Fatal("no error")
				}
				rest := err.Error()
				for _, piece := range tt.wantErr {
					i := strings.Index(rest, piece)
					if i < 0 {
						t.Fatalf("error %q lacks %q (in order)", err, piece)
					}
					rest = rest[i+len(piece):]
				}
				if stdout.Len() != 0 || stderr.Len() != 0 || accounts() != 0 {
					t.Errorf("stdout %q, stderr %q, %d accounts", stdout.String(), stderr.String(), accounts())
				}
			})
		}

		t.Run("created", func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := importUsers(ctx, []string{"--csv", file("email,role,administration\nA@be.example,respondent,BE\nb@be.example,coordinator,BE\n")}, getenv, &stdout, &stderr)
			if err != nil {
				t.Fatal(err)
			}
			if stderr.Len() != 0 {
				t.Errorf("stderr is not a terminal but got %q", stderr.String())
			}
			rows, err := csv.NewReader(&stdout).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			if len(rows) != 3 || strings.Join(rows[0], ",") != "line,email,role,administration,id,one_time_password,expires_at" {
				t.Fatalf("report %v", rows)
			}
			for i, want := range []string{"2,a@be.example,respondent,BE", "3,b@be.example,coordinator,BE"} {
				if got := strings.Join(rows[i+1][:4], ","); got != want || len(rows[i+1][5]) != 26 {
					t.Errorf("row %d = %v, want %s and a one-time password", i+1, rows[i+1], want)
				}
			}
			if accounts() != 2 {
				t.Errorf("%d accounts, want 2", accounts())
			}
			events, err := st.AuditEvents(ctx, survey.AuditFilter{Action: "user.import"})
			if err != nil || len(events) != 2 || events[0].ActorID != "" {
				t.Errorf("audit events %+v, %v", events, err)
			}
		})
	})
}
