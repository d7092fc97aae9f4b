package store

import (
	"encoding/json"
	"fmt"
	"math/rand"
	"sync"
	"testing"

	"github.com/customs-survey/surveyd/internal/dbtest"
	"github.com/customs-survey/surveyd/internal/storetest"
	"github.com/customs-survey/surveyd/survey"
)

// cellsSeed is the seed of TestCellsMatchTheScan; round i draws from
// cellsSeed+i, which a failure names.
const cellsSeed = 20250214

// TestCellsMatchTheScan is a property test of the score cells: on random
// questionnaires (storetest's generator: every method, where, unit and
// breakdown), goroutines save, submit and amend the responses of their own
// respondents, and of one respondent they share, all at once; imports come
// in; then what Tallies reads from the cells must equal the full
// computation from the answers (the aggregate scan) within 1e-9, shard by
// shard. Every other round puts every respondent in one administration.
// Then a campaign whose cells were never built (data stored before them)
// gets them built when it is scored, and a damaged cell is found and
// repaired by RebuildCells.
func TestCellsMatchTheScan(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		f := openCells(t, url)
		ctx := t.Context()
		codes := []string{"AA", "BB", "CC"}
		for _, code := range codes {
			if _, err := f.s.CreateAdministration(ctx, code, code); err != nil {
				t.Fatal(err)
			}
		}
		var doc *survey.Document
		var key string
		for round := range 4 {
			seed := int64(cellsSeed + round)
			rng := rand.New(rand.NewSource(seed))
			key = fmt.Sprintf("cells%d", round)
			doc = f.campaign(t, storetest.RandomScoreDocument(rng, key), codes...)

			const workers, own, steps = 4, 3, 12
			shared := f.respondent(t, "AA")
			type step struct {
				who     survey.Respondent
				answers survey.Answers
				submit  bool
			}
			scripts := make([][]step, workers)
			for w := range scripts {
				var mine []survey.Respondent
				for range own {
					code := "AA"
					if round%2 == 1 {
						code = codes[rng.Intn(len(codes))]
					}
					mine = append(mine, f.respondent(t, code))
				}
				for range steps {
					who := mine[rng.Intn(own)]
					if rng.Intn(5) == 0 {
						who = shared
					}
					scripts[w] = append(scripts[w], step{who, storetest.RandomScoreAnswers(rng, doc), rng.Intn(3) > 0})
				}
			}
			var wg sync.WaitGroup
			errs := make(chan error, workers)
			for _, script := range scripts {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for _, st := range script {
						if err := f.change(ctx, key, doc, st.who, st.answers, st.submit); err != nil {
							errs <- err
							return
						}
					}
				}()
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Fatalf("seed %d: %v", seed, err)
			}
			var imports []survey.PreparedImport
			for i := range 3 {
				code := codes[rng.Intn(len(codes))]
				answers, rows, err := survey.PrepareSubmission(doc, storetest.RandomScoreAnswers(rng, doc))
				if err != nil {
					t.Fatal(err)
				}
				imports = append(imports, survey.PreparedImport{Administration: code, Respondent: fmt.Sprintf("i%d", i),
					Account: survey.NewAccount{Email: fmt.Sprintf("i%d.%s@%s.import.invalid", i, key, code), PasswordHash: "!",
						Role: "respondent", Administration: code}, Answers: answers, Rows: rows})
			}
			if err := f.s.ImportResponses(ctx, key, imports); err != nil {
				t.Fatal(err)
			}
			if d := f.check(t, key, doc); d != "" {
				t.Errorf("seed %d (cellsSeed+%d): the cells differ from the answers:\n%s\ndocument %s", seed, round, d, jsonOf(doc))
			}
		}

		// Data stored before the cells existed: marked unbuilt, no cells, and
		// an amendment meanwhile that takes away what was never added.
		row, err := f.s.campaignRow(f.s.db, survey.Everything, key)
		if err != nil {
			t.Fatal(err)
		}
		for _, stmt := range []string{"INSERT INTO score_cells_unbuilt (campaign_id) VALUES (?)", "DELETE FROM score_cells WHERE campaign_id = ?"} {
			if err := f.s.db.Exec(stmt, row.ID).Error; err != nil {
				t.Fatal(err)
			}
		}
		var who responseRow
		if err := f.s.db.Where("campaign_id = ? AND current_submission_id IS NOT NULL", row.ID).Order("id").Take(&who).Error; err != nil {
			t.Fatal(err)
		}
		rng := rand.New(rand.NewSource(cellsSeed))
		if err := f.change(ctx, key, doc, survey.Respondent{ID: who.RespondentID, Administration: who.AdministrationCode},
			storetest.RandomScoreAnswers(rng, doc), true); err != nil {
			t.Fatal(err)
		}
		if built, err := cellsBuilt(f.s.db, row); err != nil || built {
			t.Fatalf("built %v (%v) before scoring", built, err)
		}
		if _, _, err := f.s.Tallies(ctx, survey.Everything, key); err != nil {
			t.Fatal(err)
		}
		if built, err := cellsBuilt(f.s.db, row); err != nil || !built {
			t.Fatalf("built %v (%v) after scoring", built, err)
		}
		if d := f.check(t, key, doc); d != "" {
			t.Errorf("cells built on scoring differ from the answers:\n%s", d)
		}

		// A damaged cell: RebuildCells names it, and repairs it.
		if err := f.s.db.Exec("UPDATE score_cells SET n = n + 1 WHERE campaign_id = ? AND indicator = 0 AND part = ''", row.ID).Error; err != nil {
			t.Fatal(err)
		}
		diffs, err := f.s.RebuildCells(ctx, key)
		if err != nil || len(diffs) == 0 {
			t.Errorf("a damaged cell: RebuildCells found %q (%v)", diffs, err)
		}
		if d := f.check(t, key, doc); d != "" {
			t.Errorf("after a repair: %s", d)
		}
	})
}

// TestCellsStayExactWhenAFarValueLeaves submits, for many respondents of
// one administration, the greatest number allowed and then amends it to a
// small one: taking a value of 1e15 away from a centred sum of squares
// cancels all its digits, so the cells must be computed again from the
// answers (their error bound says when) to stay exact. Only the cells
// whose bound grew are computed again: those of the other indicator keep
// their upserted values, which must stay exact too.
func TestCellsStayExactWhenAFarValueLeaves(t *testing.T) {
	const raw = `{"key": "far", "default_language": "en", "title": {"en": "Far"},
  "sections": [{"key": "main", "title": {"en": "Main"}, "questions": [
    {"key": "count", "type": "number", "text": {"en": "Count"}},
    {"key": "other", "type": "number", "text": {"en": "Other"}}]}],
  "indicators": [{"code": "COUNT", "method": "mean_value", "questions": ["count"]},
    {"code": "OTHER", "method": "mean_value", "questions": ["other"]}]}`
	dbtest.Each(t, func(t *testing.T, url string) {
		f := openCells(t, url)
		ctx := t.Context()
		doc := f.campaignOfAA(t, []byte(raw))
		number := func(v float64) survey.Answers {
			b, _ := json.Marshal(v)
			other, _ := json.Marshal(v/1e15 + 3)
			return survey.Answers{"count": b, "other": other}
		}
		for i := range 40 {
			who := f.respondent(t, "AA")
			for _, v := range []float64{float64(i%7) + 0.25, survey.MaxNumber, float64(i%5) + 0.5} {
				if err := f.change(ctx, "far", doc, who, number(v), true); err != nil {
					t.Fatal(err)
				}
			}
		}
		if d := f.check(t, "far", doc); d != "" {
			t.Errorf("the cells differ from the answers:\n%s", d)
		}
	})
}

func jsonOf(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
