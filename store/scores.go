package store

import (
	"context"
	"fmt"

	"gorm.io/gorm"

	"github.com/customs-survey/surveyd/auth"
	"github.com/customs-survey/surveyd/scoring"
	"github.com/customs-survey/surveyd/survey"
)

// Scores computes every indicator of a campaign (SCORING.md). The database
// aggregates the submitted answers into a few rows per indicator and
// administration; package scoring turns those rows into results. No answer
// is loaded into memory.
// Errors: ErrNotFound.
func (s *Store) Scores(ctx context.Context, key, lang string) (scoring.Report, error) {
	db := s.db.WithContext(ctx)
	report, err := s.scores(db, key, lang, true)
	return report, s.translate(ctx, "scores", err)
}

func (s *Store) scores(db *gorm.DB, key, lang string, withPrevious bool) (scoring.Report, error) {
	row, err := s.campaignRow(db, auth.Principal{Role: auth.RoleAdmin}, key)
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

	for _, ind := range doc.Indicators {
		in := scoring.Input{Indicator: ind, Document: doc, Language: lang, Year: row.Year, MinCellSize: row.MinCellSize}
		if in.Cells, err = s.cells(db, row.ID, ind, ind.Questions); err != nil {
			return report, fmt.Errorf("indicator %s: %w", ind.Code, err)
		}
		if breaksDown(ind, "questions") {
			in.QuestionCells = map[string][]scoring.Cell{}
			for _, qk := range ind.Questions {
				if in.QuestionCells[qk], err = s.cells(db, row.ID, ind, []string{qk}); err != nil {
					return report, fmt.Errorf("indicator %s: %w", ind.Code, err)
				}
			}
		}
		if breaksDown(ind, "options") {
			if in.Options, in.Answering, err = s.optionCells(db, row.ID, ind); err != nil {
				return report, fmt.Errorf("indicator %s: %w", ind.Code, err)
			}
		}
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

// respondentValue is the SQL expression of step 1 of SCORING.md, evaluated
// over the answer rows (alias a) of one response to the listed questions.
// It returns the expression and its arguments.
func respondentValue(ind survey.Indicator) (string, []any) {
	switch ind.Method {
	case survey.MethodShare:
		// 100 if a chosen option is one of the indicator's, else no value
		// if a null-score option was chosen, else 0 (when answered).
		return `CASE
  WHEN SUM(CASE WHEN a.option_key IN ? THEN 1 ELSE 0 END) > 0 THEN 100.0
  WHEN SUM(CASE WHEN a.null_score THEN 1 ELSE 0 END) > 0 THEN NULL
  WHEN COUNT(a.id) > 0 THEN 0.0
END`, []any{ind.Options}
	case survey.MethodMeanValue:
		return `AVG(a.number_value)`, nil
	default: // mean_score: the mean of the non-null scores
		return `AVG(a.score)`, nil
	}
}

// cells aggregates one indicator over the given questions into one row per
// administration: the count, sum and sum of squares of the respondent
// values, and the excluded and missing responses.
func (s *Store) cells(db *gorm.DB, campaignID int64, ind survey.Indicator, questions []string) ([]scoring.Cell, error) {
	value, valueArgs := respondentValue(ind)
	where, whereArgs := whereClause(ind)
	query := `
SELECT v.administration_code AS administration,
  COUNT(v.value) AS n,
  COALESCE(SUM(v.value), 0) AS sum,
  COALESCE(SUM(v.value * v.value), 0) AS sum_squares,
  SUM(CASE WHEN v.answered > 0 AND v.value IS NULL THEN 1 ELSE 0 END) AS excluded,
  SUM(CASE WHEN v.answered = 0 THEN 1 ELSE 0 END) AS missing
FROM (
  SELECT r.id, r.administration_code, COUNT(a.id) AS answered, ` + value + ` AS value
  FROM responses r
  LEFT JOIN answers a ON a.submission_id = r.current_submission_id AND a.question_key IN ?
  WHERE r.campaign_id = ? AND r.current_submission_id IS NOT NULL` + where + `
  GROUP BY r.id, r.administration_code
) v
GROUP BY v.administration_code
ORDER BY v.administration_code`
	args := append(append(append([]any{}, valueArgs...), questions, campaignID), whereArgs...)
	var rows []scoring.Cell
	if err := db.Raw(query, args...).Scan(&rows).Error; err != nil {
		return nil, err
	}
	return rows, nil
}

// whereClause restricts responses to those whose answer to another choice
// question is in the indicator's `where` list.
func whereClause(ind survey.Indicator) (string, []any) {
	if ind.Where == nil {
		return "", nil
	}
	return `
    AND EXISTS (SELECT 1 FROM answers w WHERE w.submission_id = r.current_submission_id
                AND w.question_key = ? AND w.option_key IN ?)`, []any{ind.Where.Question, ind.Where.In}
}

// optionCells counts, per administration, the responses choosing each option
// of the indicator's question, and those answering it at all.
func (s *Store) optionCells(db *gorm.DB, campaignID int64, ind survey.Indicator) ([]scoring.OptionCell, map[string]int, error) {
	where, whereArgs := whereClause(ind)
	question := ind.Questions[0]
	base := `
FROM responses r
JOIN answers a ON a.submission_id = r.current_submission_id AND a.question_key = ?
WHERE r.campaign_id = ? AND r.current_submission_id IS NOT NULL` + where
	args := append([]any{question, campaignID}, whereArgs...)
	var options []scoring.OptionCell
	if err := db.Raw(`SELECT r.administration_code AS administration, a.option_key AS option, COUNT(DISTINCT r.id) AS count`+
		base+` GROUP BY r.administration_code, a.option_key`, args...).Scan(&options).Error; err != nil {
		return nil, nil, err
	}
	var answering []struct {
		Administration string
		N              int
	}
	if err := db.Raw(`SELECT r.administration_code AS administration, COUNT(DISTINCT r.id) AS n`+
		base+` GROUP BY r.administration_code`, args...).Scan(&answering).Error; err != nil {
		return nil, nil, err
	}
	out := make(map[string]int, len(answering))
	for _, a := range answering {
		out[a.Administration] = a.N
	}
	return options, out, nil
}
