package api_test

import (
	"slices"
	"testing"

	"github.com/customs-survey/surveyd/internal/dbtest"
)

// TestBadBytesAreRefusedBeforeTheDatabase sends NUL characters and bytes
// that are not UTF-8 in every place a client can put them: path parameters,
// query parameters, member names and strings of a body. Each is refused with
// the same 4xx on both databases (PostgreSQL refuses NUL in text, SQLite
// stores it: before, the first answered 500 and the second accepted), and
// every refused write is still in the audit trail, under a target that no
// value can forge.
func TestBadBytesAreRefusedBeforeTheDatabase(t *testing.T) {
	tests := []struct {
		name   string
		method string
		path   string
		token  string // a role of the world, or "" for anonymous
		body   any
		status int
		field  string // the field a 422 names
		audit  string // the event of a refused write: action and target
	}{
		{"NUL in the login e-mail", "POST", "/api/v1/auth/login", "", `{"email":"a\u0000b@customs.example","password":"whatever it is"}`,
			422, "email:invalid_text", "session.login "},
		{"NUL in a member name", "POST", "/api/v1/auth/login", "", `{"email":"a@customs.example","password":"whatever it is","x\u0000":1}`,
			422, `["x\x00"]:invalid_text`, "session.login "},
		{"NUL in an administration's name", "POST", "/api/v1/administrations", "admin", `{"code":"LU","name":"Luxem\u0000bourg"}`,
			422, "name:invalid_text", "administration.create "},
		{"NUL in a user id", "GET", "/api/v1/users/%00", "admin", nil, 400, "", ""},
		{"NUL in a user id, write", "PATCH", "/api/v1/users/%00", "admin", `{"disabled":true}`, 400, "", "user.update id=%00"},
		{"invalid UTF-8 in a campaign key", "GET", "/api/v1/campaigns/%ff/progress", "admin", nil, 400, "", ""},
		{"invalid UTF-8 in a campaign key, write", "POST", "/api/v1/campaigns/%ff/open", "admin", nil, 400, "", "campaign.open key=%FF"},
		{"NUL in a query parameter", "GET", "/api/v1/audit?actor=%00", "admin", nil, 400, "", ""},
		{"invalid UTF-8 in a query parameter", "GET", "/api/v1/audit?action=%C3", "admin", nil, 400, "", ""},
		{"control character in a query name", "GET", "/api/v1/campaigns/customs-2023/scores?%01=1", "admin", nil, 400, "", ""},
		{"a path value that looks like more pairs", "DELETE", "/api/v1/users/x%2Cid%3Dforged", "admin", nil, 404, "",
			"user.delete id=x%2Cid%3Dforged"},
	}
	dbtest.Each(t, func(t *testing.T, url string) {
		e := newEnv(t, url)
		e.world()
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				e.t = t
				res := e.request(tt.method, tt.path, e.tokens[tt.token], tt.body)
				if res.Status != tt.status {
					t.Fatalf("status %d, want %d\n%s", res.Status, tt.status, res.Body)
				}
				if tt.field != "" {
					if got := problemFields(t, res); !slices.Contains(got, tt.field) {
						t.Errorf("problem fields %q, want %q", got, tt.field)
					}
				}
				if tt.audit == "" {
					return
				}
				events := e.allAudit()
				if len(events) == 0 {
					t.Fatal("no event recorded")
				}
				got := events[0]
				if got.Action+" "+got.Target != tt.audit || got.Status != tt.status {
					t.Errorf("latest event %s, want %q with status %d", got, tt.audit, tt.status)
				}
				// A refused write of a known caller is recorded with its actor.
				if tt.token == "admin" && (got.Actor == nil || got.Actor.Email != adminEmail) {
					t.Errorf("latest event %s: the actor is not the admin", got)
				}
			})
		}
		e.t = t
		// Nothing of it reached the data.
		if list := e.list("/api/v1/administrations", e.tokens["admin"]); len(list) != 3 {
			t.Errorf("%d administrations, want the world's 3", len(list))
		}
	})
}
