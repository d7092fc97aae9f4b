package scores_test

import (
	"errors"
	"testing"

	"github.com/customs-survey/surveyd/auth"
	"github.com/customs-survey/surveyd/scores"
	"github.com/customs-survey/surveyd/scoring"
	"github.com/customs-survey/surveyd/survey"
)

// TestFrozen: the live report says whether it still has the figures of
// the latest run, whatever the time and the language of each.
func TestFrozen(t *testing.T) {
	for _, c := range []struct {
		name     string
		runLang  string // "-": no run
		liveLang string
		change   func(t *testing.T, f *runsFixture)
		want     bool
	}{
		{name: "no run", runLang: "-"},
		{name: "the same figures, computed later", want: true},
		{name: "the same figures, frozen in English", runLang: "en", want: true},
		{name: "the same figures, read in English", liveLang: "en", want: true},
		{name: "reopened, nothing new", want: true,
			change: func(t *testing.T, f *runsFixture) { f.move(t, survey.StatusClosed, survey.StatusOpen) }},
		{name: "reopened and answered again", change: reanswered},
		{name: "answered again, frozen in English", runLang: "en", change: reanswered},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := newRunsFixture(t)
			var run scores.Run
			if c.runLang != "-" {
				run = f.freeze(t, c.runLang)
			}
			if c.change != nil {
				c.change(t, f)
			}
			live, err := f.reports.Report(t.Context(), freezer, "c2024", c.liveLang)
			if err != nil {
				t.Fatal(err)
			}
			got, err := f.runs.Frozen(t.Context(), freezer, c.liveLang, live)
			if err != nil {
				t.Fatal(err)
			}
			switch {
			case c.runLang == "-" && got != nil:
				t.Errorf("no run, yet %+v", got)
			case c.runLang != "-" && (got == nil || got.RunInfo != run.ScoreRunInfo || got.Matches != c.want):
				t.Errorf("%+v, want run %s with matches %v", got, run.ID, c.want)
			}
			if _, err := f.runs.Frozen(t.Context(), auth.Principal{Role: auth.RoleCoordinator}, c.liveLang, live); !errors.Is(err, survey.ErrForbidden) {
				t.Errorf("a coordinator: %v", err)
			}
		})
	}
}

// TestFrozenComputesOnce: Frozen compares the report it is given, never
// computing it again; across languages, the texts that follow the
// language are left out, and every figure still counts.
func TestFrozenComputesOnce(t *testing.T) {
	for _, c := range []struct {
		name              string
		runLang, liveLang string
		change            func(r *scoring.Report)
		want              bool
	}{
		{name: "the same language", runLang: "en", liveLang: "en", want: true},
		{name: "the same language, a title changed", runLang: "en", liveLang: "en",
			change: func(r *scoring.Report) { r.Indicators[0].Title = "Aware" }},
		{name: "another language", runLang: "en", liveLang: "fr", want: true},
		{name: "another language, a title changed", runLang: "en", liveLang: "", want: true,
			change: func(r *scoring.Report) { r.Indicators[0].Title = "Aware" }},
		{name: "another language, a value changed", runLang: "en", liveLang: "fr",
			change: func(r *scoring.Report) { *r.Indicators[1].Value += 0.01 }},
		{name: "another language, a count changed", runLang: "", liveLang: "en",
			change: func(r *scoring.Report) { r.Indicators[0].Missing++ }},
		{name: "another language, a narrative changed", runLang: "fr", liveLang: "en",
			change: func(r *scoring.Report) { r.Indicators[0].Narrative += "." }},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := newRunsFixture(t)
			run := f.freeze(t, c.runLang)
			live, err := f.reports.Report(t.Context(), freezer, "c2024", c.liveLang)
			if err != nil {
				t.Fatal(err)
			}
			if c.change != nil {
				c.change(&live)
			}
			computed := f.clock
			got, err := f.runs.Frozen(t.Context(), freezer, c.liveLang, live)
			if err != nil || got == nil || got.ID != run.ID || got.Matches != c.want {
				t.Errorf("%+v, %v; want run %s with matches %v", got, err, run.ID, c.want)
			}
			if f.clock != computed {
				t.Errorf("the report was computed again")
			}
		})
	}
}

// reanswered reopens the campaign, adds a response that changes the
// figures, and closes it again.
func reanswered(t *testing.T, f *runsFixture) {
	f.move(t, survey.StatusClosed, survey.StatusOpen)
	f.answer(t, "BB", `{"aware": "yes", "rating": "mid"}`)
	f.move(t, survey.StatusOpen, survey.StatusClosed)
}
