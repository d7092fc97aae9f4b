package api_test

import (
	"encoding/json"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/customs-survey/surveyd/internal/dbtest"
)

// miniDoc is a small valid questionnaire document: a choice question from
// an option set, a text question shown on one of its answers, a number
// question and a second choice question. edits change it before it is sent.
func miniDoc(key string, edits ...func(d map[string]any)) map[string]any {
	text := func(en string) map[string]any { return map[string]any{"en": en} }
	d := map[string]any{
		"key":              key,
		"default_language": "en",
		"title":            map[string]any{"en": "Mini survey", "fr": "Petite enquête"},
		"option_sets": map[string]any{
			"yes_no": []any{
				map[string]any{"key": "yes", "label": text("Yes"), "score": 100},
				map[string]any{"key": "no", "label": text("No"), "score": 0},
			},
		},
		"sections": []any{map[string]any{
			"key": "main", "title": text("Main"),
			"questions": []any{
				map[string]any{"key": "used", "type": "single_choice", "required": true, "text": text("Used?"), "options_ref": "yes_no"},
				map[string]any{"key": "why", "type": "text", "text": text("Why not?"), "max_length": 200,
					"show_if": map[string]any{"question": "used", "in": []any{"no"}}},
				map[string]any{"key": "rating", "type": "number", "min": 1, "max": 5, "integer": true, "text": text("Rating")},
				map[string]any{"key": "again", "type": "single_choice", "text": text("Again?"),
					"options": []any{map[string]any{"key": "sure", "label": text("Sure")}, map[string]any{"key": "never", "label": text("Never")}}},
			},
		}},
	}
	for _, edit := range edits {
		edit(d)
	}
	return d
}

// miniQuestion returns question i of the first section of a miniDoc.
func miniQuestion(d map[string]any, i int) map[string]any {
	return d["sections"].([]any)[0].(map[string]any)["questions"].([]any)[i].(map[string]any)
}

// plainJSON decodes JSON into plain maps, slices, strings, float64s, so that
// two documents can be compared whatever their member order.
func plainJSON(t *testing.T, b []byte) any {
	t.Helper()
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, b)
	}
	return v
}

// wantQuestionnaire checks the metadata of a questionnaire answer and, when
// title is not empty, the English title of its document.
func wantQuestionnaire(key string, version int, status, title string) func(t *testing.T, res result) {
	return func(t *testing.T, res result) {
		body := res.JSON(t)
		wantMembers(t, body, map[string]any{"key": key, "version": version, "status": status})
		wantTime(t, body, "created_at")
		wantTime(t, body, "updated_at")
		if status == "published" {
			wantTime(t, body, "published_at")
		} else if body["published_at"] != nil {
			t.Errorf("a draft with published_at %v", body["published_at"])
		}
		doc, _ := body["document"].(map[string]any)
		if doc == nil || doc["key"] != key {
			t.Fatalf("document %v", body["document"])
		}
		if title != "" {
			if got := doc["title"].(map[string]any)["en"]; got != title {
				t.Errorf("title %q, want %q", got, title)
			}
		}
	}
}

func TestQuestionnaireValidation(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		e := newEnv(t, url)
		e.world()
		const path = "/api/v1/questionnaires"
		const unprocessable = http.StatusUnprocessableEntity
		duplicateMember := strings.Replace(jsonText(t, miniDoc("dup")), `"default_language":"en"`,
			`"default_language":"en","default_language":"fr"`, 1)
		if !strings.Contains(duplicateMember, `"default_language":"fr"`) {
			t.Fatalf("the duplicate member was not inserted: %s", duplicateMember)
		}
		e.runCases(t, []apiCase{
			{name: "typo in a question member", token: "admin", method: "POST", path: path,
				body:       miniDoc("typo", func(d map[string]any) { delete(miniQuestion(d, 0), "required"); miniQuestion(d, 0)["requried"] = true }),
				wantStatus: unprocessable, wantFields: []string{"sections[0].questions[0].requried:unknown_field"}},
			{name: "typo at the top", token: "admin", method: "POST", path: path,
				body:       miniDoc("typo", func(d map[string]any) { d["titel"] = d["title"] }),
				wantStatus: unprocessable, wantFields: []string{"titel:unknown_field"}},
			{name: "options_ref to a missing set", token: "admin", method: "POST", path: path,
				body:       miniDoc("badref", func(d map[string]any) { miniQuestion(d, 0)["options_ref"] = "yes_no_maybe" }),
				wantStatus: unprocessable, wantFields: []string{"sections[0].questions[0].options_ref:unknown_option_set"}},
			{name: "show_if to a later question", token: "admin", method: "POST", path: path,
				body: miniDoc("forward", func(d map[string]any) {
					miniQuestion(d, 1)["show_if"] = map[string]any{"question": "again", "in": []any{"never"}}
				}),
				wantStatus: unprocessable, wantFields: []string{"sections[0].questions[1].show_if.question:forward_reference"}},
			{name: "show_if to the question itself", token: "admin", method: "POST", path: path,
				body: miniDoc("selfref", func(d map[string]any) {
					miniQuestion(d, 3)["show_if"] = map[string]any{"question": "again", "in": []any{"never"}}
				}),
				wantStatus: unprocessable, wantFields: []string{"sections[0].questions[3].show_if.question:forward_reference"}},
			{name: "show_if to an option the question lacks", token: "admin", method: "POST", path: path,
				body: miniDoc("badopt", func(d map[string]any) {
					miniQuestion(d, 1)["show_if"] = map[string]any{"question": "used", "in": []any{"no", "maybe"}}
				}),
				wantStatus: unprocessable, wantFields: []string{"sections[0].questions[1].show_if.in[1]:unknown_option"}},
			{name: "several problems at once", token: "admin", method: "POST", path: path,
				body: miniDoc("several", func(d map[string]any) {
					d["title"] = map[string]any{"fr": "Petite enquête"}
					d["option_sets"].(map[string]any)["yes_no"].([]any)[0].(map[string]any)["score"] = 150
					miniQuestion(d, 0)["key"] = "Used"
					miniQuestion(d, 2)["max"] = 0
				}),
				wantStatus: unprocessable, wantFields: []string{
					"option_sets.yes_no[0].score:out_of_range",
					"sections[0].questions[0].key:invalid_key",
					"sections[0].questions[1].show_if.question:unknown_question",
					"sections[0].questions[2].max:out_of_range",
					"title:missing_default_language",
				}},
			{name: "value of the wrong type", token: "admin", method: "POST", path: path,
				body:       miniDoc("wrongtype", func(d map[string]any) { miniQuestion(d, 0)["required"] = "yes" }),
				wantStatus: unprocessable, wantFields: []string{"sections[0].questions[0].required:wrong_type"}},
			{name: "duplicate question key", token: "admin", method: "POST", path: path,
				body:       miniDoc("dupq", func(d map[string]any) { miniQuestion(d, 3)["key"] = "used" }),
				wantStatus: unprocessable, wantFields: []string{"sections[0].questions[3].key:duplicate"}},
			{name: "options and options_ref", token: "admin", method: "POST", path: path,
				body: miniDoc("both", func(d map[string]any) {
					miniQuestion(d, 3)["options_ref"] = "yes_no"
				}),
				wantStatus: unprocessable, wantFields: []string{"sections[0].questions[3].options_ref:not_allowed"}},
			{name: "missing default language", token: "admin", method: "POST", path: path,
				body:       miniDoc("nolang", func(d map[string]any) { delete(d, "default_language") }),
				wantStatus: unprocessable, wantFields: []string{"default_language:required"}},
			{name: "language that is not ISO 639-1", token: "admin", method: "POST", path: path,
				body: miniDoc("badlang", func(d map[string]any) {
					d["title"].(map[string]any)["english"] = "Mini survey"
				}),
				wantStatus: unprocessable, wantFields: []string{"title.english:invalid_language"}},
			{name: "indicator method that does not fit", token: "admin", method: "POST", path: path,
				body: miniDoc("badind", func(d map[string]any) {
					d["indicators"] = []any{map[string]any{"code": "I1", "method": "mean_value", "questions": []any{"used"}}}
				}),
				wantStatus: unprocessable, wantFields: []string{"indicators[0].questions[0]:method_mismatch"}},
			{name: "indicator naming an unknown question", token: "admin", method: "POST", path: path,
				body: miniDoc("badind", func(d map[string]any) {
					d["indicators"] = []any{map[string]any{"code": "I1", "method": "mean_value", "questions": []any{"ratign"}}}
				}),
				wantStatus: unprocessable, wantFields: []string{"indicators[0].questions[0]:unknown_question"}},
			{name: "duplicate member", token: "admin", method: "POST", path: path, body: duplicateMember,
				wantStatus: unprocessable, wantFields: []string{"default_language:duplicate_key"}},
			{name: "bad questionnaire key", token: "admin", method: "POST", path: path, body: miniDoc("Mini-Survey"),
				wantStatus: unprocessable, wantFields: []string{"key:invalid_key"}},
			{name: "65-character questionnaire key", token: "admin", method: "POST", path: path, body: miniDoc("q" + strings.Repeat("_long", 12) + "abcd"),
				wantStatus: unprocessable, wantFields: []string{"key:invalid_key"}},
			{name: "member name in another case", token: "admin", method: "POST", path: path,
				body:       miniDoc("casing", func(d map[string]any) { d["Title"] = d["title"]; delete(d, "title") }),
				wantStatus: unprocessable, wantFields: []string{"Title:unknown_field"}},
			{name: "array", token: "admin", method: "POST", path: path, body: `[]`, wantStatus: http.StatusBadRequest},
			{name: "not JSON", token: "admin", method: "POST", path: path, body: `{"key": "mini"`, wantStatus: http.StatusBadRequest},
			{name: "not JSON: the line, column and an excerpt", token: "admin", method: "POST", path: path,
				body: "{\n  \"key\": \"mini\",\n  \"trained\": maybe\n}", wantStatus: http.StatusBadRequest,
				check: wantDetail(`the questionnaire is not valid JSON: line 3, column 14: invalid character 'm' looking for beginning of value, at: "trained": maybe`)},
			{name: "not UTF-8: the line and column", token: "admin", method: "POST", path: path,
				body: "{\"key\": \"mini\",\n\"title\": {\"en\": \"caf\xe9\"}}", wantStatus: http.StatusBadRequest,
				check: wantDetail("the questionnaire is not valid UTF-8: line 2, column 21, at: \"title\": {\"en\": \"caf\uFFFD\"}}")},
			{name: "a bad question type is reported once, with the question's key", token: "admin", method: "POST", path: path,
				body: miniDoc("badtype", func(d map[string]any) {
					miniQuestion(d, 0)["type"] = "yes_no" // used: named by the show_if of why and by the indicator
					miniQuestion(d, 2)["requried"] = true // an independent shape problem, reported with it
					d["indicators"] = []any{map[string]any{"code": "I1", "method": "share", "questions": []any{"used"},
						"options": []any{"yes"}, "breakdown": []any{"options"}}}
				}),
				wantStatus: unprocessable, wantFields: []string{
					"sections[0].questions[0].type:not_allowed",
					"sections[0].questions[2].requried:unknown_field",
				},
				check: wantQuestions("used", "rating")},
			{name: "nothing invalid was stored", token: "admin", method: "GET", path: path, wantStatus: http.StatusOK,
				check: func(t *testing.T, res result) {
					if got := memberValues(listOf(t, res, "questionnaires"), "key"); !reflect.DeepEqual(got, []string{"customs_annual"}) {
						t.Errorf("questionnaires %q", got)
					}
				}},
		})
	})
}

func TestQuestionnaireLifecycle(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		e := newEnv(t, url)
		e.world()
		const (
			path = "/api/v1/questionnaires"
			mini = path + "/mini"
		)
		revised := miniDoc("mini", func(d map[string]any) { d["title"].(map[string]any)["en"] = "Mini survey, revised" })
		var v1Document any
		e.runCases(t, []apiCase{
			{name: "duplicate of the testdata questionnaire", token: "admin", method: "POST", path: path,
				body: readFile(t, "../testdata/questionnaires/customs_annual.json"), wantStatus: http.StatusConflict},
			{name: "64-character key", token: "admin", method: "POST", path: path, body: miniDoc("q" + strings.Repeat("_long", 12) + "abc"),
				wantStatus: http.StatusCreated, check: wantQuestionnaire("q"+strings.Repeat("_long", 12)+"abc", 1, "draft", "Mini survey")},
			{name: "create", token: "admin", method: "POST", path: path, body: miniDoc("mini"), wantStatus: http.StatusCreated,
				check: func(t *testing.T, res result) {
					wantQuestionnaire("mini", 1, "draft", "Mini survey")(t, res)
					if loc := res.Header.Get("Location"); loc != mini+"/versions/1" {
						t.Errorf("Location %q", loc)
					}
				}},
			{name: "duplicate key", token: "admin", method: "POST", path: path, body: miniDoc("mini"), wantStatus: http.StatusConflict},
			{name: "get latest", token: "admin", method: "GET", path: mini, wantStatus: http.StatusOK,
				check: wantQuestionnaire("mini", 1, "draft", "Mini survey")},
			{name: "get version 1", token: "admin", method: "GET", path: mini + "/versions/1", wantStatus: http.StatusOK,
				check: wantQuestionnaire("mini", 1, "draft", "Mini survey")},
			{name: "get version 99", token: "admin", method: "GET", path: mini + "/versions/99", wantStatus: http.StatusNotFound},
			{name: "get version abc", token: "admin", method: "GET", path: mini + "/versions/abc", wantStatus: http.StatusNotFound},
			{name: "get version 0", token: "admin", method: "GET", path: mini + "/versions/0", wantStatus: http.StatusNotFound},
			{name: "get version -1", token: "admin", method: "GET", path: mini + "/versions/-1", wantStatus: http.StatusNotFound},
			{name: "get unknown key", token: "admin", method: "GET", path: path + "/nope", wantStatus: http.StatusNotFound},
			{name: "get version of unknown key", token: "admin", method: "GET", path: path + "/nope/versions/1", wantStatus: http.StatusNotFound},

			{name: "edit the draft", token: "admin", method: "PUT", path: mini + "/versions/1", body: revised, wantStatus: http.StatusOK,
				check: wantQuestionnaire("mini", 1, "draft", "Mini survey, revised")},
			{name: "the edit is visible", token: "admin", method: "GET", path: mini + "/versions/1", wantStatus: http.StatusOK,
				check: wantQuestionnaire("mini", 1, "draft", "Mini survey, revised")},
			{name: "edit with another key in the document", token: "admin", method: "PUT", path: mini + "/versions/1",
				body: miniDoc("other"), wantStatus: http.StatusUnprocessableEntity, wantFields: []string{"key:key_mismatch"}},
			{name: "edit with an invalid document", token: "admin", method: "PUT", path: mini + "/versions/1",
				body:       miniDoc("mini", func(d map[string]any) { miniQuestion(d, 0)["options_ref"] = "nope" }),
				wantStatus: http.StatusUnprocessableEntity, wantFields: []string{"sections[0].questions[0].options_ref:unknown_option_set"}},
			{name: "edit with a non-object", token: "admin", method: "PUT", path: mini + "/versions/1", body: `"mini"`,
				wantStatus: http.StatusBadRequest},
			{name: "edit a missing version", token: "admin", method: "PUT", path: mini + "/versions/2", body: revised,
				wantStatus: http.StatusNotFound},
			{name: "edit an unknown questionnaire", token: "admin", method: "PUT", path: path + "/nope/versions/1",
				body: miniDoc("nope"), wantStatus: http.StatusNotFound},
			{name: "refused edits changed nothing", token: "admin", method: "GET", path: mini, wantStatus: http.StatusOK,
				check: wantQuestionnaire("mini", 1, "draft", "Mini survey, revised")},

			{name: "new version while the latest is a draft", token: "admin", method: "POST", path: mini + "/versions",
				wantStatus: http.StatusConflict},
			{name: "publish", token: "admin", method: "POST", path: mini + "/versions/1/publish", wantStatus: http.StatusOK,
				check: func(t *testing.T, res result) {
					wantQuestionnaire("mini", 1, "published", "Mini survey, revised")(t, res)
					v1Document = plainJSON(t, []byte(jsonText(t, res.JSON(t)["document"])))
				}},
			{name: "publish again", token: "admin", method: "POST", path: mini + "/versions/1/publish", wantStatus: http.StatusConflict},
			{name: "publish a missing version", token: "admin", method: "POST", path: mini + "/versions/99/publish", wantStatus: http.StatusNotFound},
			{name: "publish version abc", token: "admin", method: "POST", path: mini + "/versions/abc/publish", wantStatus: http.StatusNotFound},
			{name: "edit after publishing", token: "admin", method: "PUT", path: mini + "/versions/1", body: miniDoc("mini"),
				wantStatus: http.StatusConflict},
			{name: "the published document is unchanged", token: "admin", method: "GET", path: mini + "/versions/1", wantStatus: http.StatusOK,
				check: wantQuestionnaire("mini", 1, "published", "Mini survey, revised")},

			{name: "new version", token: "admin", method: "POST", path: mini + "/versions", wantStatus: http.StatusCreated,
				check: func(t *testing.T, res result) {
					wantQuestionnaire("mini", 2, "draft", "Mini survey, revised")(t, res)
					if got := plainJSON(t, []byte(jsonText(t, res.JSON(t)["document"]))); !reflect.DeepEqual(got, v1Document) {
						t.Errorf("version 2 is not a copy of version 1:\n%v\n%v", got, v1Document)
					}
					if loc := res.Header.Get("Location"); loc != mini+"/versions/2" {
						t.Errorf("Location %q", loc)
					}
				}},
			{name: "latest is version 2", token: "admin", method: "GET", path: mini, wantStatus: http.StatusOK,
				check: wantQuestionnaire("mini", 2, "draft", "Mini survey, revised")},
			{name: "new version again while version 2 is a draft", token: "admin", method: "POST", path: mini + "/versions",
				wantStatus: http.StatusConflict},
			{name: "new version of an unknown questionnaire", token: "admin", method: "POST", path: path + "/nope/versions",
				wantStatus: http.StatusNotFound},
			{name: "edit version 2", token: "admin", method: "PUT", path: mini + "/versions/2",
				body: miniDoc("mini", func(d map[string]any) { d["title"].(map[string]any)["en"] = "Mini survey 2" }), wantStatus: http.StatusOK,
				check: wantQuestionnaire("mini", 2, "draft", "Mini survey 2")},
			{name: "version 1 is untouched by version 2", token: "admin", method: "GET", path: mini + "/versions/1", wantStatus: http.StatusOK,
				check: wantQuestionnaire("mini", 1, "published", "Mini survey, revised")},

			{name: "list", token: "admin", method: "GET", path: path, wantStatus: http.StatusOK,
				check: func(t *testing.T, res result) {
					items := listOf(t, res, "questionnaires")
					want := []map[string]any{
						{"key": "customs_annual", "version": 1, "status": "published", "title": "Customs programme annual survey"},
						{"key": "mini", "version": 2, "status": "draft", "title": "Mini survey 2"},
						{"key": "q" + strings.Repeat("_long", 12) + "abc", "version": 1, "status": "draft", "title": "Mini survey"},
					}
					if len(items) != len(want) {
						t.Fatalf("listed %d questionnaires: %s", len(items), res.Body)
					}
					for i := range want {
						wantMembers(t, items[i], want[i])
					}
				}},
		})

		t.Run("the stored document is the one sent", func(t *testing.T) {
			defer e.useT(t)()
			// Scores keep their three states: a number, null ("don't
			// know") and absent (not scored).
			body := e.must(http.StatusOK, "GET", path+"/customs_annual/versions/1", e.tokens["admin"], nil)
			got := plainJSON(t, []byte(jsonText(t, body["document"])))
			want := plainJSON(t, readFile(t, "../testdata/questionnaires/customs_annual.json"))
			if !reflect.DeepEqual(got, want) {
				t.Errorf("the stored document differs from testdata:\n%s", jsonText(t, body["document"]))
			}
		})
	})
}

func TestCreateQuestionnaireFromTestdata(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		e := newEnv(t, url)
		e.world()
		doc := plainJSON(t, readFile(t, "../testdata/questionnaires/customs_annual.json")).(map[string]any)
		doc["key"] = "customs_annual_copy"
		e.runCases(t, []apiCase{
			{name: "create", token: "admin", method: "POST", path: "/api/v1/questionnaires", body: doc, wantStatus: http.StatusCreated,
				check: wantQuestionnaire("customs_annual_copy", 1, "draft", "Customs programme annual survey")},
			{name: "get it", token: "admin", method: "GET", path: "/api/v1/questionnaires/customs_annual_copy", wantStatus: http.StatusOK,
				check: func(t *testing.T, res result) {
					wantQuestionnaire("customs_annual_copy", 1, "draft", "")(t, res)
					if got := plainJSON(t, []byte(jsonText(t, res.JSON(t)["document"]))); !reflect.DeepEqual(got, doc) {
						t.Errorf("stored document differs from the one sent: %s", res.Body)
					}
				}},
		})
	})
}

func TestQuestionnaireRoles(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		e := newEnv(t, url)
		e.world()
		const q = "/api/v1/questionnaires"
		endpoints := []struct {
			method, path string
			body         any
		}{
			{"POST", q, miniDoc("mini")},
			{"GET", q, nil},
			{"GET", q + "/customs_annual", nil},
			{"POST", q + "/customs_annual/versions", nil},
			{"GET", q + "/customs_annual/versions/1", nil},
			{"PUT", q + "/customs_annual/versions/1", miniDoc("customs_annual")},
			{"POST", q + "/customs_annual/versions/1/publish", nil},
		}
		var cases []apiCase
		for _, ep := range endpoints {
			for _, role := range []string{"coord_be", "resp_be", "resp_de", ""} {
				status := http.StatusForbidden
				if role == "" {
					status = http.StatusUnauthorized
				}
				cases = append(cases, apiCase{name: ep.method + " " + ep.path + " as " + role, token: role,
					method: ep.method, path: ep.path, body: ep.body, wantStatus: status})
			}
		}
		cases = append(cases,
			apiCase{name: "nothing changed", token: "admin", method: "GET", path: q, wantStatus: http.StatusOK,
				check: func(t *testing.T, res result) {
					items := listOf(t, res, "questionnaires")
					if len(items) != 1 {
						t.Fatalf("questionnaires: %s", res.Body)
					}
					wantMembers(t, items[0], map[string]any{"key": "customs_annual", "version": 1, "status": "published"})
				}})
		e.runCases(t, cases)
	})
}

// TestEditingAPublishedVersionIsAConflict: 409 whatever the body, even one
// that is not a valid document — the version's state is what is refused.
func TestEditingAPublishedVersionIsAConflict(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		e := newEnv(t, url)
		e.world()
		path := "/api/v1/questionnaires/customs_annual/versions/1"
		for _, body := range []any{`{"key":"customs_annual"}`, `not json`, readFile(t, "../testdata/questionnaires/customs_annual.json")} {
			if res := e.request("PUT", path, e.tokens["admin"], body); res.Status != 409 {
				t.Errorf("PUT on a published version: %d, want 409: %s", res.Status, res.Body)
			}
		}
	})
}

// wantQuestions checks the question member of each entry of a problem's
// errors, in order.
func wantQuestions(want ...string) func(t *testing.T, res result) {
	return func(t *testing.T, res result) {
		var p struct{ Errors []struct{ Question string } }
		if err := json.Unmarshal(res.Body, &p); err != nil {
			t.Fatalf("not a problem document: %s", res.Body)
		}
		got := make([]string, len(p.Errors))
		for i, fe := range p.Errors {
			got[i] = fe.Question
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("questions %q, want %q", got, want)
		}
	}
}
