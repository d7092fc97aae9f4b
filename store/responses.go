package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/customs-survey/surveyd/auth"
	"github.com/customs-survey/surveyd/migrations"
	"github.com/customs-survey/surveyd/survey"
)

// ChangeResponse reads, in one transaction, the state of who's response to
// a campaign that sc sees (the campaign's status and closing time, its
// questionnaire document, the response locked for update), passes it to
// decide, and writes what decide returns: a new response at revision 1, or
// the next revision of the existing one, with a submission and its answer
// rows when the change submits, and the score cells they change.
// Errors: ErrNotFound, ErrChangedMeanwhile, and those of decide.
func (s *Store) ChangeResponse(ctx context.Context, sc survey.Scope, key string, who survey.Respondent,
	decide func(survey.ResponseState) (survey.ResponseChange, error)) (survey.Response, error) {
	var (
		out     survey.Response
		written survey.ResponseChange
		after   changeState // the state the change left
	)
	// The check of the caller's token, when it was left for the change
	// (auth.Deferred), before anything is read or written.
	if err := auth.ConfirmCaller(ctx); err != nil {
		return survey.Response{}, s.translate(ctx, "change response", err)
	}
	err := s.transaction(ctx, func(tx *gorm.DB) error {
		st, err := s.readChange(tx, sc, key, who.ID, changeRead{lock: true})
		if err != nil {
			return err
		}
		resp := st.resp
		change, err := st.decide(decide, true)
		if err != nil {
			return err
		}
		body, err := json.Marshal(change.Answers)
		if err != nil {
			return err
		}
		now := s.now()
		ctx, conn := tx.Statement.Context, tx.Statement.ConnPool
		if !st.found {
			resp = responseRow{ID: newRowID(), CampaignID: st.campaign.ID, RespondentID: who.ID,
				AdministrationCode: who.Administration, CreatedAt: now}
			// A save stores the response at revision 1; a submission, at
			// revision 0, which it moves on.
			first := resp
			first.DraftAnswers, first.Pending, first.UpdatedAt = string(body), !change.Submit, now
			if !change.Submit {
				first.Revision = 1
			}
			if err := s.insertResponse(ctx, conn, first); err != nil {
				return err
			}
		}
		subs := st.submissions
		switch {
		case change.Submit:
			sub := submissionWrite{ID: newRowID(), ResponseID: resp.ID, Revision: resp.Revision, SubmittedBy: who.ID,
				At: now, Answers: string(body), Rows: change.Rows, Replaced: resp.CurrentSubmissionID}
			replaced, err := s.storeSubmission(ctx, conn, sub)
			if err != nil {
				return err
			}
			if resp.FirstSubmittedAt == nil {
				resp.FirstSubmittedAt = &now
			}
			// Once the response points to its new submission, as a cell
			// computed again from the answers must see it.
			changes := cellChanges(st.doc, resp.ID, resp.AdministrationCode, replaced, change.Rows, resp.CurrentSubmissionID == nil)
			if err := s.writeCellChanges(tx, st.campaign.ID, st.doc, changes); err != nil {
				return err
			}
			resp.CurrentSubmissionID = &sub.ID
			subs = append(subs, survey.Submission{ID: sub.ID, Revision: resp.Revision + 1, SubmittedBy: who.ID, SubmittedAt: now})
		case st.found:
			if err := s.saveDraft(ctx, conn, resp.ID, resp.Revision, string(body), now); err != nil {
				return err
			}
		}
		if err := s.recordWithChange(ctx, conn); err != nil {
			return err
		}
		// The response as written.
		resp.DraftAnswers, resp.Pending, resp.Revision, resp.UpdatedAt = string(body), !change.Submit, resp.Revision+1, now
		out, written = s.toResponse(resp, key, change.Answers, subs), change
		after, after.resp = st, resp
		return nil
	})
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		// Two first changes of one response at once: the other one won.
		return survey.Response{}, survey.ErrChangedMeanwhile
	}
	if err != nil {
		return survey.Response{}, s.translate(ctx, "change response", err)
	}
	auditWritten(ctx)
	s.keepSubmissions(key, who.ID, out.ID, out.Submissions, written.Submit, written.Rows)
	s.keepChange(key, who.ID, sc, after)
	return out, nil
}

// SaveResponse is ChangeResponse for a change that saves the working
// copy and never submits. On PostgreSQL, a save is made outside a
// transaction: the campaign and the response are read without a lock,
// decide decides on them, and one statement writes the save on condition
// that neither has changed since (saveIfUnchanged): two round trips
// instead of four, one when the process kept the state its last change of
// the response left (kept_changes.go), which it then decides on instead of
// reading (a kept state found out of date is dropped, and the change made
// again on the state read). When either has changed since the read (or
// another first save created the response meanwhile), or decide submits
// after all, the change is made again by ChangeResponse, under its locks:
// its outcome is the one it would have had.
// Errors: those of ChangeResponse.
func (s *Store) SaveResponse(ctx context.Context, sc survey.Scope, key string, who survey.Respondent,
	decide func(survey.ResponseState) (survey.ResponseChange, error)) (survey.Response, error) {
	if s.dialect == migrations.Postgres {
		out, saved, err := s.saveUnlocked(ctx, sc, key, who, decide)
		if saved || err != nil {
			return out, s.translate(ctx, "save response", err)
		}
	}
	return s.ChangeResponse(ctx, sc, key, who, decide)
}

// saveUnlocked is SaveResponse's save outside a transaction; saved is
// false when it wrote nothing and the change is for ChangeResponse to
// make. It is decided on the state the last change of the response left
// when the process keeps it (kept_changes.go), else on the state read.
func (s *Store) saveUnlocked(ctx context.Context, sc survey.Scope, key string, who survey.Respondent,
	decide func(survey.ResponseState) (survey.ResponseChange, error)) (out survey.Response, saved bool, err error) {
	if st, kept := s.keptChangeState(key, who.ID, sc, false); kept {
		if change, err := st.decide(decide, false); err == nil && !change.Submit {
			if out, saved, err = s.writeSave(ctx, sc, key, who, st, change); saved || err != nil {
				return out, saved, err
			}
			s.dropChange(key, who.ID)
		}
	}
	if err := auth.ConfirmCaller(ctx); err != nil {
		return out, false, err
	}
	st, err := s.readChange(s.db.WithContext(ctx), sc, key, who.ID, changeRead{})
	if err != nil {
		return out, false, err
	}
	change, err := st.decide(decide, false)
	if err != nil || change.Submit {
		return out, false, err
	}
	return s.writeSave(ctx, sc, key, who, st, change)
}

// writeSave writes the save change decided on st (saveIfUnchanged);
// false when it wrote nothing, st being out of date.
func (s *Store) writeSave(ctx context.Context, sc survey.Scope, key string, who survey.Respondent, st changeState,
	change survey.ResponseChange) (out survey.Response, saved bool, err error) {
	check, err := s.callerCheck(ctx)
	if err != nil {
		return out, false, err
	}
	body, err := json.Marshal(change.Answers)
	if err != nil {
		return out, false, err
	}
	resp, now := st.resp, s.now()
	if !st.found {
		resp = responseRow{ID: newRowID(), CampaignID: st.campaign.ID, RespondentID: who.ID,
			AdministrationCode: who.Administration, CreatedAt: now}
	}
	resp.DraftAnswers, resp.Pending, resp.Revision, resp.UpdatedAt = string(body), true, resp.Revision+1, now
	if saved, err = s.saveIfUnchanged(ctx, st.campaign, resp, st.found, pendingAudit(ctx), check); !saved || err != nil {
		return out, saved, err
	}
	if check != nil {
		check.Confirmed()
	}
	auditWritten(ctx)
	s.keepSubmissions(key, who.ID, resp.ID, st.submissions, false, nil)
	st.resp = resp
	s.keepChange(key, who.ID, sc, st)
	return s.toResponse(resp, key, change.Answers, st.submissions), true, nil
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
	var answers survey.Answers
	if err := json.Unmarshal([]byte(resp.DraftAnswers), &answers); err != nil {
		return survey.Response{}, false, s.translate(ctx, "get response", err)
	}
	subs, err := s.submissionList(ctx, s.sql, resp.ID)
	if err != nil {
		return survey.Response{}, false, s.translate(ctx, "get response", err)
	}
	return s.toResponse(resp, key, answers, subs), true, nil
}

// Submissions returns the submissions of a respondent's response to a
// campaign that sc sees, oldest first, at most limit of those after
// revision after; found is false when there is no response.
// Errors: ErrNotFound (the campaign).
func (s *Store) Submissions(ctx context.Context, sc survey.Scope, key, respondentID string, after, limit int) ([]survey.Submission,
	bool, error) {
	db := s.db.WithContext(ctx)
	campaign, err := s.campaignRow(db, sc, key)
	if err != nil {
		return nil, false, s.translate(ctx, "list submissions", err)
	}
	resp, found, err := s.responseRow(db, campaign.ID, respondentID)
	if err != nil || !found {
		return nil, false, s.translate(ctx, "list submissions", err)
	}
	rows, err := s.sql.QueryContext(ctx, s.rebind(
		"SELECT id, revision, submitted_by, submitted_at FROM submissions WHERE response_id = ? AND revision > ? ORDER BY revision LIMIT ?"),
		resp.ID, after, limit)
	if err != nil {
		return nil, false, s.translate(ctx, "list submissions", err)
	}
	subs, err := scanSubmissions(rows)
	if err != nil {
		return nil, false, s.translate(ctx, "list submissions", err)
	}
	if subs == nil {
		subs = []survey.Submission{}
	}
	return subs, true, nil
}

// changeState is what a change of a response is decided on (readChange).
type changeState struct {
	campaign    campaignRow // its id, status, closing time and revision
	doc         *survey.Document
	published   bool        // doc is of a published version, which never changes
	resp        responseRow // when found
	found       bool
	submissions []survey.Submission // the response's, oldest first
	replaced    []survey.AnswerRow  // those of its current submission, when read (changeRead.replaced)
}

// decide calls decide with the state st holds; with draft, the working
// copy's answers too (a save, which replaces them, does without their
// decoding).
func (st changeState) decide(decide func(survey.ResponseState) (survey.ResponseChange, error), draft bool) (survey.ResponseChange, error) {
	state := survey.ResponseState{CampaignStatus: st.campaign.Status, ClosesAt: st.campaign.ClosesAt, Document: st.doc,
		Found: st.found, Revision: st.resp.Revision}
	if st.found && draft {
		if err := json.Unmarshal([]byte(st.resp.DraftAnswers), &state.Draft); err != nil {
			return survey.ResponseChange{}, err
		}
	}
	return decide(state)
}

// answerableColumns and answerableFrom read a campaign that may be
// answered, its questionnaire version and whether an administration is
// invited to it (the first parameter: the administration; the second: the
// campaign's key). responseColumns are those of a response that a change
// reads.
const (
	answerableColumns = `c.id, c.status, c.closes_at, c.revision, c.questionnaire_id, q.key AS q_key, q.version AS q_version, q.status AS q_status,
  EXISTS (SELECT 1 FROM campaign_administrations ca WHERE ca.campaign_id = c.id AND ca.administration_code = ?) AS invited`
	answerableFrom = `
FROM campaigns c JOIN questionnaires q ON q.id = c.questionnaire_id
WHERE c.key = ?`
	responseColumns = `id, administration_code, revision, draft_answers, pending, current_submission_id, first_submitted_at,
  created_at, updated_at`
)

// changeQueries are readChange's statements on PostgreSQL, one per
// changeRead. Locked, it reads the campaign under a share lock, then the
// respondent's response locked for update; the campaign's subquery locks
// it before the lateral join reads the response, so that every change
// takes its locks in the same order. Without lock, it reads the same for
// a change outside a transaction (SaveResponse, SubmitResponse). With
// list, it reads the list of the response's latest submissions
// (parseSubmissions: up to survey.ListedSubmissions of them, which JSON
// would cost more to read); without, the change's list is kept
// (submission_lists.go). See readChangePostgres for a list read before
// the response's lock was granted. With replaced, it reads the answer
// rows of the response's current submission too, aggregated into one
// string (parseAnswerRows).
var changeQueries = func() map[changeRead]string {
	queries := map[changeRead]string{}
	for _, lock := range []bool{false, true} {
		for _, list := range []bool{false, true} {
			for _, replaced := range []bool{false, true} {
				read := changeRead{lock: lock, list: list, replaced: replaced}
				queries[read] = read.statement()
			}
		}
	}
	return queries
}()

// changeRead is what changeQueries' statements vary by: whether they lock,
// read the list of submissions, and read the answer rows of the
// response's current submission (which a submission outside a transaction
// takes away from the score cells: submitUnlocked).
type changeRead struct{ lock, list, replaced bool }

func (read changeRead) statement() string {
	campaignLock, responseLock := "", ""
	if read.lock {
		campaignLock, responseLock = " FOR SHARE OF c", " FOR UPDATE"
	}
	submissions := "NULL::text"
	if read.list {
		submissions = `(SELECT string_agg(s.id || ' ' || s.revision || ' ' || s.submitted_by || ' ' ||
     (extract(epoch FROM s.submitted_at) * 1000000)::bigint, ' ' ORDER BY s.revision)
   FROM (SELECT id, revision, submitted_by, submitted_at FROM submissions WHERE response_id = r.id
     ORDER BY revision DESC LIMIT ` + strconv.Itoa(survey.ListedSubmissions) + `) s)`
	}
	replaced := "NULL::text"
	if read.replaced {
		replaced = `(SELECT string_agg(x.question_key || ' ' || COALESCE(x.option_key, '-') || ' ' ||
     COALESCE(encode(float8send(x.score), 'hex'), '-') || ' ' || CASE WHEN x.null_score THEN 't' ELSE 'f' END || ' ' ||
     COALESCE(encode(float8send(x.number_value), 'hex'), '-'), ' ' ORDER BY x.id)
   FROM answers x WHERE x.submission_id = r.current_submission_id)`
	}
	return migrations.Rebind(migrations.Postgres, `
SELECT a.*, r.*, `+submissions+`, `+replaced+`
FROM (SELECT `+answerableColumns+answerableFrom+campaignLock+`) a
LEFT JOIN LATERAL (SELECT `+responseColumns+` FROM responses WHERE campaign_id = a.id AND respondent_id = ?`+responseLock+`) r ON true`)
}

// readChange reads, in the change's transaction tx, a campaign that sc
// sees with its document (from the cache of published versions,
// documentOf), and the response of respondentID to it, with its
// submissions (and, read.replaced, the answer rows of its current
// submission). read.lock says whether it locks; read.list is readChange's
// to decide.
//
// On PostgreSQL it is one statement (changeQueries): a save or a submission
// is a few round trips to the server, which, more than the work inside
// them, bound how many respondents it serves at once. The campaign is read
// under a share lock held until the transaction ends: closing a campaign
// updates its row, which waits for every change that read it open to
// commit, and a change that starts while a close is under way waits for
// the close and then reads closed. So once a close has answered, nothing
// more commits, and what is exported or scored from then on is final.
// Share locks do not wait for each other: respondents still write side by
// side. The response is locked for update: changes of one response take
// turns.
//
// SQLite needs no lock (every write transaction holds the database lock
// from BEGIN), nor the single statement: the campaign, the response and
// its submissions are three reads.
//
// Without lock (on PostgreSQL only), the campaign and the response are
// read as they were last committed, in one statement's snapshot, and
// nothing waits. The answer rows of the current submission are read on
// PostgreSQL only, without lock (SubmitResponse).
func (s *Store) readChange(tx *gorm.DB, sc survey.Scope, key, respondentID string, read changeRead) (changeState, error) {
	var (
		st      changeState
		found   answerableRow
		present bool
		err     error
	)
	ctx, conn := tx.Statement.Context, tx.Statement.ConnPool
	if s.dialect == migrations.Postgres {
		list, rows := s.keepsSubmissions(key, respondentID)
		read.list = !list
		present, err = s.readChangePostgres(ctx, conn, read, rows, sc, key, respondentID, &found, &st)
	} else {
		present, err = scanRow(conn.QueryRowContext(ctx, "SELECT "+answerableColumns+answerableFrom, sc.Administration, key),
			found.fields()...)
	}
	if err != nil {
		return st, err
	}
	st.campaign = campaignRow{ID: found.ID, Key: key, Status: found.Status, ClosesAt: found.ClosesAt, Revision: found.Revision,
		QuestionnaireID: found.QuestionnaireID}
	if !present || !sc.All && (!found.Invited || sc.HideDrafts && found.Status == survey.StatusDraft) {
		return st, survey.Errorf(survey.ErrNotFound, "no campaign %s", key)
	}
	if st.doc, err = s.documentOf(tx, questionnaireRef{ID: found.QuestionnaireID, Key: found.QKey, Version: found.QVersion,
		Status: found.QStatus}); err != nil {
		return st, err
	}
	st.published = found.QStatus == survey.StatusPublished
	if s.dialect != migrations.Postgres {
		if st.resp, st.found, err = s.responseRow(tx, found.ID, respondentID); err != nil || !st.found {
			return st, err
		}
		st.submissions, err = s.submissionList(ctx, conn, st.resp.ID)
	}
	return st, err
}

// readChangePostgres is readChange's statement on PostgreSQL, the one
// of changeQueries that read names; false when there is no such campaign.
//
// Without list, the list is the one kept (keptSubmissions) when it is
// still complete, else it is read row by row. With read.replaced and
// keptRows (the answer rows of the kept list's last submission are kept),
// the statement does not read the answer rows: they are the kept ones
// when the list is still complete, else they are read on their own.
//
// The list of submissions is read in the statement's snapshot, taken
// before the response's lock was granted: when a change of the same
// response committed in between, the response read is the one that
// change wrote, but the list may lack that change's submission. Then the
// response's current submission is not the list's last, and the list is
// read again, row by row; so it is when parseSubmissions cannot read it
// (an id with a space, which the service never makes).
func (s *Store) readChangePostgres(ctx context.Context, conn gorm.ConnPool, read changeRead, keptRows bool, sc survey.Scope, key,
	respondentID string, found *answerableRow, st *changeState) (bool, error) {
	wantRows := read.replaced
	read.replaced = read.replaced && !keptRows
	var (
		id, administration, draft, current sql.NullString
		revision                           sql.NullInt64
		pending                            sql.NullBool
		first, created, updated            sql.NullTime
		subs, replaced                     sql.NullString
	)
	present, err := scanRow(conn.QueryRowContext(ctx, changeQueries[read], sc.Administration, key, respondentID), append(found.fields(),
		&id, &administration, &revision, &draft, &pending, &current, &first, &created, &updated, &subs, &replaced)...)
	if err != nil || !present || !id.Valid {
		return present, err
	}
	if read.replaced && current.Valid {
		var parsed bool
		if st.replaced, parsed = parseAnswerRows(replaced.String); !parsed {
			if st.replaced, err = s.submissionRows(ctx, conn, current.String); err != nil {
				return present, err
			}
		}
	}
	st.found = true
	st.resp = responseRow{ID: id.String, CampaignID: found.ID, RespondentID: respondentID, AdministrationCode: administration.String,
		Revision: int(revision.Int64), DraftAnswers: draft.String, Pending: pending.Bool, CreatedAt: created.Time.UTC(),
		UpdatedAt: updated.Time.UTC()}
	if current.Valid {
		st.resp.CurrentSubmissionID = &current.String
	}
	if first.Valid {
		at := first.Time.UTC()
		st.resp.FirstSubmittedAt = &at
	}
	if !read.list {
		subs, rows, haveRows, kept := s.keptSubmissions(key, respondentID, id.String, current.String)
		if !kept {
			if subs, err = s.submissionList(ctx, conn, st.resp.ID); err != nil {
				return true, err
			}
		}
		st.submissions = subs
		if wantRows && !read.replaced && current.Valid {
			if kept && haveRows {
				st.replaced = rows
			} else {
				st.replaced, err = s.submissionRows(ctx, conn, current.String)
			}
		}
		return true, err
	}
	st.submissions, err = parseSubmissions(subs.String)
	if n := len(st.submissions); err != nil || current.Valid && (n == 0 || st.submissions[n-1].ID != current.String) {
		st.submissions, err = s.submissionList(ctx, conn, st.resp.ID)
	}
	return true, err
}

// parseSubmissions reads the list of submissions that changeQuery
// aggregates: for each, oldest first, its id, revision, submitter's id and
// time (microseconds since 1970), separated by spaces, which none of them
// holds (the service makes every id a UUID).
func parseSubmissions(list string) ([]survey.Submission, error) {
	fields := strings.Fields(list)
	if len(fields) == 0 {
		return nil, nil
	}
	if len(fields)%4 != 0 {
		return nil, fmt.Errorf("list of submissions: %d fields, not 4 per submission", len(fields))
	}
	out := make([]survey.Submission, 0, len(fields)/4)
	for f := fields; len(f) > 0; f = f[4:] {
		revision, err := strconv.Atoi(f[1])
		if err != nil {
			return nil, fmt.Errorf("list of submissions: revision: %w", err)
		}
		at, err := strconv.ParseInt(f[3], 10, 64)
		if err != nil {
			return nil, fmt.Errorf("list of submissions: time: %w", err)
		}
		out = append(out, survey.Submission{ID: f[0], Revision: revision, SubmittedBy: f[2], SubmittedAt: time.UnixMicro(at).UTC()})
	}
	return out, nil
}

// answerableRow is what answerableColumns read.
type answerableRow struct {
	ID              int64
	Status          string
	ClosesAt        time.Time
	Revision        int
	QuestionnaireID int64
	QKey            string
	QVersion        int
	QStatus         string
	Invited         bool
}

// fields are the destinations of answerableColumns, in their order.
func (r *answerableRow) fields() []any {
	return []any{&r.ID, &r.Status, &r.ClosesAt, &r.Revision, &r.QuestionnaireID, &r.QKey, &r.QVersion, &r.QStatus, &r.Invited}
}

// scanRow scans row into dest; false when there is none.
func scanRow(row *sql.Row, dest ...any) (bool, error) {
	err := row.Scan(dest...)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}

func (s *Store) responseRow(tx *gorm.DB, campaignID int64, respondentID string) (responseRow, bool, error) {
	var row responseRow
	err := tx.Where("campaign_id = ? AND respondent_id = ?", campaignID, respondentID).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return row, false, nil
	}
	return row, err == nil, err
}

// toResponse is the response of a row, with its working copy of answers
// and its submissions, oldest first.
func (s *Store) toResponse(row responseRow, campaignKey string, answers survey.Answers, subs []survey.Submission) survey.Response {
	r := survey.Response{ID: row.ID, Campaign: campaignKey, RespondentID: row.RespondentID,
		Administration: row.AdministrationCode, Revision: row.Revision, AmendmentPending: row.Pending && row.CurrentSubmissionID != nil,
		FirstSubmittedAt: row.FirstSubmittedAt, CreatedAt: row.CreatedAt, UpdatedAt: row.UpdatedAt, Answers: answers}
	r.SetSubmissions(subs)
	return r
}

// submissionList reads the latest submissions of a response (at most
// survey.ListedSubmissions, the ones it lists), oldest first, without
// GORM's reflection: every change of a response on SQLite lists them. It
// reads as many rows however often the response was amended.
func (s *Store) submissionList(ctx context.Context, q querier, responseID string) ([]survey.Submission, error) {
	rows, err := q.QueryContext(ctx, s.rebind(
		"SELECT id, revision, submitted_by, submitted_at FROM submissions WHERE response_id = ? ORDER BY revision DESC LIMIT ?"),
		responseID, survey.ListedSubmissions)
	if err != nil {
		return nil, err
	}
	out, err := scanSubmissions(rows)
	slices.Reverse(out)
	return out, err
}

// scanSubmissions reads rows of id, revision, submitter and time as
// submissions, and closes them.
func scanSubmissions(rows *sql.Rows) ([]survey.Submission, error) {
	var out []survey.Submission
	for rows.Next() {
		var sub survey.Submission
		if err := rows.Scan(&sub.ID, &sub.Revision, &sub.SubmittedBy, &sub.SubmittedAt); err != nil {
			rows.Close()
			return nil, err
		}
		sub.SubmittedAt = sub.SubmittedAt.UTC()
		out = append(out, sub)
	}
	return out, errors.Join(rows.Err(), rows.Close())
}
