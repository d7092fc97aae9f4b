package scores_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"testing"
	"time"

	"github.com/customs-survey/surveyd/auth"
	"github.com/customs-survey/surveyd/campaigns"
	"github.com/customs-survey/surveyd/exports"
	"github.com/customs-survey/surveyd/internal/memstore"
	"github.com/customs-survey/surveyd/scores"
	"github.com/customs-survey/surveyd/survey"
)

// freezer is an admin who freezes scores.
var freezer = auth.Principal{UserID: "admin-1", Role: auth.RoleAdmin}

// runsFixture is a fake store with campaign c2024 (questionnaire now,
// French by default) answered by AA and BB and closed, and the runs over
// it; every report is dated a second after the previous one.
type runsFixture struct {
	st      *memstore.Store
	stClock time.Time // the fake store's clock
	doc     *survey.Document
	reports *scores.Service
	runs    *scores.Runs
	clock   time.Time
	answers int
}

func newRunsFixture(t *testing.T) *runsFixture {
	t.Helper()
	ctx := t.Context()
	f := &runsFixture{stClock: seeded, clock: seeded}
	f.st = memstore.New(func() time.Time { return f.stClock })
	for _, code := range []string{"AA", "BB"} {
		if _, err := f.st.CreateAdministration(ctx, code, "Administration "+code); err != nil {
			t.Fatal(err)
		}
	}
	doc, err := survey.ParseDocument([]byte(now))
	if err != nil {
		t.Fatal(err)
	}
	f.doc = doc
	if _, err := f.st.CreateQuestionnaire(ctx, "", doc); err != nil {
		t.Fatal(err)
	}
	if _, err := f.st.PublishQuestionnaire(ctx, doc.Key, 1); err != nil {
		t.Fatal(err)
	}
	if _, err := f.st.CreateCampaign(ctx, survey.NewCampaign{Key: "c2024", Year: 2024, Questionnaire: doc.Key, Version: 1,
		OpensAt: seeded.Add(-time.Hour), ClosesAt: seeded.Add(24 * time.Hour), Administrations: []string{"AA", "BB"},
		MinCellSize: 1}); err != nil {
		t.Fatal(err)
	}
	f.move(t, survey.StatusDraft, survey.StatusOpen)
	f.answer(t, "AA", `{"aware": "yes", "rating": "high"}`)
	f.answer(t, "BB", `{"aware": "no", "rating": "low"}`)
	f.move(t, survey.StatusOpen, survey.StatusClosed)
	f.reports = scores.New(f.st, func() time.Time {
		f.clock = f.clock.Add(time.Second)
		return f.clock
	})
	f.runs = scores.NewRuns(f.reports, f.st)
	return f
}

func (f *runsFixture) move(t *testing.T, from, to string) {
	t.Helper()
	if _, err := f.st.SetCampaignStatus(t.Context(), "c2024", from, to); err != nil {
		t.Fatal(err)
	}
}

// answer imports one response of an administration.
func (f *runsFixture) answer(t *testing.T, administration, raw string) {
	t.Helper()
	f.answers++
	respondent := string(rune('a' + f.answers))
	kept, rows := prepare(t, f.doc, raw)
	if err := f.st.ImportResponses(t.Context(), "c2024", []survey.PreparedImport{{Administration: administration,
		Respondent: respondent, Account: campaigns.ImportedAccount(administration, respondent), Answers: kept, Rows: rows}}); err != nil {
		t.Fatal(err)
	}
}

// freeze freezes c2024 in lang and returns the run with its renderings.
func (f *runsFixture) freeze(t *testing.T, lang string) scores.Run {
	t.Helper()
	info, err := f.runs.Freeze(t.Context(), freezer, "c2024", lang)
	if err != nil {
		t.Fatal(err)
	}
	run, err := f.runs.Get(t.Context(), freezer, "c2024", info.ID)
	if err != nil {
		t.Fatal(err)
	}
	if run.ScoreRunInfo != info {
		t.Errorf("Get %+v, Freeze %+v", run.ScoreRunInfo, info)
	}
	return run
}

func TestFreezeRun(t *testing.T) {
	f := newRunsFixture(t)
	run := f.freeze(t, "en")
	// The run is the report computed at freeze time, in every format.
	report, err := f.reports.Report(t.Context(), freezer, "c2024", "en")
	if err != nil {
		t.Fatal(err)
	}
	report.ComputedAt = run.FrozenAt
	for _, format := range exports.Formats {
		if format == exports.XLSX {
			continue // a workbook is a zip file; its bytes are checked below
		}
		var want bytes.Buffer
		if err := exports.WriteScores(&want, format, report); err != nil {
			t.Fatal(err)
		}
		if got := scores.RunFile(run, format); !bytes.Equal(got, want.Bytes()) {
			t.Errorf("%s:\n%s\nwant\n%s", format, got, want.Bytes())
		}
	}
	if !bytes.HasPrefix(run.XLSX, []byte("PK\x03\x04")) {
		t.Errorf("XLSX is not a workbook: %.20q", run.XLSX)
	}
	sum := sha256.Sum256(run.JSON)
	if run.ID == "" || run.Campaign != "c2024" || run.FrozenBy != freezer.UserID || run.Lang != "en" ||
		run.SHA256 != hex.EncodeToString(sum[:]) || run.FrozenAt.Location() != time.UTC ||
		!run.FrozenAt.Equal(seeded.Add(time.Second)) {
		t.Errorf("run %+v", run.ScoreRunInfo)
	}
	// Freezing again makes another run, listed first.
	again := f.freeze(t, "")
	list, err := f.runs.List(t.Context(), freezer, "c2024")
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || list[0] != again.ScoreRunInfo || list[1] != run.ScoreRunInfo || again.ID == run.ID {
		t.Errorf("runs %+v, want %s then %s", list, again.ID, run.ID)
	}
	// The latest run, with its JSON: the CSV and XLSX are not read.
	if latest, err := f.runs.LatestRun(t.Context(), freezer, "c2024"); err != nil || latest == nil ||
		latest.ScoreRunInfo != again.ScoreRunInfo || !bytes.Equal(latest.JSON, again.JSON) || latest.CSV != nil || latest.XLSX != nil {
		t.Errorf("LatestRun = %s, %v; want run %s with its JSON only", runID(latest), err, again.ID)
	}
}

func TestFreezeRefused(t *testing.T) {
	for _, c := range []struct {
		name  string
		by    auth.Principal
		key   string
		lang  string
		setup func(t *testing.T, f *runsFixture)
		want  error
	}{
		{name: "a coordinator", by: auth.Principal{UserID: "c", Role: auth.RoleCoordinator, Administration: "AA"},
			key: "c2024", want: survey.ErrForbidden},
		{name: "a respondent", by: auth.Principal{UserID: "r", Role: auth.RoleRespondent, Administration: "AA"},
			key: "c2024", want: survey.ErrForbidden},
		{name: "an unknown campaign", by: freezer, key: "c2099", want: survey.ErrNotFound},
		{name: "an open campaign", by: freezer, key: "c2024", want: survey.ErrConflict,
			setup: func(t *testing.T, f *runsFixture) { f.move(t, survey.StatusClosed, survey.StatusOpen) }},
		{name: "not a language", by: freezer, key: "c2024", lang: "french", want: &survey.ValidationError{}},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := newRunsFixture(t)
			if c.setup != nil {
				c.setup(t, f)
			}
			_, err := f.runs.Freeze(t.Context(), c.by, c.key, c.lang)
			checkRunError(t, err, c.want)
			if list, _ := f.runs.List(t.Context(), freezer, "c2024"); len(list) != 0 {
				t.Errorf("a refused freeze kept %+v", list)
			}
		})
	}
}

// checkRunError checks err against want: a sentinel, or a
// *survey.ValidationError naming lang with invalid_language.
func checkRunError(t *testing.T, err, want error) {
	t.Helper()
	var invalid *survey.ValidationError
	if errors.As(want, &invalid) {
		if !errors.As(err, &invalid) || len(invalid.Errors) != 1 || invalid.Errors[0].Field != "lang" ||
			invalid.Errors[0].Code != survey.CodeInvalidLanguage {
			t.Errorf("error %v, want lang: invalid_language", err)
		}
		return
	}
	if !errors.Is(err, want) {
		t.Errorf("error %v, want %v", err, want)
	}
}

// reopening reopens (and with close, closes again) the campaign of a
// run just before the store writes it, as a concurrent request would.
type reopening struct {
	*memstore.Store
	close bool
}

func (r reopening) CreateScoreRun(ctx context.Context, run scores.Run, decide func(survey.Campaign) error) error {
	if _, err := r.SetCampaignStatus(ctx, run.Campaign, survey.StatusClosed, survey.StatusOpen); err != nil {
		return err
	}
	if r.close {
		if _, err := r.SetCampaignStatus(ctx, run.Campaign, survey.StatusOpen, survey.StatusClosed); err != nil {
			return err
		}
	}
	return r.Store.CreateScoreRun(ctx, run, decide)
}

// TestFreezeRace: the campaign reopened while its report was computed is
// not frozen, even when it is closed again by the time the run is
// written: the figures computed may no longer be its figures.
func TestFreezeRace(t *testing.T) {
	for _, closeAgain := range []bool{false, true} {
		f := newRunsFixture(t)
		f.stClock = seeded.Add(time.Hour)
		runs := scores.NewRuns(f.reports, reopening{Store: f.st, close: closeAgain})
		if _, err := runs.Freeze(t.Context(), freezer, "c2024", ""); !errors.Is(err, survey.ErrConflict) {
			t.Errorf("closed again %v: %v, want a conflict", closeAgain, err)
		}
		if list, _ := f.runs.List(t.Context(), freezer, "c2024"); len(list) != 0 {
			t.Errorf("closed again %v: kept %+v", closeAgain, list)
		}
	}
}

// runID names a run for a message, without its renderings.
func runID(r *scores.Run) string {
	if r == nil {
		return "no run"
	}
	return "run " + r.ID
}

// tampered gives back runs whose JSON lost its last byte.
type tampered struct{ *memstore.Store }

func (t tampered) ScoreRun(ctx context.Context, campaign, id string) (scores.Run, error) {
	run, err := t.Store.ScoreRun(ctx, campaign, id)
	run.JSON = run.JSON[:len(run.JSON)-1]
	return run, err
}

func (t tampered) LatestScoreRun(ctx context.Context, campaign string) (*scores.Run, error) {
	run, err := t.Store.LatestScoreRun(ctx, campaign)
	if run != nil {
		run.JSON = run.JSON[:len(run.JSON)-1]
	}
	return run, err
}

func TestGetRun(t *testing.T) {
	f := newRunsFixture(t)
	run := f.freeze(t, "")
	coordinator := auth.Principal{UserID: "c", Role: auth.RoleCoordinator, Administration: "AA"}
	for _, c := range []struct {
		name    string
		by      auth.Principal
		key, id string
		want    error
	}{
		{"a coordinator", coordinator, "c2024", run.ID, survey.ErrForbidden},
		{"an unknown campaign", freezer, "c2099", run.ID, survey.ErrNotFound},
		{"an unknown run", freezer, "c2024", run.ID + "0", survey.ErrNotFound},
	} {
		_, err := f.runs.Get(t.Context(), c.by, c.key, c.id)
		if !errors.Is(err, c.want) {
			t.Errorf("%s: %v, want %v", c.name, err, c.want)
		}
		if c.id != run.ID {
			continue // the list and the latest run name no run
		}
		if _, err := f.runs.List(t.Context(), c.by, c.key); !errors.Is(err, c.want) {
			t.Errorf("%s: list: %v, want %v", c.name, err, c.want)
		}
		if latest, err := f.runs.LatestRun(t.Context(), c.by, c.key); !errors.Is(err, c.want) || latest != nil {
			t.Errorf("%s: latest run: %s, %v, want %v", c.name, runID(latest), err, c.want)
		}
	}
	// A run whose bytes changed since it was frozen is never served.
	broken := scores.NewRuns(f.reports, tampered{f.st})
	if _, err := broken.Get(t.Context(), freezer, "c2024", run.ID); err == nil || survey.IsDomainError(err) {
		t.Errorf("a tampered run: %v, want an error of the service", err)
	}
	if latest, err := broken.LatestRun(t.Context(), freezer, "c2024"); err == nil || latest != nil {
		t.Errorf("a tampered latest run: %s, %v", runID(latest), err)
	}
}

func TestSameFigures(t *testing.T) {
	const doc = `{"campaign":"c","computed_at":"2024-01-01T00:00:00Z","final":true,"last_closed_at":null,` +
		`"reopened_at":null,"indicators":[{"code":"A","value":67.31,"n":3}]}`
	for _, c := range []struct {
		name string
		b    string
		want bool
		err  bool
	}{
		{name: "the same bytes", b: doc, want: true},
		{name: "another time and state", want: true, b: `{"campaign":"c","computed_at":"2025-05-05T00:00:00Z",` +
			`"final":false,"last_closed_at":"2024-01-01T00:00:00Z","reopened_at":"2024-02-01T00:00:00Z",` +
			`"frozen":{"id":"x"},"indicators":[{"code":"A","value":67.31,"n":3}]}`},
		{name: "members reordered and spaced", want: true,
			b: `{ "indicators": [ {"n": 3, "value": 67.31, "code": "A"} ], "campaign": "c" }`},
		{name: "another value", b: `{"campaign":"c","indicators":[{"code":"A","value":67.3,"n":3}]}`},
		{name: "the same value written otherwise", b: `{"campaign":"c","indicators":[{"code":"A","value":67.310,"n":3}]}`},
		{name: "another count", b: `{"campaign":"c","indicators":[{"code":"A","value":67.31,"n":4}]}`},
		{name: "a member more", b: `{"campaign":"c","indicators":[{"code":"A","value":67.31,"n":3,"not_applicable":0}]}`},
		{name: "not JSON", b: `{"campaign":`, err: true},
	} {
		got, err := scores.SameFigures([]byte(doc), []byte(c.b))
		if (err != nil) != c.err || got != c.want {
			t.Errorf("%s: %v, %v; want %v (error %v)", c.name, got, err, c.want, c.err)
		}
	}
}
