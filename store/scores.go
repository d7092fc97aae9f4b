package store

import (
	"context"
	"database/sql"
	"fmt"

	"gorm.io/gorm"

	"github.com/customs-survey/surveyd/migrations"
	"github.com/customs-survey/surveyd/scoring"
	"github.com/customs-survey/surveyd/survey"
)

// Scores computes every indicator of a campaign (docs/scoring.md). The database
// aggregates the submitted answers into a few rows per indicator and
// administration; package scoring turns those rows into results. No answer
// is loaded into memory.
// Errors: ErrNotFound.
func (s *Store) Scores(ctx context.Context, key, lang string) (scoring.Report, error) {
	// One read-only transaction, so that the coverage, the indicators and
	// the previous campaign all see the same submissions even while
	// respondents keep submitting (a snapshot: REPEATABLE READ on
	// PostgreSQL, a deferred read transaction on SQLite in WAL mode).
	opts := &sql.TxOptions{ReadOnly: true}
	if s.dialect == migrations.Postgres {
		opts.Isolation = sql.LevelRepeatableRead
	}
	var report scoring.Report
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var err error
		report, err = s.scores(tx, key, lang, true)
		return err
	}, opts)
	return report, s.translate(ctx, "scores", err)
}

func (s *Store) scores(db *gorm.DB, key, lang string, withPrevious bool) (scoring.Report, error) {
	row, err := s.campaignRow(db, everything, key)
	if err != nil {
		return scoring.Report{}, err
	}
	var q questionnaireRow
	if err := db.Where("id = ?", row.QuestionnaireID).Take(&q).Error; err != nil {
		return scoring.Report{}, err
	}
	qn, err := toQuestionnaire(q)
	if err != nil {
		return scoring.Report{}, err
	}
	doc := qn.Document
	if lang == "" {
		lang = doc.DefaultLanguage
	}
	report := scoring.Report{Campaign: key, Year: row.Year, ComputedAt: s.now(), Indicators: []scoring.Result{}}
	if report.Coverage, err = s.coverage(db, row.ID); err != nil {
		return report, err
	}

	var previous map[string]scoring.Result
	var previousKey string
	var previousYear int
	if withPrevious && row.PreviousCampaignID != nil {
		var prev campaignRow
		if err := db.Where("id = ?", *row.PreviousCampaignID).Take(&prev).Error; err != nil {
			return report, err
		}
		prevReport, err := s.scores(db, prev.Key, lang, false)
		if err != nil {
			return report, fmt.Errorf("previous campaign %s: %w", prev.Key, err)
		}
		previousKey, previousYear = prev.Key, prev.Year
		previous = map[string]scoring.Result{}
		for _, r := range prevReport.Indicators {
			previous[r.Code] = r
		}
	}

	inputs, err := aggregate(db, row.ID, doc)
	if err != nil {
		return report, err
	}
	for i, ind := range doc.Indicators {
		in := inputs[i]
		in.Indicator, in.Document, in.Language, in.Year, in.MinCellSize = ind, doc, lang, row.Year, row.MinCellSize
		if p, ok := previous[ind.Code]; ok {
			in.Previous = &scoring.PreviousInput{Campaign: previousKey, Year: previousYear, Value: p.Value}
		}
		report.Indicators = append(report.Indicators, scoring.Compute(in))
	}
	return report, nil
}

func breaksDown(ind survey.Indicator, kind string) bool {
	for _, k := range ind.Breakdown {
		if k == kind {
			return true
		}
	}
	return false
}

// coverage counts the invited administrations, those with at least one
// submitted response, and the submitted responses.
func (s *Store) coverage(db *gorm.DB, campaignID int64) (scoring.Coverage, error) {
	var rows []struct {
		Code      string
		Responses int
	}
	err := db.Raw(`
SELECT ca.administration_code AS code,
  (SELECT COUNT(*) FROM responses r WHERE r.campaign_id = ca.campaign_id
     AND r.administration_code = ca.administration_code AND r.current_submission_id IS NOT NULL) AS responses
FROM campaign_administrations ca WHERE ca.campaign_id = ? ORDER BY ca.administration_code`, campaignID).Scan(&rows).Error
	if err != nil {
		return scoring.Coverage{}, err
	}
	cov := scoring.Coverage{Missing: []string{}}
	for _, r := range rows {
		cov.AdministrationsInvited++
		if r.Responses > 0 {
			cov.AdministrationsResponded++
		} else {
			cov.Missing = append(cov.Missing, r.Code)
		}
	}
	// Responses of administrations no longer invited still count.
	var n int64
	if err := db.Model(&responseRow{}).Where("campaign_id = ? AND current_submission_id IS NOT NULL", campaignID).Count(&n).Error; err != nil {
		return cov, err
	}
	cov.Responses = int(n)
	return cov, nil
}
