package store

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm"

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
		now := s.now()
		var answerRows []answerRow
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
			respID, subID := uuid.NewString(), uuid.NewString()
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
		}
		if len(answerRows) == 0 {
			return nil
		}
		return tx.CreateInBatches(answerRows, 500).Error
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
