package memstore

import (
	"bytes"
	"context"
	"fmt"
	"time"

	"github.com/customs-survey/surveyd/survey"
)

// scoreRun is a row of the score_runs table: a frozen scores report of a
// campaign. Rows are only ever added, as the table's triggers see to.
type scoreRun struct {
	survey.ScoreRun
	Campaign *campaign
}

// CreateScoreRun adds a run to the runs of the campaign run.Campaign if
// decide, given the campaign as it is, allows it, all under the store's
// lock.
// Errors: ErrNotFound, ErrConflict (the id is taken), and those of decide.
func (s *Store) CreateScoreRun(ctx context.Context, run survey.ScoreRun, decide func(survey.Campaign) error) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("freeze scores: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.scopedCampaign(survey.Everything, run.Campaign)
	if err != nil {
		return err
	}
	if err := decide(c.copy()); err != nil {
		return err
	}
	// The table's checks: every column is NOT NULL and sha256 has 64
	// characters; the store passes a violated check on as a plain error.
	if len(run.SHA256) != 64 || run.JSON == nil || run.CSV == nil || run.XLSX == nil {
		return fmt.Errorf("freeze scores: run %s violates a check of the score_runs table", run.ID)
	}
	for _, r := range s.scoreRuns {
		if r.ID == run.ID {
			return survey.Errorf(survey.ErrConflict, "freeze scores: run %s exists", run.ID)
		}
	}
	kept := survey.ScoreRun{ScoreRunInfo: run.ScoreRunInfo, JSON: bytes.Clone(run.JSON), CSV: bytes.Clone(run.CSV), XLSX: bytes.Clone(run.XLSX)}
	kept.Campaign, kept.FrozenAt = c.Key, run.FrozenAt.UTC().Truncate(time.Microsecond)
	s.scoreRuns = append(s.scoreRuns, &scoreRun{ScoreRun: kept, Campaign: c})
	return nil
}

// ScoreRuns lists a campaign's runs, the latest first, without their
// renderings.
// Errors: ErrNotFound (no such campaign).
func (s *Store) ScoreRuns(ctx context.Context, campaign string) ([]survey.ScoreRunInfo, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("score runs: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.scopedCampaign(survey.Everything, campaign)
	if err != nil {
		return nil, err
	}
	out := []survey.ScoreRunInfo{}
	for i := len(s.scoreRuns) - 1; i >= 0; i-- {
		if r := s.scoreRuns[i]; r.Campaign == c {
			out = append(out, r.ScoreRunInfo)
		}
	}
	return out, nil
}

// LatestScoreRun returns a campaign's latest run with its JSON but not
// its CSV and XLSX, nil when it has none.
// Errors: ErrNotFound (no such campaign).
func (s *Store) LatestScoreRun(ctx context.Context, campaign string) (*survey.ScoreRun, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("latest score run: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.scopedCampaign(survey.Everything, campaign)
	if err != nil {
		return nil, err
	}
	for i := len(s.scoreRuns) - 1; i >= 0; i-- {
		if r := s.scoreRuns[i]; r.Campaign == c {
			return &survey.ScoreRun{ScoreRunInfo: r.ScoreRunInfo, JSON: bytes.Clone(r.JSON)}, nil
		}
	}
	return nil, nil
}

// ScoreRun returns one run of a campaign with its renderings.
// Errors: ErrNotFound (no such campaign, or no such run of it).
func (s *Store) ScoreRun(ctx context.Context, campaign, id string) (survey.ScoreRun, error) {
	if err := ctx.Err(); err != nil {
		return survey.ScoreRun{}, fmt.Errorf("score run: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.scopedCampaign(survey.Everything, campaign)
	if err != nil {
		return survey.ScoreRun{}, err
	}
	for _, r := range s.scoreRuns {
		if r.Campaign == c && r.ID == id {
			return survey.ScoreRun{ScoreRunInfo: r.ScoreRunInfo, JSON: bytes.Clone(r.JSON), CSV: bytes.Clone(r.CSV), XLSX: bytes.Clone(r.XLSX)}, nil
		}
	}
	return survey.ScoreRun{}, survey.Errorf(survey.ErrNotFound, "no run %s of campaign %s", id, campaign)
}
