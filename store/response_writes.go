package store

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/customs-survey/surveyd/auth"
	"github.com/customs-survey/surveyd/migrations"
	"github.com/customs-survey/surveyd/survey"
)

// The writes of a change of a response, through the transaction's
// connection, without GORM (every save and submission makes them), and
// shared with the Baseline, which makes the same writes without the
// service's work around them.

// insertResponse stores a new response.
func (s *Store) insertResponse(ctx context.Context, q execer, r responseRow) error {
	_, err := q.ExecContext(ctx, s.rebind(`INSERT INTO responses (id, campaign_id, respondent_id, administration_code, revision,
  draft_answers, pending, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`),
		r.ID, r.CampaignID, r.RespondentID, r.AdministrationCode, r.Revision, r.DraftAnswers, r.Pending, r.CreatedAt, r.UpdatedAt)
	return s.driverError(err)
}

// saveDraft stores the working copy of a response's answers (body, their
// JSON) as its next revision, the one after revision; ErrChangedMeanwhile
// when the response is no longer at revision.
func (s *Store) saveDraft(ctx context.Context, q execer, responseID string, revision int, body string, now time.Time) error {
	res, err := q.ExecContext(ctx, s.rebind(`UPDATE responses SET draft_answers = ?, pending = ?, revision = ?, updated_at = ?
WHERE id = ? AND revision = ?`), body, true, revision+1, now, responseID, revision)
	if err != nil {
		return s.driverError(err)
	}
	return changedOne(res)
}

// saveIfUnchanged is a save on PostgreSQL outside a transaction
// (SaveResponse): r as saveDraft writes it, at r.Revision, over the
// revision before, or, when the response was not found, as insertResponse
// creates it; on condition that the campaign is still at the revision the
// save was decided on (every change of a campaign, to its status, closing
// time, questionnaire or administrations, moves its revision on). The
// campaign is read under a share lock, taken before the response's row
// lock as a change in a transaction takes them, so that a close waits for
// the save, or the save for the close and then sees the new revision.
// With event, the statement also writes that audit event when it saves;
// with check, it saves only on the condition the check states too
// (callerCondition).
// false when it wrote nothing: the campaign or the response has changed,
// or another save created the response first, or check's condition does
// not hold.
func (s *Store) saveIfUnchanged(ctx context.Context, campaign campaignRow, r responseRow, found bool,
	event *survey.AuditEvent, check *auth.Deferred) (bool, error) {
	var (
		write, where string
		args         []any
	)
	if found {
		args = []any{campaign.ID, campaign.Revision, r.DraftAnswers, r.Revision, r.UpdatedAt, r.ID}
	} else {
		args = []any{campaign.ID, campaign.Revision, r.ID, r.RespondentID, r.AdministrationCode, r.Revision, r.DraftAnswers,
			r.CreatedAt}
	}
	params := len(args)
	if event != nil {
		params += auditParams
	}
	where = `EXISTS (SELECT 1 FROM campaigns WHERE id = $1 AND revision = $2 FOR SHARE)`
	if check != nil {
		where += "\n    AND " + callerCondition(params+1)
	}
	if found {
		write = `UPDATE responses SET draft_answers = $3, pending = true, revision = $4, updated_at = $5
WHERE id = $6 AND revision = $4 - 1 AND ` + where
	} else {
		write = `INSERT INTO responses (id, campaign_id, respondent_id, administration_code, revision,
  draft_answers, pending, created_at, updated_at)
SELECT $3, $1, $4, $5, $6, $7, true, $8, $8 WHERE ` + where + `
ON CONFLICT DO NOTHING`
	}
	query := write
	if event != nil {
		query = "WITH moved AS (\n" + write + "\nRETURNING 1\n), audit AS (\n" +
			auditFromParams(len(args)+1, "EXISTS (SELECT 1 FROM moved)") + "\n)\nSELECT count(*) FROM moved"
		args = append(args, s.auditArgs(*event)...)
	}
	if check != nil {
		args = append(args, callerArgs(check)...)
	}
	if event == nil {
		res, err := s.sql.ExecContext(ctx, query, args...)
		if err != nil {
			return false, s.driverError(err)
		}
		n, err := res.RowsAffected()
		return n == 1, err
	}
	var n int
	if err := s.sql.QueryRowContext(ctx, query, args...).Scan(&n); err != nil {
		return false, s.driverError(err)
	}
	return n == 1, nil
}

// changedOne is ErrChangedMeanwhile unless res changed one row.
func changedOne(res interface{ RowsAffected() (int64, error) }) error {
	n, err := res.RowsAffected()
	if err == nil && n != 1 {
		err = survey.ErrChangedMeanwhile
	}
	return err
}

// submissionWrite is a submission of a response: the response's next
// revision, the one after Revision.
type submissionWrite struct {
	ID          string
	ResponseID  string
	Revision    int // the response's revision before the submission
	SubmittedBy string
	At          time.Time
	Answers     string // their JSON, which the response's working copy becomes too
	Rows        []survey.AnswerRow
	Replaced    *string // the response's current submission, which this one replaces
}

// submitQuery is storeSubmission's one statement on PostgreSQL: it reads
// the answer rows of the replaced submission (in the statement's snapshot,
// so without the new ones), stores the submission and its answers (one
// array per column, unnested: answerColumns), and moves the response
// on to it. Foreign keys are checked at the end of the statement, once
// every row is in.
var submitQuery = `
WITH replaced AS (
  SELECT id, question_key, option_key, score, null_score, number_value FROM answers WHERE submission_id = $1
), submission AS (
  INSERT INTO submissions (id, response_id, revision, submitted_by, submitted_at, answers) VALUES ($2, $3, $4 + 1, $5, $6, $7)
), answer_rows AS (
` + answersFromArrays(2, 8, "") + `
), moved AS (
  UPDATE responses SET draft_answers = $7, pending = false, revision = $4 + 1, current_submission_id = $2,
    first_submitted_at = COALESCE(first_submitted_at, $6), updated_at = $6
  WHERE id = $3 AND revision = $4
  RETURNING 1
)
SELECT (SELECT count(*) FROM moved), r.question_key, r.option_key, r.score, r.null_score, r.number_value
FROM (SELECT 1) one LEFT JOIN replaced r ON true
ORDER BY r.id`

// answersFromArrays is the INSERT of a submission's answer rows on
// PostgreSQL: the submission's id is parameter submission, the columns of
// the rows (answerColumns, one array per column) the six parameters from
// first on, and where, when not empty, the condition on which they are
// inserted.
func answersFromArrays(submission, first int, where string) string {
	p := func(i int) string { return "$" + strconv.Itoa(first+i) }
	if where != "" {
		where = "\n  WHERE " + where
	}
	return `  INSERT INTO answers (submission_id, question_key, option_key, score, null_score, number_value, text_value)
  SELECT $` + strconv.Itoa(submission) + `, u.question_key, u.option_key, u.score, u.null_score, u.number_value, u.text_value
  FROM unnest(` + p(0) + `::text[], ` + p(1) + `::text[], ` + p(2) + `::double precision[], ` + p(3) + `::boolean[], ` +
		p(4) + `::double precision[], ` + p(5) + `::text[])
    WITH ORDINALITY AS u (question_key, option_key, score, null_score, number_value, text_value, position)` + where + `
  ORDER BY u.position`
}

// storeSubmission stores a submission and its answer rows, and moves its
// response on to it; it returns the answer rows of the submission it
// replaces, as scoring reads them, which the score cells lose.
// ErrChangedMeanwhile when the response is no longer at w.Revision.
func (s *Store) storeSubmission(ctx context.Context, q interface {
	querier
	execer
}, w submissionWrite) ([]survey.AnswerRow, error) {
	if s.dialect == migrations.Postgres {
		return s.storeSubmissionPostgres(ctx, q, w)
	}
	if _, err := q.ExecContext(ctx, `INSERT INTO submissions (id, response_id, revision, submitted_by, submitted_at, answers)
VALUES (?, ?, ?, ?, ?, ?)`, w.ID, w.ResponseID, w.Revision+1, w.SubmittedBy, w.At, w.Answers); err != nil {
		return nil, s.driverError(err)
	}
	if err := s.insertAnswers(ctx, q, w.ID, w.Rows); err != nil {
		return nil, s.driverError(err)
	}
	res, err := q.ExecContext(ctx, `UPDATE responses SET draft_answers = ?, pending = ?, revision = ?, current_submission_id = ?,
  first_submitted_at = COALESCE(first_submitted_at, ?), updated_at = ? WHERE id = ? AND revision = ?`,
		w.Answers, false, w.Revision+1, w.ID, w.At, w.At, w.ResponseID, w.Revision)
	if err != nil {
		return nil, s.driverError(err)
	}
	if err := changedOne(res); err != nil || w.Replaced == nil {
		return nil, err
	}
	return s.submissionRows(ctx, q, *w.Replaced)
}

// storeSubmissionPostgres is storeSubmission's statement on PostgreSQL.
func (s *Store) storeSubmissionPostgres(ctx context.Context, q querier, w submissionWrite) ([]survey.AnswerRow, error) {
	questions, options, scores, nullScores, numbers, texts := answerColumns(w.Rows)
	rows, err := q.QueryContext(ctx, submitQuery, w.Replaced, w.ID, w.ResponseID, w.Revision, w.SubmittedBy, w.At, w.Answers,
		questions, options, scores, nullScores, numbers, texts)
	if err != nil {
		return nil, s.driverError(err)
	}
	var (
		replaced []survey.AnswerRow
		moved    int
	)
	for rows.Next() {
		var (
			r        survey.AnswerRow
			question *string
			null     *bool
		)
		if err := rows.Scan(&moved, &question, &r.Option, &r.Score, &null, &r.Number); err != nil {
			rows.Close()
			return nil, err
		}
		if question != nil { // no replaced rows: one row of nulls
			r.Question, r.NullScore = *question, *null
			replaced = append(replaced, r)
		}
	}
	// The driver's error itself, so that it is translated (a joined
	// error is not).
	if err := rows.Err(); err != nil {
		rows.Close()
		return nil, s.driverError(err)
	}
	if err := rows.Close(); err != nil {
		return nil, err
	}
	if moved != 1 {
		return nil, survey.ErrChangedMeanwhile
	}
	return replaced, nil
}

// answerColumns are the answer rows of a submission as one slice per
// column, for the arrays that submitQuery unnests: its text is the same
// whatever the number of rows, so that each connection prepares and plans
// it once.
func answerColumns(rows []survey.AnswerRow) (questions []string, options []*string, scores []*float64, nullScores []bool,
	numbers []*float64, texts []*string) {
	questions, options, texts = make([]string, len(rows)), make([]*string, len(rows)), make([]*string, len(rows))
	scores, numbers, nullScores = make([]*float64, len(rows)), make([]*float64, len(rows)), make([]bool, len(rows))
	for i, r := range rows {
		questions[i], options[i], scores[i], nullScores[i], numbers[i], texts[i] = r.Question, r.Option, r.Score, r.NullScore, r.Number, r.Text
	}
	return questions, options, scores, nullScores, numbers, texts
}

// answersPerStatement bounds the rows of one SQLite insert of answers (7
// parameters each), well inside its limit on parameters.
const answersPerStatement = 500

// insertAnswers stores the answer rows of a submission on SQLite, in their
// order (which is the order of their ids), as VALUES lists. (PostgreSQL's
// go with the submission, in submitQuery.)
func (s *Store) insertAnswers(ctx context.Context, q execer, submissionID string, rows []survey.AnswerRow) error {
	const insert = "INSERT INTO answers (submission_id, question_key, option_key, score, null_score, number_value, text_value) "
	for rest := rows; len(rest) > 0; {
		n := min(len(rest), answersPerStatement)
		var values strings.Builder
		args := make([]any, 0, 7*n)
		for i, r := range rest[:n] {
			if i > 0 {
				values.WriteString(", ")
			}
			values.WriteString("(?, ?, ?, ?, ?, ?, ?)")
			args = append(args, submissionID, r.Question, r.Option, r.Score, r.NullScore, r.Number, r.Text)
		}
		if _, err := q.ExecContext(ctx, insert+"VALUES "+values.String(), args...); err != nil {
			return err
		}
		rest = rest[n:]
	}
	return nil
}
