package survey

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
)

// answersOf decodes a JSON object of answers as the api package would.
func answersOf(t *testing.T, raw string) Answers {
	t.Helper()
	var a Answers
	if err := json.Unmarshal([]byte(raw), &a); err != nil {
		t.Fatalf("answers %s: %v", raw, err)
	}
	return a
}

// with returns a copy of base with the given raw answers added or replaced.
func with(base Answers, kv ...string) Answers {
	a := maps.Clone(base)
	if a == nil {
		a = Answers{}
	}
	for i := 0; i+1 < len(kv); i += 2 {
		a[kv[i]] = json.RawMessage(kv[i+1])
	}
	return a
}

// without returns a copy of base without the given questions.
func without(base Answers, keys ...string) Answers {
	a := maps.Clone(base)
	for _, k := range keys {
		delete(a, k)
	}
	return a
}

// complete is a valid submission of the example questionnaire in which every
// question is visible and answered.
const complete = `{
	"awareness_level": "basic",
	"ees_perf": "large",
	"ees_union_law": "dont_know",
	"ees_cooperation": "full",
	"ees_innovation": "none",
	"used_outputs": "no",
	"why_not": [ "other", "no_outputs_yet" ],
	"why_not_other": "Budget cuts delayed the roll-out.",
	"support_satisfaction": 4,
	"networking_contacts": "frequently",
	"staff_trained": 12.5,
	"comments": "Très utile \ud83d\ude00"
}`

func TestCheckAnswers(t *testing.T) {
	full := answersOf(t, complete)
	tests := []struct {
		name    string
		answers Answers
		doc     func(d *Document) // optional change to the example questionnaire
		want    []string
	}{
		{name: "complete", answers: full},
		{name: "nothing yet", answers: Answers{}},
		{name: "nil answers", answers: nil},
		{name: "partial", answers: answersOf(t, `{"ees_perf": "full", "comments": "draft"}`)},
		{
			name:    "null means no answer, even for a required question",
			answers: answersOf(t, `{"awareness_level": null, "why_not": null, "support_satisfaction": null}`),
		},
		{name: "empty multi choice means no answer", answers: answersOf(t, `{"why_not": []}`)},
		{
			name:    "answers to hidden questions are kept and checked in drafts",
			answers: answersOf(t, `{"used_outputs": "yes", "why_not": ["not_relevant"], "why_not_other": "x"}`),
		},
		{
			name:    "hidden answers are still type-checked",
			answers: answersOf(t, `{"used_outputs": "yes", "why_not": ["maybe"]}`),
			want:    []string{"answers.why_not[0] not_an_option"},
		},
		{
			name:    "unknown questions",
			answers: answersOf(t, `{"ees_perf": "full", "awareness": "basic", "Comments": "x", "gone": null}`),
			want:    []string{"answers.Comments unknown_question", "answers.awareness unknown_question", "answers.gone unknown_question"},
		},
		{
			name:    "unknown question with an unusual key",
			answers: answersOf(t, `{"a.b": 1}`),
			want:    []string{`answers["a.b"] unknown_question`},
		},
		{
			name:    "single choice of the wrong type",
			answers: answersOf(t, `{"ees_perf": 75, "awareness_level": ["basic"], "used_outputs": true, "networking_contacts": {"key": "never"}}`),
			want: []string{
				"answers.awareness_level wrong_type",
				"answers.ees_perf wrong_type",
				"answers.networking_contacts wrong_type",
				"answers.used_outputs wrong_type",
			},
		},
		{
			name:    "single choice not an option, including one of another question",
			answers: answersOf(t, `{"ees_perf": "Large", "ees_union_law": "", "awareness_level": "frequently", "used_outputs": "none"}`),
			want: []string{
				"answers.awareness_level not_an_option",
				"answers.ees_perf not_an_option",
				"answers.ees_union_law not_an_option",
				"answers.used_outputs not_an_option",
			},
		},
		{
			name:    "multi choice of the wrong type",
			answers: answersOf(t, `{"why_not": "other"}`),
			want:    []string{"answers.why_not wrong_type"},
		},
		{
			name:    "multi choice elements",
			answers: answersOf(t, `{"why_not": ["other", 3, "unknown", "other", null, "no_capacity", "no_capacity"]}`),
			want: []string{
				"answers.why_not[1] wrong_type",
				"answers.why_not[2] not_an_option",
				"answers.why_not[3] duplicate_option",
				"answers.why_not[4] wrong_type",
				"answers.why_not[6] duplicate_option",
			},
		},
		{
			name:    "numbers of the wrong type",
			answers: answersOf(t, `{"support_satisfaction": "4", "staff_trained": [12]}`),
			want:    []string{"answers.staff_trained wrong_type", "answers.support_satisfaction wrong_type"},
		},
		{
			name:    "numbers beyond float64",
			answers: answersOf(t, `{"support_satisfaction": 1e400, "staff_trained": -1e309}`),
			want:    []string{"answers.staff_trained wrong_type", "answers.support_satisfaction wrong_type"},
		},
		{
			name:    "tiny numbers round to zero and are fine",
			answers: answersOf(t, `{"staff_trained": 1e-400}`),
		},
		{
			name:    "numbers out of range",
			answers: answersOf(t, `{"support_satisfaction": 0, "staff_trained": -1}`),
			want:    []string{"answers.staff_trained out_of_range", "answers.support_satisfaction out_of_range"},
		},
		{
			name:    "number above max",
			answers: answersOf(t, `{"support_satisfaction": 6}`),
			want:    []string{"answers.support_satisfaction out_of_range"},
		},
		{
			name:    "bounds are inclusive and 4.0 is an integer",
			answers: answersOf(t, `{"support_satisfaction": 5, "staff_trained": 0}`),
		},
		{
			name:    "integer written with a fraction of zero",
			answers: answersOf(t, `{"support_satisfaction": 4.0}`),
		},
		{
			name:    "fraction for an integer question",
			answers: answersOf(t, `{"support_satisfaction": 4.5}`),
			want:    []string{"answers.support_satisfaction not_an_integer"},
		},
		{
			name:    "out of range and not an integer at once",
			answers: answersOf(t, `{"support_satisfaction": 5.5}`),
			want:    []string{"answers.support_satisfaction not_an_integer", "answers.support_satisfaction out_of_range"},
		},
		{
			name:    "text of the wrong type",
			answers: answersOf(t, `{"comments": 42, "why_not_other": ["x"]}`),
			want:    []string{"answers.comments wrong_type", "answers.why_not_other wrong_type"},
		},
		{
			name:    "text at max_length, counted in characters",
			answers: with(nil, "why_not_other", `"`+strings.Repeat("é", 500)+`"`),
		},
		{
			name:    "text over max_length",
			answers: with(nil, "why_not_other", `"`+strings.Repeat("é", 501)+`"`, "comments", `"`+strings.Repeat("a", 4001)+`"`),
			want:    []string{"answers.comments too_long", "answers.why_not_other too_long"},
		},
		{
			name:    "text at the default cap",
			doc:     func(d *Document) { d.Question("comments").MaxLength = nil },
			answers: with(nil, "comments", `"`+strings.Repeat("a", DefaultMaxTextLength)+`"`),
		},
		{
			name:    "text over the default cap",
			doc:     func(d *Document) { d.Question("comments").MaxLength = nil },
			answers: with(nil, "comments", `"`+strings.Repeat("a", DefaultMaxTextLength+1)+`"`),
			want:    []string{"answers.comments too_long"},
		},
		{
			name:    "invalid UTF-8 bytes",
			answers: with(nil, "comments", "\"caf\xe9\""),
			want:    []string{"answers.comments invalid_text"},
		},
		{
			name:    "lone surrogate escapes",
			answers: with(nil, "comments", `"a\ud800b"`, "why_not_other", `"\udc00"`),
			want:    []string{"answers.comments invalid_text", "answers.why_not_other invalid_text"},
		},
		{
			name:    "high surrogate at the end",
			answers: with(nil, "comments", `"a\uD83D"`),
			want:    []string{"answers.comments invalid_text"},
		},
		{
			name:    "escaped NUL",
			answers: with(nil, "comments", `"a\u0000b"`),
			want:    []string{"answers.comments invalid_text"},
		},
		{
			name:    "escapes that are fine",
			answers: with(nil, "comments", `"\"quoted\" \\u0000 \ud83d\ude00 \u00e9 \ufffd"`),
		},
		{
			name:    "raw values that are not JSON",
			answers: with(nil, "comments", `"unterminated`, "ees_perf", ``, "support_satisfaction", `4 5`),
			want: []string{
				"answers.comments wrong_type",
				"answers.ees_perf wrong_type",
				"answers.support_satisfaction wrong_type",
			},
		},
		{
			name: "several problems reported at once",
			answers: answersOf(t, `{
				"ees_perf": "great", "why_not": ["other", "other"], "support_satisfaction": 9,
				"comments": true, "colour": "blue"}`),
			want: []string{
				"answers.colour unknown_question",
				"answers.comments wrong_type",
				"answers.ees_perf not_an_option",
				"answers.support_satisfaction out_of_range",
				"answers.why_not[1] duplicate_option",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := customsAnnual(t)
			if tt.doc != nil {
				tt.doc(doc)
			}
			assertProblems(t, CheckAnswers(doc, tt.answers), tt.want)
		})
	}
}

func TestVisible(t *testing.T) {
	tests := []struct {
		name    string
		answers string
		hidden  []string
	}{
		{name: "nothing answered", answers: `{}`, hidden: []string{"why_not", "why_not_other"}},
		{name: "yes hides the follow-ups", answers: `{"used_outputs": "yes", "why_not": ["other"]}`, hidden: []string{"why_not", "why_not_other"}},
		{name: "no shows why_not", answers: `{"used_outputs": "no"}`, hidden: []string{"why_not_other"}},
		{name: "other among the reasons shows why_not_other", answers: `{"used_outputs": "no", "why_not": ["not_relevant", "other"]}`},
		{name: "reasons without other", answers: `{"used_outputs": "no", "why_not": ["not_relevant"]}`, hidden: []string{"why_not_other"}},
		{name: "null answer", answers: `{"used_outputs": null}`, hidden: []string{"why_not", "why_not_other"}},
		{name: "invalid answer selects nothing", answers: `{"used_outputs": ["no"]}`, hidden: []string{"why_not", "why_not_other"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := customsAnnual(t)
			visible := Visible(doc, answersOf(t, tt.answers))
			if len(visible) != len(doc.Questions()) {
				t.Errorf("%d entries, want one per question (%d)", len(visible), len(doc.Questions()))
			}
			var hidden []string
			for _, q := range doc.Questions() {
				if !visible[q.Key] {
					hidden = append(hidden, q.Key)
				}
			}
			if !slices.Equal(hidden, tt.hidden) {
				t.Errorf("hidden %v, want %v", hidden, tt.hidden)
			}
		})
	}
}

// rowString renders a row compactly for comparison.
func rowString(r AnswerRow) string {
	var b strings.Builder
	b.WriteString(r.Question)
	if r.Option != nil {
		fmt.Fprintf(&b, " option=%s", *r.Option)
	}
	if r.Score != nil {
		fmt.Fprintf(&b, " score=%g", *r.Score)
	}
	if r.NullScore {
		b.WriteString(" score=null")
	}
	if r.Number != nil {
		fmt.Fprintf(&b, " number=%g", *r.Number)
	}
	if r.Text != nil {
		fmt.Fprintf(&b, " text=%q", *r.Text)
	}
	return b.String()
}

func TestPrepareSubmissionRows(t *testing.T) {
	doc := customsAnnual(t)
	answers := answersOf(t, complete)
	original := maps.Clone(answers)
	kept, rows, err := PrepareSubmission(doc, answers)
	if err != nil {
		t.Fatalf("PrepareSubmission: %v", err)
	}
	var got []string
	for _, r := range rows {
		got = append(got, rowString(r))
	}
	want := []string{
		"awareness_level option=basic score=67",
		"ees_perf option=large score=75",
		"ees_union_law option=dont_know score=null",
		"ees_cooperation option=full score=100",
		"ees_innovation option=none score=0",
		"used_outputs option=no",
		// In option order, whatever the order of the answer.
		"why_not option=no_outputs_yet",
		"why_not option=other",
		`why_not_other text="Budget cuts delayed the roll-out."`,
		"support_satisfaction number=4",
		"networking_contacts option=frequently score=75",
		"staff_trained number=12.5",
		`comments text="Très utile 😀"`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("rows:\n got  %s\n want %s", strings.Join(got, "\n      "), strings.Join(want, "\n      "))
	}
	if got := string(kept["why_not"]); got != `["other","no_outputs_yet"]` {
		t.Errorf("kept why_not = %s, want compact JSON", got)
	}
	if got := string(kept["comments"]); got != `"Très utile \ud83d\ude00"` {
		t.Errorf("kept comments = %s", got)
	}
	if len(kept) != len(answers) {
		t.Errorf("kept %d answers, want %d", len(kept), len(answers))
	}
	if !maps.EqualFunc(answers, original, func(a, b json.RawMessage) bool { return string(a) == string(b) }) {
		t.Error("PrepareSubmission changed its input")
	}

	// The rows own their values: changing the document afterwards must
	// not change a stored score.
	*doc.OptionSets["contribution5"][3].Score.Value = 0
	if *rows[1].Score != 75 {
		t.Errorf("row score follows the document: %v", *rows[1].Score)
	}
}

func TestPrepareSubmission(t *testing.T) {
	full := answersOf(t, complete)
	required := []string{"awareness_level", "ees_perf", "ees_union_law", "ees_cooperation", "ees_innovation", "used_outputs"}
	tests := []struct {
		name     string
		answers  Answers
		want     []string // problems
		wantKept []string // kept answers when there are no problems
	}{
		{
			name:     "complete",
			answers:  full,
			wantKept: sortedKeys(full),
		},
		{
			name:    "nothing answered",
			answers: Answers{},
			want: []string{
				"answers.awareness_level required",
				"answers.ees_cooperation required",
				"answers.ees_innovation required",
				"answers.ees_perf required",
				"answers.ees_union_law required",
				"answers.used_outputs required",
			},
		},
		{
			name:     "only the required questions, with yes",
			answers:  with(answersOf(t, `{"awareness_level": "advanced", "ees_perf": "full", "ees_union_law": "full", "ees_cooperation": "full", "ees_innovation": "full"}`), "used_outputs", `"yes"`),
			wantKept: required,
		},
		{
			name:    "null and blank answers count as unanswered",
			answers: with(full, "ees_perf", `null`, "why_not_other", `"  \n "`, "comments", `""`, "support_satisfaction", `null`),
			want:    []string{"answers.ees_perf required", "answers.why_not_other required"},
		},
		{
			name:    "no requires why_not",
			answers: without(with(full, "used_outputs", `"no"`), "why_not", "why_not_other"),
			want:    []string{"answers.why_not required"},
		},
		{
			name:    "an empty selection is no answer",
			answers: without(with(full, "why_not", `[]`), "why_not_other"),
			want:    []string{"answers.why_not required"},
		},
		{
			name:    "show_if chain: other requires why_not_other",
			answers: without(full, "why_not_other"),
			want:    []string{"answers.why_not_other required"},
		},
		{
			name:     "show_if chain: without other, why_not_other is dropped",
			answers:  with(full, "why_not", `["not_relevant"]`),
			wantKept: slices.DeleteFunc(sortedKeys(full), func(k string) bool { return k == "why_not_other" }),
		},
		{
			name: "hidden answers are dropped, even invalid ones, down the chain",
			// yes hides why_not, which hides why_not_other although
			// why_not's own answer would show it.
			answers:  with(full, "used_outputs", `"yes"`, "why_not", `["other", "bogus", 3]`, "why_not_other", `42`),
			wantKept: slices.DeleteFunc(sortedKeys(full), func(k string) bool { return strings.HasPrefix(k, "why_not") }),
		},
		{
			name:    "an invalid condition answer hides what depends on it",
			answers: with(full, "used_outputs", `"nope"`),
			want:    []string{"answers.used_outputs not_an_option"},
		},
		{
			name:    "an invalid visible answer is reported, not required",
			answers: without(with(full, "why_not", `["bogus"]`), "why_not_other"),
			want:    []string{"answers.why_not[0] not_an_option"},
		},
		{
			name: "every answer error at once",
			answers: with(full,
				"ees_perf", `"excellent"`,
				"ees_union_law", `50`,
				"why_not", `["other", "other"]`,
				"support_satisfaction", `3.5`,
				"staff_trained", `1e400`,
				"networking_contacts", `null`,
				"why_not_other", "\"\xff\"",
				"comments", `"`+strings.Repeat("x", 4001)+`"`,
				"extra", `"x"`,
			),
			want: []string{
				"answers.comments too_long",
				"answers.ees_perf not_an_option",
				"answers.ees_union_law wrong_type",
				"answers.extra unknown_question",
				"answers.staff_trained wrong_type",
				"answers.support_satisfaction not_an_integer",
				"answers.why_not[1] duplicate_option",
				"answers.why_not_other invalid_text",
			},
		},
		{
			name:    "required and invalid together",
			answers: without(with(full, "support_satisfaction", `0`), "awareness_level"),
			want:    []string{"answers.awareness_level required", "answers.support_satisfaction out_of_range"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := customsAnnual(t)
			kept, rows, err := PrepareSubmission(doc, tt.answers)
			assertProblems(t, err, tt.want)
			if err != nil {
				if kept != nil || rows != nil {
					t.Errorf("got answers or rows along with an error")
				}
				return
			}
			if got, want := sortedKeys(kept), slices.Sorted(slices.Values(tt.wantKept)); !slices.Equal(got, want) {
				t.Errorf("kept %v, want %v", got, tt.wantKept)
			}
			// What was kept is a valid draft and a valid submission.
			if err := CheckAnswers(doc, kept); err != nil {
				t.Errorf("kept answers fail CheckAnswers: %v", err)
			}
			if _, _, err := PrepareSubmission(doc, kept); err != nil {
				t.Errorf("kept answers fail PrepareSubmission: %v", err)
			}
		})
	}
}

// TestAnswersWithoutDocument makes sure a missing or odd document never
// panics: these functions are fuzzed.
func TestAnswersWithoutDocument(t *testing.T) {
	answers := answersOf(t, `{"q": "x"}`)
	assertProblems(t, CheckAnswers(nil, answers), []string{"answers.q unknown_question"})
	_, _, err := PrepareSubmission(nil, answers)
	assertProblems(t, err, []string{"answers.q unknown_question"})
	if v := Visible(nil, answers); len(v) != 0 {
		t.Errorf("Visible(nil) = %v", v)
	}
}

// TestDecodeAnswer: an answer decodes as a json.Decoder with UseNumber
// decodes it (numbers kept as their text), whichever way decodeAnswer
// takes, and what is not one JSON value is refused.
func TestDecodeAnswer(t *testing.T) {
	for _, raw := range []string{
		`"good"`, `""`, `"caf\u00e9 \"quoted\""`, "\"\xff\"", `"\ud800"`,
		`0`, `-12.5e3`, `1e400`, `12345678901234567890`, ` 7 `, "\t\"spaced\"\n",
		`null`, `true`, `false`,
		`["a", "b"]`, `[1, 1e400, "x"]`, `[]`, `{"a": 1}`, ` [ "a" ] `,
		``, `   `, `"unterminated`, `1 2`, `"a" "b"`, `[1,]`, `01`, `nul`, `{`,
	} {
		t.Run(raw, func(t *testing.T) {
			got, err := decodeAnswer(json.RawMessage(raw))
			var want any
			wantErr := !json.Valid([]byte(raw))
			if !wantErr {
				dec := json.NewDecoder(strings.NewReader(raw))
				dec.UseNumber()
				if dec.Decode(&want) != nil {
					t.Fatalf("the reference refused %q", raw)
				}
			}
			if (err != nil) != wantErr {
				t.Fatalf("decodeAnswer(%q) error %v, want an error: %v", raw, err, wantErr)
			}
			if !wantErr && fmt.Sprintf("%#v", got) != fmt.Sprintf("%#v", want) {
				t.Errorf("decodeAnswer(%q) = %#v, want %#v", raw, got, want)
			}
		})
	}
}
