package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/customs-survey/surveyd/migrations"
	"github.com/customs-survey/surveyd/survey"
)

// Baseline writes what a respondent's save and submission write — the
// response, the submission, its answer rows and the score cells it
// changes — straight to the database, with the store's own connections
// (so the same durability settings: SQLite's synchronous=FULL and
// immediate transactions, PostgreSQL's defaults), the same commits (one
// for the save, one for the submission) and the service's own write
// statements. On PostgreSQL it remembers the answer rows a submission
// replaces (the service reads them with the response); in a transaction
// they are read back, and a cell's answers are read when its bound on
// rounding error has grown too large (recomputeCells), so that the cells
// come out right. It does none of the service's other
// work: no token, no campaign or response read, no JSON decoding, no
// checks. It is the database's own speed, which the
// load test (cmd/surveyload) and the submission benchmark put beside the
// service's.
type Baseline struct {
	s        *Store
	campaign campaignRow
	doc      *survey.Document
}

// BaselineResponse is what a Baseline remembers of one response between
// its writes, where the service would read it from the database.
type BaselineResponse struct {
	ID         string
	Revision   int
	Submission string             // the current submission's id; "" before the first
	rows       []survey.AnswerRow // its answer rows, which the next submission takes away from the cells (PostgreSQL)
}

// Baseline returns a Baseline writing responses to the campaign with that
// key, whose questionnaire document is read once, here.
// Errors: ErrNotFound.
func (s *Store) Baseline(ctx context.Context, campaignKey string) (*Baseline, error) {
	db := s.db.WithContext(ctx)
	row, err := s.campaignRow(db, survey.Everything, campaignKey)
	if err != nil {
		return nil, s.translate(ctx, "baseline", err)
	}
	q, err := s.questionnaireOf(db, row)
	if err != nil {
		return nil, s.translate(ctx, "baseline", err)
	}
	return &Baseline{s: s, campaign: row, doc: q.Document}, nil
}

// Document is the questionnaire of the Baseline's campaign.
func (b *Baseline) Document() *survey.Document { return b.doc }

// SaveSubmit writes a draft of answers (body, their JSON) to who's
// response r, creating it on its first save, then the submission of rows
// (the answer rows the service would derive from the draft), the response
// pointing at it, and the changes to the score cells (taking away the
// rows of r's previous submission on an amendment). On PostgreSQL each is
// one statement outside a transaction, as the service writes them
// (saveIfUnchanged, submitIfUnchanged); on SQLite each is a transaction
// (insertResponse or saveDraft; storeSubmission and writeCellChanges).
// It moves r on.
func (b *Baseline) SaveSubmit(ctx context.Context, who survey.Respondent, r *BaselineResponse, body []byte, rows []survey.AnswerRow) error {
	if err := b.save(ctx, who, r, body); err != nil {
		return err
	}
	now := b.s.now()
	w := submissionWrite{ID: newRowID(), ResponseID: r.ID, Revision: r.Revision, SubmittedBy: who.ID, At: now,
		Answers: string(body), Rows: rows}
	if r.Submission != "" {
		w.Replaced = &r.Submission
	}
	written := false
	if b.s.dialect == migrations.Postgres {
		changes := cellChanges(b.doc, r.ID, who.Administration, r.rows, rows, w.Replaced == nil)
		var err error
		if written, err = b.s.submitIfUnchanged(ctx, b.campaign, w, changes, nil, nil); err != nil && !errors.Is(err, errComputeAgain) {
			return err
		}
	}
	// As the service writes a submission in a transaction (on SQLite, or
	// one that submitIfUnchanged refused: a cell whose bound on rounding
	// error grows too large is computed again from the answers), so that
	// the cells come out the same.
	if !written {
		err := b.tx(ctx, func(tx *sql.Tx) error {
			replaced, err := b.s.storeSubmission(ctx, tx, w)
			if err != nil {
				return err
			}
			// writeCellChanges reads the answers through GORM, here in tx.
			db := b.s.db.WithContext(ctx)
			db.Statement.ConnPool = tx
			return b.s.writeCellChanges(db, b.campaign.ID, b.doc,
				cellChanges(b.doc, r.ID, who.Administration, replaced, rows, w.Replaced == nil))
		})
		if err != nil {
			return err
		}
	}
	r.Revision++
	r.Submission, r.rows = w.ID, rows
	return nil
}

// save is SaveSubmit's save.
func (b *Baseline) save(ctx context.Context, who survey.Respondent, r *BaselineResponse, body []byte) error {
	now := b.s.now()
	first := r.ID == ""
	if first {
		r.ID = newRowID()
	}
	if b.s.dialect == migrations.Postgres {
		saved, err := b.s.saveIfUnchanged(ctx, b.campaign, responseRow{ID: r.ID, CampaignID: b.campaign.ID,
			RespondentID: who.ID, AdministrationCode: who.Administration, Revision: r.Revision + 1, DraftAnswers: string(body),
			Pending: true, CreatedAt: now, UpdatedAt: now}, !first, nil, nil)
		if err == nil && !saved {
			err = fmt.Errorf("baseline: the save of response %s wrote nothing", r.ID)
		}
		if err != nil {
			return err
		}
	} else {
		err := b.tx(ctx, func(tx *sql.Tx) error {
			if first {
				return b.s.insertResponse(ctx, tx, responseRow{ID: r.ID, CampaignID: b.campaign.ID, RespondentID: who.ID,
					AdministrationCode: who.Administration, Revision: 1, DraftAnswers: string(body), Pending: true,
					CreatedAt: now, UpdatedAt: now})
			}
			return b.s.saveDraft(ctx, tx, r.ID, r.Revision, string(body), now)
		})
		if err != nil {
			return err
		}
	}
	r.Revision++
	return nil
}

func (b *Baseline) tx(ctx context.Context, fn func(*sql.Tx) error) error {
	opts := &sql.TxOptions{}
	if b.s.dialect == migrations.Postgres {
		opts.Isolation = sql.LevelReadCommitted
	}
	tx, err := b.s.sql.BeginTx(ctx, opts)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		return errors.Join(err, tx.Rollback())
	}
	return tx.Commit()
}
