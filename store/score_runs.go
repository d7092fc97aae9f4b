package store

import (
	"context"
	"errors"
	"slices"
	"time"

	"gorm.io/gorm"

	"github.com/customs-survey/surveyd/survey"
)

// scoreRunRow is a row of score_runs: a frozen scores report. The table's
// triggers refuse any update or deletion.
type scoreRunRow struct {
	Seq        int64 `gorm:"column:seq;primaryKey;autoIncrement"`
	ID         string
	CampaignID int64
	FrozenAt   time.Time
	FrozenBy   string
	Lang       string
	SHA256     string `gorm:"column:sha256"`
	JSON       []byte `gorm:"column:json"`
	CSV        []byte `gorm:"column:csv"`
	XLSX       []byte `gorm:"column:xlsx"`
}

func (scoreRunRow) TableName() string { return "score_runs" }

// runInfoColumns are the columns of a run without its renderings.
var runInfoColumns = []string{"seq", "id", "campaign_id", "frozen_at", "frozen_by", "lang", "sha256"}

func toRunInfo(r scoreRunRow, campaign string) survey.ScoreRunInfo {
	return survey.ScoreRunInfo{ID: r.ID, Campaign: campaign, FrozenAt: r.FrozenAt.UTC(), FrozenBy: r.FrozenBy,
		Lang: r.Lang, SHA256: r.SHA256}
}

// CreateScoreRun adds a run to the runs of the campaign run.Campaign if
// decide, given the campaign as it is, allows it. The campaign's row is
// locked until the run is written (PostgreSQL; SQLite's transaction holds
// the database's write lock), so that no reopening slips between decide
// and the write. FrozenAt is kept to the microsecond, as PostgreSQL keeps
// times.
// Errors: ErrNotFound, ErrConflict (the id is taken), and those of decide.
func (s *Store) CreateScoreRun(ctx context.Context, run survey.ScoreRun, decide func(survey.Campaign) error) error {
	err := s.transaction(ctx, func(tx *gorm.DB) error {
		row, err := s.campaignRow(tx, survey.Everything, run.Campaign)
		if err != nil {
			return err
		}
		if err := s.forUpdate(tx).Where("id = ?", row.ID).Take(&row).Error; err != nil {
			return err
		}
		c, err := s.toCampaign(tx, row)
		if err != nil {
			return err
		}
		if err := decide(c); err != nil {
			return err
		}
		return tx.Create(&scoreRunRow{ID: run.ID, CampaignID: row.ID, FrozenAt: run.FrozenAt.UTC().Truncate(time.Microsecond), FrozenBy: run.FrozenBy,
			Lang: run.Lang, SHA256: run.SHA256, JSON: run.JSON, CSV: run.CSV, XLSX: run.XLSX}).Error
	})
	return s.translate(ctx, "freeze scores", err)
}

// ScoreRuns lists a campaign's runs, the latest first, without their
// renderings.
// Errors: ErrNotFound (no such campaign).
func (s *Store) ScoreRuns(ctx context.Context, campaign string) ([]survey.ScoreRunInfo, error) {
	db := s.db.WithContext(ctx)
	row, err := s.campaignRow(db, survey.Everything, campaign)
	if err != nil {
		return nil, s.translate(ctx, "score runs", err)
	}
	var rows []scoreRunRow
	if err := db.Select(runInfoColumns).Where("campaign_id = ?", row.ID).Order("seq DESC").Find(&rows).Error; err != nil {
		return nil, s.translate(ctx, "score runs", err)
	}
	out := make([]survey.ScoreRunInfo, len(rows))
	for i, r := range rows {
		out[i] = toRunInfo(r, row.Key)
	}
	return out, nil
}

// LatestScoreRun returns a campaign's latest run with its JSON but not
// its CSV and XLSX, nil when it has none: what the live scores are
// compared with, without reading the renderings they never look at.
// Errors: ErrNotFound (no such campaign).
func (s *Store) LatestScoreRun(ctx context.Context, campaign string) (*survey.ScoreRun, error) {
	db := s.db.WithContext(ctx)
	row, err := s.campaignRow(db, survey.Everything, campaign)
	if err != nil {
		return nil, s.translate(ctx, "latest score run", err)
	}
	var rows []scoreRunRow
	columns := append(slices.Clip(runInfoColumns), "json")
	if err := db.Select(columns).Where("campaign_id = ?", row.ID).Order("seq DESC").Limit(1).Find(&rows).Error; err != nil {
		return nil, s.translate(ctx, "latest score run", err)
	}
	if len(rows) == 0 {
		return nil, nil
	}
	return &survey.ScoreRun{ScoreRunInfo: toRunInfo(rows[0], row.Key), JSON: rows[0].JSON}, nil
}

// ScoreRun returns one run of a campaign with its renderings.
// Errors: ErrNotFound (no such campaign, or no such run of it).
func (s *Store) ScoreRun(ctx context.Context, campaign, id string) (survey.ScoreRun, error) {
	db := s.db.WithContext(ctx)
	row, err := s.campaignRow(db, survey.Everything, campaign)
	if err != nil {
		return survey.ScoreRun{}, s.translate(ctx, "score run", err)
	}
	var r scoreRunRow
	err = db.Where("campaign_id = ? AND id = ?", row.ID, id).Take(&r).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return survey.ScoreRun{}, survey.Errorf(survey.ErrNotFound, "no run %s of campaign %s", id, campaign)
	}
	if err != nil {
		return survey.ScoreRun{}, s.translate(ctx, "score run", err)
	}
	return survey.ScoreRun{ScoreRunInfo: toRunInfo(r, row.Key), JSON: r.JSON, CSV: r.CSV, XLSX: r.XLSX}, nil
}
