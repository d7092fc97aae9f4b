package api_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/customs-survey/surveyd/internal/dbtest"
)

// apiCase is one request of a table-driven API test and what it must answer.
type apiCase struct {
	name       string
	token      string // role key of env.tokens, or "" for an anonymous request
	method     string
	path       string
	body       any
	wantStatus int
	// wantFields are the field:code pairs of the problem's errors, in order.
	// They are compared exactly on every error answer: nil means the
	// problem must list no field errors.
	wantFields []string
	// check, when set, looks further into the answer.
	check func(t *testing.T, res result)
	// bug, when set, describes a known defect of the service that makes
	// this case fail: the case is skipped with "BUG: " and the description
	// until the service is fixed. Remove it to see the failure.
	bug string
}

// useT makes the env report to t (a subtest) until the returned function
// restores the previous one, so that must and request fail the right test.
// Subtests of these tables run one after the other, never in parallel.
func (e *env) useT(t *testing.T) (restore func()) {
	old := e.t
	e.t = t
	return func() { e.t = old }
}

// runCases runs each case as a subtest, in order: later cases may rely on
// the state earlier ones created.
func (e *env) runCases(t *testing.T, cases []apiCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.bug != "" {
				t.Skip("BUG: " + tc.bug)
			}
			defer e.useT(t)()
			token := ""
			if tc.token != "" {
				token = e.tokens[tc.token]
				if token == "" {
					t.Fatalf("no token for role key %q", tc.token)
				}
			}
			res := e.request(tc.method, tc.path, token, tc.body)
			if res.Status != tc.wantStatus {
				t.Fatalf("%s %s as %q: status %d, want %d\n%s", tc.method, tc.path, tc.token, res.Status, tc.wantStatus, res.Body)
			}
			if res.Status >= 400 {
				if got := problemFields(t, res); !slices.Equal(got, tc.wantFields) {
					t.Errorf("problem fields %q, want %q\n%s", got, tc.wantFields, res.Body)
				}
				if got, _ := res.JSON(t)["status"].(float64); int(got) != tc.wantStatus {
					t.Errorf("problem status member %v, want %d", got, tc.wantStatus)
				}
			}
			if tc.check != nil {
				tc.check(t, res)
			}
		})
	}
}

// listOf decodes the array under member name of a JSON object body.
func listOf(t *testing.T, res result, name string) []map[string]any {
	t.Helper()
	// Lists are bare JSON arrays (docs/api.md, "Lists and paging").
	var items []map[string]any
	if err := json.Unmarshal(res.Body, &items); err != nil || items == nil {
		t.Fatalf("the %s list is not a JSON array: %v\n%s", name, err, res.Body)
	}
	return items
}

// memberValues lists member name of every item, as strings.
func memberValues(items []map[string]any, name string) []string {
	out := make([]string, len(items))
	for i, it := range items {
		s, _ := it[name].(string)
		out[i] = s
	}
	return out
}

// wantMembers fails t unless body has every member of want with that value
// (compared as JSON values: numbers are float64).
func wantMembers(t *testing.T, body map[string]any, want map[string]any) {
	t.Helper()
	for k, v := range want {
		got, ok := body[k]
		if !ok {
			t.Errorf("no member %q in %v", k, body)
			continue
		}
		if gj, _ := json.Marshal(got); string(gj) != jsonText(t, v) {
			t.Errorf("member %q is %s, want %s", k, gj, jsonText(t, v))
		}
	}
}

func jsonText(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// wantTime fails t unless the member is an RFC 3339 time in UTC.
func wantTime(t *testing.T, body map[string]any, name string) time.Time {
	t.Helper()
	s, _ := body[name].(string)
	at, err := time.Parse(time.RFC3339Nano, s)
	if err != nil || !strings.HasSuffix(s, "Z") {
		t.Errorf("member %q is %q, want an RFC 3339 time in UTC", name, s)
	}
	return at
}

func TestAdministrations(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		e := newEnv(t, url)
		e.world()
		const path = "/api/v1/administrations"
		nl := map[string]string{"code": "NL", "name": "Netherlands"}
		e.runCases(t, []apiCase{
			{name: "admin creates", token: "admin", method: "POST", path: path, body: nl, wantStatus: http.StatusCreated,
				check: func(t *testing.T, res result) {
					body := res.JSON(t)
					wantMembers(t, body, map[string]any{"code": "NL", "name": "Netherlands"})
					wantTime(t, body, "created_at")
					if loc := res.Header.Get("Location"); loc != "/api/v1/administrations/NL" {
						t.Errorf("Location %q", loc)
					}
				}},
			{name: "list contains it", token: "admin", method: "GET", path: path, wantStatus: http.StatusOK,
				check: func(t *testing.T, res result) {
					items := listOf(t, res, "administrations")
					if got, want := memberValues(items, "code"), []string{"BE", "DE", "FR", "NL"}; !slices.Equal(got, want) {
						t.Errorf("codes %q, want %q", got, want)
					}
					for _, it := range items {
						if it["code"] == "NL" && it["name"] != "Netherlands" {
							t.Errorf("NL listed as %v", it)
						}
					}
				}},
			{name: "duplicate code", token: "admin", method: "POST", path: path, body: nl, wantStatus: http.StatusConflict},
			{name: "duplicate code of the world", token: "admin", method: "POST", path: path,
				body: map[string]string{"code": "BE", "name": "Belgique"}, wantStatus: http.StatusConflict},
			{name: "eight characters with digits", token: "admin", method: "POST", path: path,
				body: map[string]string{"code": "EU27ABCD", "name": "Union"}, wantStatus: http.StatusCreated},
			{name: "lower-case code", token: "admin", method: "POST", path: path,
				body: map[string]string{"code": "pt", "name": "Portugal"}, wantStatus: http.StatusUnprocessableEntity,
				wantFields: []string{"code:invalid_code"}},
			{name: "one-character code", token: "admin", method: "POST", path: path,
				body: map[string]string{"code": "P", "name": "Portugal"}, wantStatus: http.StatusUnprocessableEntity,
				wantFields: []string{"code:invalid_code"}},
			{name: "nine-character code", token: "admin", method: "POST", path: path,
				body: map[string]string{"code": "PORTUGALX", "name": "Portugal"}, wantStatus: http.StatusUnprocessableEntity,
				wantFields: []string{"code:invalid_code"}},
			{name: "code with a hyphen", token: "admin", method: "POST", path: path,
				body: map[string]string{"code": "P-T", "name": "Portugal"}, wantStatus: http.StatusUnprocessableEntity,
				wantFields: []string{"code:invalid_code"}},
			{name: "missing name", token: "admin", method: "POST", path: path,
				body: map[string]string{"code": "PT"}, wantStatus: http.StatusUnprocessableEntity,
				wantFields: []string{"name:required"}},
			{name: "empty object", token: "admin", method: "POST", path: path,
				body: map[string]string{}, wantStatus: http.StatusUnprocessableEntity,
				wantFields: []string{"code:required", "name:required"}},
			{name: "code of the wrong type", token: "admin", method: "POST", path: path,
				body: map[string]any{"code": 12, "name": "Portugal"}, wantStatus: http.StatusUnprocessableEntity,
				wantFields: []string{"code:wrong_type"}},
			{name: "extra member", token: "admin", method: "POST", path: path,
				body: map[string]string{"code": "PT", "name": "Portugal", "capital": "Lisbon"}, wantStatus: http.StatusUnprocessableEntity,
				wantFields: []string{"capital:unknown_field"}},
			{name: "member name in another case", token: "admin", method: "POST", path: path,
				body: `{"Code":"PT","name":"Portugal"}`, wantStatus: http.StatusUnprocessableEntity,
				wantFields: []string{"Code:unknown_field"}},
			{name: "duplicate member", token: "admin", method: "POST", path: path,
				body: `{"code":"ES","name":"Spain","code":"IT"}`, wantStatus: http.StatusUnprocessableEntity,
				wantFields: []string{"code:duplicate_key"}},
			{name: "array", token: "admin", method: "POST", path: path, body: `[{"code":"PT","name":"Portugal"}]`, wantStatus: http.StatusBadRequest},
			{name: "string", token: "admin", method: "POST", path: path, body: `"PT"`, wantStatus: http.StatusBadRequest},
			{name: "not JSON", token: "admin", method: "POST", path: path, body: `{"code":"PT",`, wantStatus: http.StatusBadRequest},
			{name: "coordinator may not create", token: "coord_be", method: "POST", path: path,
				body: map[string]string{"code": "PT", "name": "Portugal"}, wantStatus: http.StatusForbidden},
			{name: "respondent may not create", token: "resp_be", method: "POST", path: path,
				body: map[string]string{"code": "PT", "name": "Portugal"}, wantStatus: http.StatusForbidden},
			{name: "anonymous may not create", method: "POST", path: path,
				body: map[string]string{"code": "PT", "name": "Portugal"}, wantStatus: http.StatusUnauthorized},
			{name: "coordinator may not list", token: "coord_be", method: "GET", path: path, wantStatus: http.StatusForbidden},
			{name: "respondent may not list", token: "resp_fr", method: "GET", path: path, wantStatus: http.StatusForbidden},
			{name: "anonymous may not list", method: "GET", path: path, wantStatus: http.StatusUnauthorized},
			{name: "refused requests created nothing", token: "admin", method: "GET", path: path, wantStatus: http.StatusOK,
				check: func(t *testing.T, res result) {
					if got, want := memberValues(listOf(t, res, "administrations"), "code"), []string{"BE", "DE", "EU27ABCD", "FR", "NL"}; !slices.Equal(got, want) {
						t.Errorf("codes %q, want %q", got, want)
					}
				}},
		})
	})
}
