package api_test

import (
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/customs-survey/surveyd/internal/dbtest"
)

// rule says who may call one endpoint. scoped endpoints name a resource of
// one administration: callers of another administration get 404, never 403,
// so that they cannot learn the resource exists.
type rule struct {
	roles  []string // nil: public, no token needed
	scoped bool
}

var (
	anyone      = []string{"admin", "coordinator", "respondent"}
	adminOnly   = []string{"admin"}
	staff       = []string{"admin", "coordinator"}
	respondents = []string{"respondent"}
)

// accessRules lists every endpoint of the router. A route without a rule
// fails TestAccessMatrix: a new endpoint must say who may call it.
var accessRules = map[string]rule{
	"GET /healthz":                                               {},
	"GET /readyz":                                                {},
	"GET /metrics":                                               {},
	"GET /api/v1/healthz":                                        {},
	"GET /api/v1/readyz":                                         {},
	"POST /api/v1/auth/login":                                    {},
	"POST /api/v1/auth/refresh":                                  {},
	"POST /api/v1/auth/logout":                                   {},
	"GET /api/v1/openapi.yaml":                                   {},
	"GET /api/v1/openapi.json":                                   {},
	"GET /api/v1/me":                                             {roles: anyone},
	"POST /api/v1/me/password":                                   {roles: anyone},
	"POST /api/v1/administrations":                               {roles: adminOnly},
	"GET /api/v1/administrations":                                {roles: adminOnly},
	"GET /api/v1/administrations/:code":                          {roles: adminOnly},
	"POST /api/v1/users":                                         {roles: staff},
	"POST /api/v1/users/import":                                  {roles: staff},
	"GET /api/v1/users":                                          {roles: staff},
	"GET /api/v1/users/:id":                                      {roles: staff, scoped: true},
	"PATCH /api/v1/users/:id":                                    {roles: staff, scoped: true},
	"DELETE /api/v1/users/:id":                                   {roles: adminOnly},
	"GET /api/v1/audit":                                          {roles: adminOnly},
	"POST /api/v1/questionnaires":                                {roles: adminOnly},
	"GET /api/v1/questionnaires":                                 {roles: adminOnly},
	"GET /api/v1/questionnaires/:key":                            {roles: adminOnly},
	"POST /api/v1/questionnaires/:key/versions":                  {roles: adminOnly},
	"GET /api/v1/questionnaires/:key/versions/:version":          {roles: adminOnly},
	"PUT /api/v1/questionnaires/:key/versions/:version":          {roles: adminOnly},
	"POST /api/v1/questionnaires/:key/versions/:version/publish": {roles: adminOnly},
	"POST /api/v1/campaigns":                                     {roles: adminOnly},
	"GET /api/v1/campaigns":                                      {roles: anyone},
	"GET /api/v1/campaigns/:key":                                 {roles: anyone, scoped: true},
	"POST /api/v1/campaigns/:key/open":                           {roles: adminOnly},
	"POST /api/v1/campaigns/:key/close":                          {roles: adminOnly},
	"PATCH /api/v1/campaigns/:key":                               {roles: adminOnly},
	"DELETE /api/v1/campaigns/:key":                              {roles: adminOnly},
	"POST /api/v1/campaigns/:key/reopen":                         {roles: adminOnly},
	"GET /api/v1/campaigns/:key/progress":                        {roles: staff, scoped: true},
	"GET /api/v1/campaigns/:key/questionnaire":                   {roles: anyone, scoped: true},
	"GET /api/v1/campaigns/:key/scores":                          {roles: adminOnly},
	"GET /api/v1/campaigns/:key/scores/:file":                    {roles: adminOnly},
	"GET /api/v1/campaigns/:key/responses":                       {roles: staff, scoped: true},
	"GET /api/v1/campaigns/:key/response":                        {roles: respondents, scoped: true},
	"PUT /api/v1/campaigns/:key/response":                        {roles: respondents, scoped: true},
	"POST /api/v1/campaigns/:key/response/submit":                {roles: respondents, scoped: true},
	"GET /api/v1/campaigns/:key/response/submissions":            {roles: respondents, scoped: true},

	"GET /api/v1/reports/:year": {roles: adminOnly},

	"POST /api/v1/campaigns/:key/scores/freeze":  {roles: adminOnly},
	"GET /api/v1/campaigns/:key/scores/runs":     {roles: adminOnly},
	"GET /api/v1/campaigns/:key/scores/runs/:id": {roles: adminOnly},

	"POST /api/v1/users/:id/password-reset": {roles: staff, scoped: true},
	"POST /api/v1/users/:id/unlock":         {roles: adminOnly},
}

// actor is one caller of the matrix: a role, and whether its administration
// (BE) owns the resources or (DE) does not.
type actor struct {
	name, role string
	own        bool
}

var actors = []actor{
	{"anonymous", "", false},
	{"resp_de", "respondent", false}, {"resp_be", "respondent", true},
	{"coord_de", "coordinator", false}, {"coord_be", "coordinator", true},
	{"admin", "admin", true},
}

// TestAccessMatrix calls every endpoint of the router as every kind of
// caller, own and other administration, and checks the answer class: 401
// without a token, 403 for a role the rule does not allow, 404 for a scoped
// resource of another administration, and otherwise an answer that is none
// of these. No answer to a BE or DE caller may carry another
// administration's data.
func TestAccessMatrix(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		e := newEnv(t, url)
		e.world()
		// Data of each administration, recognisable in any answer.
		e.submit(e.tokens["resp_be"], "customs-2023", with(fullAnswers(), "comments", "MARKER-BE"))
		e.submit(e.tokens["resp_fr"], "customs-2023", with(fullAnswers(), "comments", "MARKER-FR"))
		victim := e.must(201, "POST", "/api/v1/users", e.tokens["admin"], map[string]string{
			"email": "victim@customs.example", "password": userPassword, "role": "respondent", "administration": "BE"})["id"].(string)
		frozenRun := e.frozenRunPath()
		foreign := map[bool][]string{
			true:  {"MARKER-FR", "resp_fr@", "resp_de@", "coord_de@"},                                 // what BE callers must never see
			false: {"MARKER-BE", "MARKER-FR", "resp_be@", "resp_fr@", "coord_be@", "victim@", victim}, // what DE callers must never see
		}

		router, ok := e.handler.(interface{ Routes() gin.RoutesInfo })
		if !ok {
			t.Fatal("the handler is not the gin engine; cannot list routes")
		}
		routes := router.Routes()
		seen := map[string]bool{}
		for _, r := range routes {
			name := r.Method + " " + r.Path
			seen[name] = true
			rl, ok := accessRules[name]
			if !ok {
				t.Errorf("%s has no access rule: add one to accessRules", name)
				continue
			}
			if rl.roles == nil {
				continue // public
			}
			path := concretePath(r.Path, victim)
			if r.Path == "/api/v1/campaigns/:key/scores/runs/:id" {
				path = frozenRun
			}
			for _, a := range actors {
				body := any(map[string]any{})
				if strings.HasSuffix(r.Path, "/response") && r.Method == "PUT" {
					body = map[string]any{"answers": map[string]any{}}
				}
				if r.Method == "GET" || r.Method == "DELETE" {
					body = nil
				}
				res := e.request(r.Method, path, e.tokens[a.name], body)
				want := ""
				switch {
				case a.role == "":
					want = "401"
				case !slices.Contains(rl.roles, a.role):
					want = "403"
				case rl.scoped && !a.own:
					want = "404"
				}
				got := res.Status
				switch {
				case want == "" && (got == 401 || got == 403 || got == 404 || got == 405 || got >= 500):
					t.Errorf("%s as %s: %d, want access: %s", name, a.name, got, res.Body)
				case want != "" && strconv.Itoa(got) != want:
					t.Errorf("%s as %s: %d, want %s: %s", name, a.name, got, want, res.Body)
				}
				if a.role != "" && a.role != "admin" {
					for _, marker := range foreign[a.own] {
						if strings.Contains(string(res.Body), marker) {
							t.Errorf("%s as %s: the answer leaks %q: %s", name, a.name, marker, res.Body)
						}
					}
				}
			}
		}
		for name := range accessRules {
			if !seen[name] {
				t.Errorf("access rule for %s, which the router does not have", name)
			}
		}
	})
}

// concretePath fills a route's parameters with resources of BE.
func concretePath(route, userID string) string {
	parts := strings.Split(route, "/")
	for i, p := range parts {
		switch {
		case p == ":key" && i > 0 && parts[i-1] == "questionnaires":
			parts[i] = "customs_annual"
		case p == ":key":
			parts[i] = "customs-2023"
		case p == ":version":
			parts[i] = "1"
		case p == ":code":
			parts[i] = "BE"
		case p == ":id":
			parts[i] = userID
		case p == ":file":
			parts[i] = "RES%201.2.svg"
		case p == ":year":
			parts[i] = "2023"
		}
	}
	return strings.Join(parts, "/")
}
