package store

import (
	"context"
	"database/sql"
	"fmt"

	"gorm.io/gorm"

	"github.com/customs-survey/surveyd/migrations"
	"github.com/customs-survey/surveyd/survey"
)

// Tallies reads what scoring needs of a campaign that sc sees and, if it
// names one, of its previous campaign: the campaign, its questionnaire document, who
// answered, and the aggregate of every indicator (aggregate.go). The
// database aggregates the submitted answers into a few rows per indicator
// and administration; no answer is loaded into memory.
// Errors: ErrNotFound.
func (s *Store) Tallies(ctx context.Context, sc survey.Scope, key string) (survey.CampaignTally, *survey.CampaignTally, error) {
	// One read-only transaction, so that the coverage, the indicators and
	// the previous campaign all see the same submissions even while
	// respondents keep submitting (a snapshot: REPEATABLE READ on
	// PostgreSQL, a deferred read transaction on SQLite in WAL mode).
	opts := &sql.TxOptions{ReadOnly: true}
	if s.dialect == migrations.Postgres {
		opts.Isolation = sql.LevelRepeatableRead
	}
	var current survey.CampaignTally
	var previous *survey.CampaignTally
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		row, err := s.campaignRow(tx, sc, key)
		if err != nil {
			return err
		}
		if current, err = s.tally(tx, row); err != nil {
			return err
		}
		if row.PreviousCampaignID == nil {
			return nil
		}
		var prev campaignRow
		if err := tx.Where("id = ?", *row.PreviousCampaignID).Take(&prev).Error; err != nil {
			return err
		}
		t, err := s.tally(tx, prev)
		if err != nil {
			return fmt.Errorf("previous campaign %s: %w", prev.Key, err)
		}
		previous = &t
		return nil
	}, opts)
	return current, previous, s.translate(ctx, "scores", err)
}

// tally reads one campaign's part of Tallies.
func (s *Store) tally(db *gorm.DB, row campaignRow) (survey.CampaignTally, error) {
	var t survey.CampaignTally
	var err error
	if t.Campaign, err = s.toCampaign(db, row); err != nil {
		return t, err
	}
	q, err := s.questionnaireOf(db, row)
	if err != nil {
		return t, err
	}
	t.Document = q.Document
	// The invited administrations with their submitted responses, and
	// every submitted response (those of administrations no longer
	// invited still count).
	if err := db.Raw(`
SELECT ca.administration_code AS administration,
  (SELECT COUNT(*) FROM responses r WHERE r.campaign_id = ca.campaign_id
     AND r.administration_code = ca.administration_code AND r.current_submission_id IS NOT NULL) AS responses
FROM campaign_administrations ca WHERE ca.campaign_id = ? ORDER BY ca.administration_code`, row.ID).Scan(&t.Invited).Error; err != nil {
		return t, err
	}
	var n int64
	if err := db.Model(&responseRow{}).Where("campaign_id = ? AND current_submission_id IS NOT NULL", row.ID).Count(&n).Error; err != nil {
		return t, err
	}
	t.Responses = int(n)
	t.Tallies, err = aggregate(db, row.ID, t.Document)
	return t, err
}
