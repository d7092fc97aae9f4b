package reports_test

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/customs-survey/surveyd/auth"
	"github.com/customs-survey/surveyd/campaigns"
	"github.com/customs-survey/surveyd/exports"
	"github.com/customs-survey/surveyd/internal/memstore"
	"github.com/customs-survey/surveyd/reports"
	"github.com/customs-survey/surveyd/scores"
	"github.com/customs-survey/surveyd/scoring"
	"github.com/customs-survey/surveyd/survey"
)

var seeded = time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)

// questionnaire is a document of one question and the indicators given,
// each a share of "yes" of that question.
func questionnaire(t *testing.T, key string, codes ...string) *survey.Document {
	t.Helper()
	doc := &survey.Document{Key: key, DefaultLanguage: "en", Title: survey.Text{"en": "Survey " + key},
		Sections: []survey.Section{{Key: "main", Title: survey.Text{"en": "Main"}, Questions: []survey.Question{{
			Key: "used", Type: survey.TypeSingleChoice, Text: survey.Text{"en": "Used?"},
			Options: []survey.Option{{Key: "yes", Label: survey.Text{"en": "Yes"}}, {Key: "no", Label: survey.Text{"en": "No"}}},
		}}}}}
	for _, code := range codes {
		doc.Indicators = append(doc.Indicators, survey.Indicator{Code: code, Method: survey.MethodShare,
			Questions: []string{"used"}, Options: []string{"yes"}})
	}
	raw, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	parsed, err := survey.ParseDocument(raw)
	if err != nil {
		t.Fatal(err)
	}
	return parsed
}

// world is a store with three open campaigns, each answered "yes" by AA
// and "no" by BB: beta-2023 (titled), alpha-2023 (untitled), alpha-2022;
// and a draft of 2023, never opened, without responses: gamma-2023.
func world(t *testing.T) *memstore.Store {
	t.Helper()
	ctx := t.Context()
	st := memstore.New(func() time.Time { return seeded })
	for _, code := range []string{"AA", "BB"} {
		if _, err := st.CreateAdministration(ctx, code, "Administration "+code); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct {
		key, title, questionnaire string
		year                      int
		doc                       *survey.Document
	}{
		{"beta-2023", "Officials 2023", "beta", 2023, questionnaire(t, "beta", "RES 10.1", "OP 3.1")},
		{"alpha-2023", "", "alpha", 2023, questionnaire(t, "alpha", "RES 2.2.1")},
		{"alpha-2022", "", "alpha", 2022, nil},
	} {
		if c.doc != nil {
			if _, err := st.CreateQuestionnaire(ctx, "", c.doc); err != nil {
				t.Fatal(err)
			}
			if _, err := st.PublishQuestionnaire(ctx, c.doc.Key, 1); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := st.CreateCampaign(ctx, survey.NewCampaign{Key: c.key, Title: c.title, Year: c.year,
			Questionnaire: c.questionnaire, Version: 1, OpensAt: seeded.Add(-time.Hour), ClosesAt: seeded.Add(time.Hour),
			Administrations: []string{"AA", "BB"}, MinCellSize: 5}); err != nil {
			t.Fatal(err)
		}
		var imports []survey.PreparedImport
		for code, answer := range map[string]string{"AA": "yes", "BB": "no"} {
			kept, rows, err := survey.PrepareSubmission(questionnaire(t, "x"), survey.Answers{"used": json.RawMessage(`"` + answer + `"`)})
			if err != nil {
				t.Fatal(err)
			}
			imports = append(imports, survey.PreparedImport{Administration: code, Respondent: "r",
				Account: campaigns.ImportedAccount(code, "r"), Answers: kept, Rows: rows})
		}
		if err := st.ImportResponses(ctx, c.key, imports); err != nil {
			t.Fatal(err)
		}
		if _, err := st.SetCampaignStatus(ctx, c.key, survey.StatusDraft, survey.StatusOpen); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := st.CreateCampaign(ctx, survey.NewCampaign{Key: "gamma-2023", Year: 2023, Questionnaire: "alpha", Version: 1,
		OpensAt: seeded.Add(-time.Hour), ClosesAt: seeded.Add(time.Hour), Administrations: []string{"AA"}, MinCellSize: 5}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.CreateCampaign(ctx, survey.NewCampaign{Key: "draft-2021", Year: 2021, Questionnaire: "alpha", Version: 1,
		OpensAt: seeded.Add(-time.Hour), ClosesAt: seeded.Add(time.Hour), Administrations: []string{"AA"}, MinCellSize: 5}); err != nil {
		t.Fatal(err)
	}
	return st
}

// frozen is the scores service with a frozen run for some campaigns, and
// a count of the reports it computes.
type frozen struct {
	reports.Scores
	runs     map[string]*reports.FrozenRun
	err      error
	computed []string
}

func (f *frozen) LatestFrozenRun(_ context.Context, _ auth.Principal, key, _ string) (*reports.FrozenRun, error) {
	return f.runs[key], f.err
}

func (f *frozen) Report(ctx context.Context, by auth.Principal, key, lang string) (scoring.Report, error) {
	f.computed = append(f.computed, key)
	return f.Scores.Report(ctx, by, key, lang)
}

var admin = auth.Principal{UserID: "admin", Role: auth.RoleAdmin}

// annexCodes lists the Annex's rows as campaign/code.
func annexCodes(r exports.AnnualReport) []string {
	var out []string
	for _, e := range r.Order {
		c := r.Campaigns[e.Campaign]
		out = append(out, c.Key+"/"+c.Scores.Indicators[e.Indicator].Code)
	}
	return out
}

func TestAnnual(t *testing.T) {
	st := world(t)
	svc := scores.New(st, func() time.Time { return seeded })
	live := &frozen{Scores: reports.Live(svc, scores.NewRuns(svc, st))}
	r, err := reports.New(st, live).Annual(t.Context(), admin, 2023)
	if err != nil {
		t.Fatal(err)
	}
	var keys, titles, figures []string
	for _, c := range r.Campaigns {
		keys, titles, figures = append(keys, c.Key), append(titles, c.Title), append(figures, c.Figures())
		if c.Scores.Campaign != c.Key || c.Scores.Year != 2023 || c.MinCellSize != 5 || c.Questionnaire == nil {
			t.Errorf("%s: scores of %s %d, min cell size %d", c.Key, c.Scores.Campaign, c.Scores.Year, c.MinCellSize)
		}
		if v := c.Scores.Indicators[0].Value; v == nil || *v != 50 {
			t.Errorf("%s: value %v, want 50 (AA yes, BB no)", c.Key, v)
		}
	}
	if want := []string{"alpha-2023", "beta-2023"}; !slices.Equal(keys, want) {
		t.Errorf("campaigns %q, want %q (the year's opened ones, by key: not the draft gamma-2023)", keys, want)
	}
	for _, c := range r.Campaigns {
		if c.Status != survey.StatusOpen || c.FinalNow() || c.Scores.Final || c.ReopenedAt != nil {
			t.Errorf("%s: status %s, final %v: want open, not final", c.Key, c.Status, c.Scores.Final)
		}
	}
	if want := []string{"Survey alpha", "Officials 2023"}; !slices.Equal(titles, want) {
		t.Errorf("titles %q, want %q (the campaign's, else the questionnaire's)", titles, want)
	}
	if !slices.Equal(figures, []string{exports.FiguresLive, exports.FiguresLive}) || !slices.Equal(live.computed, keys) {
		t.Errorf("figures %q, computed %q: want both live", figures, live.computed)
	}
	if got, want := annexCodes(r), []string{"beta-2023/OP 3.1", "alpha-2023/RES 2.2.1", "beta-2023/RES 10.1"}; !slices.Equal(got, want) {
		t.Errorf("annex %q, want %q", got, want)
	}
}

// TestAnnualFrozenRun: a campaign with a frozen run is taken from it, as
// stored, and also computed now, to say whether the run's figures still
// are those computed now.
func TestAnnualFrozenRun(t *testing.T) {
	st := world(t)
	svc := scores.New(st, func() time.Time { return seeded })
	report, err := svc.Report(t.Context(), admin, "beta-2023", "")
	if err != nil {
		t.Fatal(err)
	}
	same, err := json.Marshal(exports.NewScoresDocument(report))
	if err != nil {
		t.Fatal(err)
	}
	doc := exports.NewScoresDocument(report)
	doc.Indicators[0].Narrative = "As frozen."
	changed, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	at := seeded.Add(time.Hour)
	tests := []struct {
		name      string
		document  []byte
		narrative string
		matches   bool
	}{
		{"the figures are still the run's", same, report.Indicators[0].Narrative, true},
		{"the figures changed since", changed, "As frozen.", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := &frozen{Scores: reports.Live(svc, scores.NewRuns(svc, st)), runs: map[string]*reports.FrozenRun{
				"beta-2023": {ID: "run-1", FrozenAt: at, SHA256: "abc", Document: tt.document}}}
			r, err := reports.New(st, fake).Annual(t.Context(), admin, 2023)
			if err != nil {
				t.Fatal(err)
			}
			beta := r.Campaigns[1]
			if beta.Figures() != exports.FiguresFrozen || beta.Run == nil || beta.Run.ID != "run-1" || !beta.Run.FrozenAt.Equal(at) ||
				beta.Run.SHA256 != "abc" || beta.Run.LiveFiguresMatch != tt.matches {
				t.Errorf("beta-2023: figures %s, run %+v, want run-1, matching %v", beta.Figures(), beta.Run, tt.matches)
			}
			if got := beta.Scores.Indicators[0].Narrative; got != tt.narrative {
				t.Errorf("beta-2023 narrative %q, want the frozen run's %q", got, tt.narrative)
			}
			if r.Campaigns[0].Run != nil {
				t.Errorf("alpha-2023: run %+v, want live figures", r.Campaigns[0].Run)
			}
			if !slices.Equal(fake.computed, []string{"alpha-2023", "beta-2023"}) {
				t.Errorf("computed %q, want both", fake.computed)
			}
		})
	}

	fake := &frozen{Scores: reports.Live(svc, scores.NewRuns(svc, st)), runs: map[string]*reports.FrozenRun{
		"beta-2023": {ID: "run-2", Document: []byte(`{"indicators": 3}`)}}}
	if _, err := reports.New(st, fake).Annual(t.Context(), admin, 2023); err == nil {
		t.Error("a frozen run that is not a scores document: no error")
	}
}

// TestAnnualRunLanguage freezes a closed campaign in several languages,
// one after the other: the report takes the latest run frozen in the
// questionnaire's default language (en), asked for by name or not at all,
// and never one in another language.
func TestAnnualRunLanguage(t *testing.T) {
	tests := []struct {
		name  string
		langs []string // frozen in this order
		want  int      // index of the run taken; -1: none, live figures
	}{
		{"the default language, then another", []string{"", "fr"}, 0},
		{"the default language by name, then another", []string{"en", "fr"}, 0},
		{"another language only", []string{"fr"}, -1},
		{"another, then the default", []string{"fr", ""}, 1},
		{"the default, twice", []string{"", "en"}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := world(t)
			if _, err := st.SetCampaignStatus(t.Context(), "beta-2023", survey.StatusOpen, survey.StatusClosed); err != nil {
				t.Fatal(err)
			}
			svc := scores.New(st, func() time.Time { return seeded })
			runs := scores.NewRuns(svc, st)
			var ids []string
			for _, lang := range tt.langs {
				info, err := runs.Freeze(t.Context(), admin, "beta-2023", lang)
				if err != nil {
					t.Fatal(err)
				}
				ids = append(ids, info.ID)
			}
			r, err := reports.New(st, reports.Live(svc, runs)).Annual(t.Context(), admin, 2023)
			if err != nil {
				t.Fatal(err)
			}
			beta := r.Campaigns[1]
			switch {
			case tt.want < 0 && beta.Run != nil:
				t.Errorf("run %s (of %q), want live figures", beta.Run.ID, ids)
			case tt.want >= 0 && (beta.Run == nil || beta.Run.ID != ids[tt.want] || !beta.Run.LiveFiguresMatch):
				t.Errorf("run %+v, want %s of %q, its figures still those computed now", beta.Run, ids[tt.want], ids)
			}
			if !beta.FinalNow() || !beta.Scores.Final {
				t.Errorf("status %s, final %v: want closed, final", beta.Status, beta.Scores.Final)
			}
		})
	}
}

func TestAnnualRefused(t *testing.T) {
	st := world(t)
	unavailable := survey.Errorf(survey.ErrUnavailable, "down")
	tests := []struct {
		name string
		by   auth.Principal
		year int
		runs error
		want error
	}{
		{"coordinator", auth.Principal{UserID: "c", Role: auth.RoleCoordinator, Administration: "AA"}, 2023, nil, survey.ErrForbidden},
		{"respondent", auth.Principal{UserID: "r", Role: auth.RoleRespondent, Administration: "AA"}, 2023, nil, survey.ErrForbidden},
		{"a year without campaigns", admin, 2020, nil, survey.ErrNotFound},
		{"a year of drafts only", admin, 2021, nil, survey.ErrNotFound},
		{"the runs cannot be read", admin, 2023, unavailable, survey.ErrUnavailable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			svc := scores.New(st, time.Now)
			fake := &frozen{Scores: reports.Live(svc, scores.NewRuns(svc, st)), err: tt.runs}
			r, err := reports.New(st, fake).Annual(t.Context(), tt.by, tt.year)
			if !errors.Is(err, tt.want) {
				t.Errorf("error %v, want %v", err, tt.want)
			}
			if len(r.Campaigns) != 0 || len(fake.computed) != 0 {
				t.Errorf("gathered %d campaigns, computed %q: want nothing", len(r.Campaigns), fake.computed)
			}
		})
	}
}
