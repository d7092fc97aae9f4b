package api_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/customs-survey/surveyd/internal/dbtest"
)

// TestHostileInput sends bodies built to break parsers and validators. None
// may crash the service, be accepted, or change anything.
func TestHostileInput(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		e := newEnv(t, url)
		e.world()
		admin, resp := e.tokens["admin"], e.tokens["resp_be"]
		answers := func(inner string) string { return `{"answers":` + inner + `}` }
		manyOptions := `["` + strings.Repeat(`no_outputs_yet","`, 3500) + `other"]`
		tests := []struct {
			name, token, method, path, body string
			status                          int
			field                           string // first errors[] entry, if any
		}{
			{"deeply nested answer", resp, "PUT", responsePath, answers(`{"why_not":` + strings.Repeat("[", 20000) + strings.Repeat("]", 20000) + `}`), 400, ""},
			{"deeply nested questionnaire", admin, "POST", "/api/v1/questionnaires", `{"key":"x","title":` + strings.Repeat(`{"a":`, 10500) + `1` + strings.Repeat("}", 10500) + `}`, 400, ""},
			{"huge multi-choice array", resp, "PUT", responsePath, answers(`{"why_not":` + manyOptions + `}`), 422, "answers.why_not[1]"},
			{"invalid UTF-8 in a text answer", resp, "PUT", responsePath, answers("{\"comments\":\"bad \xff\xfe bytes\"}"), 400, ""},
			{"escaped lone surrogate in a text answer", resp, "PUT", responsePath, answers(`{"comments":"\ud800"}`), 422, "answers.comments"},
			{"NUL in a text answer", resp, "PUT", responsePath, answers(`{"comments":"a\u0000b"}`), 422, "answers.comments"},
			{"NUL in a member name", resp, "PUT", responsePath, answers(`{"comm\u0000ents":"x"}`), 422, `answers["comm\x00ents"]`},
			{"number beyond float64", resp, "PUT", responsePath, answers(`{"staff_trained":1e400}`), 422, "answers.staff_trained"},
			{"huge integer", resp, "PUT", responsePath, answers(`{"support_satisfaction":123456789012345678901234567890}`), 422, "answers.support_satisfaction"},
			{"year beyond int", admin, "POST", "/api/v1/campaigns", `{"key":"c","year":1e400,"questionnaire":"customs_annual","version":1}`, 422, "year"},
			{"duplicate keys in a questionnaire", admin, "POST", "/api/v1/questionnaires", `{"key":"a","key":"b"}`, 422, "key"},
			{"administration code with NUL", admin, "POST", "/api/v1/administrations", `{"code":"B\u0000E","name":"x"}`, 422, "code"},
			{"trailing garbage", admin, "POST", "/api/v1/administrations", `{"code":"PT","name":"Portugal"} {"code":"ES"}`, 400, ""},
			{"body over the limit", resp, "PUT", responsePath, answers(`{"comments":"` + strings.Repeat("x", 70<<10) + `"}`), 413, ""},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				before := e.request("GET", responsePath, resp, nil)
				res := e.request(tt.method, tt.path, tt.token, tt.body)
				if res.Status != tt.status {
					t.Fatalf("status %d, want %d: %.300s", res.Status, tt.status, res.Body)
				}
				if tt.field != "" {
					// Every independent problem is reported, in order of
					// field: one of them names the hostile field.
					fields := problemFields(t, res)
					if !slices.ContainsFunc(fields, func(f string) bool { return strings.HasPrefix(f, tt.field+":") }) {
						t.Errorf("errors %q, want one on %q", fields[:min(len(fields), 3)], tt.field)
					}
					if len(fields) > 100 {
						t.Errorf("%d errors in one answer", len(fields))
					}
				}
				if len(res.Body) > 64<<10 {
					t.Errorf("a %d-byte problem document", len(res.Body))
				}
				after := e.request("GET", responsePath, resp, nil)
				if after.Status != before.Status || after.Header.Get("ETag") != before.Header.Get("ETag") {
					t.Errorf("the rejected request changed the response")
				}
			})
		}
		// Nothing was created by any of them.
		if list := e.list("/api/v1/campaigns", admin); len(list) != 1 {
			t.Errorf("%d campaigns", len(list))
		}
		if list := e.list("/api/v1/administrations", admin); len(list) != 3 {
			t.Errorf("%d administrations", len(list))
		}
	})
}
