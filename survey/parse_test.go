package survey

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

// baseTree decodes the example questionnaire into generic JSON values that a
// test case can edit.
func baseTree(t *testing.T) map[string]any {
	t.Helper()
	var tree map[string]any
	if err := json.Unmarshal(readTestdata(t, customsAnnualPath), &tree); err != nil {
		t.Fatalf("decode example: %v", err)
	}
	return tree
}

// at walks a generic JSON tree by member names and array indexes.
func at(v any, path ...any) any {
	for _, step := range path {
		switch s := step.(type) {
		case string:
			v = v.(map[string]any)[s]
		case int:
			v = v.([]any)[s]
		}
	}
	return v
}

// object is at for a path that ends at an object.
func object(v any, path ...any) map[string]any { return at(v, path...).(map[string]any) }

// question returns question j of section i of the tree.
func question(d map[string]any, i, j int) map[string]any {
	return object(d, "sections", i, "questions", j)
}

// indicator returns indicator i of the tree.
func indicator(d map[string]any, i int) map[string]any { return object(d, "indicators", i) }

// Positions of the example questionnaire used below (sections[i].questions[j]):
// 0.0 awareness_level; 1.0 ees_perf, 1.1 ees_union_law, 1.2 ees_cooperation,
// 1.3 ees_innovation; 2.0 used_outputs, 2.1 why_not (show_if used_outputs),
// 2.2 why_not_other (show_if why_not); 3.0 support_satisfaction (number 1-5),
// 3.1 networking_contacts, 3.2 staff_trained (number); 4.0 comments (text).
// Indicators: 0 OP 3.1, 1 RES 1.1 (share), 2 RES 1.1 reasons (share, where),
// 3 RES 1.2, 4 RES 2.2.1, 5 RES 2.2.6 contacts (share), 6 RES 3.2.1,
// 7 RES 4.1, 8 EES overall (mean_score, 4 questions), 9 OP 1.4.2 (mean_value).

func TestParseDocumentExample(t *testing.T) {
	d := customsAnnual(t)
	if d.Key != "customs_annual" || d.DefaultLanguage != "en" {
		t.Errorf("key %q, default language %q", d.Key, d.DefaultLanguage)
	}
	if got := len(d.Questions()); got != 12 {
		t.Errorf("%d questions, want 12", got)
	}
	if got := len(d.Indicators); got != 10 {
		t.Errorf("%d indicators, want 10", got)
	}
	set := d.OptionSets["contribution5"]
	if len(set) != 6 || set[5].Key != "dont_know" || !set[5].Score.IsNull() {
		t.Errorf("contribution5 = %+v, want six options ending with a null-score dont_know", set)
	}
	if s := set[3].Score; !s.Set || s.Value == nil || *s.Value != 75 {
		t.Errorf("large scores %+v, want 75", s)
	}
	if s := d.OptionSets["yes_no"][0].Score; s.Set {
		t.Errorf("yes has score %+v, want absent", s)
	}

	// What the service stores must parse again to the same document.
	again, err := ParseDocument(mustJSON(t, d))
	if err != nil {
		t.Fatalf("re-parse of the marshalled document: %v", err)
	}
	if string(mustJSON(t, again)) != string(mustJSON(t, d)) {
		t.Error("marshal, parse, marshal changed the document")
	}
}

func TestParseDocumentMalformed(t *testing.T) {
	tests := []struct {
		name string
		raw  string
	}{
		{"empty", ""},
		{"truncated", `{"key": "customs_annual"`},
		{"not json", `key: customs_annual`},
		{"array", `[{"key": "customs_annual"}]`},
		{"string", `"customs_annual"`},
		{"null", `null`},
		{"trailing data", `{"key": "customs_annual"} {}`},
		{"nesting too deep", strings.Repeat("[", 20000) + strings.Repeat("]", 20000)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := ParseDocument([]byte(tt.raw))
			if d != nil || !errors.Is(err, ErrMalformed) {
				t.Fatalf("got %v, %v; want ErrMalformed", d, err)
			}
			var de *Error
			if !errors.As(err, &de) || de.Message == "" {
				t.Errorf("error %v is not an *Error with a message", err)
			}
		})
	}
}

// TestParseDocumentShape covers the first pass: unknown members, wrong JSON
// types and duplicate member names, all reported with their paths.
func TestParseDocumentShape(t *testing.T) {
	tests := []struct {
		name string
		edit func(d map[string]any)
		raw  string // instead of the edited example, for what a map cannot hold
		want []string
	}{
		{
			name: "typo requried in a nested question",
			edit: func(d map[string]any) { question(d, 2, 1)["requried"] = true },
			want: []string{"sections[2].questions[1].requried unknown_field"},
		},
		{
			name: "unknown member at the root, in an option set and in a target",
			edit: func(d map[string]any) {
				d["version"] = 1
				object(d, "option_sets", "contribution5", 1)["colour"] = "green"
				object(indicator(d, 3), "target")["year"] = 2024
			},
			want: []string{
				"indicators[3].target.year unknown_field",
				"option_sets.contribution5[1].colour unknown_field",
				"version unknown_field",
			},
		},
		{
			name: "member names are case sensitive",
			edit: func(d map[string]any) { d["Key"] = "customs_annual" },
			want: []string{"Key unknown_field"},
		},
		{
			name: "unusual member names are quoted in the path",
			edit: func(d map[string]any) { question(d, 0, 0)["max length"] = 5 },
			want: []string{`sections[0].questions[0]["max length"] unknown_field`},
		},
		{
			name: "string where a boolean belongs",
			edit: func(d map[string]any) { question(d, 0, 0)["required"] = "yes" },
			want: []string{"sections[0].questions[0].required wrong_type"},
		},
		{
			name: "wrong types everywhere",
			edit: func(d map[string]any) {
				d["key"] = 7
				d["title"] = "Customs programme annual survey"
				object(d, "sections", 1, "title")["en"] = 5
				question(d, 3, 0)["min"] = "1"
				question(d, 3, 0)["integer"] = 1
				question(d, 2, 1)["options"] = map[string]any{}
				object(d, "option_sets", "contribution5", 0)["score"] = "low"
				object(question(d, 2, 1), "show_if")["in"] = "no"
				indicator(d, 0)["questions"] = "awareness_level"
				object(indicator(d, 0), "target", "by_year")["2024"] = "50"
			},
			want: []string{
				"indicators[0].questions wrong_type",
				"indicators[0].target.by_year.2024 wrong_type",
				"key wrong_type",
				"option_sets.contribution5[0].score wrong_type",
				"sections[1].title.en wrong_type",
				"sections[2].questions[1].options wrong_type",
				"sections[2].questions[1].show_if.in wrong_type",
				"sections[3].questions[0].integer wrong_type",
				"sections[3].questions[0].min wrong_type",
				"title wrong_type",
			},
		},
		{
			name: "null where the value cannot be absent",
			edit: func(d map[string]any) {
				d["key"] = nil
				question(d, 0, 0)["required"] = nil
				object(d, "sections", 0, "title")["en"] = nil
			},
			want: []string{
				"key wrong_type",
				"sections[0].questions[0].required wrong_type",
				"sections[0].title.en wrong_type",
			},
		},
		{
			name: "sections is an object, a section a string",
			edit: func(d map[string]any) { d["indicators"] = []any{"OP 3.1"}; d["sections"] = map[string]any{} },
			want: []string{"indicators[0] wrong_type", "sections wrong_type"},
		},
		{
			name: "numbers beyond float64",
			edit: func(d map[string]any) {
				object(d, "option_sets", "contribution5", 1)["score"] = json.Number("1e400")
				question(d, 3, 0)["max"] = json.Number("-1e309")
				object(indicator(d, 3), "target")["value"] = json.Number("1e999")
			},
			want: []string{
				"indicators[3].target.value wrong_type",
				"option_sets.contribution5[1].score wrong_type",
				"sections[3].questions[0].max wrong_type",
			},
		},
		{
			name: "max_length must be a plain integer",
			edit: func(d map[string]any) {
				question(d, 2, 2)["max_length"] = json.Number("4.5")
				question(d, 4, 0)["max_length"] = json.Number("4e3")
			},
			want: []string{
				"sections[2].questions[2].max_length wrong_type",
				"sections[4].questions[0].max_length wrong_type",
			},
		},
		{
			name: "max_length beyond int64",
			edit: func(d map[string]any) { question(d, 4, 0)["max_length"] = json.Number("99999999999999999999") },
			want: []string{"sections[4].questions[0].max_length wrong_type"},
		},
		{
			name: "duplicate member at the root",
			raw:  `{"key": "a", "default_language": "en", "key": "b", "title": {"en": "T"}, "sections": []}`,
			want: []string{"key duplicate_key", "sections required"},
		},
		{
			name: "duplicate members nested, including in a text map and in an unknown member",
			raw: `{"key": "a", "default_language": "en", "title": {"en": "T", "en": "U"},
				"sections": [{"key": "s", "title": {"en": "S"}, "questions": [
					{"key": "q", "type": "text", "type": "number", "text": {"en": "Q"}},
					{"key": "r", "type": "text", "text": {"en": "R"}, "extra": {"x": 1, "x": 2}}]}]}`,
			want: []string{
				"sections[0].questions[0].type duplicate_key",
				"sections[0].questions[1].extra unknown_field",
				"sections[0].questions[1].extra.x duplicate_key",
				"title.en duplicate_key",
			},
		},
		{
			name: "several kinds of shape problem at once",
			raw: `{"key": "a", "key": "a", "default_language": "en", "title": {"en": "T"}, "colour": "blue",
				"sections": [{"key": "s", "title": {"en": "S"}, "questions": [
					{"key": "q", "type": "number", "text": {"en": "Q"}, "min": "0", "requried": true}]}]}`,
			want: []string{
				"colour unknown_field",
				"key duplicate_key",
				"sections[0].questions[0].min wrong_type",
				"sections[0].questions[0].requried unknown_field",
			},
		},
		{
			name: "shape and rule problems are reported together",
			edit: func(d map[string]any) {
				d["key"] = "Not A Key"            // a rule problem
				question(d, 0, 0)["required"] = 1 // a shape problem
			},
			want: []string{"key invalid_key", "sections[0].questions[0].required wrong_type"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw := []byte(tt.raw)
			if tt.raw == "" {
				d := baseTree(t)
				tt.edit(d)
				raw = mustJSON(t, d)
			}
			doc, err := ParseDocument(raw)
			if doc != nil {
				t.Errorf("got a document despite problems")
			}
			assertProblems(t, err, tt.want)
		})
	}
}

// TestParseDocumentRules covers the field rules and the cross-checks, each
// case editing the valid example.
func TestParseDocumentRules(t *testing.T) {
	tests := []struct {
		name string
		edit func(d map[string]any)
		want []string
	}{
		// Keys and required members.
		{
			name: "invalid keys",
			edit: func(d map[string]any) {
				d["key"] = "Customs-Annual"
				object(d, "sections", 0)["key"] = "1st"
				question(d, 0, 0)["key"] = "awareness level"
				object(d, "option_sets", "yes_no", 0)["key"] = "Yes"
				object(d, "option_sets")["Bad Set"] = []any{map[string]any{"key": "x", "label": map[string]any{"en": "X"}}}
				question(d, 4, 0)["key"] = strings.Repeat("c", 65)
			},
			want: []string{
				"key invalid_key",
				`option_sets["Bad Set"] invalid_key`,
				"option_sets.yes_no[0].key invalid_key",
				"sections[0].key invalid_key",
				"sections[0].questions[0].key invalid_key",
				"sections[4].questions[0].key invalid_key",
				// The indicators name the old keys.
				"indicators[0].questions[0] unknown_question",
				"indicators[1].options[0] unknown_option",
			},
		},
		{
			name: "missing members",
			edit: func(d map[string]any) {
				delete(d, "key")
				delete(d, "title")
				delete(object(d, "sections", 1), "key")
				delete(object(d, "sections", 1), "title")
				delete(question(d, 3, 2), "type")
				delete(question(d, 3, 2), "text")
				delete(object(d, "option_sets", "yes_no", 1), "label")
				delete(indicator(d, 9), "code")
				delete(indicator(d, 9), "method")
			},
			want: []string{
				"indicators[9].code required",
				"indicators[9].method required",
				"key required",
				"option_sets.yes_no[1].label required",
				"sections[1].key required",
				"sections[1].title required",
				"sections[3].questions[2].text required",
				"sections[3].questions[2].type required",
				"title required",
				// staff_trained keeps its min: with its type unknown,
				// whether min belongs there cannot be said.
			},
		},
		{
			name: "values outside their set",
			edit: func(d map[string]any) {
				question(d, 4, 0)["type"] = "textarea"
				indicator(d, 9)["method"] = "median"
				indicator(d, 9)["unit"] = "country"
				indicator(d, 8)["breakdown"] = []any{"questions", "regions"}
			},
			want: []string{
				"indicators[8].breakdown[1] not_allowed",
				"indicators[9].method not_allowed",
				"indicators[9].unit not_allowed",
				"sections[4].questions[0].type not_allowed",
			},
		},
		{
			name: "indicator code length",
			edit: func(d map[string]any) {
				indicator(d, 0)["code"] = strings.Repeat("é", 64) // 64 characters is the limit
				indicator(d, 1)["code"] = strings.Repeat("x", 65)
				indicator(d, 2)["code"] = ""
			},
			want: []string{"indicators[1].code out_of_range", "indicators[2].code required"},
		},
		// Languages.
		{
			name: "languages",
			edit: func(d map[string]any) {
				object(d, "title")["xx"] = "?"
				object(d, "title")["EN"] = "Customs programme annual survey"
				object(d, "sections", 0, "title")["fra"] = "Connaissance"
				object(question(d, 1, 3), "help")["en-GB"] = "Innovation"
				object(d, "option_sets", "yes_no", 0, "label")["zz"] = "?"
				object(d, "sections", 3, "title")["a]b.c"] = "?"
			},
			want: []string{
				`sections[3].title["a]b.c"] invalid_language`,
				"option_sets.yes_no[0].label.zz invalid_language",
				"sections[0].title.fra invalid_language",
				"sections[1].questions[3].help.en-GB invalid_language",
				"title.EN invalid_language",
				"title.xx invalid_language",
			},
		},
		{
			name: "invalid default language is reported once, not for every text",
			edit: func(d map[string]any) { d["default_language"] = "english" },
			want: []string{"default_language invalid_language"},
		},
		{
			name: "a default language that no text has",
			edit: func(d map[string]any) {
				d["default_language"] = "de"
				// Keep the document otherwise small enough to list.
				d["sections"] = []any{map[string]any{
					"key": "s", "title": map[string]any{"de": "Abschnitt"},
					"questions": []any{map[string]any{"key": "q", "type": "text", "text": map[string]any{"en": "Q"}}},
				}}
				d["title"] = map[string]any{"de": "Titel"}
				delete(d, "indicators")
				object(d, "option_sets")["yes_no"] = []any{map[string]any{"key": "yes", "label": map[string]any{"de": "Ja"}}}
				object(d, "option_sets")["contribution5"] = []any{map[string]any{"key": "none", "label": map[string]any{"fr": "Pas du tout"}}}
			},
			want: []string{
				"option_sets.contribution5[0].label missing_default_language",
				"sections[0].questions[0].text missing_default_language",
			},
		},
		{
			name: "every text needs the default language",
			edit: func(d map[string]any) {
				delete(object(d, "title"), "en")
				delete(object(d, "sections", 2, "title"), "en")
				delete(object(question(d, 1, 0), "text"), "en")
				question(d, 1, 1)["help"] = map[string]any{"fr": "Aide"}
				delete(object(d, "option_sets", "contribution5", 2, "label"), "en")
				delete(object(question(d, 2, 1), "options", 3, "label"), "en")
				indicator(d, 0)["title"] = map[string]any{}
			},
			want: []string{
				"indicators[0].title missing_default_language",
				"option_sets.contribution5[2].label missing_default_language",
				"sections[1].questions[0].text missing_default_language",
				"sections[1].questions[1].help missing_default_language",
				"sections[2].questions[1].options[3].label missing_default_language",
				"sections[2].title missing_default_language",
				"title missing_default_language",
			},
		},
		{
			name: "empty texts",
			edit: func(d map[string]any) {
				object(d, "title")["fr"] = ""
				object(question(d, 0, 0), "text")["en"] = ""
			},
			want: []string{"sections[0].questions[0].text.en required", "title.fr required"},
		},
		{
			name: "indicator title is optional",
			edit: func(d map[string]any) { delete(indicator(d, 0), "title") },
		},
		// Sections and questions.
		{
			name: "no sections",
			edit: func(d map[string]any) { d["sections"] = []any{}; delete(d, "indicators") },
			want: []string{"sections required"},
		},
		{
			name: "absent sections",
			edit: func(d map[string]any) { delete(d, "sections"); delete(d, "indicators") },
			want: []string{"sections required"},
		},
		{
			name: "a section without questions",
			edit: func(d map[string]any) {
				object(d, "sections", 4)["questions"] = []any{}
				delete(object(d, "sections", 3), "questions")
				d["indicators"] = []any{}
			},
			want: []string{"sections[3].questions required", "sections[4].questions required"},
		},
		{
			name: "duplicate section and question keys",
			edit: func(d map[string]any) {
				object(d, "sections", 3)["key"] = "ees"
				question(d, 4, 0)["key"] = "ees_perf"
				question(d, 3, 2)["key"] = "support_satisfaction"
			},
			want: []string{
				"sections[3].key duplicate",
				"sections[3].questions[2].key duplicate",
				"sections[4].questions[0].key duplicate",
			},
		},
		// Options.
		{
			name: "choice question with options and options_ref",
			edit: func(d map[string]any) { question(d, 2, 0)["options"] = at(d, "option_sets", "yes_no") },
			want: []string{"sections[2].questions[0].options_ref not_allowed"},
		},
		{
			name: "choice question without options",
			edit: func(d map[string]any) {
				delete(question(d, 1, 0), "options_ref")
				question(d, 3, 1)["options"] = []any{}
			},
			want: []string{
				"sections[1].questions[0].options required",
				"sections[3].questions[1].options required",
				// The indicators on these questions are not checked
				// against options that do not exist yet.
			},
		},
		{
			name: "options_ref naming no set",
			edit: func(d map[string]any) { question(d, 1, 2)["options_ref"] = "contribution_5" },
			want: []string{"sections[1].questions[2].options_ref unknown_option_set"},
		},
		{
			name: "options on questions that are not choices",
			edit: func(d map[string]any) {
				question(d, 3, 0)["options"] = at(d, "option_sets", "yes_no")
				question(d, 4, 0)["options_ref"] = "yes_no"
			},
			want: []string{
				"sections[3].questions[0].options not_allowed",
				"sections[4].questions[0].options_ref not_allowed",
			},
		},
		{
			name: "empty option set",
			edit: func(d map[string]any) { object(d, "option_sets")["unused"] = []any{} },
			want: []string{"option_sets.unused required"},
		},
		{
			name: "duplicate option keys in a question and in a set",
			edit: func(d map[string]any) {
				object(question(d, 2, 1), "options", 2)["key"] = "no_outputs_yet"
				object(d, "option_sets", "contribution5", 4)["key"] = "none"
			},
			want: []string{
				"option_sets.contribution5[4].key duplicate",
				"sections[2].questions[1].options[2].key duplicate",
			},
		},
		{
			name: "option scores",
			edit: func(d map[string]any) {
				object(d, "option_sets", "contribution5", 4)["score"] = 100.5
				object(question(d, 0, 0), "options", 3)["score"] = -1
				object(question(d, 3, 1), "options", 0)["score"] = 0 // the bounds are allowed
				object(question(d, 3, 1), "options", 4)["score"] = 100
			},
			want: []string{
				"option_sets.contribution5[4].score out_of_range",
				"sections[0].questions[0].options[3].score out_of_range",
			},
		},
		// Number and text questions.
		{
			name: "number members on other questions",
			edit: func(d map[string]any) {
				question(d, 4, 0)["min"] = 0
				question(d, 4, 0)["integer"] = true
				question(d, 0, 0)["max"] = 3
				question(d, 3, 0)["max_length"] = 3
				question(d, 3, 1)["max_length"] = 3
			},
			want: []string{
				"sections[0].questions[0].max not_allowed",
				"sections[3].questions[0].max_length not_allowed",
				"sections[3].questions[1].max_length not_allowed",
				"sections[4].questions[0].integer not_allowed",
				"sections[4].questions[0].min not_allowed",
			},
		},
		{
			name: "min above max",
			edit: func(d map[string]any) { question(d, 3, 0)["min"] = 6 },
			want: []string{"sections[3].questions[0].max out_of_range"},
		},
		{
			name: "min equal to max is allowed",
			edit: func(d map[string]any) { question(d, 3, 0)["min"] = 5 },
		},
		{
			name: "max_length below 1",
			edit: func(d map[string]any) {
				question(d, 4, 0)["max_length"] = 0
				question(d, 2, 2)["max_length"] = -3
			},
			want: []string{
				"sections[2].questions[2].max_length out_of_range",
				"sections[4].questions[0].max_length out_of_range",
			},
		},
		// show_if.
		{
			name: "show_if naming a later question, itself, an unknown one",
			edit: func(d map[string]any) {
				question(d, 0, 0)["show_if"] = map[string]any{"question": "used_outputs", "in": []any{"no"}}
				object(question(d, 2, 1), "show_if")["question"] = "why_not"
				question(d, 3, 1)["show_if"] = map[string]any{"question": "used_output", "in": []any{"no"}}
			},
			want: []string{
				"sections[0].questions[0].show_if.question forward_reference",
				"sections[2].questions[1].show_if.question forward_reference",
				"sections[3].questions[1].show_if.question unknown_question",
			},
		},
		{
			name: "show_if naming a question that is not a choice",
			edit: func(d map[string]any) {
				question(d, 4, 0)["show_if"] = map[string]any{"question": "support_satisfaction", "in": []any{"5"}}
			},
			want: []string{"sections[4].questions[0].show_if.question not_a_choice"},
		},
		{
			name: "show_if options",
			edit: func(d map[string]any) {
				object(question(d, 2, 1), "show_if")["in"] = []any{"no", "maybe", "no"}
				object(question(d, 2, 2), "show_if")["in"] = []any{}
				question(d, 3, 0)["show_if"] = map[string]any{"question": "ees_perf", "in": []any{"dont_know", "full"}}
			},
			want: []string{
				"sections[2].questions[1].show_if.in[1] unknown_option",
				"sections[2].questions[1].show_if.in[2] duplicate",
				"sections[2].questions[2].show_if.in required",
			},
		},
		{
			name: "show_if without a question",
			edit: func(d map[string]any) { delete(object(question(d, 2, 1), "show_if"), "question") },
			want: []string{"sections[2].questions[1].show_if.question required"},
		},
		// Indicators.
		{
			name: "duplicate indicator codes",
			edit: func(d map[string]any) {
				indicator(d, 4)["code"] = "RES 1.2"
				indicator(d, 9)["code"] = "RES 1.2"
			},
			want: []string{"indicators[4].code duplicate", "indicators[9].code duplicate"},
		},
		{
			name: "indicator questions",
			edit: func(d map[string]any) {
				indicator(d, 0)["questions"] = []any{}
				delete(indicator(d, 3), "questions")
				indicator(d, 8)["questions"] = []any{"ees_perf", "ees_performance", "ees_perf"}
			},
			want: []string{
				// The options breakdown of indicator 0 lacks its question:
				// that follows from the missing questions, not reported again.
				"indicators[0].questions required",
				"indicators[3].questions required",
				"indicators[8].questions[1] unknown_question",
				"indicators[8].questions[2] duplicate",
			},
		},
		{
			name: "mean_score needs scored single choice questions",
			edit: func(d map[string]any) {
				indicator(d, 8)["questions"] = []any{"ees_perf", "why_not", "used_outputs", "support_satisfaction"}
				delete(object(question(d, 3, 1), "options", 2), "score") // networking_contacts: one option unscored
				indicator(d, 7)["questions"] = []any{"networking_contacts"}
			},
			want: []string{
				"indicators[7].questions[0] method_mismatch", // an option without a score
				"indicators[8].questions[1] method_mismatch", // multi choice
				"indicators[8].questions[2] method_mismatch", // yes/no without scores
				"indicators[8].questions[3] method_mismatch", // a number question
			},
		},
		{
			name: "mean_score needs at least one numeric score",
			edit: func(d map[string]any) {
				object(d, "option_sets")["dont_know_only"] = []any{map[string]any{"key": "dont_know", "label": map[string]any{"en": "Don't know"}, "score": nil}}
				question(d, 1, 3)["options_ref"] = "dont_know_only"
			},
			want: []string{"indicators[7].questions[0] method_mismatch", "indicators[8].questions[3] method_mismatch"},
		},
		{
			name: "share",
			edit: func(d map[string]any) {
				indicator(d, 1)["questions"] = []any{"used_outputs", "why_not"}
				indicator(d, 2)["options"] = []any{"no_outputs_yet", "no_reason", "no_outputs_yet"}
				indicator(d, 5)["options"] = []any{"frequently", "not_applicable"}
				indicator(d, 3)["method"] = "share"
				indicator(d, 3)["options"] = []any{}
			},
			want: []string{
				"indicators[1].questions method_mismatch",
				"indicators[2].options[1] unknown_option",
				"indicators[2].options[2] duplicate",
				"indicators[3].options required",
				"indicators[5].options[1] method_mismatch",
			},
		},
		{
			name: "share on a question that is not a choice",
			edit: func(d map[string]any) {
				indicator(d, 5)["questions"] = []any{"comments"}
				delete(indicator(d, 5), "breakdown")
			},
			want: []string{"indicators[5].questions[0] method_mismatch"},
		},
		{
			name: "mean_value",
			edit: func(d map[string]any) {
				indicator(d, 9)["questions"] = []any{"support_satisfaction", "staff_trained"}
				indicator(d, 3)["method"] = "mean_value"
				indicator(d, 3)["options"] = []any{"full"}
			},
			want: []string{
				"indicators[3].options not_allowed",
				"indicators[3].questions[0] method_mismatch",
				"indicators[9].questions method_mismatch",
			},
		},
		{
			name: "options only with share",
			edit: func(d map[string]any) { indicator(d, 6)["options"] = []any{"full"} },
			want: []string{"indicators[6].options not_allowed"},
		},
		{
			name: "where",
			edit: func(d map[string]any) {
				indicator(d, 2)["where"] = map[string]any{"question": "used_outputs", "in": []any{"no", "perhaps"}}
				indicator(d, 1)["where"] = map[string]any{"question": "comments", "in": []any{"x"}}
				indicator(d, 9)["where"] = map[string]any{"question": "used", "in": []any{"yes"}}
				indicator(d, 6)["where"] = map[string]any{"question": "why_not", "in": []any{}}
				indicator(d, 7)["where"] = map[string]any{"question": "comments_later", "in": []any{"x"}}
				// where may name a later question, unlike show_if.
				indicator(d, 0)["where"] = map[string]any{"question": "networking_contacts", "in": []any{"never"}}
			},
			want: []string{
				"indicators[1].where.question not_a_choice",
				"indicators[2].where.in[1] unknown_option",
				"indicators[6].where.in required",
				"indicators[7].where.question unknown_question",
				"indicators[9].where.question unknown_question",
			},
		},
		{
			name: "targets",
			edit: func(d map[string]any) {
				indicator(d, 3)["target"] = map[string]any{"value": 70, "by_year": map[string]any{"2024": 70}}
				indicator(d, 4)["target"] = map[string]any{}
				indicator(d, 6)["target"] = map[string]any{"by_year": map[string]any{"2024": 70, "24": 70, "year": 1}}
				indicator(d, 7)["target"] = map[string]any{"by_year": map[string]any{}}
			},
			want: []string{
				"indicators[3].target not_allowed",
				"indicators[4].target required",
				"indicators[6].target.by_year.24 invalid_year",
				"indicators[6].target.by_year.year invalid_year",
				"indicators[7].target.by_year required",
			},
		},
		{
			name: "breakdowns",
			edit: func(d map[string]any) {
				indicator(d, 5)["breakdown"] = []any{"options", "administrations", "options"}
				indicator(d, 8)["breakdown"] = []any{"options"}
				indicator(d, 9)["breakdown"] = []any{"options"}
			},
			want: []string{
				"indicators[5].breakdown[2] duplicate",
				"indicators[8].breakdown[0] not_allowed",
				"indicators[9].breakdown[0] not_allowed",
			},
		},
		{
			name: "several problems reported at once",
			edit: func(d map[string]any) {
				d["key"] = "Customs"
				question(d, 1, 0)["options_ref"] = "contribution"
				question(d, 3, 0)["min"] = 10
				object(d, "option_sets", "contribution5", 0)["score"] = 150
				object(question(d, 2, 1), "show_if")["in"] = []any{"maybe"}
				indicator(d, 9)["questions"] = []any{"comments"}
				indicator(d, 0)["code"] = "RES 1.1"
			},
			want: []string{
				"indicators[1].code duplicate",
				"indicators[9].questions[0] method_mismatch",
				"key invalid_key",
				"option_sets.contribution5[0].score out_of_range",
				"sections[1].questions[0].options_ref unknown_option_set",
				"sections[2].questions[1].show_if.in[0] unknown_option",
				"sections[3].questions[0].max out_of_range",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := baseTree(t)
			tt.edit(d)
			doc, err := ParseDocument(mustJSON(t, d))
			assertProblems(t, err, tt.want)
			if (doc == nil) != (err != nil) {
				t.Errorf("document %v with error %v", doc != nil, err)
			}
		})
	}
}

func TestParseDocumentErrorsSortedByPath(t *testing.T) {
	d := baseTree(t)
	section := object(d, "sections", 4)
	for i := range 11 {
		q := map[string]any{"key": "Bad" + strings.Repeat("x", i), "type": "text", "text": map[string]any{"en": "?"}}
		section["questions"] = append(section["questions"].([]any), q)
	}
	d["key"] = "Bad"
	_, err := ParseDocument(mustJSON(t, d))
	var ve *ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("got %v, want a *ValidationError", err)
	}
	var fields []string
	for _, fe := range ve.Errors {
		fields = append(fields, fe.Field)
	}
	want := []string{"key"}
	for i := 1; i <= 11; i++ {
		want = append(want, indexPath("sections[4].questions", i)+".key")
	}
	if strings.Join(fields, ",") != strings.Join(want, ",") {
		t.Errorf("order:\n got  %v\n want %v", fields, want)
	}
}

func TestIsKey(t *testing.T) {
	tests := []struct {
		key  string
		want bool
	}{
		{"customs_annual", true},
		{"a", true},
		{"q1_2", true},
		{strings.Repeat("a", 64), true},
		{strings.Repeat("a", 65), false},
		{"", false},
		{"1a", false},
		{"_a", false},
		{"Customs", false},
		{"customs-annual", false},
		{"café", false},
	}
	for _, tt := range tests {
		if got := IsKey(tt.key); got != tt.want {
			t.Errorf("IsKey(%q) = %v, want %v", tt.key, got, tt.want)
		}
	}
}

func TestIsLanguage(t *testing.T) {
	if len(languageCodes) != 184 {
		t.Errorf("%d language codes, want the 184 of ISO 639-1", len(languageCodes))
	}
	for _, code := range []string{"en", "fr", "de", "ga", "mt", "bg", "hr", "tr", "mk", "sr", "zu"} {
		if !IsLanguage(code) {
			t.Errorf("IsLanguage(%q) = false", code)
		}
	}
	for _, code := range []string{"", "EN", "eng", "en-GB", "xx", "sh", "e"} {
		if IsLanguage(code) {
			t.Errorf("IsLanguage(%q) = true", code)
		}
	}
}

func TestComparePaths(t *testing.T) {
	ordered := []string{
		"indicators[2].code",
		"indicators[10].code",
		"key",
		"sections[1].questions[9].key",
		"sections[1].questions[10]",
		"sections[1].questions[10].key",
		"sections[2]",
		"sections[10]",
		"sections[010]", // equal values: the shorter spelling first
	}
	for i := range ordered {
		for j := range ordered {
			got := comparePaths(ordered[i], ordered[j])
			if (i < j && got >= 0) || (i > j && got <= 0) || (i == j && got != 0) {
				t.Errorf("comparePaths(%q, %q) = %d", ordered[i], ordered[j], got)
			}
		}
	}
}
