package store

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/customs-survey/surveyd/migrations"
	"github.com/customs-survey/surveyd/survey"
)

// ImportResponses stores submitted responses of a campaign, already
// checked, in one transaction: all or none. The respondents get accounts
// that cannot log in (e-mail <respondent>@<administration>.import.invalid).
// A response without a time of submission is submitted now.
// Errors: ErrNotFound, ErrConflict (a respondent already answered).
func (s *Store) ImportResponses(ctx context.Context, key string, responses []survey.PreparedImport) error {
	err := s.transaction(ctx, func(tx *gorm.DB) error {
		campaign, err := s.campaignRow(tx, survey.Everything, key)
		if err != nil {
			return err
		}
		// As a submission does, under a share lock on the campaign, so
		// that a build of its score cells never runs beside it.
		if s.dialect == migrations.Postgres {
			if err := tx.Clauses(clause.Locking{Strength: "SHARE"}).Select("id").Where("id = ?", campaign.ID).Take(&campaignRow{}).Error; err != nil {
				return err
			}
		}
		q, err := s.questionnaireOf(tx, campaign)
		if err != nil {
			return err
		}
		now := s.now()
		var answerRows []answerRow
		counted := make([]responseRow, len(responses))
		for i, in := range responses {
			userID, err := s.importedRespondent(tx, in.Account)
			if err != nil {
				return err
			}
			body, err := json.Marshal(in.Answers)
			if err != nil {
				return err
			}
			at := in.SubmittedAt.UTC().Truncate(time.Microsecond)
			if at.IsZero() {
				at = now
			}
			respID, subID := newRowID(), newRowID()
			if err := tx.Create(&responseRow{ID: respID, CampaignID: campaign.ID, RespondentID: userID,
				AdministrationCode: in.Administration, Revision: 1, DraftAnswers: string(body),
				CurrentSubmissionID: &subID, FirstSubmittedAt: &at, CreatedAt: at, UpdatedAt: at}).Error; err != nil {
				if errors.Is(err, gorm.ErrDuplicatedKey) {
					return survey.Errorf(survey.ErrConflict, "responses[%d]: respondent %s of %s has already answered campaign %s",
						i, in.Respondent, in.Administration, key)
				}
				return err
			}
			if err := tx.Create(&submissionRow{ID: subID, ResponseID: respID, Revision: 1, SubmittedBy: userID,
				SubmittedAt: at, Answers: string(body)}).Error; err != nil {
				return err
			}
			for _, r := range in.Rows {
				answerRows = append(answerRows, toAnswerRow(subID, r))
			}
			counted[i] = responseRow{ID: respID, AdministrationCode: in.Administration}
		}
		if len(answerRows) > 0 {
			if err := tx.CreateInBatches(answerRows, 500).Error; err != nil {
				return err
			}
		}
		for i, in := range responses {
			changes := cellChanges(q.Document, counted[i].ID, counted[i].AdministrationCode, nil, in.Rows, true)
			if err := s.writeCellChanges(tx, campaign.ID, q.Document, changes); err != nil {
				return err
			}
		}
		return nil
	})
	return s.translate(ctx, "import responses", err)
}

// importedRespondent finds the account of an imported respondent by its
// e-mail, or creates it as the use case describes it.
func (s *Store) importedRespondent(tx *gorm.DB, a survey.NewAccount) (string, error) {
	var u userRow
	err := tx.Where("email = ?", a.Email).Take(&u).Error
	if err == nil {
		return u.ID, nil
	}
	if !errors.Is(err, gorm.ErrRecordNotFound) {
		return "", err
	}
	u = newUserRow(a, s.now())
	return u.ID, tx.Create(&u).Error
}
