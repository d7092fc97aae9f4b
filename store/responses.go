package store

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm"

	"github.com/customs-survey/surveyd/migrations"
	"github.com/customs-survey/surveyd/survey"
)

// ChangeResponse reads, in one transaction, the state of who's response to
// a campaign that sc sees (the campaign's status and closing time, its
// questionnaire document, the response locked for update), passes it to
// decide, and writes what decide returns: a new response at revision 1, or
// the next revision of the existing one, with a submission and its answer
// rows when the change submits.
// Errors: ErrNotFound, ErrChangedMeanwhile, and those of decide.
func (s *Store) ChangeResponse(ctx context.Context, sc survey.Scope, key string, who survey.Respondent,
	decide func(survey.ResponseState) (survey.ResponseChange, error)) (survey.Response, error) {
	var out survey.Response
	err := s.transaction(ctx, func(tx *gorm.DB) error {
		campaign, doc, err := s.answerableCampaign(tx, sc, key)
		if err != nil {
			return err
		}
		resp, found, err := s.responseRow(s.forUpdate(tx), campaign.ID, who.ID)
		if err != nil {
			return err
		}
		state := survey.ResponseState{CampaignStatus: campaign.Status, ClosesAt: campaign.ClosesAt, Document: doc,
			Found: found, Revision: resp.Revision}
		if found {
			if err := json.Unmarshal([]byte(resp.DraftAnswers), &state.Draft); err != nil {
				return err
			}
		}
		change, err := decide(state)
		if err != nil {
			return err
		}
		body, err := json.Marshal(change.Answers)
		if err != nil {
			return err
		}
		now := s.now()
		if !found {
			// Revision 0 until the update below, which every change makes.
			resp = responseRow{ID: uuid.NewString(), CampaignID: campaign.ID, RespondentID: who.ID,
				AdministrationCode: who.Administration, DraftAnswers: string(body), CreatedAt: now, UpdatedAt: now}
			if err := tx.Create(&resp).Error; err != nil {
				return err
			}
		}
		updates := map[string]any{"draft_answers": string(body), "pending": !change.Submit,
			"revision": resp.Revision + 1, "updated_at": now}
		if change.Submit {
			sub := submissionRow{ID: uuid.NewString(), ResponseID: resp.ID, Revision: resp.Revision + 1,
				SubmittedBy: who.ID, SubmittedAt: now, Answers: string(body)}
			if err := s.insertSubmission(tx, sub, change.Rows); err != nil {
				return err
			}
			updates["current_submission_id"] = sub.ID
			if resp.FirstSubmittedAt == nil {
				updates["first_submitted_at"] = now
			}
		}
		res := tx.Model(&responseRow{}).Where("id = ? AND revision = ?", resp.ID, resp.Revision).Updates(updates)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return survey.ErrChangedMeanwhile
		}
		if change.Submit {
			// Once the response points to its new submission, as a cell
			// computed again from the answers must see it.
			if err := s.countSubmission(tx, campaign.ID, doc, resp, change.Rows); err != nil {
				return err
			}
		}
		// The response as written (its submissions read inside the
		// transaction: after commit a concurrent change could already
		// have moved the response on).
		resp.DraftAnswers, resp.Pending, resp.Revision, resp.UpdatedAt = string(body), !change.Submit, resp.Revision+1, now
		if id, ok := updates["current_submission_id"].(string); ok {
			resp.CurrentSubmissionID = &id
		}
		if _, ok := updates["first_submitted_at"]; ok {
			resp.FirstSubmittedAt = &now
		}
		out, err = s.toResponse(tx, resp, key, change.Answers)
		return err
	})
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		// Two first changes of one response at once: the other one won.
		return survey.Response{}, survey.ErrChangedMeanwhile
	}
	if err != nil {
		return survey.Response{}, s.translate(ctx, "change response", err)
	}
	return out, nil
}

// insertSubmission stores a submission and its answer rows.
func (s *Store) insertSubmission(tx *gorm.DB, sub submissionRow, rows []survey.AnswerRow) error {
	if err := tx.Create(&sub).Error; err != nil {
		return err
	}
	return s.insertAnswers(tx.Statement.Context, tx.Statement.ConnPool, sub.ID, rows)
}

// answersPerStatement bounds the rows of one SQLite insert of answers (7
// parameters each), well inside its limit on parameters.
const answersPerStatement = 500

// insertAnswers stores the answer rows of a submission, in their order
// (which is the order of their ids). On PostgreSQL they go as one array per
// column, unnested, in a statement whose text never changes, so that each
// connection prepares and plans it once; SQLite gets a VALUES list.
func (s *Store) insertAnswers(ctx context.Context, q execer, submissionID string, rows []survey.AnswerRow) error {
	const insert = "INSERT INTO answers (submission_id, question_key, option_key, score, null_score, number_value, text_value) "
	if len(rows) == 0 {
		return nil
	}
	if s.dialect == migrations.Postgres {
		questions, options, texts := make([]string, len(rows)), make([]*string, len(rows)), make([]*string, len(rows))
		scores, numbers, nullScores := make([]*float64, len(rows)), make([]*float64, len(rows)), make([]bool, len(rows))
		for i, r := range rows {
			questions[i], options[i], scores[i], nullScores[i], numbers[i], texts[i] = r.Question, r.Option, r.Score, r.NullScore, r.Number, r.Text
		}
		_, err := q.ExecContext(ctx, insert+`SELECT $1, u.question_key, u.option_key, u.score, u.null_score, u.number_value, u.text_value
FROM unnest($2::text[], $3::text[], $4::double precision[], $5::boolean[], $6::double precision[], $7::text[])
  WITH ORDINALITY AS u (question_key, option_key, score, null_score, number_value, text_value, position)
ORDER BY u.position`,
			submissionID, questions, options, scores, nullScores, numbers, texts)
		return err
	}
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

// countSubmission adds a submission's answer rows to its campaign's score
// cells, taking away those of the submission it replaces (an amendment;
// resp as it was before), in the transaction that stores it, after the
// submission, its answers and the response's current submission are
// written.
func (s *Store) countSubmission(tx *gorm.DB, campaignID int64, doc *survey.Document, resp responseRow, rows []survey.AnswerRow) error {
	var before []survey.AnswerRow
	if resp.CurrentSubmissionID != nil {
		var err error
		if before, err = s.submissionRows(tx, *resp.CurrentSubmissionID); err != nil {
			return err
		}
	}
	changes := cellChanges(doc, resp.ID, resp.AdministrationCode, before, rows, resp.CurrentSubmissionID == nil)
	return s.writeCellChanges(tx, campaignID, doc, changes)
}

func toAnswerRow(submissionID string, r survey.AnswerRow) answerRow {
	return answerRow{SubmissionID: submissionID, QuestionKey: r.Question, OptionKey: r.Option, Score: r.Score,
		NullScore: r.NullScore, NumberValue: r.Number, TextValue: r.Text}
}

// Response returns the response of a respondent to a campaign that sc
// sees; found is false when there is none.
// Errors: ErrNotFound (the campaign).
func (s *Store) Response(ctx context.Context, sc survey.Scope, key, respondentID string) (survey.Response, bool, error) {
	db := s.db.WithContext(ctx)
	campaign, err := s.campaignRow(db, sc, key)
	if err != nil {
		return survey.Response{}, false, s.translate(ctx, "get response", err)
	}
	resp, found, err := s.responseRow(db, campaign.ID, respondentID)
	if err != nil || !found {
		return survey.Response{}, false, s.translate(ctx, "get response", err)
	}
	r, err := s.toResponse(db, resp, key, nil)
	return r, true, s.translate(ctx, "get response", err)
}

// answerableCampaign reads a campaign that sc sees, and its document, to
// change a response, in one statement (with the questionnaire version it
// uses and whether sc's administration is invited), the document coming
// from the cache of published versions (documentOf). On PostgreSQL the
// campaign is read under a share lock held until the transaction ends:
// closing a campaign updates its row, which waits for every change that
// read it open to commit, and a change that starts while a close is under
// way waits for the close and then reads closed. So once a close has
// answered, nothing more commits, and what is exported or scored from
// then on is final. Share locks do not wait for each other: respondents
// still write side by side. SQLite needs nothing: every write transaction
// holds the database lock from BEGIN.
func (s *Store) answerableCampaign(tx *gorm.DB, sc survey.Scope, key string) (campaignRow, *survey.Document, error) {
	var found answerableRow
	lock := ""
	if s.dialect == migrations.Postgres {
		lock = " FOR SHARE OF c"
	}
	res := tx.Raw(`SELECT c.id, c.status, c.closes_at, c.questionnaire_id, q.key AS q_key, q.version AS q_version,
  q.status AS q_status,
  EXISTS (SELECT 1 FROM campaign_administrations ca WHERE ca.campaign_id = c.id AND ca.administration_code = ?) AS invited
FROM campaigns c JOIN questionnaires q ON q.id = c.questionnaire_id
WHERE c.key = ?`+lock, sc.Administration, key).Scan(&found)
	row := campaignRow{ID: found.ID, Key: key, Status: found.Status, ClosesAt: found.ClosesAt, QuestionnaireID: found.QuestionnaireID}
	if res.Error != nil {
		return row, nil, res.Error
	}
	if res.RowsAffected == 0 || !sc.All && (!found.Invited || sc.HideDrafts && row.Status == survey.StatusDraft) {
		return row, nil, survey.Errorf(survey.ErrNotFound, "no campaign %s", key)
	}
	doc, err := s.documentOf(tx, questionnaireRef{ID: found.QuestionnaireID, Key: found.QKey, Version: found.QVersion, Status: found.QStatus})
	return row, doc, err
}

// answerableRow is what answerableCampaign reads.
type answerableRow struct {
	ID              int64
	Status          string
	ClosesAt        time.Time
	QuestionnaireID int64
	QKey            string `gorm:"column:q_key"`
	QVersion        int    `gorm:"column:q_version"`
	QStatus         string `gorm:"column:q_status"`
	Invited         bool
}

func (s *Store) responseRow(tx *gorm.DB, campaignID int64, respondentID string) (responseRow, bool, error) {
	var row responseRow
	err := tx.Where("campaign_id = ? AND respondent_id = ?", campaignID, respondentID).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return row, false, nil
	}
	return row, err == nil, err
}

// toResponse is the response of a row. Its answers are the working copy:
// answers, when the caller has them decoded already (the response then
// holds that very map), else decoded from the row.
func (s *Store) toResponse(db *gorm.DB, row responseRow, campaignKey string, answers survey.Answers) (survey.Response, error) {
	r := survey.Response{ID: row.ID, Campaign: campaignKey, RespondentID: row.RespondentID,
		Administration: row.AdministrationCode, Revision: row.Revision, AmendmentPending: row.Pending && row.CurrentSubmissionID != nil,
		FirstSubmittedAt: row.FirstSubmittedAt, CreatedAt: row.CreatedAt, UpdatedAt: row.UpdatedAt}
	if r.Answers = answers; answers == nil {
		if err := json.Unmarshal([]byte(row.DraftAnswers), &r.Answers); err != nil {
			return r, err
		}
	}
	// Read without GORM's reflection: a save or a submission lists them
	// every time.
	rows, err := db.Statement.ConnPool.QueryContext(db.Statement.Context, s.rebind(
		"SELECT id, revision, submitted_by, submitted_at FROM submissions WHERE response_id = ? ORDER BY revision"), row.ID)
	if err != nil {
		return r, err
	}
	var out []survey.Submission
	for rows.Next() {
		var sub survey.Submission
		if err := rows.Scan(&sub.ID, &sub.Revision, &sub.SubmittedBy, &sub.SubmittedAt); err != nil {
			rows.Close()
			return r, err
		}
		out = append(out, sub)
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return r, err
	}
	r.SetSubmissions(out)
	return r, nil
}
