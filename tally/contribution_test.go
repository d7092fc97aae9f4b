package tally

import (
	"os"
	"testing"

	"github.com/customs-survey/surveyd/survey"
)

// TestContributionTellsNotApplicableFromMissing checks the four outcomes of
// a response for a measure: a value, excluded ("don't know"), missing (a
// question was shown and left blank) and not applicable (every question
// was hidden by its show_if).
func TestContributionTellsNotApplicableFromMissing(t *testing.T) {
	raw, err := os.ReadFile("../testdata/questionnaires/routed.json")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := survey.ParseDocument(raw)
	if err != nil {
		t.Fatal(err)
	}
	choice := func(question, option string, score *float64) survey.AnswerRow {
		return survey.AnswerRow{Question: question, Option: &option, Score: score, NullScore: score == nil && option == "dk"}
	}
	hundred := 100.0
	value := survey.Cell{N: 1, Sum: 100}
	for _, c := range []struct {
		name    string
		rows    []survey.AnswerRow
		q, qo   survey.Cell // the measures of indicators 0 and 1
		qPart   survey.Cell // indicator 0's questions breakdown row
		hasPart bool
	}{
		{"routed past the question", []survey.AnswerRow{choice("took_part", "no", nil)},
			survey.Cell{NotApplicable: 1}, survey.Cell{Missing: 1}, survey.Cell{NotApplicable: 1}, true},
		{"answered nothing", nil,
			survey.Cell{NotApplicable: 1}, survey.Cell{Missing: 1}, survey.Cell{NotApplicable: 1}, true},
		{"shown and left blank", []survey.AnswerRow{choice("took_part", "yes", nil)},
			survey.Cell{Missing: 1}, survey.Cell{Missing: 1}, survey.Cell{Missing: 1}, true},
		{"don't know", []survey.AnswerRow{choice("took_part", "yes", nil), choice("quality", "dk", nil)},
			survey.Cell{Excluded: 1}, survey.Cell{Excluded: 1}, survey.Cell{Excluded: 1}, true},
		{"answered", []survey.AnswerRow{choice("took_part", "yes", nil), choice("quality", "good", &hundred)},
			value, value, value, true},
		{"routed past, answered the other", []survey.AnswerRow{choice("took_part", "no", nil), choice("overall", "good", &hundred)},
			survey.Cell{NotApplicable: 1}, value, survey.Cell{NotApplicable: 1}, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := map[Key]survey.Cell{}
			for _, e := range Contribution(doc, c.rows) {
				got[Key{Indicator: e.Indicator, Part: e.Part}] = e.Cell
			}
			want := map[Key]survey.Cell{{Indicator: 0}: c.q, {Indicator: 1}: c.qo, {Indicator: 0, Part: QuestionPart("quality")}: c.qPart}
			for k, w := range want {
				if got[k] != w {
					t.Errorf("cell %+v = %+v, want %+v", k, got[k], w)
				}
			}
			if len(got) != len(want) {
				t.Errorf("%d cells, want %d: %+v", len(got), len(want), got)
			}
		})
	}
}
