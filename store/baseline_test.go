package store

import (
	"encoding/json"
	"testing"

	"github.com/customs-survey/surveyd/internal/dbtest"
	"github.com/customs-survey/surveyd/survey"
)

// TestBaselineCellsMatchTheScan: the direct insert of the load test leaves
// the score cells as the service does, equal to the full computation from
// the answers, even when a far value leaves a cell and its digits cancel
// (TestCellsStayExactWhenAFarValueLeaves): the cells whose bound on
// rounding error grew too large are computed again from the answers.
func TestBaselineCellsMatchTheScan(t *testing.T) {
	const raw = `{"key": "far", "default_language": "en", "title": {"en": "Far"},
  "sections": [{"key": "main", "title": {"en": "Main"}, "questions": [
    {"key": "count", "type": "number", "text": {"en": "Count"}}]}],
  "indicators": [{"code": "COUNT", "method": "mean_value", "questions": ["count"]}]}`
	dbtest.Each(t, func(t *testing.T, url string) {
		f := openCells(t, url)
		ctx := t.Context()
		doc := f.campaignOfAA(t, []byte(raw))
		b, err := f.s.Baseline(ctx, "far")
		if err != nil {
			t.Fatal(err)
		}
		for i := range 40 {
			who := f.respondent(t, "AA")
			var r BaselineResponse
			for _, v := range []float64{float64(i%7) + 0.25, survey.MaxNumber, float64(i%5) + 0.5} {
				number, _ := json.Marshal(v)
				kept, rows, err := survey.PrepareSubmission(doc, survey.Answers{"count": number})
				if err != nil {
					t.Fatal(err)
				}
				body, err := json.Marshal(kept)
				if err != nil {
					t.Fatal(err)
				}
				if err := b.SaveSubmit(ctx, who, &r, body, rows); err != nil {
					t.Fatal(err)
				}
			}
		}
		if d := f.check(t, "far", doc); d != "" {
			t.Errorf("the cells differ from the answers:\n%s", d)
		}
	})
}
