package survey

import (
	"errors"
	"strings"
	"testing"
)

// TestParseDocumentSyntaxPosition checks that a document that is not JSON,
// or not UTF-8, is refused with the line, the column and an excerpt of the
// place where reading stopped.
func TestParseDocumentSyntaxPosition(t *testing.T) {
	tests := []struct {
		name string
		raw  string
		want string
	}{
		{
			name: "a bare word",
			raw:  "{\n  \"key\": \"q\",\n  \"trained\": maybe,\n  \"x\": 1\n}",
			want: `the questionnaire is not valid JSON: line 3, column 14: invalid character 'm' looking for beginning of value, at: "trained": maybe,`,
		},
		{
			name: "a trailing comma",
			raw:  "{\"sections\": [\n\t{\"key\": \"a\"},\n]}",
			want: `the questionnaire is not valid JSON: line 3, column 1: invalid character ']' looking for beginning of value, at: ]}`,
		},
		{
			name: "a missing comma, columns counted in characters",
			raw:  `{"title": {"fr": "Enquête annuelle" "en": "Annual"}}`,
			want: `the questionnaire is not valid JSON: line 1, column 37: invalid character '"' after object key:value pair, at: …e": {"fr": "Enquête annuelle" "en": "Annual"}}`,
		},
		{
			name: "a long line is cut either side",
			raw:  `{"text": {"en": "` + strings.Repeat("a", 50) + `" "` + strings.Repeat("b", 50) + `"}}`,
			want: `the questionnaire is not valid JSON: line 1, column 70: invalid character '"' after object key:value pair, at: …aaaaaaaaaaaaaaaaaaaaaaaaaaaa" "bbbbbbbbbbbbbbbbbbbbbbbbbbbbb…`,
		},
		{
			name: "the end comes too early",
			raw:  "{\"key\": \"q\",\n \"sections\": [\n",
			want: `the questionnaire is not valid JSON: line 2, column 15: unexpected end of JSON input, at: "sections": [`,
		},
		{
			name: "empty",
			raw:  "",
			want: `the questionnaire is not valid JSON: line 1, column 1: unexpected end of JSON input`,
		},
		{
			name: "trailing data",
			raw:  `{"key": "q"} {}`,
			want: `the questionnaire is not valid JSON: line 1, column 14: invalid character '{' after top-level value, at: {"key": "q"} {}`,
		},
		{
			name: "not UTF-8",
			raw:  "{\"key\": \"q\",\n \"title\": {\"en\": \"caf\xe9\"}}",
			want: "the questionnaire is not valid UTF-8: line 2, column 22, at: \"title\": {\"en\": \"caf\uFFFD\"}}",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := ParseDocument([]byte(tt.raw))
			var de *Error
			if d != nil || !errors.Is(err, ErrMalformed) || !errors.As(err, &de) {
				t.Fatalf("got %v, %v; want ErrMalformed", d, err)
			}
			if de.Message != tt.want {
				t.Errorf("message\n got  %s\n want %s", de.Message, tt.want)
			}
		})
	}
}

// TestParseDocumentFollowOnProblems checks that every independent problem
// is reported at once and that problems which only follow from another are
// not: a question of an unknown type is not also reported by every
// indicator or show_if that names it, and a value of the wrong JSON type is
// not also missing.
func TestParseDocumentFollowOnProblems(t *testing.T) {
	tests := []struct {
		name string
		edit func(d map[string]any)
		raw  func(raw []byte) []byte // then edits the JSON text, for what a map cannot hold
		want []string
	}{
		{
			name: "a second default_language is not checked against every text",
			edit: func(d map[string]any) {},
			raw: func(raw []byte) []byte {
				return []byte(strings.Replace(string(raw), `"default_language":"en"`, `"default_language":"en","default_language":"fr"`, 1))
			},
			want: []string{"default_language duplicate_key"},
		},
		{
			name: "a misspelt member is not also missing",
			edit: func(d map[string]any) {
				d["titel"] = d["title"]
				delete(d, "title")
				question(d, 0, 0)["Type"] = question(d, 0, 0)["type"]
				delete(question(d, 0, 0), "type")
			},
			want: []string{"sections[0].questions[0].Type unknown_field", "titel unknown_field"},
		},
		{
			// used_outputs feeds indicator 1 (share), the where of
			// indicator 2 and the show_if of why_not.
			name: "an unknown question type, named by an indicator, a where and a show_if",
			edit: func(d map[string]any) { question(d, 2, 0)["type"] = "yes_no" },
			want: []string{"sections[2].questions[0].type not_allowed"},
		},
		{
			// ees_perf feeds indicators 6 (with an options breakdown)
			// and 8, both mean_score.
			name: "a question type of the wrong JSON type, and an independent problem",
			edit: func(d map[string]any) {
				question(d, 1, 0)["type"] = 5
				indicator(d, 0)["unit"] = "country"
			},
			want: []string{"indicators[0].unit not_allowed", "sections[1].questions[0].type wrong_type"},
		},
		{
			name: "a missing question type",
			edit: func(d map[string]any) { delete(question(d, 0, 0), "type") },
			want: []string{"sections[0].questions[0].type required"},
		},
		{
			name: "a score of the wrong type is not also missing for mean_score",
			edit: func(d map[string]any) { object(d, "option_sets", "contribution5", 1)["score"] = "low" },
			want: []string{"option_sets.contribution5[1].score wrong_type"},
		},
		{
			name: "the only text of a title of the wrong type is not also missing",
			edit: func(d map[string]any) {
				object(d, "sections", 1)["title"] = map[string]any{"en": 5}
			},
			want: []string{"sections[1].title.en wrong_type"},
		},
		{
			name: "a target value of the wrong type does not leave the target empty",
			edit: func(d map[string]any) { object(indicator(d, 3), "target")["value"] = "70" },
			want: []string{"indicators[3].target.value wrong_type"},
		},
		{
			name: "a section of the wrong type keeps the indexes of the others",
			edit: func(d map[string]any) {
				d["sections"].([]any)[0] = "awareness"
				question(d, 1, 0)["requried"] = true
				question(d, 2, 1)["show_if"] = map[string]any{"question": "used_outputs", "in": []any{"maybe"}}
			},
			want: []string{
				// awareness_level, in the section set aside, is unknown
				// to indicator 0.
				"indicators[0].questions[0] unknown_question",
				"sections[0] wrong_type",
				"sections[1].questions[0].requried unknown_field",
				"sections[2].questions[1].show_if.in[0] unknown_option",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := baseTree(t)
			tt.edit(d)
			raw := mustJSON(t, d)
			if tt.raw != nil {
				raw = tt.raw(raw)
			}
			doc, err := ParseDocument(raw)
			if doc != nil {
				t.Errorf("got a document despite problems")
			}
			assertProblems(t, err, tt.want)
		})
	}
}

// TestParseDocumentNamesQuestions checks that each problem within a
// question carries the question's key, and no other problem does.
func TestParseDocumentNamesQuestions(t *testing.T) {
	d := baseTree(t)
	question(d, 1, 0)["type"] = "single"                                      // ees_perf
	question(d, 2, 1)["show_if"] = map[string]any{"question": "used_outputs"} // why_not
	question(d, 4, 0)["colour"] = "blue"                                      // comments, a shape problem
	object(d, "sections", 3)["key"] = "Numbers"
	indicator(d, 0)["questions"] = []any{"nope"}
	_, err := ParseDocument(mustJSON(t, d))
	var invalid *ValidationError
	if !errors.As(err, &invalid) {
		t.Fatalf("got %v, want a *ValidationError", err)
	}
	var got []string
	for _, fe := range invalid.Errors {
		got = append(got, fe.Field+" "+fe.Question)
	}
	want := []string{
		"indicators[0].questions[0] ",
		"sections[1].questions[0].type ees_perf",
		"sections[2].questions[1].show_if.in why_not",
		"sections[3].key ",
		"sections[4].questions[0].colour comments",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("field and question\n got  %q\n want %q", got, want)
	}
	d = baseTree(t)
	question(d, 1, 0)["requried"] = true
	delete(question(d, 1, 0), "required")
	question(d, 1, 1)["x"] = 5           // too far from max, or anything
	question(d, 1, 2)["requried"] = true // required is there
	_, err = ParseDocument(mustJSON(t, d))
	if lines := strings.Join(ProblemLines(err), "\n"); lines != strings.Join([]string{
		`sections[1].questions[0].requried (question ees_perf): is not a member of this object; did you mean "required"? [unknown_field]`,
		`sections[1].questions[1].x (question ees_union_law): is not a member of this object [unknown_field]`,
		`sections[1].questions[2].requried (question ees_cooperation): is not a member of this object [unknown_field]`,
	}, "\n") {
		t.Errorf("suggestions:\n%s", lines)
	}
	if line := invalid.Errors[1].String(); line != "sections[1].questions[0].type (question ees_perf): must be one of: single_choice, multi_choice, number, text [not_allowed]" {
		t.Errorf("line %q", line)
	}
}

// TestParseDocumentVeryBrokenShape checks that the rules are not checked
// once the shape pass has found more than maxShapeProblems problems, and
// are up to that number.
func TestParseDocumentVeryBrokenShape(t *testing.T) {
	for _, wrong := range []int{maxShapeProblems, maxShapeProblems + 1} {
		n := wrong + 2 // after the valid yes and no options
		d := baseTree(t)
		d["key"] = "Not A Key"
		options := object(d, "option_sets")["yes_no"].([]any)
		for len(options) < n {
			options = append(options, "maybe")
		}
		object(d, "option_sets")["yes_no"] = options[:n]
		_, err := ParseDocument(mustJSON(t, d))
		got := problems(t, err)
		wantRules := wrong <= maxShapeProblems
		if len(got) == 0 || (got[0] == "key invalid_key") != wantRules {
			t.Errorf("%d wrong options: first problem %q, want the key's reported: %v", wrong, got[:1], wantRules)
		}
	}
}
