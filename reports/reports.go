// Package reports gathers the annual report: every campaign of one
// reporting year (campaigns.year), each with its scores document, live or
// as last frozen, and the questionnaire it was computed from, with the
// indicators of all of them in the report's order (Order). Package exports
// writes it as the Annex table (CSV), a workbook and JSON.
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
	// LatestFrozenRun returns the latest frozen run of a campaign, nil
	// when none was frozen. Errors: ErrForbidden, ErrNotFound.
	LatestFrozenRun(ctx context.Context, by auth.Principal, key string) (*FrozenRun, error)
	// Report computes a campaign's scores from its responses, in the
	// questionnaire's default language (lang ""). Errors: ErrForbidden,
	// ErrNotFound.
	Report(ctx context.Context, by auth.Principal, key, lang string) (scoring.Report, error)
}

// FrozenRun is a campaign's scores as they were frozen: the JSON of
// exports.ScoresDocument, byte for byte as stored.
type FrozenRun struct {
	ID       string
	FrozenAt time.Time
	SHA256   string // of Document
	Document []byte
}

// Live is the scores service as Scores, with the campaigns' frozen runs
// from runs: a campaign with a run is reported as it was last frozen,
// the others as computed now.
func Live(s *scores.Service, runs *scores.Runs) Scores { return live{s, runs} }

type live struct {
	*scores.Service
	runs *scores.Runs
}

// LatestFrozenRun returns the campaign's latest run, nil when it has none.
func (l live) LatestFrozenRun(ctx context.Context, by auth.Principal, key string) (*FrozenRun, error) {
	run, err := l.runs.LatestRun(ctx, by, key)
	if err != nil || run == nil {
		return nil, err
	}
	return &FrozenRun{ID: run.ID, FrozenAt: run.FrozenAt, SHA256: run.SHA256, Document: run.JSON}, nil
}

// Service gathers annual reports.
type Service struct {
	store  Store
	scores Scores
}

// New returns the service over st, with the figures of sc.
func New(st Store, sc Scores) *Service { return &Service{store: st, scores: sc} }

// Annual gathers every campaign of a reporting year, whatever its status:
// its figures are the latest frozen run when one exists, else computed
// now; the Annex lists every indicator of every campaign, in the report's
// order (Order). Like the scores, the programme's figures over every
// administration are for admins only.
// Errors: ErrForbidden, ErrNotFound (no campaign of that year).
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
		if c.Year != year {
			continue
		}
		gathered, err := s.campaign(ctx, by, sc, c)
		if err != nil {
			return exports.AnnualReport{}, fmt.Errorf("campaign %s: %w", c.Key, err)
		}
		report.Campaigns = append(report.Campaigns, gathered)
	}
	if len(report.Campaigns) == 0 {
		return exports.AnnualReport{}, survey.Errorf(survey.ErrNotFound, "no campaign has the year %d", year)
	}
	slices.SortFunc(report.Campaigns, func(a, b exports.AnnualCampaign) int { return compareText(a.Key, b.Key) })
	report.Order = Order(report.Campaigns)
	return report, nil
}

// campaign gathers one campaign: its questionnaire and its figures.
func (s *Service) campaign(ctx context.Context, by auth.Principal, sc survey.Scope, c survey.Campaign) (exports.AnnualCampaign, error) {
	qn, err := s.store.CampaignQuestionnaire(ctx, sc, c.Key)
	if err != nil {
		return exports.AnnualCampaign{}, err
	}
	out := exports.AnnualCampaign{Key: c.Key, Title: c.Title, MinCellSize: c.MinCellSize, Questionnaire: qn.Document}
	if out.Title == "" {
		out.Title = qn.Document.Title.Resolve(qn.Document.DefaultLanguage, qn.Document.DefaultLanguage)
	}
	run, err := s.scores.LatestFrozenRun(ctx, by, c.Key)
	if err != nil {
		return exports.AnnualCampaign{}, err
	}
	if run != nil {
		if err := json.Unmarshal(run.Document, &out.Scores); err != nil {
			return exports.AnnualCampaign{}, fmt.Errorf("frozen run %s: %w", run.ID, err)
		}
		out.Run = &exports.AnnualRun{ID: run.ID, FrozenAt: run.FrozenAt, SHA256: run.SHA256}
		return out, nil
	}
	live, err := s.scores.Report(ctx, by, c.Key, "")
	if err != nil {
		return exports.AnnualCampaign{}, err
	}
	out.Scores = exports.NewScoresDocument(live)
	return out, nil
}
