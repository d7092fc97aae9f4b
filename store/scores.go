package store

import (
	"context"
	"database/sql"
	"fmt"

	"gorm.io/gorm"

	"github.com/customs-survey/surveyd/migrations"
	"github.com/customs-survey/surveyd/survey"
	"github.com/customs-survey/surveyd/tally"
)

// Tallies reads what scoring needs of a campaign that sc sees and, if it
// names one, of its previous campaign: the campaign, its questionnaire document, who
// answered, and the tally of every indicator, from the cells that every
// submission keeps up to date (score_cells, cells.go): a few rows per
// indicator, administration and shard, however many responses there are.
// A campaign whose cells are not built yet (answers stored before the
// cells existed) gets them built from its answers first, once
// (RebuildCells).
// Errors: ErrNotFound.
func (s *Store) Tallies(ctx context.Context, sc survey.Scope, key string) (survey.CampaignTally, *survey.CampaignTally, error) {
	for attempt := 0; ; attempt++ {
		current, previous, err := s.readTallies(ctx, sc, key)
		id, notBuilt := isNotBuilt(err)
		if !notBuilt || attempt == 2 {
			return current, previous, s.translate(ctx, "scores", err)
		}
		if err := s.buildCellsOf(ctx, id); err != nil {
			return survey.CampaignTally{}, nil, s.translate(ctx, "scores: build the score cells", err)
		}
	}
}

// readTallies is Tallies once the cells are built; it fails with
// errCellsNotBuilt when a campaign's are not.
func (s *Store) readTallies(ctx context.Context, sc survey.Scope, key string) (survey.CampaignTally, *survey.CampaignTally, error) {
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
	return current, previous, err
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
	built, err := cellsBuilt(db, row)
	if err != nil {
		return t, err
	}
	if !built {
		return t, errCellsNotBuilt{row.ID}
	}
	cells, err := readMergedCells(db, row.ID)
	if err != nil {
		return t, err
	}
	// The invited administrations with their submitted responses, and
	// every submitted response (those of administrations no longer
	// invited still count).
	var invited []string
	if err := db.Model(&campaignAdministrationRow{}).Where("campaign_id = ?", row.ID).
		Order("administration_code").Pluck("administration_code", &invited).Error; err != nil {
		return t, err
	}
	for _, code := range invited {
		t.Invited = append(t.Invited, survey.AdministrationCount{Administration: code,
			Responses: cells[tally.Key{Indicator: coverageIndicator, Part: coveragePart, Administration: code}].N})
	}
	for k, c := range cells {
		if k.Indicator == coverageIndicator {
			t.Responses += c.N
		}
	}
	t.Tallies = tally.Assemble(t.Document, cells)
	return t, nil
}
