package store

import (
	"math/rand"
	"os"
	"reflect"
	"testing"

	"github.com/customs-survey/surveyd/internal/dbtest"
	"github.com/customs-survey/surveyd/internal/randanswers"
	"github.com/customs-survey/surveyd/survey"
)

// TestDirectSumsCountAResponseOnce: on SQLite the direct sums join each
// direct question's answer row to its response, so a second row for one
// of them (which validation never lets through, but a hand-made repair
// might) would repeat the response's whole row, and count it twice in
// every direct measure. The full computation must not change when such a
// row is added with the same answer. (PostgreSQL's grouped read, like
// the PostgreSQL scan before it, relies on one row per question.)
func TestDirectSumsCountAResponseOnce(t *testing.T) {
	raw, err := os.ReadFile("../testdata/questionnaires/customs_annual.json")
	if err != nil {
		t.Fatal(err)
	}
	f := openCells(t, dbtest.SQLiteURL(t))
	ctx := t.Context()
	if _, err := f.s.CreateAdministration(ctx, "AA", "AA"); err != nil {
		t.Fatal(err)
	}
	doc := f.campaign(t, raw, "AA")
	directParts, _ := splitDirect(doc, parts(doc))
	if len(directParts) < 2 {
		t.Fatalf("%s has %d direct measures, want at least 2", doc.Key, len(directParts))
	}
	rng := rand.New(rand.NewSource(1))
	for range 6 {
		if err := f.change(ctx, doc.Key, doc, f.respondent(t, "AA"), randanswers.For(rng, doc), true); err != nil {
			t.Fatal(err)
		}
	}
	row, err := f.s.campaignRow(f.s.db, survey.Everything, doc.Key)
	if err != nil {
		t.Fatal(err)
	}
	before, err := aggregate(f.s.db, row.ID, doc)
	if err != nil {
		t.Fatal(err)
	}
	res := f.s.db.Exec(`INSERT INTO answers (submission_id, question_key, option_key, score, null_score, number_value, text_value)
SELECT submission_id, question_key, option_key, score, null_score, number_value, text_value FROM answers
WHERE question_key = ? ORDER BY id LIMIT 1`, directParts[0].questions[0])
	if res.Error != nil || res.RowsAffected != 1 {
		t.Fatalf("duplicating an answer row: %v, %d rows", res.Error, res.RowsAffected)
	}
	after, err := aggregate(f.s.db, row.ID, doc)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(before, after) {
		t.Errorf("a second answer row changed the full computation:\nbefore %+v\nafter  %+v", before, after)
	}
}
