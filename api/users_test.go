package api_test

import (
	"bytes"
	"net/http"
	"slices"
	"strings"
	"sync"
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
		users := e.list("/api/v1/users", e.tokens["admin"])
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

// wantDetail checks the detail of a problem, for answers whose status alone
// does not tell which rule refused the request.
func wantDetail(substring string) func(t *testing.T, res result) {
	return func(t *testing.T, res result) {
		t.Helper()
		if detail, _ := res.JSON(t)["detail"].(string); !strings.Contains(detail, substring) {
			t.Errorf("detail %q does not contain %q", detail, substring)
		}
	}
}

// wantAccount checks the role, administration and disabled state of the
// account in an answer.
func wantAccount(role string, administration any, disabled bool) func(t *testing.T, res result) {
	return func(t *testing.T, res result) {
		t.Helper()
		wantMembers(t, res.JSON(t), map[string]any{"role": role, "administration": administration, "disabled": disabled})
	}
}

func TestUpdateUser(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		e := newEnv(t, url)
		e.world()
		admin := e.tokens["admin"]
		e.must(http.StatusCreated, "POST", "/api/v1/users", admin, newUser("second.admin@commission.example", userPassword, "admin", ""))
		e.must(http.StatusCreated, "POST", "/api/v1/users", admin, newUser("mover@customs.example", userPassword, "respondent", "FR"))
		e.submit(e.tokens["resp_be"], "customs-2023", fullAnswers())
		ids := e.accountIDs()
		path := func(email string) string { return "/api/v1/users/" + ids[email] }
		const unprocessable = http.StatusUnprocessableEntity
		mover, admin2, self := path("mover@customs.example"), path("second.admin@commission.example"), path(adminEmail)
		respBE, respBE2 := path("resp_be@customs.example"), path("resp_be2@customs.example")
		e.runCases(t, []apiCase{
			// Admins change roles and administrations, keeping admin ⇔ no
			// administration.
			{name: "respondent becomes coordinator", token: "admin", method: "PATCH", path: mover,
				body: map[string]any{"role": "coordinator"}, wantStatus: http.StatusOK, check: wantAccount("coordinator", "FR", false)},
			{name: "coordinator moves to another administration", token: "admin", method: "PATCH", path: mover,
				body: map[string]any{"administration": "DE"}, wantStatus: http.StatusOK, check: wantAccount("coordinator", "DE", false)},
			{name: "promotion to admin keeping the administration", token: "admin", method: "PATCH", path: mover,
				body: map[string]any{"role": "admin"}, wantStatus: unprocessable, wantFields: []string{"administration:not_allowed"}},
			{name: "promotion to admin", token: "admin", method: "PATCH", path: mover,
				body: map[string]any{"role": "admin", "administration": nil}, wantStatus: http.StatusOK, check: wantAccount("admin", nil, false)},
			{name: "demotion without administration", token: "admin", method: "PATCH", path: mover,
				body: map[string]any{"role": "respondent"}, wantStatus: unprocessable, wantFields: []string{"administration:required"}},
			{name: "unknown administration", token: "admin", method: "PATCH", path: mover,
				body: map[string]any{"role": "respondent", "administration": "XX"}, wantStatus: unprocessable,
				wantFields: []string{"administration:unknown_administration"}},
			{name: "malformed administration", token: "admin", method: "PATCH", path: mover,
				body: map[string]any{"role": "respondent", "administration": "be"}, wantStatus: unprocessable,
				wantFields: []string{"administration:invalid_code"}},
			{name: "administration of the wrong type", token: "admin", method: "PATCH", path: mover,
				body: `{"administration": 12}`, wantStatus: unprocessable, wantFields: []string{"administration:wrong_type"}},
			{name: "unknown role", token: "admin", method: "PATCH", path: mover,
				body: map[string]any{"role": "root"}, wantStatus: unprocessable, wantFields: []string{"role:not_allowed"}},
			{name: "disabled of the wrong type", token: "admin", method: "PATCH", path: mover,
				body: map[string]any{"disabled": "yes"}, wantStatus: unprocessable, wantFields: []string{"disabled:wrong_type"}},
			{name: "e-mail cannot be changed", token: "admin", method: "PATCH", path: mover,
				body: map[string]any{"email": "moved@customs.example"}, wantStatus: unprocessable, wantFields: []string{"email:unknown_field"}},
			{name: "array", token: "admin", method: "PATCH", path: mover, body: `[]`, wantStatus: http.StatusBadRequest},
			{name: "demotion of another admin", token: "admin", method: "PATCH", path: mover,
				body: map[string]any{"role": "respondent", "administration": "BE"}, wantStatus: http.StatusOK, check: wantAccount("respondent", "BE", false)},
			{name: "empty change", token: "admin", method: "PATCH", path: mover,
				body: map[string]any{}, wantStatus: http.StatusOK, check: wantAccount("respondent", "BE", false)},
			{name: "unknown account", token: "admin", method: "PATCH", path: "/api/v1/users/no-such-id",
				body: map[string]any{"disabled": true}, wantStatus: http.StatusNotFound},

			// An account with responses keeps its administration, but may be
			// disabled.
			{name: "respondent with responses may not move", token: "admin", method: "PATCH", path: respBE,
				body: map[string]any{"administration": "FR"}, wantStatus: http.StatusConflict, check: wantDetail("responses")},
			{name: "respondent with responses is disabled", token: "admin", method: "PATCH", path: respBE,
				body: map[string]any{"disabled": true}, wantStatus: http.StatusOK, check: wantAccount("respondent", "BE", true)},
			{name: "respondent with responses is enabled", token: "admin", method: "PATCH", path: respBE,
				body: map[string]any{"disabled": false}, wantStatus: http.StatusOK, check: wantAccount("respondent", "BE", false)},

			// Coordinators only enable and disable their own respondents;
			// another administration's accounts do not exist for them.
			{name: "coordinator disables own respondent", token: "coord_be", method: "PATCH", path: respBE2,
				body: map[string]any{"disabled": true}, wantStatus: http.StatusOK, check: wantAccount("respondent", "BE", true)},
			{name: "coordinator enables own respondent", token: "coord_be", method: "PATCH", path: respBE2,
				body: map[string]any{"disabled": false}, wantStatus: http.StatusOK, check: wantAccount("respondent", "BE", false)},
			{name: "coordinator and another administration's respondent", token: "coord_be", method: "PATCH",
				path: path("resp_fr@customs.example"), body: map[string]any{"disabled": true}, wantStatus: http.StatusNotFound},
			{name: "other coordinator and this administration's respondent", token: "coord_de", method: "PATCH", path: respBE2,
				body: map[string]any{"disabled": true}, wantStatus: http.StatusNotFound},
			{name: "coordinator and an admin", token: "coord_be", method: "PATCH", path: self,
				body: map[string]any{"disabled": true}, wantStatus: http.StatusNotFound},
			{name: "coordinator changes a role", token: "coord_be", method: "PATCH", path: respBE2,
				body: map[string]any{"role": "coordinator"}, wantStatus: http.StatusForbidden},
			{name: "coordinator sets an administration", token: "coord_be", method: "PATCH", path: respBE2,
				body: map[string]any{"administration": "BE"}, wantStatus: http.StatusForbidden},
			{name: "coordinator disables a coordinator", token: "coord_be", method: "PATCH", path: path("coord_be@customs.example"),
				body: map[string]any{"disabled": true}, wantStatus: http.StatusForbidden},
			{name: "respondent may not change accounts", token: "resp_fr", method: "PATCH", path: respBE2,
				body: map[string]any{"disabled": true}, wantStatus: http.StatusForbidden},
			{name: "anonymous may not change accounts", method: "PATCH", path: respBE2,
				body: map[string]any{"disabled": true}, wantStatus: http.StatusUnauthorized},

			// No admin may disable or demote themselves, and the last active
			// admin stays one.
			{name: "admin demotes themselves", token: "admin", method: "PATCH", path: self,
				body: map[string]any{"role": "coordinator", "administration": "BE"}, wantStatus: http.StatusConflict, check: wantDetail("yourself")},
			{name: "admin disables themselves", token: "admin", method: "PATCH", path: self,
				body: map[string]any{"disabled": true}, wantStatus: http.StatusConflict, check: wantDetail("yourself")},
			{name: "admin disables the other admin", token: "admin", method: "PATCH", path: admin2,
				body: map[string]any{"disabled": true}, wantStatus: http.StatusOK, check: wantAccount("admin", nil, true)},
			{name: "last active admin disables themselves", token: "admin", method: "PATCH", path: self,
				body: map[string]any{"disabled": true}, wantStatus: http.StatusConflict, check: wantDetail("last active admin")},
			{name: "last active admin demotes themselves", token: "admin", method: "PATCH", path: self,
				body: map[string]any{"role": "coordinator", "administration": "BE"}, wantStatus: http.StatusConflict, check: wantDetail("last active admin")},
			{name: "admin keeps their own role", token: "admin", method: "PATCH", path: self,
				body: map[string]any{"role": "admin", "disabled": false}, wantStatus: http.StatusOK, check: wantAccount("admin", nil, false)},
			{name: "admin enables the other admin", token: "admin", method: "PATCH", path: admin2,
				body: map[string]any{"disabled": false}, wantStatus: http.StatusOK, check: wantAccount("admin", nil, false)},
		})

		t.Run("changes are stored", func(t *testing.T) {
			defer e.useT(t)()
			for p, want := range map[string][2]any{mover: {"respondent", "BE"}, respBE: {"respondent", "BE"}, admin2: {"admin", nil}} {
				body := e.must(http.StatusOK, "GET", p, admin, nil)
				wantMembers(t, body, map[string]any{"role": want[0], "administration": want[1], "disabled": false})
			}
		})
	})
}

func TestDeleteUser(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		e := newEnv(t, url)
		e.world()
		admin := e.tokens["admin"]
		for _, u := range []map[string]string{
			newUser("unused@customs.example", userPassword, "respondent", "BE"),
			newUser("second.admin@commission.example", userPassword, "admin", ""),
			newUser("author@commission.example", userPassword, "admin", ""),
		} {
			e.must(http.StatusCreated, "POST", "/api/v1/users", admin, u)
		}
		// One respondent submitted, another only saved a draft, an admin
		// wrote a questionnaire.
		e.submit(e.tokens["resp_be"], "customs-2023", fullAnswers())
		e.must(http.StatusOK, "PUT", "/api/v1/campaigns/customs-2023/response", e.tokens["resp_be2"], map[string]any{"answers": map[string]any{"comments": "draft"}})
		e.must(http.StatusCreated, "POST", "/api/v1/questionnaires", e.login("author@commission.example", userPassword), miniDoc("authored"))
		ids := e.accountIDs()
		path := func(email string) string { return "/api/v1/users/" + ids[email] }
		unused := path("unused@customs.example")
		e.runCases(t, []apiCase{
			{name: "coordinator may not delete", token: "coord_be", method: "DELETE", path: unused, wantStatus: http.StatusForbidden},
			{name: "respondent may not delete", token: "resp_fr", method: "DELETE", path: unused, wantStatus: http.StatusForbidden},
			{name: "anonymous may not delete", method: "DELETE", path: unused, wantStatus: http.StatusUnauthorized},
			{name: "unknown account", token: "admin", method: "DELETE", path: "/api/v1/users/no-such-id", wantStatus: http.StatusNotFound},
			{name: "respondent who submitted", token: "admin", method: "DELETE", path: path("resp_be@customs.example"),
				wantStatus: http.StatusConflict, check: wantDetail("disable it instead")},
			{name: "respondent with a draft", token: "admin", method: "DELETE", path: path("resp_be2@customs.example"),
				wantStatus: http.StatusConflict, check: wantDetail("disable it instead")},
			{name: "author of a questionnaire", token: "admin", method: "DELETE", path: path("author@commission.example"),
				wantStatus: http.StatusConflict, check: wantDetail("disable it instead")},
			{name: "admin deletes themselves", token: "admin", method: "DELETE", path: path(adminEmail),
				wantStatus: http.StatusConflict, check: wantDetail("your own account")},
			{name: "account without history", token: "admin", method: "DELETE", path: unused, wantStatus: http.StatusNoContent,
				check: func(t *testing.T, res result) {
					if len(res.Body) != 0 {
						t.Errorf("body %q", res.Body)
					}
					e.must(http.StatusNotFound, "GET", unused, admin, nil)
					e.must(http.StatusUnauthorized, "POST", "/api/v1/auth/login", "", map[string]string{"email": "unused@customs.example", "password": userPassword})
				}},
			{name: "deleted twice", token: "admin", method: "DELETE", path: unused, wantStatus: http.StatusNotFound},
			{name: "another admin", token: "admin", method: "DELETE", path: path("second.admin@commission.example"), wantStatus: http.StatusNoContent},
			{name: "disable the author", token: "admin", method: "PATCH", path: path("author@commission.example"),
				body: map[string]any{"disabled": true}, wantStatus: http.StatusOK},
			{name: "last active admin deletes themselves", token: "admin", method: "DELETE", path: path(adminEmail),
				wantStatus: http.StatusConflict, check: wantDetail("last active admin")},
		})

		t.Run("the e-mail of a deleted account is free again", func(t *testing.T) {
			defer e.useT(t)()
			e.must(http.StatusCreated, "POST", "/api/v1/users", admin, newUser("unused@customs.example", userPassword, "respondent", "FR"))
			e.must(http.StatusOK, "GET", "/api/v1/me", e.login("unused@customs.example", userPassword), nil)
		})
	})
}

// TestAdminsDisablingEachOther runs two admins disabling each other at the
// same moment, several times: at most one may win, so that an active admin
// always remains.
func TestAdminsDisablingEachOther(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		e := newEnv(t, url)
		e.must(http.StatusCreated, "POST", "/api/v1/users", e.tokens["admin"], newUser("second.admin@commission.example", userPassword, "admin", ""))
		all := e.accountIDs()
		emails := [2]string{adminEmail, "second.admin@commission.example"}
		passwords := [2]string{adminPassword, userPassword}
		ids := [2]string{all[emails[0]], all[emails[1]]}
		for round := range 5 {
			var tokens [2]string
			for i := range 2 {
				tokens[i] = e.login(emails[i], passwords[i])
			}
			var statuses [2]int
			var wg sync.WaitGroup
			for i := range 2 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					statuses[i] = e.request("PATCH", "/api/v1/users/"+ids[1-i], tokens[i], map[string]any{"disabled": true}).Status
				}()
			}
			wg.Wait()
			if statuses[0] == http.StatusOK && statuses[1] == http.StatusOK {
				t.Fatalf("round %d: both admins disabled each other", round)
			}
			// The winner, if any, is still active and enables the other.
			for i := range 2 {
				if statuses[i] == http.StatusOK {
					e.must(http.StatusOK, "PATCH", "/api/v1/users/"+ids[1-i], e.login(emails[i], passwords[i]), map[string]any{"disabled": false})
				}
			}
		}
	})
}
