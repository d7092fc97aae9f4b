package store

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/google/uuid"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/customs-survey/surveyd/auth"
	"github.com/customs-survey/surveyd/migrations"
	"github.com/customs-survey/surveyd/survey"
)

// maxSaveAttempts bounds the retries of a save without If-Match that lost a
// race to a concurrent save; each attempt re-reads the revision.
const maxSaveAttempts = 5

// SaveDraft replaces the working copy of p's response to a campaign. With
// ifMatch set, the save happens only if the response is at that revision
// (0: no response yet). Saving after a submission starts a pending
// amendment: the submitted answers keep counting until it is submitted.
// Errors: ErrNotFound, ErrConflict (campaign not accepting answers),
// ErrPreconditionFailed, *ValidationError.
func (s *Store) SaveDraft(ctx context.Context, p auth.Principal, key string, answers survey.Answers, ifMatch *int) (survey.Response, error) {
	if answers == nil {
		answers = survey.Answers{}
	}
	body, err := json.Marshal(answers)
	if err != nil {
		return survey.Response{}, err
	}
	for attempt := 1; ; attempt++ {
		var out survey.Response
		err := s.transaction(ctx, func(tx *gorm.DB) error {
			campaign, doc, err := s.answerableCampaign(tx, p, key)
			if err != nil {
				return err
			}
			if err := survey.CheckAnswers(doc, answers); err != nil {
				return err
			}
			resp, found, err := s.responseRow(s.forUpdate(tx), campaign.ID, p.UserID)
			if err != nil {
				return err
			}
			now := s.now()
			if !found {
				if ifMatch != nil && *ifMatch != 0 {
					return survey.Errorf(survey.ErrPreconditionFailed, "you have no response to campaign %s yet", key)
				}
				resp = responseRow{ID: uuid.NewString(), CampaignID: campaign.ID, RespondentID: p.UserID,
					AdministrationCode: p.Administration, Revision: 1, DraftAnswers: string(body), Pending: true,
					CreatedAt: now, UpdatedAt: now}
				if err := tx.Create(&resp).Error; err != nil {
					return err
				}
				out, err = s.loadResponse(tx, resp.ID, key)
				return err
			}
			if ifMatch != nil && *ifMatch != survey.AnyRevision && *ifMatch != resp.Revision {
				return survey.Errorf(survey.ErrPreconditionFailed, "the response is at revision %d, not %d", resp.Revision, *ifMatch)
			}
			res := tx.Model(&responseRow{}).Where("id = ? AND revision = ?", resp.ID, resp.Revision).
				Updates(map[string]any{"draft_answers": string(body), "pending": true, "revision": resp.Revision + 1, "updated_at": now})
			if res.Error != nil {
				return res.Error
			}
			if res.RowsAffected != 1 {
				return errLostRace
			}
			// Read back inside the transaction: after commit a concurrent
			// save could already have moved the response on.
			out, err = s.loadResponse(tx, resp.ID, key)
			return err
		})
		if (errors.Is(err, errLostRace) || errors.Is(err, gorm.ErrDuplicatedKey)) && ifMatch == nil && attempt < maxSaveAttempts {
			continue
		}
		if errors.Is(err, errLostRace) || errors.Is(err, gorm.ErrDuplicatedKey) {
			return survey.Response{}, survey.Errorf(survey.ErrPreconditionFailed, "the response changed meanwhile; reload it and try again")
		}
		if err != nil {
			return survey.Response{}, s.translate(ctx, "save draft", err)
		}
		return out, nil
	}
}

// errLostRace means a conditional update found the row changed by a
// concurrent request.
var errLostRace = errors.New("lost a race with a concurrent update")

// Submit submits the working copy of p's response: answers to hidden
// questions are dropped, every visible required question must be answered,
// and the submission is kept as an immutable revision. Submitting again
// amends the response.
// Errors: ErrNotFound, ErrConflict, ErrPreconditionFailed, *ValidationError.
func (s *Store) Submit(ctx context.Context, p auth.Principal, key string, ifMatch *int) (survey.Response, error) {
	var out survey.Response
	err := s.transaction(ctx, func(tx *gorm.DB) error {
		campaign, doc, err := s.answerableCampaign(tx, p, key)
		if err != nil {
			return err
		}
		resp, found, err := s.responseRow(s.forUpdate(tx), campaign.ID, p.UserID)
		if err != nil {
			return err
		}
		revision := 0
		draft := survey.Answers{}
		if found {
			revision = resp.Revision
			if err := json.Unmarshal([]byte(resp.DraftAnswers), &draft); err != nil {
				return err
			}
		}
		switch {
		case ifMatch == nil:
		case *ifMatch == survey.AnyRevision && !found:
			return survey.Errorf(survey.ErrPreconditionFailed, "you have no response to campaign %s yet", key)
		case *ifMatch != survey.AnyRevision && *ifMatch != revision:
			return survey.Errorf(survey.ErrPreconditionFailed, "the response is at revision %d, not %d", revision, *ifMatch)
		}
		cleaned, rows, err := survey.PrepareSubmission(doc, draft)
		if err != nil {
			return err
		}
		body, err := json.Marshal(cleaned)
		if err != nil {
			return err
		}
		now := s.now()
		if !found {
			resp = responseRow{ID: uuid.NewString(), CampaignID: campaign.ID, RespondentID: p.UserID,
				AdministrationCode: p.Administration, Revision: 0, DraftAnswers: string(body), CreatedAt: now, UpdatedAt: now}
			if err := tx.Create(&resp).Error; err != nil {
				return err
			}
		}
		sub := submissionRow{ID: uuid.NewString(), ResponseID: resp.ID, Revision: revision + 1,
			SubmittedBy: p.UserID, SubmittedAt: now, Answers: string(body)}
		if err := tx.Create(&sub).Error; err != nil {
			return err
		}
		if len(rows) > 0 {
			stored := make([]answerRow, len(rows))
			for i, r := range rows {
				stored[i] = toAnswerRow(sub.ID, r)
			}
			if err := tx.CreateInBatches(stored, 500).Error; err != nil {
				return err
			}
		}
		updates := map[string]any{"draft_answers": string(body), "pending": false, "revision": revision + 1,
			"current_submission_id": sub.ID, "updated_at": now}
		if resp.FirstSubmittedAt == nil {
			updates["first_submitted_at"] = now
		}
		res := tx.Model(&responseRow{}).Where("id = ? AND revision = ?", resp.ID, resp.Revision).Updates(updates)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return errLostRace
		}
		out, err = s.loadResponse(tx, resp.ID, key)
		return err
	})
	if errors.Is(err, errLostRace) || errors.Is(err, gorm.ErrDuplicatedKey) {
		return survey.Response{}, survey.Errorf(survey.ErrPreconditionFailed, "the response changed meanwhile; reload it and submit again")
	}
	if err != nil {
		return survey.Response{}, s.translate(ctx, "submit", err)
	}
	return out, nil
}

func toAnswerRow(submissionID string, r survey.AnswerRow) answerRow {
	return answerRow{SubmissionID: submissionID, QuestionKey: r.Question, OptionKey: r.Option, Score: r.Score,
		NullScore: r.NullScore, NumberValue: r.Number, TextValue: r.Text}
}

// MyResponse returns p's own response to a campaign.
// Errors: ErrNotFound.
func (s *Store) MyResponse(ctx context.Context, p auth.Principal, key string) (survey.Response, error) {
	db := s.db.WithContext(ctx)
	campaign, err := s.campaignRow(db, visibilityOf(p), key)
	if err != nil {
		return survey.Response{}, s.translate(ctx, "get response", err)
	}
	resp, found, err := s.responseRow(db, campaign.ID, p.UserID)
	if err != nil {
		return survey.Response{}, s.translate(ctx, "get response", err)
	}
	if !found {
		return survey.Response{}, survey.Errorf(survey.ErrNotFound, "you have not answered campaign %s yet", key)
	}
	r, err := s.toResponse(db, resp, key)
	return r, s.translate(ctx, "get response", err)
}

// answerableCampaign loads a campaign p may answer now, and its document.
func (s *Store) answerableCampaign(tx *gorm.DB, p auth.Principal, key string) (campaignRow, *survey.Document, error) {
	row, err := s.campaignRow(tx, visibilityOf(p), key)
	if err != nil {
		return row, nil, err
	}
	// Read the status again under a share lock held until this transaction
	// ends. Closing a campaign updates its row, which waits for every save
	// and submit that read it open to commit; one that starts while a close
	// is under way waits for the close and then reads closed. So once a
	// close has answered, nothing more commits, and what is exported or
	// scored from then on is final. Share locks do not wait for each other:
	// respondents still write side by side. SQLite needs nothing: every
	// write transaction holds the database lock from BEGIN.
	if s.dialect == migrations.Postgres {
		if err := tx.Clauses(clause.Locking{Strength: "SHARE"}).Select("status", "closes_at").
			Where("id = ?", row.ID).Take(&row).Error; err != nil {
			return row, nil, err
		}
	}
	if row.Status != survey.StatusOpen {
		return row, nil, survey.Errorf(survey.ErrConflict, "campaign %s is %s and accepts no answers", key, row.Status)
	}
	if !s.now().Before(row.ClosesAt) {
		return row, nil, survey.Errorf(survey.ErrConflict, "campaign %s closed at %s", key, row.ClosesAt.Format("2006-01-02T15:04:05Z07:00"))
	}
	var q questionnaireRow
	if err := tx.Where("id = ?", row.QuestionnaireID).Take(&q).Error; err != nil {
		return row, nil, err
	}
	qn, err := toQuestionnaire(q)
	if err != nil {
		return row, nil, err
	}
	return row, qn.Document, nil
}

func (s *Store) responseRow(tx *gorm.DB, campaignID int64, respondentID string) (responseRow, bool, error) {
	var row responseRow
	err := tx.Where("campaign_id = ? AND respondent_id = ?", campaignID, respondentID).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return row, false, nil
	}
	return row, err == nil, err
}

// loadResponse reads a response by id with the given handle (a
// transaction, to see its own writes).
func (s *Store) loadResponse(tx *gorm.DB, id, campaignKey string) (survey.Response, error) {
	var row responseRow
	if err := tx.Where("id = ?", id).Take(&row).Error; err != nil {
		return survey.Response{}, err
	}
	return s.toResponse(tx, row, campaignKey)
}

func (s *Store) toResponse(db *gorm.DB, row responseRow, campaignKey string) (survey.Response, error) {
	r := survey.Response{ID: row.ID, Campaign: campaignKey, RespondentID: row.RespondentID,
		Administration: row.AdministrationCode, Revision: row.Revision, AmendmentPending: row.Pending && row.CurrentSubmissionID != nil,
		FirstSubmittedAt: row.FirstSubmittedAt, CreatedAt: row.CreatedAt, UpdatedAt: row.UpdatedAt}
	if err := json.Unmarshal([]byte(row.DraftAnswers), &r.Answers); err != nil {
		return r, err
	}
	var subs []submissionRow
	if err := db.Select("id", "revision", "submitted_by", "submitted_at").Where("response_id = ?", row.ID).
		Order("revision").Find(&subs).Error; err != nil {
		return r, err
	}
	for _, sub := range subs {
		r.Submissions = append(r.Submissions, survey.Submission{ID: sub.ID, Revision: sub.Revision,
			SubmittedBy: sub.SubmittedBy, SubmittedAt: sub.SubmittedAt})
	}
	if n := len(r.Submissions); n > 0 {
		at := r.Submissions[n-1].SubmittedAt
		r.SubmittedAt = &at
	}
	return r, nil
}
