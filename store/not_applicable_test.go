package store

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/customs-survey/surveyd/internal/dbtest"
	"github.com/customs-survey/surveyd/survey"
)

// TestNotApplicableInTheCellsAndTheScan submits responses routed past a
// question by its show_if (one with other answers, one with none at all,
// which the scan counts apart), one shown the question that left it blank,
// and one that answered; the cells kept by the submissions and the full
// computation from the answers (the scan) both count two responses not
// applicable and one missing.
func TestNotApplicableInTheCellsAndTheScan(t *testing.T) {
	raw, err := os.ReadFile("../testdata/questionnaires/routed.json")
	if err != nil {
		t.Fatal(err)
	}
	dbtest.Each(t, func(t *testing.T, url string) {
		f := openCells(t, url)
		ctx := t.Context()
		if _, err := f.s.CreateAdministration(ctx, "AA", "AA"); err != nil {
			t.Fatal(err)
		}
		doc := f.campaign(t, raw, "AA")
		for _, answers := range []string{
			`{"took_part": "no", "overall": "good"}`,
			`{}`,
			`{"took_part": "yes", "overall": "bad"}`,
			`{"took_part": "yes", "quality": "good"}`,
		} {
			var a survey.Answers
			if err := json.Unmarshal([]byte(answers), &a); err != nil {
				t.Fatal(err)
			}
			if err := f.change(ctx, doc.Key, doc, f.respondent(t, "AA"), a, true); err != nil {
				t.Fatal(err)
			}
		}
		if d := f.check(t, doc.Key, doc); d != "" {
			t.Errorf("the cells differ from the answers:\n%s", d)
		}
		current, _, err := f.s.Tallies(ctx, survey.Everything, doc.Key)
		if err != nil {
			t.Fatal(err)
		}
		want := survey.Cell{Administration: "AA", N: 1, Sum: 100, Missing: 1, NotApplicable: 2}
		if got := current.Tallies[0].Cells; len(got) != 1 || got[0] != want {
			t.Errorf("cells of Q %+v, want %+v", got, want)
		}
	})
}
