package storetest

import (
	"encoding/json"
	"errors"
	"fmt"
	"github.com/customs-survey/surveyd/campaigns"
	"maps"
	"math"
	"math/rand"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/customs-survey/surveyd/auth"
	"github.com/customs-survey/surveyd/internal/memstore"
	"github.com/customs-survey/surveyd/survey"
)

// testScores is the contract of scores.Store: what Tallies returns of a
// campaign and of its previous one. Hand-made cases fix the arithmetic of
// step 1 of docs/scoring.md on known data; a property case checks the
// tallies a store serves (the score cells its submissions kept) against
// tally.Of, the plain Go definition, on random questionnaires and
// submissions.
func testScores(t *testing.T, open Open) {
	t.Run("tallies", func(t *testing.T) { testTallies(t, open) })
	t.Run("random", func(t *testing.T) { testTalliesRandom(t, open) })
}

// scoreClock is the fixed time of the stores of testScores.
var scoreClock = time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)

// scoreFixture seeds a store through its own methods.
type scoreFixture struct {
	st    Store
	users int
}

func openScores(t *testing.T, open Open) *scoreFixture {
	return &scoreFixture{st: open(t, func() time.Time { return scoreClock })}
}

// administrations creates administrations named by their codes.
func (f *scoreFixture) administrations(t *testing.T, codes ...string) {
	t.Helper()
	for _, code := range codes {
		if _, err := f.st.CreateAdministration(t.Context(), code, "Administration "+code); err != nil {
			t.Fatal(err)
		}
	}
}

// publish stores and publishes a questionnaire document and returns it.
func (f *scoreFixture) publish(t *testing.T, raw []byte) *survey.Document {
	t.Helper()
	doc, err := survey.ParseDocument(raw)
	if err != nil {
		t.Fatalf("document: %v\n%s", err, raw)
	}
	if _, err := f.st.CreateQuestionnaire(t.Context(), "", doc); err != nil {
		t.Fatal(err)
	}
	if _, err := f.st.PublishQuestionnaire(t.Context(), doc.Key, 1); err != nil {
		t.Fatal(err)
	}
	return doc
}

// campaign creates an open campaign of version 1 of a questionnaire.
func (f *scoreFixture) campaign(t *testing.T, key, questionnaire string, year int, previous string, invited ...string) {
	t.Helper()
	in := survey.NewCampaign{Key: key, Year: year, Questionnaire: questionnaire, Version: 1,
		OpensAt: scoreClock.Add(-24 * time.Hour), ClosesAt: scoreClock.Add(30 * 24 * time.Hour),
		Administrations: invited, PreviousCampaign: previous, MinCellSize: 3}
	if _, err := f.st.CreateCampaign(t.Context(), in); err != nil {
		t.Fatal(err)
	}
	if _, err := f.st.SetCampaignStatus(t.Context(), key, survey.StatusDraft, survey.StatusOpen); err != nil {
		t.Fatal(err)
	}
}

// respondent creates a respondent account of an administration.
func (f *scoreFixture) respondent(t *testing.T, administration string) survey.Respondent {
	t.Helper()
	f.users++
	u, err := f.st.CreateUser(t.Context(), survey.NewAccount{Email: fmt.Sprintf("scores%d@example.eu", f.users),
		PasswordHash: auth.NoPassword, Role: string(auth.RoleRespondent), Administration: administration})
	if err != nil {
		t.Fatal(err)
	}
	return survey.Respondent{ID: u.ID, Administration: administration}
}

// change saves a respondent's answers, submitting them or not, and returns
// the answer rows of the change.
func (f *scoreFixture) change(t *testing.T, key string, who survey.Respondent, doc *survey.Document, answers survey.Answers, submit bool) []survey.AnswerRow {
	t.Helper()
	kept, rows := scorePrepare(t, doc, answers)
	sc := survey.Scope{Administration: who.Administration, HideDrafts: true}
	_, err := f.st.ChangeResponse(t.Context(), sc, key, who, func(survey.ResponseState) (survey.ResponseChange, error) {
		return survey.ResponseChange{Answers: kept, Submit: submit, Rows: rows}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// scorePrepare checks answers for submission, as the responding service
// does before a change or an import.
func scorePrepare(t *testing.T, doc *survey.Document, answers survey.Answers) (survey.Answers, []survey.AnswerRow) {
	t.Helper()
	kept, rows, err := survey.PrepareSubmission(doc, answers)
	if err != nil {
		t.Fatalf("answers %s: %v", scoreJSON(answers), err)
	}
	return kept, rows
}

// scoreAnswers decodes answers written as a JSON object.
func scoreAnswers(t *testing.T, raw string) survey.Answers {
	t.Helper()
	var a survey.Answers
	if err := json.Unmarshal([]byte(raw), &a); err != nil {
		t.Fatal(err)
	}
	return a
}

// imported is a response to import, its answers checked.
func scoreImported(t *testing.T, doc *survey.Document, administration, respondent, raw string) survey.PreparedImport {
	t.Helper()
	kept, rows := scorePrepare(t, doc, scoreAnswers(t, raw))
	return survey.PreparedImport{Administration: administration, Respondent: respondent,
		Account:     campaigns.ImportedAccount(administration, respondent),
		SubmittedAt: scoreClock.Add(-time.Hour), Answers: kept, Rows: rows}
}

func scoreJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// tallyDocument has one indicator of each kind that the hand-made cases
// check: a share with a null-score option, a mean_score with a "don't
// know", a mean_value with where, a mean_score over two questions with a
// questions breakdown, and a multi-choice share with an options breakdown.
const tallyDocument = `{
  "key": "tallies", "default_language": "en", "title": {"en": "Tallies"},
  "option_sets": {"scale": [
    {"key": "low", "label": {"en": "Low"}, "score": 0},
    {"key": "mid", "label": {"en": "Mid"}, "score": 50},
    {"key": "high", "label": {"en": "High"}, "score": 100},
    {"key": "dk", "label": {"en": "Don't know"}, "score": null}]},
  "sections": [{"key": "main", "title": {"en": "Main"}, "questions": [
    {"key": "rating", "type": "single_choice", "text": {"en": "Rating"}, "options_ref": "scale"},
    {"key": "rating2", "type": "single_choice", "text": {"en": "Second rating"}, "options_ref": "scale"},
    {"key": "yes_no", "type": "single_choice", "text": {"en": "Yes or no"}, "options": [
      {"key": "yes", "label": {"en": "Yes"}},
      {"key": "no", "label": {"en": "No"}},
      {"key": "na", "label": {"en": "Not applicable"}, "score": null}]},
    {"key": "count", "type": "number", "text": {"en": "Count"}, "min": 0},
    {"key": "channels", "type": "multi_choice", "text": {"en": "Channels"}, "options": [
      {"key": "web", "label": {"en": "Web"}},
      {"key": "mail", "label": {"en": "Mail"}},
      {"key": "phone", "label": {"en": "Phone"}},
      {"key": "unsure", "label": {"en": "Unsure"}, "score": null}]}]}],
  "indicators": [
    {"code": "SHARE", "method": "share", "questions": ["yes_no"], "options": ["yes"]},
    {"code": "SCORE", "method": "mean_score", "questions": ["rating"]},
    {"code": "VALUE", "method": "mean_value", "questions": ["count"], "where": {"question": "yes_no", "in": ["yes"]}},
    {"code": "QS", "method": "mean_score", "questions": ["rating", "rating2"], "breakdown": ["questions"]},
    {"code": "OPTS", "method": "share", "questions": ["channels"], "options": ["web"], "breakdown": ["options"],
     "unit": "administration"}]
}`

// tallyPreviousDocument is last year's questionnaire: one indicator with
// the code of this year's first.
const tallyPreviousDocument = `{
  "key": "tallies_before", "default_language": "en", "title": {"en": "Tallies before"},
  "sections": [{"key": "main", "title": {"en": "Main"}, "questions": [
    {"key": "agree", "type": "single_choice", "text": {"en": "Agree?"}, "options": [
      {"key": "yes", "label": {"en": "Yes"}}, {"key": "no", "label": {"en": "No"}}]}]}],
  "indicators": [{"code": "SHARE", "method": "share", "questions": ["agree"], "options": ["yes"]}]
}`

// scoreCell is a cell written by hand: n, Σ, centred Σ², excluded,
// missing.
func scoreCell(administration string, n int, sum, deviations float64, excluded, missing int) survey.Cell {
	return survey.Cell{Administration: administration, N: n, Sum: sum, Deviations: deviations,
		Excluded: excluded, Missing: missing}
}

func scoreCount(administration string, responses int) survey.AdministrationCount {
	return survey.AdministrationCount{Administration: administration, Responses: responses}
}

func scoreOption(administration, option string, count int) survey.OptionCell {
	return survey.OptionCell{Administration: administration, Option: option, Count: count}
}

func testTallies(t *testing.T, open Open) {
	f := openScores(t, open)
	ctx := t.Context()
	f.administrations(t, "AA", "BB", "CC", "DD", "EE")

	before := f.publish(t, []byte(tallyPreviousDocument))
	f.campaign(t, "before", "tallies_before", 2023, "", "AA", "BB")
	if err := f.st.ImportResponses(ctx, "before", []survey.PreparedImport{
		scoreImported(t, before, "AA", "a1", `{"agree": "yes"}`),
	}); err != nil {
		t.Fatal(err)
	}

	// DD is invited and does not answer; EE answers without being
	// invited (it was, and is no longer).
	doc := f.publish(t, []byte(tallyDocument))
	f.campaign(t, "now", "tallies", 2024, "before", "DD", "AA", "CC", "BB")
	aa1 := scoreImported(t, doc, "AA", "a1", `{"rating": "high", "rating2": "mid", "yes_no": "yes", "count": 10, "channels": ["web", "unsure"]}`)
	aa3 := scoreImported(t, doc, "AA", "a3", `{"rating": "mid", "yes_no": "yes", "count": 30}`)
	bb1 := scoreImported(t, doc, "BB", "b1", `{"rating": "dk", "rating2": "dk", "yes_no": "na", "channels": ["mail", "unsure"]}`)
	cc1 := scoreImported(t, doc, "CC", "c1", `{"rating": "high", "rating2": "high", "yes_no": "no", "count": 5}`)
	ee1 := scoreImported(t, doc, "EE", "e1", `{"rating": "mid"}`)
	// BB3 holds a number beyond ±survey.MaxNumber, as only data stored
	// before that range was enforced can: its rows are written by hand.
	yes := "yes"
	beyond := 2 * survey.MaxNumber
	bb3 := survey.PreparedImport{Administration: "BB", Respondent: "b3", Account: campaigns.ImportedAccount("BB", "b3"),
		SubmittedAt: scoreClock.Add(-time.Hour),
		Answers:     scoreAnswers(t, `{"yes_no": "yes", "count": 2e15}`),
		Rows:        []survey.AnswerRow{{Question: "yes_no", Option: &yes}, {Question: "count", Number: &beyond}}}
	if err := f.st.ImportResponses(ctx, "now", []survey.PreparedImport{aa1, aa3, bb1, bb3, cc1, ee1}); err != nil {
		t.Fatal(err)
	}
	// AA2 is amended: only its second submission counts.
	aa2 := f.respondent(t, "AA")
	f.change(t, "now", aa2, doc, scoreAnswers(t, `{"rating": "high", "rating2": "high", "yes_no": "yes", "count": 999, "channels": ["web"]}`), true)
	f.change(t, "now", aa2, doc, scoreAnswers(t, `{"rating": "dk", "rating2": "low", "yes_no": "no", "count": 20, "channels": ["phone"]}`), true)
	// BB2's pending amendment does not count until it is submitted.
	bb2 := f.respondent(t, "BB")
	f.change(t, "now", bb2, doc, scoreAnswers(t, `{"rating": "low", "yes_no": "yes"}`), true)
	f.change(t, "now", bb2, doc, scoreAnswers(t, `{"rating": "high", "yes_no": "no", "count": 7}`), false)
	// CC2 never submits.
	cc2 := f.respondent(t, "CC")
	f.change(t, "now", cc2, doc, scoreAnswers(t, `{"rating": "low", "yes_no": "yes", "count": 1}`), false)

	current, previous, err := f.st.Tallies(ctx, survey.Everything, "now")
	if err != nil {
		t.Fatal(err)
	}

	t.Run("campaign", func(t *testing.T) {
		want, err := f.st.Campaign(ctx, survey.Everything, "now")
		if err != nil {
			t.Fatal(err)
		}
		if msg := sameScoreCampaign(current.Campaign, want); msg != "" {
			t.Errorf("campaign: %s", msg)
		}
		if got, want := scoreJSON(current.Document), scoreJSON(doc); got != want {
			t.Errorf("document\n got %s\nwant %s", got, want)
		}
	})
	t.Run("coverage", func(t *testing.T) {
		want := []survey.AdministrationCount{scoreCount("AA", 3), scoreCount("BB", 3), scoreCount("CC", 1), scoreCount("DD", 0)}
		if !slices.Equal(current.Invited, want) {
			t.Errorf("invited %v, want %v", current.Invited, want)
		}
		if current.Responses != 8 {
			t.Errorf("responses %d, want 8", current.Responses)
		}
	})

	// The respondent values, by administration (– missing, x excluded):
	//   SHARE  AA 100 0 100    BB x 100 100   CC 0     EE –
	//   SCORE  AA 100 x 50     BB x 0 –       CC 100   EE 50
	//   VALUE  AA 10 30        BB – x(beyond) (AA2, BB1, CC1 and EE1 fail where)
	//   QS     AA 75 0 50      BB x 0 –       CC 100   EE 50
	//     rating2  AA 50 0 –   BB x – –       CC 100   EE –
	//   OPTS   AA 100 0 –      BB x – –       CC –     EE –
	valueBB := scoreCell("BB", 0, 0, 0, 1, 1)
	valueBB.OutOfRange = 1
	scoreRating := []survey.Cell{scoreCell("AA", 2, 150, 1250, 1, 0), scoreCell("BB", 1, 0, 0, 1, 1),
		scoreCell("CC", 1, 100, 0, 0, 0), scoreCell("EE", 1, 50, 0, 0, 0)}
	empty := func() survey.Tally {
		return survey.Tally{QuestionCells: map[string][]survey.Cell{}, Answering: map[string]int{}}
	}
	want := map[string]survey.Tally{}
	share := empty()
	share.Cells = []survey.Cell{scoreCell("AA", 3, 200, 20000.0/3, 0, 0), scoreCell("BB", 2, 200, 0, 1, 0),
		scoreCell("CC", 1, 0, 0, 0, 0), scoreCell("EE", 0, 0, 0, 0, 1)}
	want["SHARE"] = share
	score := empty()
	score.Cells = scoreRating
	want["SCORE"] = score
	value := empty()
	value.Cells = []survey.Cell{scoreCell("AA", 2, 40, 200, 0, 0), valueBB}
	want["VALUE"] = value
	qs := empty()
	qs.Cells = []survey.Cell{scoreCell("AA", 3, 125, 26250.0/9, 0, 0), scoreCell("BB", 1, 0, 0, 1, 1),
		scoreCell("CC", 1, 100, 0, 0, 0), scoreCell("EE", 1, 50, 0, 0, 0)}
	qs.QuestionCells = map[string][]survey.Cell{
		"rating": scoreRating,
		"rating2": {scoreCell("AA", 2, 50, 1250, 0, 1), scoreCell("BB", 0, 0, 0, 1, 2),
			scoreCell("CC", 1, 100, 0, 0, 0), scoreCell("EE", 0, 0, 0, 0, 1)},
	}
	want["QS"] = qs
	opts := empty()
	opts.Cells = []survey.Cell{scoreCell("AA", 2, 100, 5000, 0, 1), scoreCell("BB", 0, 0, 0, 1, 2),
		scoreCell("CC", 0, 0, 0, 0, 1), scoreCell("EE", 0, 0, 0, 0, 1)}
	opts.Options = []survey.OptionCell{scoreOption("AA", "web", 1), scoreOption("AA", "phone", 1), scoreOption("AA", "unsure", 1),
		scoreOption("BB", "mail", 1), scoreOption("BB", "unsure", 1)}
	opts.Answering = map[string]int{"AA": 2, "BB": 1}
	want["OPTS"] = opts

	if len(current.Tallies) != len(doc.Indicators) {
		t.Fatalf("%d tallies for %d indicators", len(current.Tallies), len(doc.Indicators))
	}
	for i, ind := range doc.Indicators {
		t.Run(ind.Code, func(t *testing.T) {
			if msg := sameScoreTally(current.Tallies[i], want[ind.Code]); msg != "" {
				t.Error(msg)
			}
		})
	}

	t.Run("previous", func(t *testing.T) {
		if previous == nil {
			t.Fatal("no previous tally")
		}
		want, err := f.st.Campaign(ctx, survey.Everything, "before")
		if err != nil {
			t.Fatal(err)
		}
		if msg := sameScoreCampaign(previous.Campaign, want); msg != "" {
			t.Errorf("campaign: %s", msg)
		}
		if got, want := scoreJSON(previous.Document), scoreJSON(before); got != want {
			t.Errorf("document\n got %s\nwant %s", got, want)
		}
		if want := []survey.AdministrationCount{scoreCount("AA", 1), scoreCount("BB", 0)}; !slices.Equal(previous.Invited, want) {
			t.Errorf("invited %v, want %v", previous.Invited, want)
		}
		if previous.Responses != 1 {
			t.Errorf("responses %d, want 1", previous.Responses)
		}
		tally := empty()
		tally.Cells = []survey.Cell{scoreCell("AA", 1, 100, 0, 0, 0)}
		if len(previous.Tallies) != 1 {
			t.Fatalf("%d tallies, want 1", len(previous.Tallies))
		}
		if msg := sameScoreTally(previous.Tallies[0], tally); msg != "" {
			t.Error(msg)
		}
	})
	t.Run("no previous", func(t *testing.T) {
		got, previous, err := f.st.Tallies(ctx, survey.Everything, "before")
		if err != nil {
			t.Fatal(err)
		}
		if previous != nil {
			t.Errorf("previous %+v, want none", previous.Campaign)
		}
		if got.Campaign.Key != "before" || got.Responses != 1 {
			t.Errorf("campaign %s with %d responses, want before with 1", got.Campaign.Key, got.Responses)
		}
	})
	t.Run("not found", func(t *testing.T) {
		if _, _, err := f.st.Tallies(ctx, survey.Everything, "nowhere"); !errors.Is(err, survey.ErrNotFound) {
			t.Errorf("error %v, want ErrNotFound", err)
		}
	})
}

// sameScoreCampaign compares campaigns, times as instants; it returns what
// differs, or "".
func sameScoreCampaign(got, want survey.Campaign) string {
	g, w := got, want
	g.OpensAt, g.ClosesAt, g.CreatedAt, g.UpdatedAt = time.Time{}, time.Time{}, time.Time{}, time.Time{}
	w.OpensAt, w.ClosesAt, w.CreatedAt, w.UpdatedAt = time.Time{}, time.Time{}, time.Time{}, time.Time{}
	g.Administrations, w.Administrations = nil, nil
	if !reflect.DeepEqual(g, w) || !slices.Equal(got.Administrations, want.Administrations) ||
		!got.OpensAt.Equal(want.OpensAt) || !got.ClosesAt.Equal(want.ClosesAt) ||
		!got.CreatedAt.Equal(want.CreatedAt) || !got.UpdatedAt.Equal(want.UpdatedAt) {
		return fmt.Sprintf("got %+v, want %+v", got, want)
	}
	return ""
}

// sameScoreFloat compares figures summed in another order, within 1e-9
// relative.
func sameScoreFloat(a, b float64) bool {
	return a == b || math.Abs(a-b) <= 1e-9*math.Max(math.Abs(a), math.Abs(b))
}

// sameScoreCells compares cells, in order, sums within sameScoreFloat.
func sameScoreCells(got, want []survey.Cell) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		g, w := got[i], want[i]
		if !sameScoreFloat(g.Sum, w.Sum) || !sameScoreFloat(g.Deviations, w.Deviations) {
			return false
		}
		g.Sum, g.Deviations, w.Sum, w.Deviations = 0, 0, 0, 0
		if g != w {
			return false
		}
	}
	return true
}

// sameScoreTally compares tallies (an empty list or map is the same as none);
// it returns what differs, or "".
func sameScoreTally(got, want survey.Tally) string {
	var diffs []string
	if !sameScoreCells(got.Cells, want.Cells) {
		diffs = append(diffs, fmt.Sprintf("cells\n  got %+v\n want %+v", got.Cells, want.Cells))
	}
	keys := map[string]bool{}
	for k := range got.QuestionCells {
		keys[k] = true
	}
	for k := range want.QuestionCells {
		keys[k] = true
	}
	for _, k := range slices.Sorted(maps.Keys(keys)) {
		if !sameScoreCells(got.QuestionCells[k], want.QuestionCells[k]) {
			diffs = append(diffs, fmt.Sprintf("cells of %s\n  got %+v\n want %+v", k, got.QuestionCells[k], want.QuestionCells[k]))
		}
	}
	if !slices.Equal(got.Options, want.Options) {
		diffs = append(diffs, fmt.Sprintf("options\n  got %+v\n want %+v", got.Options, want.Options))
	}
	if len(got.Answering) != len(want.Answering) {
		diffs = append(diffs, fmt.Sprintf("answering %v, want %v", got.Answering, want.Answering))
	} else {
		for k, n := range want.Answering {
			if m, ok := got.Answering[k]; !ok || m != n {
				diffs = append(diffs, fmt.Sprintf("answering %v, want %v", got.Answering, want.Answering))
				break
			}
		}
	}
	return strings.Join(diffs, "\n")
}

// scoreSeed is the seed of the property case; each questionnaire i is
// drawn from scoreSeed+i, which a failure names.
const scoreSeed = 20240301

// scoreRounds is the number of random questionnaires of the property case.
const scoreRounds = 8

// testTalliesRandom checks the tallies a store serves against tally.Of
// on random questionnaires (every method, where, units, breakdowns,
// show_if) and random responses: imported, submitted, amended, with a
// pending amendment, or never submitted, and a few numbers beyond
// ±survey.MaxNumber brought in by import.
func testTalliesRandom(t *testing.T, open Open) {
	f := openScores(t, open)
	ctx := t.Context()
	codes := []string{"AA", "BB", "CC", "DD"}
	f.administrations(t, codes...)
	// What the random data went through: the case fails unless it met
	// every situation, so that a change of the generator cannot quietly
	// stop checking one.
	met := map[string]bool{}
	for round := range scoreRounds {
		seed := int64(scoreSeed + round)
		rng := rand.New(rand.NewSource(seed))
		key := fmt.Sprintf("random%d", round)
		raw := randomScoreDocument(rng, key)
		doc := f.publish(t, raw)
		var invited []string
		for _, code := range codes {
			if rng.Intn(4) > 0 {
				invited = append(invited, code)
			}
		}
		f.campaign(t, key, key, 2024, "", invited...)

		var submitted []memstore.Submitted
		var imports []survey.PreparedImport
		for i := range 6 + rng.Intn(14) {
			code := codes[rng.Intn(len(codes))]
			// Respondents answer campaigns of their administration; an
			// import may bring in any administration's.
			if !slices.Contains(invited, code) || rng.Intn(5) < 2 {
				in := survey.PreparedImport{Administration: code, Respondent: fmt.Sprintf("r%d", i),
					Account: campaigns.ImportedAccount(code, fmt.Sprintf("r%d", i)), SubmittedAt: scoreClock.Add(-time.Hour)}
				in.Answers, in.Rows = scorePrepare(t, doc, randomScoreAnswers(rng, doc))
				scoreBeyond(rng, in.Rows)
				met["import"] = true
				met["an administration not invited"] = met["an administration not invited"] || !slices.Contains(invited, code)
				imports = append(imports, in)
				submitted = append(submitted, memstore.Submitted{Administration: code, Rows: in.Rows})
				continue
			}
			who := f.respondent(t, code)
			if rng.Intn(4) == 0 {
				f.change(t, key, who, doc, randomScoreAnswers(rng, doc), false)
			}
			if rng.Intn(6) == 0 {
				met["a draft"] = true
				continue // never submitted
			}
			rows := f.change(t, key, who, doc, randomScoreAnswers(rng, doc), true)
			if rng.Intn(3) == 0 {
				met["an amendment"] = true
				rows = f.change(t, key, who, doc, randomScoreAnswers(rng, doc), true)
			}
			if rng.Intn(4) == 0 {
				met["a pending amendment"] = true
				f.change(t, key, who, doc, randomScoreAnswers(rng, doc), false)
			}
			submitted = append(submitted, memstore.Submitted{Administration: code, Rows: rows})
		}
		if len(imports) > 0 {
			if err := f.st.ImportResponses(ctx, key, imports); err != nil {
				t.Fatal(err)
			}
		}

		current, previous, err := f.st.Tallies(ctx, survey.Everything, key)
		if err != nil {
			t.Fatal(err)
		}
		if previous != nil {
			t.Errorf("seed %d: a previous tally without a previous campaign", seed)
		}
		if current.Responses != len(submitted) {
			t.Errorf("seed %d: %d responses, want %d", seed, current.Responses, len(submitted))
		}
		var wantInvited []survey.AdministrationCount
		for _, code := range invited {
			n := 0
			for _, s := range submitted {
				if s.Administration == code {
					n++
				}
			}
			wantInvited = append(wantInvited, survey.AdministrationCount{Administration: code, Responses: n})
		}
		if !slices.Equal(current.Invited, wantInvited) {
			t.Errorf("seed %d: invited %v, want %v", seed, current.Invited, wantInvited)
		}
		want := memstore.TallyOf(doc, submitted)
		if len(current.Tallies) != len(want) {
			t.Fatalf("seed %d: %d tallies, want %d", seed, len(current.Tallies), len(want))
		}
		for i, ind := range doc.Indicators {
			if msg := sameScoreTally(current.Tallies[i], want[i]); msg != "" {
				t.Errorf("seed %d (scoreSeed+%d), indicator %s %s:\n%s\ndocument %s", seed, round, ind.Code,
					scoreJSON(ind), msg, raw)
			}
			scoreMet(met, ind, want[i], submitted)
		}
	}
	for _, what := range []string{"import", "an administration not invited", "a draft", "an amendment",
		"a pending amendment", "a mean_score value", "a share value", "a mean_value value", "an excluded response",
		"a missing response", "a number beyond the range", "a number at the edge of the range", "a submission without answers",
		"an administration left out by where",
		"a questions breakdown", "an options breakdown"} {
		if !met[what] {
			t.Errorf("the random data never had %s: draw more questionnaires or change the seed", what)
		}
	}
	t.Logf("%d random questionnaires from seed %d", scoreRounds, scoreSeed)
}

// scoreMet marks in met what the expected tally of ind shows.
func scoreMet(met map[string]bool, ind survey.Indicator, tally survey.Tally, submitted []memstore.Submitted) {
	cells := map[string]bool{}
	for _, c := range tally.Cells {
		cells[c.Administration] = true
		met["a "+ind.Method+" value"] = met["a "+ind.Method+" value"] || c.N > 0
		met["an excluded response"] = met["an excluded response"] || c.Excluded > 0
		met["a missing response"] = met["a missing response"] || c.Missing > 0
		met["a number beyond the range"] = met["a number beyond the range"] || c.OutOfRange > 0
	}
	for _, s := range submitted {
		met["a submission without answers"] = met["a submission without answers"] || len(s.Rows) == 0
		met["an administration left out by where"] = met["an administration left out by where"] || !cells[s.Administration]
		for _, row := range s.Rows {
			if ind.Method == survey.MethodMeanValue && row.Question == ind.Questions[0] && row.Number != nil &&
				*row.Number == survey.MaxNumber && cells[s.Administration] {
				met["a number at the edge of the range"] = true
			}
		}
	}
	met["a questions breakdown"] = met["a questions breakdown"] || len(tally.QuestionCells) > 0
	met["an options breakdown"] = met["an options breakdown"] || len(tally.Options) > 0
}

// scoreBeyond moves, once in a while, a number of an imported response
// beyond ±survey.MaxNumber, as data stored before that range was enforced
// may hold.
func scoreBeyond(rng *rand.Rand, rows []survey.AnswerRow) {
	for i := range rows {
		if rows[i].Number != nil && rng.Intn(5) == 0 {
			v := 3 * survey.MaxNumber
			if rng.Intn(2) == 0 {
				v = -v
			}
			rows[i].Number = &v
		}
	}
}

// randomScoreQuestion is a question of a random document, as the generator
// knows it.
type randomScoreQuestion struct {
	key     string
	kind    string
	options []string
	null    map[string]bool // options whose score is null
	scored  bool            // a single choice whose every option has a score
}

// randomScoreDocument draws a valid questionnaire: a few single-choice,
// multi-choice and number questions, one of them perhaps shown only on
// an answer to the first, and one to five indicators over them.
func randomScoreDocument(rng *rand.Rand, key string) []byte {
	text := func(s string) map[string]string { return map[string]string{"en": s} }
	var known []randomScoreQuestion
	var questions []map[string]any
	choice := func(key, kind string, scoredOnly bool) {
		q := randomScoreQuestion{key: key, kind: kind, null: map[string]bool{}, scored: scoredOnly}
		var options []map[string]any
		for k := range 2 + rng.Intn(4) {
			o := map[string]any{"key": fmt.Sprintf("o%d", k), "label": text(fmt.Sprintf("Option %d", k))}
			switch {
			case scoredOnly && k > 0 && rng.Intn(4) == 0, !scoredOnly && rng.Intn(4) == 0:
				o["score"] = nil
				q.null[o["key"].(string)] = true
			case scoredOnly:
				o["score"] = []float64{0, 25, 50, 75, 100, 33, 67}[rng.Intn(7)]
			}
			options = append(options, o)
			q.options = append(q.options, o["key"].(string))
		}
		known = append(known, q)
		questions = append(questions, map[string]any{"key": key, "type": kind, "text": text(key), "options": options})
	}
	for i := range 1 + rng.Intn(3) {
		choice(fmt.Sprintf("s%d", i), survey.TypeSingleChoice, rng.Intn(4) > 0)
	}
	for i := range rng.Intn(3) {
		choice(fmt.Sprintf("m%d", i), survey.TypeMultiChoice, false)
	}
	for i := range rng.Intn(3) {
		q := map[string]any{"key": fmt.Sprintf("n%d", i), "type": survey.TypeNumber, "text": text("number")}
		if i > 0 {
			q["min"], q["max"] = 0, 1000
		}
		questions = append(questions, q)
		known = append(known, randomScoreQuestion{key: q["key"].(string), kind: survey.TypeNumber})
	}
	if len(questions) > 1 && rng.Intn(3) == 0 {
		// A later question shown only on some answers to the first.
		q := questions[1+rng.Intn(len(questions)-1)]
		q["show_if"] = map[string]any{"question": known[0].key, "in": randomScoreSubset(rng, known[0].options)}
	}

	of := func(keep func(randomScoreQuestion) bool) []randomScoreQuestion {
		var out []randomScoreQuestion
		for _, q := range known {
			if keep(q) {
				out = append(out, q)
			}
		}
		return out
	}
	scored := of(func(q randomScoreQuestion) bool { return q.scored })
	choices := of(func(q randomScoreQuestion) bool { return q.kind != survey.TypeNumber })
	numbers := of(func(q randomScoreQuestion) bool { return q.kind == survey.TypeNumber })
	var indicators []map[string]any
	for i := range 1 + rng.Intn(5) {
		ind := map[string]any{"code": fmt.Sprintf("I%d", i)}
		var listed []randomScoreQuestion
		switch m := rng.Intn(3); {
		case m == 0 && len(scored) > 0:
			ind["method"] = survey.MethodMeanScore
			for _, j := range rng.Perm(len(scored))[:1+rng.Intn(len(scored))] {
				listed = append(listed, scored[j])
			}
		case m == 1 && len(numbers) > 0:
			ind["method"] = survey.MethodMeanValue
			listed = []randomScoreQuestion{numbers[rng.Intn(len(numbers))]}
		default:
			q := choices[rng.Intn(len(choices))]
			var countable []string
			for _, o := range q.options {
				if !q.null[o] {
					countable = append(countable, o)
				}
			}
			if len(countable) == 0 {
				continue
			}
			ind["method"] = survey.MethodShare
			ind["options"] = randomScoreSubset(rng, countable)
			listed = []randomScoreQuestion{q}
		}
		var keys []string
		for _, q := range listed {
			keys = append(keys, q.key)
		}
		ind["questions"] = keys
		if rng.Intn(5) < 2 {
			q := choices[rng.Intn(len(choices))]
			ind["where"] = map[string]any{"question": q.key, "in": randomScoreSubset(rng, q.options)}
		}
		if u := rng.Intn(3); u > 0 {
			ind["unit"] = []string{"", survey.UnitRespondent, survey.UnitAdministration}[u]
		}
		var breakdown []string
		if rng.Intn(2) == 0 {
			breakdown = append(breakdown, "questions")
		}
		if len(listed) == 1 && listed[0].kind != survey.TypeNumber && rng.Intn(2) == 0 {
			breakdown = append(breakdown, "options")
		}
		if rng.Intn(3) == 0 {
			breakdown = append(breakdown, "administrations")
		}
		if len(breakdown) > 0 {
			ind["breakdown"] = breakdown
		}
		indicators = append(indicators, ind)
	}
	// Questions of indicators shown only on some answers to the first:
	// responses routed past every question of a measure are not
	// applicable to it.
	for range 2 {
		if len(indicators) == 0 || rng.Intn(3) == 0 {
			break
		}
		listed := indicators[rng.Intn(len(indicators))]["questions"].([]string)
		if key := listed[rng.Intn(len(listed))]; key != known[0].key {
			for _, q := range questions {
				if q["key"] == key {
					q["show_if"] = map[string]any{"question": known[0].key, "in": randomScoreSubset(rng, known[0].options)}
				}
			}
		}
	}
	doc := map[string]any{"key": key, "default_language": "en", "title": text(key),
		"sections": []map[string]any{{"key": "main", "title": text("Main"), "questions": questions}}}
	if len(indicators) > 0 {
		doc["indicators"] = indicators
	}
	raw, err := json.Marshal(doc)
	if err != nil {
		panic(err)
	}
	return raw
}

// randomScoreSubset draws a non-empty subset of keys, in their order.
func randomScoreSubset(rng *rand.Rand, keys []string) []string {
	var out []string
	for _, k := range keys {
		if rng.Intn(2) == 0 {
			out = append(out, k)
		}
	}
	if len(out) == 0 {
		out = []string{keys[rng.Intn(len(keys))]}
	}
	return out
}

// randomScoreAnswers draws answers to doc: each question answered three
// times in four, numbers in quarters (now and then the greatest number
// allowed, where the question has no bounds).
func randomScoreAnswers(rng *rand.Rand, doc *survey.Document) survey.Answers {
	answers := survey.Answers{}
	// Now and then a response that answers nothing: missing from, or not
	// applicable to, every measure.
	skip := 4
	if rng.Intn(10) == 0 {
		skip = 1
	}
	for _, q := range doc.Questions() {
		if rng.Intn(skip) == 0 {
			continue
		}
		var v any
		switch q.Type {
		case survey.TypeSingleChoice:
			options := doc.OptionsOf(q)
			v = options[rng.Intn(len(options))].Key
		case survey.TypeMultiChoice:
			var keys []string
			for _, o := range doc.OptionsOf(q) {
				keys = append(keys, o.Key)
			}
			v = randomScoreSubset(rng, keys)
		case survey.TypeNumber:
			v = float64(rng.Intn(4001)) / 4
			if q.Max == nil && rng.Intn(4) == 0 {
				v = survey.MaxNumber
			}
		default:
			continue
		}
		raw, err := json.Marshal(v)
		if err != nil {
			panic(err)
		}
		answers[q.Key] = raw
	}
	return answers
}
