package scores

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/customs-survey/surveyd/auth"
	"github.com/customs-survey/surveyd/exports"
	"github.com/customs-survey/surveyd/scoring"
	"github.com/customs-survey/surveyd/survey"
)

// RunInfo describes a frozen scores run (survey.ScoreRunInfo).
type RunInfo = survey.ScoreRunInfo

// Run is a frozen run with its renderings (survey.ScoreRun).
type Run = survey.ScoreRun

// RunFile returns a run's rendering in a format.
func RunFile(r Run, f exports.Format) []byte {
	switch f {
	case exports.CSV:
		return r.CSV
	case exports.XLSX:
		return r.XLSX
	}
	return r.JSON
}

// RunStore keeps the frozen runs. A run is only ever added: nothing
// changes or deletes one. It may also return an error of the store.
type RunStore interface {
	// CreateScoreRun adds run to the runs of the campaign run.Campaign if
	// decide, given that campaign as it is in the same transaction,
	// returns nil.
	// Errors: ErrNotFound (no such campaign), ErrConflict (the id is
	// taken), and those of decide.
	CreateScoreRun(ctx context.Context, run Run, decide func(survey.Campaign) error) error
	// ScoreRuns lists a campaign's runs, the latest first, without their
	// renderings.
	// Errors: ErrNotFound (no such campaign).
	ScoreRuns(ctx context.Context, campaign string) ([]RunInfo, error)
	// ScoreRun returns one run of a campaign with its renderings.
	// Errors: ErrNotFound (no such campaign, or no such run of it).
	ScoreRun(ctx context.Context, campaign, id string) (Run, error)
	// LatestScoreRun returns a campaign's latest run with its JSON but not
	// its CSV and XLSX, nil when it has none.
	// Errors: ErrNotFound (no such campaign).
	LatestScoreRun(ctx context.Context, campaign string) (*Run, error)
}

// Runs freezes the scores reports of a Service into runs and serves them.
type Runs struct {
	reports *Service
	store   RunStore
}

// NewRuns returns the runs of the reports computed by reports, kept in st.
func NewRuns(reports *Service, st RunStore) *Runs { return &Runs{reports: reports, store: st} }

// Freeze computes a closed campaign's complete scores report (Report, in
// lang) and keeps it as a new run, with its JSON, CSV and XLSX renderings
// and the SHA-256 of the JSON. Freezing the same figures again makes
// another run: each run records one act of freezing, by whom and when.
// Errors: ErrForbidden (not an admin), ErrNotFound, ErrConflict (the
// campaign is not closed, or was reopened while its report was computed),
// a *survey.ValidationError (lang is not a language code).
func (r *Runs) Freeze(ctx context.Context, by auth.Principal, key, lang string) (RunInfo, error) {
	if by.Role != auth.RoleAdmin {
		return RunInfo{}, survey.Errorf(survey.ErrForbidden, "only admins freeze the scores")
	}
	if lang != "" && !survey.IsLanguage(lang) {
		return RunInfo{}, survey.Invalid("lang", survey.CodeInvalidLanguage, "must be an ISO 639-1 two-letter language code")
	}
	report, err := r.reports.Report(ctx, by, key, lang)
	if err != nil {
		return RunInfo{}, err
	}
	if report.Status != survey.StatusClosed {
		return RunInfo{}, notClosed(key, report.Status)
	}
	run := Run{ScoreRunInfo: RunInfo{ID: uuid.NewString(), Campaign: report.Campaign, FrozenAt: report.ComputedAt,
		FrozenBy: by.UserID, Lang: lang}}
	for _, f := range []struct {
		format exports.Format
		into   *[]byte
	}{{exports.JSON, &run.JSON}, {exports.CSV, &run.CSV}, {exports.XLSX, &run.XLSX}} {
		var b bytes.Buffer
		if err := exports.WriteScores(&b, f.format, report); err != nil {
			return RunInfo{}, fmt.Errorf("freeze the scores of %s as %s: %w", key, f.format, err)
		}
		*f.into = b.Bytes()
	}
	run.SHA256 = digest(run.JSON)
	err = r.store.CreateScoreRun(ctx, run, func(c survey.Campaign) error {
		if c.Status != survey.StatusClosed {
			return notClosed(key, c.Status)
		}
		if !sameTime(c.LastClosedAt, report.LastClosedAt) {
			return survey.Errorf(survey.ErrConflict, "campaign %s was reopened while its scores were computed; freeze them again", key)
		}
		return nil
	})
	if err != nil {
		return RunInfo{}, err
	}
	return run.ScoreRunInfo, nil
}

func notClosed(key, status string) error {
	return survey.Errorf(survey.ErrConflict, "campaign %s is %s: only the final scores of a closed campaign are frozen", key, status)
}

// sameTime reports whether two optional times are both absent or equal.
func sameTime(a, b *time.Time) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return a.Equal(*b)
}

// List lists the frozen runs of a campaign, the latest first.
// Errors: ErrForbidden, ErrNotFound.
func (r *Runs) List(ctx context.Context, by auth.Principal, key string) ([]RunInfo, error) {
	if by.Role != auth.RoleAdmin {
		return nil, survey.Errorf(survey.ErrForbidden, "only admins read the scores")
	}
	return r.store.ScoreRuns(ctx, key)
}

// Get returns one frozen run of a campaign with its renderings, after
// checking that its JSON still has the SHA-256 recorded when it was
// frozen: a run whose bytes changed is an error, never served.
// Errors: ErrForbidden, ErrNotFound (also for a run of another campaign).
func (r *Runs) Get(ctx context.Context, by auth.Principal, key, id string) (Run, error) {
	if by.Role != auth.RoleAdmin {
		return Run{}, survey.Errorf(survey.ErrForbidden, "only admins read the scores")
	}
	return r.checked(ctx, key, id)
}

// checked is Get without the role check.
func (r *Runs) checked(ctx context.Context, key, id string) (Run, error) {
	run, err := r.store.ScoreRun(ctx, key, id)
	if err != nil {
		return Run{}, err
	}
	return run, intact(run)
}

// intact is an error when a run's JSON no longer has the SHA-256 it was
// frozen with.
func intact(run Run) error {
	if digest(run.JSON) != run.SHA256 {
		return fmt.Errorf("run %s of campaign %s: its JSON no longer has the SHA-256 it was frozen with", run.ID, run.Campaign)
	}
	return nil
}

// LatestRun returns the latest frozen run of a campaign with its JSON,
// checked as Get checks it, but not its CSV and XLSX, which neither of
// its readers needs; nil when the campaign has none: what the annual
// report cites, and what Frozen compares with.
// Errors: ErrForbidden, ErrNotFound (no such campaign).
func (r *Runs) LatestRun(ctx context.Context, by auth.Principal, campaign string) (*Run, error) {
	if by.Role != auth.RoleAdmin {
		return nil, survey.Errorf(survey.ErrForbidden, "only admins read the scores")
	}
	run, err := r.store.LatestScoreRun(ctx, campaign)
	if err != nil || run == nil {
		return nil, err
	}
	if err := intact(*run); err != nil {
		return nil, err
	}
	return run, nil
}

// Frozen says whether a live report, computed in lang, still has the
// figures of its campaign's latest frozen run: nil when the campaign has
// none. The report is not computed again: when the run was frozen in
// another language, the texts that follow the language (the indicators'
// titles, the breakdown rows' labels) are left out of the comparison, so
// that only figures, never languages, are compared (SameFigures).
// Errors: ErrForbidden, ErrNotFound.
func (r *Runs) Frozen(ctx context.Context, by auth.Principal, lang string, live scoring.Report) (*FrozenState, error) {
	run, err := r.LatestRun(ctx, by, live.Campaign)
	if err != nil || run == nil {
		return nil, err
	}
	var now bytes.Buffer
	if err := exports.WriteScores(&now, exports.JSON, live); err != nil {
		return nil, err
	}
	same, err := sameFigures(run.JSON, now.Bytes(), run.Lang == lang)
	if err != nil {
		return nil, fmt.Errorf("compare with run %s: %w", run.ID, err)
	}
	return &FrozenState{RunInfo: run.ScoreRunInfo, Matches: same}, nil
}

// FrozenState is the latest frozen run of a campaign, and whether the
// figures computed now are still its figures.
type FrozenState struct {
	RunInfo
	Matches bool
}

// Cited is the state as the live renderings of the scores cite it
// (exports.WriteLiveScores); nil when there is no run.
func (s *FrozenState) Cited() *exports.FrozenRun {
	if s == nil {
		return nil
	}
	return &exports.FrozenRun{ID: s.ID, FrozenAt: s.FrozenAt, SHA256: s.SHA256, Matches: s.Matches}
}

// notFigures are the members of a scores document that say when it was
// computed and in which state its campaign was, not what its figures
// are: SameFigures leaves them out.
var notFigures = []string{"computed_at", "final", "last_closed_at", "reopened_at", "frozen"}

// SameFigures reports whether two scores JSON documents have the same
// figures: the same document once the members that only date it
// (computed_at, final, last_closed_at, reopened_at, frozen) are left out,
// whatever the order of members and the spacing. Every other member
// counts, those added to the document later included.
func SameFigures(a, b []byte) (bool, error) { return sameFigures(a, b, true) }

// sameFigures is SameFigures, leaving out the texts that follow the
// language of the document (languageTexts) too unless texts.
func sameFigures(a, b []byte, texts bool) (bool, error) {
	ca, err := figuresOf(a, texts)
	if err != nil {
		return false, err
	}
	cb, err := figuresOf(b, texts)
	if err != nil {
		return false, err
	}
	return bytes.Equal(ca, cb), nil
}

// figuresOf re-encodes a scores document without notFigures (and without
// its languageTexts unless texts), its members in a fixed order and its
// numbers as written.
func figuresOf(doc []byte, texts bool) ([]byte, error) {
	d := json.NewDecoder(bytes.NewReader(doc))
	d.UseNumber()
	var m map[string]any
	if err := d.Decode(&m); err != nil {
		return nil, fmt.Errorf("a scores document: %w", err)
	}
	for _, k := range notFigures {
		delete(m, k)
	}
	if !texts {
		languageTexts(m)
	}
	return json.Marshal(m)
}

// languageTexts deletes from a decoded scores document the texts whose
// language is the one asked for: each indicator's title and each
// breakdown row's label. Every other text is the same in any language.
func languageTexts(doc map[string]any) {
	indicators, _ := doc["indicators"].([]any)
	for _, ind := range indicators {
		ind, _ := ind.(map[string]any)
		delete(ind, "title")
		breakdown, _ := ind["breakdown"].(map[string]any)
		for _, rows := range breakdown {
			rows, _ := rows.([]any)
			for _, row := range rows {
				row, _ := row.(map[string]any)
				delete(row, "label")
			}
		}
	}
}

// digest is the lower-case hex SHA-256 of b.
func digest(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
