// Package reports gathers the annual report: every opened campaign of one
// reporting year (campaigns.year), each with its scores document, live or
// as last frozen in its questionnaire's default language, whether its
// figures now still are those of that run, and the questionnaire it was
// computed from, with the indicators of all of them in the report's order
// (Order). Package exports writes it as the Annex table (CSV), a workbook
// and JSON.
package reports

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/customs-survey/surveyd/auth"
	"github.com/customs-survey/surveyd/exports"
	"github.com/customs-survey/surveyd/scores"
	"github.com/customs-survey/surveyd/scoring"
	"github.com/customs-survey/surveyd/survey"
)

// Store is what the annual report reads of the campaigns. Package store
// implements it and internal/memstore fakes it. Every method may also
// return an error of the store (unavailable database, ...).
type Store interface {
	// Campaigns lists the campaigns sc sees, latest year first, then by key.
	Campaigns(ctx context.Context, sc survey.Scope) ([]survey.Campaign, error)
	// CampaignQuestionnaire returns the questionnaire version of a
	// campaign that sc sees. Errors: ErrNotFound.
	CampaignQuestionnaire(ctx context.Context, sc survey.Scope, key string) (survey.Questionnaire, error)
}

// Scores is what the annual report asks of package scores: the figures of
// one campaign, as they were frozen or as computed now.
type Scores interface {
	// LatestFrozenRun returns the latest run of a campaign frozen in the
	// language lang, its questionnaire's default: a run frozen without a
	// language, or in lang. Runs frozen in other languages are not
	// returned. Nil when there is none. Errors: ErrForbidden, ErrNotFound.
	LatestFrozenRun(ctx context.Context, by auth.Principal, key, lang string) (*FrozenRun, error)
	// Report computes a campaign's scores from its responses, in lang
	// ("": the questionnaire's default language). Errors: ErrForbidden,
	// ErrNotFound.
	Report(ctx context.Context, by auth.Principal, key, lang string) (scoring.Report, error)
}

// FrozenRun is a campaign's scores as they were frozen: the JSON of
// exports.ScoresDocument, byte for byte as stored, in the language it was
// frozen in ("": the questionnaire's default).
type FrozenRun struct {
	ID       string
	FrozenAt time.Time
	Lang     string
	SHA256   string // of Document
	Document []byte
}

// Live is the scores service as Scores, with the campaigns' frozen runs
// from runs: a campaign with a run in its default language is reported as
// it was last frozen, the others as computed now.
func Live(s *scores.Service, runs *scores.Runs) Scores { return live{s, runs} }

type live struct {
	*scores.Service
	runs *scores.Runs
}

// LatestFrozenRun returns the campaign's latest run frozen without a
// language or in lang, its JSON checked against its SHA-256 as
// scores.Runs.Get does; nil when it has none.
func (l live) LatestFrozenRun(ctx context.Context, by auth.Principal, key, lang string) (*FrozenRun, error) {
	infos, err := l.runs.List(ctx, by, key)
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(infos, func(r scores.RunInfo) bool { return inDefaultLanguage(r.Lang, lang) })
	if i < 0 {
		return nil, nil
	}
	run, err := l.runs.Get(ctx, by, key, infos[i].ID)
	if err != nil {
		return nil, err
	}
	return &FrozenRun{ID: run.ID, FrozenAt: run.FrozenAt, Lang: run.Lang, SHA256: run.SHA256, Document: run.JSON}, nil
}

// inDefaultLanguage reports whether a run frozen in the language runLang
// is in the default language of its questionnaire: frozen without a
// language (""), or in that language.
func inDefaultLanguage(runLang, defaultLang string) bool {
	return runLang == "" || runLang == defaultLang
}

// Service gathers annual reports.
type Service struct {
	store  Store
	scores Scores
}

// New returns the service over st, with the figures of sc.
func New(st Store, sc Scores) *Service { return &Service{store: st, scores: sc} }

// Annual gathers every campaign of a reporting year that has been opened
// (a draft campaign, never opened, has no responses and adds no rows; an
// open one is kept, its figures not final): its figures are its latest
// run frozen in its questionnaire's default language when one exists,
// else computed now; the Annex lists every indicator of every campaign, in
// the report's order (Order). Like the scores, the programme's figures
// over every administration are for admins only.
// Errors: ErrForbidden, ErrNotFound (no campaign of that year, or drafts
// only).
func (s *Service) Annual(ctx context.Context, by auth.Principal, year int) (exports.AnnualReport, error) {
	if by.Role != auth.RoleAdmin {
		return exports.AnnualReport{}, survey.Errorf(survey.ErrForbidden, "only admins read the annual report")
	}
	sc := survey.ScopeOf(by)
	all, err := s.store.Campaigns(ctx, sc)
	if err != nil {
		return exports.AnnualReport{}, err
	}
	report := exports.AnnualReport{Year: year}
	for _, c := range all {
		if c.Year != year || c.Status == survey.StatusDraft {
			continue
		}
		gathered, err := s.campaign(ctx, by, sc, c)
		if err != nil {
			return exports.AnnualReport{}, fmt.Errorf("campaign %s: %w", c.Key, err)
		}
		report.Campaigns = append(report.Campaigns, gathered)
	}
	if len(report.Campaigns) == 0 {
		return exports.AnnualReport{}, survey.Errorf(survey.ErrNotFound, "no campaign of the year %d has been opened", year)
	}
	slices.SortFunc(report.Campaigns, func(a, b exports.AnnualCampaign) int { return compareText(a.Key, b.Key) })
	report.Order = Order(report.Campaigns)
	return report, nil
}

// campaign gathers one campaign: its questionnaire, its state now and its
// figures. A campaign with a frozen run is also computed now, to say
// whether its figures still are the run's.
func (s *Service) campaign(ctx context.Context, by auth.Principal, sc survey.Scope, c survey.Campaign) (exports.AnnualCampaign, error) {
	qn, err := s.store.CampaignQuestionnaire(ctx, sc, c.Key)
	if err != nil {
		return exports.AnnualCampaign{}, err
	}
	lang := qn.Document.DefaultLanguage
	out := exports.AnnualCampaign{Key: c.Key, Title: c.Title, MinCellSize: c.MinCellSize, Questionnaire: qn.Document,
		Status: c.Status, ReopenedAt: c.ReopenedAt}
	if out.Title == "" {
		out.Title = qn.Document.Title.Resolve(lang, lang)
	}
	run, err := s.scores.LatestFrozenRun(ctx, by, c.Key, lang)
	if err != nil {
		return exports.AnnualCampaign{}, err
	}
	var runLang string
	if run != nil {
		runLang = run.Lang
	}
	live, err := s.scores.Report(ctx, by, c.Key, runLang)
	if err != nil {
		return exports.AnnualCampaign{}, err
	}
	now := exports.NewScoresDocument(live)
	if run == nil {
		out.Scores = now
		return out, nil
	}
	if err := json.Unmarshal(run.Document, &out.Scores); err != nil {
		return exports.AnnualCampaign{}, fmt.Errorf("frozen run %s: %w", run.ID, err)
	}
	body, err := json.Marshal(now)
	if err != nil {
		return exports.AnnualCampaign{}, err
	}
	same, err := scores.SameFigures(run.Document, body)
	if err != nil {
		return exports.AnnualCampaign{}, fmt.Errorf("compare with frozen run %s: %w", run.ID, err)
	}
	out.Run = &exports.AnnualRun{ID: run.ID, FrozenAt: run.FrozenAt, SHA256: run.SHA256, LiveFiguresMatch: same}
	return out, nil
}
