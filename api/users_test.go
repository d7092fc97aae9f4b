package api_test

import (
	"bytes"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/customs-survey/surveyd/internal/dbtest"
)

// newUser is the body of POST /users; an empty administration is left out.
func newUser(email, password, role, administration string) map[string]string {
	body := map[string]string{"email": email, "password": password, "role": role}
	if administration != "" {
		body["administration"] = administration
	}
	return body
}

// wantUser checks a created account: its members, and that neither the
// password nor any password hash is echoed.
func wantUser(email, role string, administration any, password string) func(t *testing.T, res result) {
	return func(t *testing.T, res result) {
		body := res.JSON(t)
		if id, _ := body["id"].(string); id == "" {
			t.Errorf("no id in %s", res.Body)
		}
		wantMembers(t, body, map[string]any{"email": email, "role": role, "administration": administration})
		for _, secret := range []string{password, "argon2", "password", "hash"} {
			if bytes.Contains(bytes.ToLower(res.Body), []byte(strings.ToLower(secret))) {
				t.Errorf("the answer contains %q: %s", secret, res.Body)
			}
		}
		if loc := res.Header.Get("Location"); loc != "/api/v1/users/"+body["id"].(string) {
			t.Errorf("Location %q", loc)
		}
	}
}

func TestCreateUsers(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		e := newEnv(t, url)
		e.world()
		const path = "/api/v1/users"
		const unprocessable = http.StatusUnprocessableEntity
		password12 := "twelve chars"
		password128 := strings.Repeat("0123456789 abcd", 8) + "efghijkl"
		accented128 := strings.Repeat("é", 128) // 256 bytes: the limit counts characters
		if len(password128) != 128 {
			t.Fatalf("password128 has %d characters", len(password128))
		}
		e.runCases(t, []apiCase{
			// Admins create every role.
			{name: "admin creates an admin", token: "admin", method: "POST", path: path,
				body: newUser("second.admin@commission.example", userPassword, "admin", ""), wantStatus: http.StatusCreated,
				check: wantUser("second.admin@commission.example", "admin", nil, userPassword)},
			{name: "admin creates a coordinator", token: "admin", method: "POST", path: path,
				body: newUser("coord_fr@customs.example", userPassword, "coordinator", "FR"), wantStatus: http.StatusCreated,
				check: wantUser("coord_fr@customs.example", "coordinator", "FR", userPassword)},
			{name: "admin creates a respondent", token: "admin", method: "POST", path: path,
				body: newUser("resp_fr2@customs.example", userPassword, "respondent", "FR"), wantStatus: http.StatusCreated,
				check: wantUser("resp_fr2@customs.example", "respondent", "FR", userPassword)},
			{name: "twelve-character password", token: "admin", method: "POST", path: path,
				body: newUser("twelve@customs.example", password12, "respondent", "DE"), wantStatus: http.StatusCreated,
				check: wantUser("twelve@customs.example", "respondent", "DE", password12)},
			{name: "128-character password", token: "admin", method: "POST", path: path,
				body: newUser("long@customs.example", password128, "respondent", "DE"), wantStatus: http.StatusCreated,
				check: wantUser("long@customs.example", "respondent", "DE", password128)},
			{name: "128 two-byte characters", token: "admin", method: "POST", path: path,
				body: newUser("accented@customs.example", accented128, "respondent", "DE"), wantStatus: http.StatusCreated,
				check: wantUser("accented@customs.example", "respondent", "DE", accented128)},

			// Conflicts and invalid accounts.
			{name: "duplicate e-mail", token: "admin", method: "POST", path: path,
				body: newUser("resp_be@customs.example", userPassword, "respondent", "BE"), wantStatus: http.StatusConflict},
			{name: "duplicate e-mail in another case", token: "admin", method: "POST", path: path,
				body: newUser("Resp_BE@Customs.EXAMPLE", userPassword, "respondent", "FR"), wantStatus: http.StatusConflict},
			{name: "eleven-character password", token: "admin", method: "POST", path: path,
				body: newUser("eleven@customs.example", "eleven char", "respondent", "BE"), wantStatus: unprocessable,
				wantFields: []string{"password:weak_password"}},
			{name: "eleven two-byte characters", token: "admin", method: "POST", path: path,
				body: newUser("eleven@customs.example", strings.Repeat("é", 11), "respondent", "BE"), wantStatus: unprocessable,
				wantFields: []string{"password:weak_password"}},
			{name: "1025-character password", token: "admin", method: "POST", path: path,
				body: newUser("toolong@customs.example", strings.Repeat(password128, 8)+"x", "respondent", "BE"), wantStatus: unprocessable,
				wantFields: []string{"password:weak_password"}},
			{name: "empty password", token: "admin", method: "POST", path: path,
				body: newUser("empty@customs.example", "", "respondent", "BE"), wantStatus: unprocessable,
				wantFields: []string{"password:required"}},
			{name: "bad role", token: "admin", method: "POST", path: path,
				body: newUser("root@customs.example", userPassword, "superuser", "BE"), wantStatus: unprocessable,
				wantFields: []string{"role:not_allowed"}},
			{name: "admin with an administration", token: "admin", method: "POST", path: path,
				body: newUser("admin3@commission.example", userPassword, "admin", "BE"), wantStatus: unprocessable,
				wantFields: []string{"administration:not_allowed"}},
			{name: "respondent without administration", token: "admin", method: "POST", path: path,
				body: newUser("stateless@customs.example", userPassword, "respondent", ""), wantStatus: unprocessable,
				wantFields: []string{"administration:required"}},
			{name: "coordinator without administration", token: "admin", method: "POST", path: path,
				body: newUser("stateless@customs.example", userPassword, "coordinator", ""), wantStatus: unprocessable,
				wantFields: []string{"administration:required"}},
			{name: "unknown administration", token: "admin", method: "POST", path: path,
				body: newUser("nowhere@customs.example", userPassword, "respondent", "XX"), wantStatus: unprocessable,
				wantFields: []string{"administration:unknown_administration"}},
			{name: "malformed administration code", token: "admin", method: "POST", path: path,
				body: newUser("nowhere@customs.example", userPassword, "respondent", "be"), wantStatus: unprocessable,
				wantFields: []string{"administration:invalid_code"}},
			{name: "not an e-mail", token: "admin", method: "POST", path: path,
				body: newUser("resp_be.customs.example", userPassword, "respondent", "BE"), wantStatus: unprocessable,
				wantFields: []string{"email:invalid_email"}},
			{name: "weak password and admin with administration", token: "admin", method: "POST", path: path,
				body: newUser("admin4@commission.example", "short", "admin", "BE"), wantStatus: unprocessable,
				wantFields: []string{"password:weak_password", "administration:not_allowed"}},
			{name: "extra member", token: "admin", method: "POST", path: path,
				body:       map[string]string{"email": "extra@customs.example", "password": userPassword, "role": "respondent", "administration": "BE", "name": "Extra"},
				wantStatus: unprocessable, wantFields: []string{"name:unknown_field"}},
			{name: "array", token: "admin", method: "POST", path: path, body: `[]`, wantStatus: http.StatusBadRequest},

			// Coordinators create respondents of their own administration only.
			{name: "coordinator creates a respondent of own administration", token: "coord_be", method: "POST", path: path,
				body: newUser("resp_be3@customs.example", userPassword, "respondent", "BE"), wantStatus: http.StatusCreated,
				check: wantUser("resp_be3@customs.example", "respondent", "BE", userPassword)},
			{name: "coordinator's respondent defaults to own administration", token: "coord_be", method: "POST", path: path,
				body: newUser("resp_be4@customs.example", userPassword, "respondent", ""), wantStatus: http.StatusCreated,
				check: wantUser("resp_be4@customs.example", "respondent", "BE", userPassword)},
			{name: "coordinator may not create a coordinator", token: "coord_be", method: "POST", path: path,
				body: newUser("coord_be2@customs.example", userPassword, "coordinator", "BE"), wantStatus: http.StatusForbidden},
			{name: "coordinator may not create an admin", token: "coord_be", method: "POST", path: path,
				body: newUser("admin5@commission.example", userPassword, "admin", ""), wantStatus: http.StatusForbidden},
			{name: "coordinator may not create a respondent of another administration", token: "coord_be", method: "POST", path: path,
				body: newUser("resp_fr3@customs.example", userPassword, "respondent", "FR"), wantStatus: http.StatusForbidden},
			{name: "coordinator may not create a respondent of an unknown administration", token: "coord_be", method: "POST", path: path,
				body: newUser("resp_xx@customs.example", userPassword, "respondent", "XX"), wantStatus: http.StatusForbidden},
			{name: "coordinator's weak password", token: "coord_de", method: "POST", path: path,
				body: newUser("resp_de2@customs.example", "weak", "respondent", ""), wantStatus: unprocessable,
				wantFields: []string{"password:weak_password"}},
			{name: "respondent may not create", token: "resp_be", method: "POST", path: path,
				body: newUser("resp_be5@customs.example", userPassword, "respondent", "BE"), wantStatus: http.StatusForbidden},
			{name: "anonymous may not create", method: "POST", path: path,
				body: newUser("resp_be5@customs.example", userPassword, "respondent", "BE"), wantStatus: http.StatusUnauthorized},
		})

		t.Run("created accounts can log in", func(t *testing.T) {
			defer e.useT(t)()
			for _, c := range []struct{ email, password string }{
				{"second.admin@commission.example", userPassword},
				{"twelve@customs.example", password12},
				{"long@customs.example", password128},
				{"accented@customs.example", accented128},
				{"RESP_BE4@customs.example", userPassword},
			} {
				me := e.must(http.StatusOK, "GET", "/api/v1/me", e.login(c.email, c.password), nil)
				if me["email"] != strings.ToLower(c.email) {
					t.Errorf("%s: /me is %v", c.email, me)
				}
			}
			// A password is not cut short: its first 127 characters are not it.
			e.must(http.StatusUnauthorized, "POST", "/api/v1/auth/login", "",
				map[string]string{"email": "long@customs.example", "password": password128[:127]})
		})

		t.Run("refused accounts were not created", func(t *testing.T) {
			defer e.useT(t)()
			res := e.request("GET", path, e.tokens["admin"], nil)
			emails := memberValues(listOf(t, res, "users"), "email")
			for _, email := range []string{"eleven@customs.example", "toolong@customs.example", "root@customs.example",
				"admin3@commission.example", "stateless@customs.example", "nowhere@customs.example",
				"coord_be2@customs.example", "resp_fr3@customs.example", "resp_de2@customs.example", "resp_be5@customs.example"} {
				if slices.Contains(emails, email) {
					t.Errorf("%s was created", email)
				}
			}
		})
	})
}

func TestListUsers(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		e := newEnv(t, url)
		e.world()
		const path = "/api/v1/users"
		emails := func(want ...string) func(t *testing.T, res result) {
			return func(t *testing.T, res result) {
				items := listOf(t, res, "users")
				if got := memberValues(items, "email"); !slices.Equal(got, want) {
					t.Errorf("e-mails %q, want %q", got, want)
				}
				if bytes.Contains(res.Body, []byte("argon2")) || bytes.Contains(res.Body, []byte("password")) {
					t.Errorf("the list shows password material: %s", res.Body)
				}
			}
		}
		e.runCases(t, []apiCase{
			{name: "admin sees everyone", token: "admin", method: "GET", path: path, wantStatus: http.StatusOK,
				check: emails(adminEmail, "coord_be@customs.example", "coord_de@customs.example", "resp_be2@customs.example",
					"resp_be@customs.example", "resp_de@customs.example", "resp_fr@customs.example")},
			{name: "coordinator sees own administration only", token: "coord_be", method: "GET", path: path, wantStatus: http.StatusOK,
				check: func(t *testing.T, res result) {
					items := listOf(t, res, "users")
					emails("coord_be@customs.example", "resp_be2@customs.example", "resp_be@customs.example")(t, res)
					for _, u := range items {
						if u["administration"] != "BE" {
							t.Errorf("coordinator of BE sees %v", u)
						}
					}
				}},
			{name: "other coordinator sees own administration only", token: "coord_de", method: "GET", path: path, wantStatus: http.StatusOK,
				check: emails("coord_de@customs.example", "resp_de@customs.example")},
			{name: "respondent may not list", token: "resp_be", method: "GET", path: path, wantStatus: http.StatusForbidden},
			{name: "anonymous may not list", method: "GET", path: path, wantStatus: http.StatusUnauthorized},
		})
	})
}

func TestGetOneUserAndAdministration(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		e := newEnv(t, url)
		e.world()
		users := e.must(200, "GET", "/api/v1/users", e.tokens["admin"], nil)["users"].([]any)
		ids := map[string]string{}
		for _, u := range users {
			m := u.(map[string]any)
			ids[m["email"].(string)] = m["id"].(string)
		}
		be, de := ids["resp_be@customs.example"], ids["resp_de@customs.example"]
		tests := []struct {
			token, path string
			status      int
		}{
			{"admin", "/api/v1/users/" + be, 200},
			{"coord_be", "/api/v1/users/" + be, 200},
			{"coord_be", "/api/v1/users/" + de, 404}, // another administration's: never revealed
			{"coord_be", "/api/v1/users/no-such-id", 404},
			{"resp_be", "/api/v1/users/" + be, 403},
			{"admin", "/api/v1/administrations/BE", 200},
			{"admin", "/api/v1/administrations/XX", 404},
			{"coord_be", "/api/v1/administrations/BE", 403},
		}
		for _, tt := range tests {
			if res := e.request("GET", tt.path, e.tokens[tt.token], nil); res.Status != tt.status {
				t.Errorf("%s GET %s: %d, want %d: %s", tt.token, tt.path, res.Status, tt.status, res.Body)
			}
		}
	})
}
