package store

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/customs-survey/surveyd/auth"
	"github.com/customs-survey/surveyd/migrations"
	"github.com/customs-survey/surveyd/survey"
)

// SubmitResponse is ChangeResponse for a change that submits. On
// PostgreSQL, the submission of a response already saved is made outside
// a transaction, as SaveResponse makes a save: the campaign, the response
// and the answer rows of its current submission are read without a lock,
// decide decides on them, and one statement (submitIfUnchangedQueries)
// writes the submission, its answers, the response and the score cells,
// on condition that neither the campaign nor the response has changed
// since: two round trips instead of five, one when the process kept the
// state its last change of the response left (kept_changes.go), which it
// then decides on instead of reading (a kept state found out of date is
// dropped, and the change made again on the state read). When either has
// changed since the read, when there is no response yet, or when a score
// cell would need computing again from the answers (its bound on rounding
// error grows too large), nothing is written and the change is made again
// by ChangeResponse, under its locks.
// Errors: those of ChangeResponse.
func (s *Store) SubmitResponse(ctx context.Context, sc survey.Scope, key string, who survey.Respondent,
	decide func(survey.ResponseState) (survey.ResponseChange, error)) (survey.Response, error) {
	if s.dialect == migrations.Postgres {
		out, done, err := s.submitUnlocked(ctx, sc, key, who, decide)
		if done || err != nil {
			return out, s.translate(ctx, "submit response", err)
		}
	}
	return s.ChangeResponse(ctx, sc, key, who, decide)
}

// submitUnlocked is SubmitResponse's submission outside a transaction;
// done is false when it wrote nothing and the change is for
// ChangeResponse to make. It is decided on the state the last change of
// the response left when the process keeps it, with the answer rows of
// the current submission (kept_changes.go), else on the state read.
func (s *Store) submitUnlocked(ctx context.Context, sc survey.Scope, key string, who survey.Respondent,
	decide func(survey.ResponseState) (survey.ResponseChange, error)) (out survey.Response, done bool, err error) {
	if st, kept := s.keptChangeState(key, who.ID, sc, true); kept {
		if change, err := st.decide(decide, true); err == nil && change.Submit {
			out, done, err = s.writeSubmission(ctx, sc, key, who, st, change)
			if errors.Is(err, errComputeAgain) {
				return out, false, nil
			}
			if done || err != nil {
				return out, done, err
			}
			s.dropChange(key, who.ID)
		}
	}
	if err := auth.ConfirmCaller(ctx); err != nil {
		return out, false, err
	}
	st, err := s.readChange(s.db.WithContext(ctx), sc, key, who.ID, changeRead{replaced: true})
	if err != nil || !st.found {
		return out, false, err
	}
	change, err := st.decide(decide, true)
	if err != nil || !change.Submit {
		return out, false, err
	}
	if out, done, err = s.writeSubmission(ctx, sc, key, who, st, change); errors.Is(err, errComputeAgain) {
		err = nil
	}
	return out, done, err
}

// errComputeAgain is writeSubmission's error when a score cell is to be
// computed again from the answers, which only a change under locks does.
var errComputeAgain = errors.New("a score cell is to be computed again from the answers")

// writeSubmission writes the submission decided on st, which found the
// response (submitIfUnchanged); false when it wrote nothing, st being out
// of date, or errComputeAgain.
func (s *Store) writeSubmission(ctx context.Context, sc survey.Scope, key string, who survey.Respondent, st changeState,
	change survey.ResponseChange) (out survey.Response, done bool, err error) {
	check, err := s.callerCheck(ctx)
	if err != nil {
		return out, false, err
	}
	body, err := json.Marshal(change.Answers)
	if err != nil {
		return out, false, err
	}
	resp, now := st.resp, s.now()
	w := submissionWrite{ID: newRowID(), ResponseID: resp.ID, Revision: resp.Revision, SubmittedBy: who.ID,
		At: now, Answers: string(body), Rows: change.Rows, Replaced: resp.CurrentSubmissionID}
	changes := cellChanges(st.doc, resp.ID, resp.AdministrationCode, st.replaced, change.Rows, resp.CurrentSubmissionID == nil)
	if done, err = s.submitIfUnchanged(ctx, st.campaign, w, changes, pendingAudit(ctx), check); !done || err != nil {
		return out, false, err
	}
	if check != nil {
		check.Confirmed()
	}
	auditWritten(ctx)
	if resp.FirstSubmittedAt == nil {
		resp.FirstSubmittedAt = &now
	}
	resp.CurrentSubmissionID = &w.ID
	resp.DraftAnswers, resp.Pending, resp.Revision, resp.UpdatedAt = string(body), false, resp.Revision+1, now
	subs := append(st.submissions, survey.Submission{ID: w.ID, Revision: resp.Revision, SubmittedBy: who.ID, SubmittedAt: now})
	out = s.toResponse(resp, key, change.Answers, subs)
	s.keepSubmissions(key, who.ID, out.ID, out.Submissions, true, change.Rows)
	st.resp = resp
	s.keepChange(key, who.ID, sc, st)
	return out, true, nil
}

// submitIfUnchangedQueries are submitIfUnchanged's statements. The response
// moves on first, on condition that it is still at the revision read and
// the campaign too (under a share lock, taken before the response's row
// lock, as in saveIfUnchanged); the submission, its answers and the score
// cells are written only when it did. Foreign keys are checked at the end
// of the statement, once every row is in. The statement for an audited
// change writes an audit event too (auditFromParams), on the same
// condition; the statement for a change that carries the check of its
// caller's token states that check's condition too (callerCondition).
var submitIfUnchangedQueries = [2][2]string{
	{submitIfUnchangedStatement(false, false), submitIfUnchangedStatement(false, true)},
	{submitIfUnchangedStatement(true, false), submitIfUnchangedStatement(true, true)},
}

// submitParams is the number of parameters of submitIfUnchangedStatement: 14
// of the submission and its answers, then the 12 arrays of the cells'
// changes (cellsFromArrays).
const submitParams = 14 + 12

// submitIfUnchangedStatement is the statement of submitIfUnchanged, with
// an audit event (its parameters after submitParams) or not, and with the
// check of the caller (its parameters after those) or not.
func submitIfUnchangedStatement(audited, checked bool) string {
	const written = "EXISTS (SELECT 1 FROM moved)"
	audit, caller, params := "", "", submitParams
	if audited {
		audit = "\n), audit AS (\n" + auditFromParams(params+1, written)
		params += auditParams
	}
	if checked {
		caller = "\n    AND " + callerCondition(params+1)
	}
	return `
WITH moved AS (
  UPDATE responses SET draft_answers = $5, pending = false, revision = $4 + 1, current_submission_id = $3,
    first_submitted_at = COALESCE(first_submitted_at, $7), updated_at = $7
  WHERE id = $6 AND revision = $4
    AND EXISTS (SELECT 1 FROM campaigns WHERE id = $1 AND revision = $2 FOR SHARE)` + caller + `
  RETURNING 1
), submission AS (
  INSERT INTO submissions (id, response_id, revision, submitted_by, submitted_at, answers)
  SELECT $3, $6, $4 + 1, $8, $7, $5 WHERE ` + written + `
), answer_rows AS (
` + answersFromArrays(3, 9, written) + `
), cells AS (
` + cellsFromArrays(1, 15, written) + cellUpsert(migrations.Postgres) + audit + `
)
SELECT (SELECT count(*) FROM moved),
  (SELECT count(*) FROM cells c (indicator, part, administration_code, again)
   WHERE CASE WHEN again = 1 THEN refuse_change('a score cell is to be computed again from the answers') ELSE 0 END = 1)`
}

// submitIfUnchanged writes w and the changes of the score cells in one
// statement (submitIfUnchangedQueries), on condition that neither the
// campaign nor the response has changed since they were read, and, with
// check, on the condition the check states (callerCondition); false when
// it wrote nothing. errComputeAgain when a cell's bound on rounding error
// would grow too large (refuse_change undoes the statement then).
func (s *Store) submitIfUnchanged(ctx context.Context, campaign campaignRow, w submissionWrite, changes []cellChange,
	event *survey.AuditEvent, check *auth.Deferred) (bool, error) {
	questions, options, scores, nullScores, numbers, texts := answerColumns(w.Rows)
	_, cells := s.cellInsert(campaign.ID, changes)
	args := append([]any{campaign.ID, campaign.Revision, w.ID, w.Revision, w.Answers, w.ResponseID, w.At, w.SubmittedBy,
		questions, options, scores, nullScores, numbers, texts}, cells[1:]...)
	if event != nil {
		args = append(args, s.auditArgs(*event)...)
	}
	if check != nil {
		args = append(args, callerArgs(check)...)
	}
	query := submitIfUnchangedQueries[b2i(event != nil)][b2i(check != nil)]
	// stale is always 0 when the statement succeeds: its column is there
	// so that the cells' rows are read, and refuse_change called on any
	// to compute again.
	var moved, stale int
	err := s.sql.QueryRowContext(ctx, query, args...).Scan(&moved, &stale)
	if refused(err) {
		return false, errComputeAgain
	}
	if err != nil {
		return false, s.driverError(err)
	}
	return moved == 1, nil
}

// refusedChange is the SQLSTATE of refuse_change's error (migration 0015).
const refusedChange = "SV001"

// refused reports whether err is refuse_change's.
func refused(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == refusedChange
}

// parseAnswerRows reads the answer rows of a submission as changeRead's
// replaced column aggregates them, in the order of their ids: for each,
// its question, its option ("-" for none), its score and number (the 8
// bytes of the float, in hex, for the exact value whatever the server's
// extra_float_digits; "-" for none) and whether its score is null ("t" or
// "f"), separated by spaces, which no key holds (nor is any "-": they
// begin with a letter). false when list is not of that form (the rows are
// then read one by one).
func parseAnswerRows(list string) ([]survey.AnswerRow, bool) {
	fields := strings.Fields(list)
	if len(fields)%5 != 0 {
		return nil, false
	}
	float := func(f string) (*float64, bool) {
		if f == "-" {
			return nil, true
		}
		bits, err := strconv.ParseUint(f, 16, 64)
		v := math.Float64frombits(bits)
		return &v, err == nil && len(f) == 16
	}
	rows := make([]survey.AnswerRow, len(fields)/5)
	for i := range rows {
		f := fields[5*i : 5*i+5]
		r := &rows[i]
		r.Question = f[0]
		if f[1] != "-" {
			r.Option = &f[1]
		}
		var okScore, okNumber bool
		r.Score, okScore = float(f[2])
		r.Number, okNumber = float(f[4])
		r.NullScore = f[3] == "t"
		if !okScore || !okNumber || f[3] != "t" && f[3] != "f" {
			return nil, false
		}
	}
	return rows, true
}
