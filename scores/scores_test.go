package scores_test

import (
	"encoding/json"
	"errors"
	"github.com/customs-survey/surveyd/campaigns"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/customs-survey/surveyd/auth"
	"github.com/customs-survey/surveyd/internal/memstore"
	"github.com/customs-survey/surveyd/scores"
	"github.com/customs-survey/surveyd/scoring"
	"github.com/customs-survey/surveyd/survey"
)

var (
	// seeded is the time of the fake store, when the data is seeded.
	seeded = time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)
	// computing is the service's clock, in another zone and finer than
	// the microsecond that reports keep.
	computing = time.Date(2024, 4, 2, 10, 30, 0, 123456789, time.FixedZone("CEST", 2*60*60))
)

// before is last year's questionnaire: AWARE, and RATING with another
// score for "mid" than this year's.
const before = `{
  "key": "before", "default_language": "en", "title": {"en": "Before"},
  "sections": [{"key": "main", "title": {"en": "Main"}, "questions": [
    {"key": "aware", "type": "single_choice", "text": {"en": "Aware?"}, "options": [
      {"key": "yes", "label": {"en": "Yes"}}, {"key": "no", "label": {"en": "No"}}]},
    {"key": "rating", "type": "single_choice", "text": {"en": "Rating"}, "options": [
      {"key": "low", "label": {"en": "Low"}, "score": 0},
      {"key": "mid", "label": {"en": "Middle"}, "score": 25},
      {"key": "high", "label": {"en": "High"}, "score": 100}]}]}],
  "indicators": [
    {"code": "AWARE", "title": {"en": "Awareness"}, "method": "share", "questions": ["aware"], "options": ["yes"]},
    {"code": "RATING", "title": {"en": "Rating"}, "method": "mean_score", "questions": ["rating"]}]
}`

// now is this year's questionnaire, written in French first: AWARE again,
// its texts in another language, and RATING with another score for "mid".
const now = `{
  "key": "now", "default_language": "fr", "title": {"fr": "Maintenant", "en": "Now"},
  "sections": [{"key": "main", "title": {"fr": "Principal"}, "questions": [
    {"key": "aware", "type": "single_choice", "text": {"fr": "Connu ?"}, "options": [
      {"key": "yes", "label": {"fr": "Oui"}}, {"key": "no", "label": {"fr": "Non"}}]},
    {"key": "rating", "type": "single_choice", "text": {"fr": "Note"}, "options": [
      {"key": "low", "label": {"fr": "Basse"}, "score": 0},
      {"key": "mid", "label": {"fr": "Moyenne"}, "score": 50},
      {"key": "high", "label": {"fr": "Haute"}, "score": 100}]}]}],
  "indicators": [
    {"code": "AWARE", "title": {"fr": "Connaissance", "en": "Awareness"}, "method": "share", "questions": ["aware"], "options": ["yes"]},
    {"code": "RATING", "title": {"fr": "Note", "en": "Rating"}, "method": "mean_score", "questions": ["rating"]}]
}`

// newService seeds a fake store and returns the service over it:
//   - c2023 (before), inviting AA and BB, each with one response: AWARE 50,
//     RATING 100;
//   - c2024 (now, previous c2023), inviting AA, BB, CC and DD: two
//     responses from AA, one from BB, a draft from CC, none from DD, and
//     one from EE, which is not invited: AWARE 75, RATING 50.
func newService(t *testing.T) *scores.Service {
	t.Helper()
	ctx := t.Context()
	st := memstore.New(func() time.Time { return seeded })
	for _, code := range []string{"AA", "BB", "CC", "DD", "EE"} {
		if _, err := st.CreateAdministration(ctx, code, "Administration "+code); err != nil {
			t.Fatal(err)
		}
	}
	campaign := func(key string, year int, raw, previous string, invited []string, answers map[string][]string) *survey.Document {
		doc, err := survey.ParseDocument([]byte(raw))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.CreateQuestionnaire(ctx, "", doc); err != nil {
			t.Fatal(err)
		}
		if _, err := st.PublishQuestionnaire(ctx, doc.Key, 1); err != nil {
			t.Fatal(err)
		}
		if _, err := st.CreateCampaign(ctx, survey.NewCampaign{Key: key, Year: year, Questionnaire: doc.Key, Version: 1,
			OpensAt: seeded.Add(-time.Hour), ClosesAt: seeded.Add(30 * 24 * time.Hour), Administrations: invited,
			PreviousCampaign: previous, MinCellSize: 1}); err != nil {
			t.Fatal(err)
		}
		if _, err := st.SetCampaignStatus(ctx, key, survey.StatusDraft, survey.StatusOpen); err != nil {
			t.Fatal(err)
		}
		var imports []survey.PreparedImport
		for _, code := range slices.Sorted(maps.Keys(answers)) {
			for i, raw := range answers[code] {
				kept, rows := prepare(t, doc, raw)
				imports = append(imports, survey.PreparedImport{Administration: code, Respondent: string(rune('a' + i)),
					Account: campaigns.ImportedAccount(code, string(rune('a'+i))), Answers: kept, Rows: rows})
			}
		}
		if err := st.ImportResponses(ctx, key, imports); err != nil {
			t.Fatal(err)
		}
		return doc
	}
	campaign("c2023", 2023, before, "", []string{"AA", "BB"}, map[string][]string{
		"AA": {`{"aware": "yes", "rating": "high"}`},
		"BB": {`{"aware": "no"}`},
	})
	doc := campaign("c2024", 2024, now, "c2023", []string{"AA", "BB", "CC", "DD"}, map[string][]string{
		"AA": {`{"aware": "yes", "rating": "high"}`, `{"aware": "yes", "rating": "mid"}`},
		"BB": {`{"aware": "no", "rating": "low"}`},
		"EE": {`{"aware": "yes"}`},
	})
	// CC's respondent saves a draft: CC has not responded.
	u, err := st.CreateUser(ctx, survey.NewAccount{Email: "resp@cc.test", PasswordHash: auth.NoPassword,
		Role: string(auth.RoleRespondent), Administration: "CC"})
	if err != nil {
		t.Fatal(err)
	}
	kept, _ := prepare(t, doc, `{"aware": "yes", "rating": "high"}`)
	if _, err := st.ChangeResponse(ctx, survey.Scope{Administration: "CC", HideDrafts: true}, "c2024",
		survey.Respondent{ID: u.ID, Administration: "CC"}, func(survey.ResponseState) (survey.ResponseChange, error) {
			return survey.ResponseChange{Answers: kept}, nil
		}); err != nil {
		t.Fatal(err)
	}
	return scores.New(st, func() time.Time { return computing })
}

// prepare checks answers written as a JSON object for submission.
func prepare(t *testing.T, doc *survey.Document, raw string) (survey.Answers, []survey.AnswerRow) {
	t.Helper()
	var answers survey.Answers
	if err := json.Unmarshal([]byte(raw), &answers); err != nil {
		t.Fatal(err)
	}
	kept, rows, err := survey.PrepareSubmission(doc, answers)
	if err != nil {
		t.Fatal(err)
	}
	return kept, rows
}

func number(v float64) *float64 { return &v }

func TestReport(t *testing.T) {
	svc := newService(t)
	for _, c := range []struct {
		name      string
		key, lang string
		err       error
		year      int
		coverage  *scoring.Coverage
		values    map[string]*float64          // by code; checked when set
		titles    map[string]string            // by code; checked when set
		previous  map[string]*scoring.Previous // by code, nil for none; checked when set
	}{
		{name: "coverage: invited, responded, missing, every submitted response", key: "c2024", year: 2024,
			coverage: &scoring.Coverage{AdministrationsInvited: 4, AdministrationsResponded: 2, Missing: []string{"CC", "DD"}, Responses: 4}},
		{name: "coverage: every invited administration responded", key: "c2023", year: 2023,
			coverage: &scoring.Coverage{AdministrationsInvited: 2, AdministrationsResponded: 2, Missing: []string{}, Responses: 2}},
		{name: "every indicator, over every submitted response", key: "c2024", year: 2024,
			values: map[string]*float64{"AWARE": number(75), "RATING": number(50)}},
		{name: "titles in the document's default language", key: "c2024", year: 2024,
			titles: map[string]string{"AWARE": "Connaissance", "RATING": "Note"}},
		{name: "titles in the language asked for", key: "c2024", lang: "en", year: 2024,
			titles: map[string]string{"AWARE": "Awareness", "RATING": "Rating"}},
		{name: "previous values joined by indicator code, changes only between comparable definitions", key: "c2024", year: 2024,
			previous: map[string]*scoring.Previous{
				"AWARE": {Campaign: "c2023", Year: 2023, Value: number(50), Change: number(25), ChangeUnit: scoring.ChangePercentagePoints,
					Comparable: true},
				"RATING": {Campaign: "c2023", Year: 2023, Value: number(100), ChangeUnit: scoring.ChangePercentagePoints,
					Reason: "the options of question rating changed (scores changed: mid from 25 to 50)"},
			}},
		{name: "no previous campaign, no previous values", key: "c2023", year: 2023,
			values:   map[string]*float64{"AWARE": number(50)},
			previous: map[string]*scoring.Previous{"AWARE": nil}},
		{name: "unknown campaign", key: "c2099", err: survey.ErrNotFound},
	} {
		t.Run(c.name, func(t *testing.T) {
			r, err := svc.Report(t.Context(), auth.Operator(), c.key, c.lang)
			if c.err != nil || err != nil {
				if !errors.Is(err, c.err) || c.err == nil {
					t.Fatalf("error %v, want %v", err, c.err)
				}
				return
			}
			if r.Campaign != c.key || r.Year != c.year {
				t.Errorf("campaign %s %d, want %s %d", r.Campaign, r.Year, c.key, c.year)
			}
			// ComputedAt comes from the service's clock, in UTC, to the
			// microsecond.
			if want := time.Date(2024, 4, 2, 8, 30, 0, 123456000, time.UTC); !r.ComputedAt.Equal(want) || r.ComputedAt.Location() != time.UTC {
				t.Errorf("computed at %v, want %v", r.ComputedAt, want)
			}
			if c.coverage != nil {
				got := r.Coverage
				if got.AdministrationsInvited != c.coverage.AdministrationsInvited ||
					got.AdministrationsResponded != c.coverage.AdministrationsResponded ||
					got.Responses != c.coverage.Responses || got.Missing == nil || !slices.Equal(got.Missing, c.coverage.Missing) {
					t.Errorf("coverage %+v, want %+v", got, *c.coverage)
				}
			}
			results := map[string]scoring.Result{}
			for _, res := range r.Indicators {
				results[res.Code] = res
			}
			for code, want := range c.values {
				if got := results[code].Value; !sameValue(got, want) {
					t.Errorf("%s: value %v, want %v", code, show(got), show(want))
				}
			}
			for code, want := range c.titles {
				if got := results[code].Title; got != want {
					t.Errorf("%s: title %q, want %q", code, got, want)
				}
			}
			for code, want := range c.previous {
				res, ok := results[code]
				if !ok {
					t.Fatalf("no indicator %s in %+v", code, r.Indicators)
				}
				got := res.Previous
				switch {
				case want == nil && got != nil:
					t.Errorf("%s: previous %+v, want none", code, *got)
				case want != nil && got == nil:
					t.Errorf("%s: no previous, want %+v", code, *want)
				case want != nil && (got.Campaign != want.Campaign || got.Year != want.Year ||
					!sameValue(got.Value, want.Value) || !sameValue(got.Change, want.Change) || got.ChangeUnit != want.ChangeUnit ||
					got.Comparable != want.Comparable || got.Reason != want.Reason):
					t.Errorf("%s: previous %s %d %v %v %s %v %q, want %s %d %v %v %s %v %q", code, got.Campaign, got.Year,
						show(got.Value), show(got.Change), got.ChangeUnit, got.Comparable, got.Reason,
						want.Campaign, want.Year, show(want.Value), show(want.Change), want.ChangeUnit, want.Comparable, want.Reason)
				}
			}
		})
	}
}

func sameValue(a, b *float64) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }

func show(v *float64) any {
	if v == nil {
		return nil
	}
	return *v
}

// TestOnlyAdminsReadScores: the indicators are the programme's, over every
// administration; coordinators and respondents are refused.
func TestOnlyAdminsReadScores(t *testing.T) {
	svc := newService(t)
	for _, role := range []auth.Role{auth.RoleCoordinator, auth.RoleRespondent, ""} {
		_, err := svc.Report(t.Context(), auth.Principal{UserID: "u", Role: role, Administration: "AA"}, "c2024", "")
		if !errors.Is(err, survey.ErrForbidden) {
			t.Errorf("%q: %v, want forbidden", role, err)
		}
	}
}
