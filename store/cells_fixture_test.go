package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/customs-survey/surveyd/auth"
	"github.com/customs-survey/surveyd/survey"
)

// cellsFixture seeds a store for the tests of the score cells.
type cellsFixture struct {
	s     *Store
	users int
}

func openCells(t testing.TB, url string) *cellsFixture {
	t.Helper()
	s, err := Open(context.Background(), url, Options{Migrate: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return &cellsFixture{s: s}
}

// campaign publishes raw as a questionnaire and opens a campaign of it,
// keyed as the document, inviting codes; it returns the document.
func (f *cellsFixture) campaign(t testing.TB, raw []byte, codes ...string) *survey.Document {
	t.Helper()
	ctx := t.Context()
	doc, err := survey.ParseDocument(raw)
	if err != nil {
		t.Fatalf("document: %v\n%s", err, raw)
	}
	if _, err := f.s.CreateQuestionnaire(ctx, "", doc); err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.PublishQuestionnaire(ctx, doc.Key, 1); err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.CreateCampaign(ctx, survey.NewCampaign{Key: doc.Key, Year: 2024, Questionnaire: doc.Key, Version: 1,
		OpensAt: time.Now().Add(-time.Hour), ClosesAt: time.Now().Add(time.Hour), Administrations: codes, MinCellSize: 1}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.SetCampaignStatus(ctx, doc.Key, survey.StatusDraft, survey.StatusOpen); err != nil {
		t.Fatal(err)
	}
	return doc
}

// campaignOfAA is campaign for one administration, AA, which it creates.
func (f *cellsFixture) campaignOfAA(t testing.TB, raw []byte) *survey.Document {
	t.Helper()
	if _, err := f.s.CreateAdministration(t.Context(), "AA", "AA"); err != nil {
		t.Fatal(err)
	}
	return f.campaign(t, raw, "AA")
}

// respondent creates a respondent of an administration.
func (f *cellsFixture) respondent(t testing.TB, code string) survey.Respondent {
	t.Helper()
	f.users++
	u, err := f.s.CreateUser(t.Context(), survey.NewAccount{Email: fmt.Sprintf("cells%d@example.eu", f.users),
		PasswordHash: auth.NoPassword, Role: string(auth.RoleRespondent), Administration: code})
	if err != nil {
		t.Fatal(err)
	}
	return survey.Respondent{ID: u.ID, Administration: code}
}

// change saves who's answers, submitting them or not, as the service
// does (SubmitResponse, SaveResponse: on PostgreSQL, outside a
// transaction when they can). A change that lost a race with another
// change of the same response is no error.
func (f *cellsFixture) change(ctx context.Context, key string, doc *survey.Document, who survey.Respondent, answers survey.Answers, submit bool) error {
	kept, rows, err := survey.PrepareSubmission(doc, answers)
	if err != nil {
		return err
	}
	sc := survey.Scope{Administration: who.Administration, HideDrafts: true}
	change := f.s.SaveResponse
	if submit {
		change = f.s.SubmitResponse
	}
	_, err = change(ctx, sc, key, who, func(survey.ResponseState) (survey.ResponseChange, error) {
		return survey.ResponseChange{Answers: kept, Submit: submit, Rows: rows}, nil
	})
	if errors.Is(err, survey.ErrChangedMeanwhile) {
		return nil
	}
	return err
}

// check compares what Tallies reads of a campaign (its cells) with the
// full computation from its answers, within 1e-9, and the stored shards
// with those the scan builds (RebuildCells finds no difference). It
// returns what differs.
func (f *cellsFixture) check(t *testing.T, key string, doc *survey.Document) string {
	t.Helper()
	ctx := t.Context()
	current, _, err := f.s.Tallies(ctx, survey.Everything, key)
	if err != nil {
		t.Fatal(err)
	}
	row, err := f.s.campaignRow(f.s.db, survey.Everything, key)
	if err != nil {
		t.Fatal(err)
	}
	full, err := aggregate(f.s.db, row.ID, doc)
	if err != nil {
		t.Fatal(err)
	}
	var diffs []string
	for i, ind := range doc.Indicators {
		if d := tallyDifference(current.Tallies[i], full[i]); d != "" {
			diffs = append(diffs, fmt.Sprintf("indicator %s: %s", ind.Code, d))
		}
	}
	var n int64
	if err := f.s.db.Model(&responseRow{}).Where("campaign_id = ? AND current_submission_id IS NOT NULL", row.ID).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	if current.Responses != int(n) {
		diffs = append(diffs, fmt.Sprintf("%d responses, the answers have %d", current.Responses, n))
	}
	shards, err := f.s.RebuildCells(ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	diffs = append(diffs, shards...)
	return strings.Join(diffs, "\n")
}

// tallyDifference says how a tally read from the cells differs from the
// scan's, "" when counts are equal and figures within 1e-9 (sameCell).
func tallyDifference(got, want survey.Tally) string {
	var diffs []string
	cells := func(what string, g, w []survey.Cell) {
		same := len(g) == len(w)
		for i := 0; same && i < len(g); i++ {
			same = g[i].Administration == w[i].Administration && sameCell(g[i], w[i])
		}
		if !same {
			diffs = append(diffs, fmt.Sprintf("%s\n  cells %+v\n  scan  %+v", what, g, w))
		}
	}
	cells("cells", got.Cells, want.Cells)
	for q := range want.QuestionCells {
		cells("cells of "+q, got.QuestionCells[q], want.QuestionCells[q])
	}
	for q := range got.QuestionCells {
		if _, ok := want.QuestionCells[q]; !ok {
			cells("cells of "+q, got.QuestionCells[q], nil)
		}
	}
	if fmt.Sprint(got.Options) != fmt.Sprint(want.Options) || fmt.Sprint(got.Answering) != fmt.Sprint(want.Answering) {
		diffs = append(diffs, fmt.Sprintf("options %v %v, scan %v %v", got.Options, got.Answering, want.Options, want.Answering))
	}
	return strings.Join(diffs, "\n")
}
