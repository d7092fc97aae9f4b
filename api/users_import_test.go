package api_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"testing"

	"github.com/customs-survey/surveyd/internal/dbtest"
)

// importCSV sends a CSV file to POST /users/import.
func (e *env) importCSV(token, file string, headers ...string) result {
	e.t.Helper()
	return e.request("POST", "/api/v1/users/import", token, file, append([]string{"Content-Type", "text/csv; charset=utf-8"}, headers...)...)
}

// userEmailsOf lists the e-mails of every account, as an admin sees them.
func (e *env) userEmailsOf() []string {
	e.t.Helper()
	var out []string
	for _, page := range e.walkPages("/api/v1/users?limit=500", e.tokens["admin"]) {
		for _, u := range page {
			out = append(out, u.(map[string]any)["email"].(string))
		}
	}
	return out
}

func TestImportUsers(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn)
		e.world()
		admin := e.tokens["admin"]

		t.Run("every bad line at once, nothing created", func(t *testing.T) {
			before := e.userEmailsOf()
			for _, tt := range []struct {
				name, file string
				fields     []string
			}{
				{"bad lines", "email,role,administration\n" +
					"ok@be.example,respondent,BE\n" + // line 2: fine
					"not-an-email,respondent,BE\n" +
					"x@be.example,boss,BE\n" +
					"y@be.example,respondent,XX\n" +
					"OK@be.example,respondent,BE\n" + // line 6: repeats line 2
					"resp_be@customs.example,respondent,BE\n" +
					"z@be.example,admin,BE\n" +
					"w@be.example,respondent\n",
					[]string{"line.3.email:invalid_email", "line.4.role:not_allowed", "line.5.administration:unknown_administration",
						"line.6.email:duplicate", "line.7.email:email_taken", "line.8.administration:not_allowed", "line.9:invalid_csv"}},
				{"a password column", "email,role,password\nq@be.example,admin,secret123456\n",
					[]string{"line.1.password:not_allowed"}},
				{"no role column", "email,administration\nq@be.example,BE\n", []string{"line.1.role:required"}},
				{"header only", "email,role,administration\n", []string{"line.2:required"}},
				{"not CSV", "email,role,administration\nq@be.example,\"respondent,BE\n", []string{"line.2:invalid_csv"}},
			} {
				t.Run(tt.name, func(t *testing.T) {
					res := e.importCSV(admin, tt.file)
					if res.Status != http.StatusUnprocessableEntity || !slices.Equal(problemFields(t, res), tt.fields) {
						t.Errorf("status %d, fields %v, want 422 %v", res.Status, problemFields(t, res), tt.fields)
					}
				})
			}
			if after := e.userEmailsOf(); !slices.Equal(after, before) {
				t.Errorf("accounts changed: %v, before %v", after, before)
			}
		})

		t.Run("refusals", func(t *testing.T) {
			file := "email,role\nq@be.example,respondent\n"
			for _, tt := range []struct {
				name    string
				token   string
				headers []string
				status  int
			}{
				{"a respondent", e.tokens["resp_be"], nil, http.StatusForbidden},
				{"JSON", admin, []string{"Content-Type", "application/json"}, http.StatusUnsupportedMediaType},
				{"an Idempotency-Key", admin, []string{"Idempotency-Key", "import-1"}, http.StatusUnprocessableEntity},
			} {
				if res := e.importCSV(tt.token, file, tt.headers...); res.Status != tt.status {
					t.Errorf("%s: status %d, want %d\n%s", tt.name, res.Status, tt.status, res.Body)
				}
			}
		})

		t.Run("a coordinator imports their own respondents", func(t *testing.T) {
			res := e.importCSV(e.tokens["coord_be"], "email,role,administration\nc1@be.example,respondent,\nc2@be.example,coordinator,BE\nc3@be.example,respondent,DE\n")
			if want := []string{"line.3.role:not_allowed", "line.4.administration:not_allowed"}; !slices.Equal(problemFields(t, res), want) {
				t.Fatalf("status %d, fields %v, want %v", res.Status, problemFields(t, res), want)
			}
			res = e.importCSV(e.tokens["coord_be"], "\uFEFFEmail , Role\r\nc1@be.example,respondent\r\n")
			if res.Status != http.StatusCreated {
				t.Fatalf("status %d\n%s", res.Status, res.Body)
			}
		})

		t.Run("created, each with a one-time password", func(t *testing.T) {
			res := e.importCSV(admin, "role,email,administration\nrespondent,New.One@FR.example,FR\n\ncoordinator,new.two@de.example,DE\nadmin,new.three@hq.example,\n")
			if res.Status != http.StatusCreated || res.Header.Get("Cache-Control") != "no-store" {
				t.Fatalf("status %d, Cache-Control %q\n%s", res.Status, res.Header.Get("Cache-Control"), res.Body)
			}
			var out struct {
				Created  int `json:"created"`
				Accounts []struct {
					Line            int    `json:"line"`
					ID              string `json:"id"`
					Email           string `json:"email"`
					OneTimePassword string `json:"one_time_password"`
				} `json:"accounts"`
			}
			if err := json.Unmarshal(res.Body, &out); err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, a := range out.Accounts {
				got = append(got, fmt.Sprintf("%s@line%d", a.Email, a.Line))
			}
			if want := []string{"new.one@fr.example@line2", "new.two@de.example@line4", "new.three@hq.example@line5"}; out.Created != 3 || !slices.Equal(got, want) {
				t.Fatalf("created %d: %v, want %v", out.Created, got, want)
			}
			// The one-time password opens a session that must change the
			// password first.
			login := e.must(http.StatusOK, "POST", "/api/v1/auth/login", "",
				map[string]string{"email": out.Accounts[0].Email, "password": out.Accounts[0].OneTimePassword})
			if login["must_change_password"] != true {
				t.Errorf("login with a one-time password: %v", login)
			}
			// One event per account, whose target is the account.
			page, _ := e.auditPage(url.Values{"action": {"user.import"}, "target": {"id=" + out.Accounts[1].ID}})
			if len(page.Events) != 1 || page.Events[0].Actor == nil || page.Events[0].Actor.Email != adminEmail {
				t.Errorf("audit events of the account: %v", describe(page.Events))
			}
			if u := e.must(http.StatusOK, "GET", "/api/v1/users/"+out.Accounts[2].ID, admin, nil); u["role"] != "admin" || u["administration"] != nil {
				t.Errorf("the imported admin reads %v", u)
			}
		})
	})
}
