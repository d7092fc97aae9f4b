package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/google/uuid"
	"gorm.io/gorm"

	"github.com/customs-survey/surveyd/auth"
	"github.com/customs-survey/surveyd/survey"
)

// ImportResponses stores submitted responses of a campaign in one
// transaction: all or none. Each is validated like a submission (hidden
// answers dropped, required questions checked, scores copied from the
// campaign's questionnaire), whatever the campaign's state, so that a past
// campaign can be loaded after it closed. The respondents get accounts that
// cannot log in (e-mail <respondent>@<administration>.import.invalid).
// Errors: ErrNotFound, ErrConflict (a respondent already answered),
// *ValidationError (fields "responses[i]...").
func (s *Store) ImportResponses(ctx context.Context, key string, responses []survey.ImportedResponse) error {
	err := s.transaction(ctx, func(tx *gorm.DB) error {
		campaign, err := s.campaignRow(tx, everything, key)
		if err != nil {
			return err
		}
		var q questionnaireRow
		if err := tx.Where("id = ?", campaign.QuestionnaireID).Take(&q).Error; err != nil {
			return err
		}
		qn, err := toQuestionnaire(q)
		if err != nil {
			return err
		}
		var invited []string
		if err := tx.Model(&campaignAdministrationRow{}).Where("campaign_id = ?", campaign.ID).
			Pluck("administration_code", &invited).Error; err != nil {
			return err
		}
		isInvited := map[string]bool{}
		for _, code := range invited {
			isInvited[code] = true
		}

		v := &survey.ValidationError{}
		now := s.now()
		var answerRows []answerRow
		for i, in := range responses {
			prefix := fmt.Sprintf("responses[%d]", i)
			if !isInvited[in.Administration] {
				v.Add(prefix+".administration", survey.CodeNotInvited, "administration %q is not invited to campaign %s", in.Administration, key)
				continue
			}
			if in.Respondent == "" {
				v.Add(prefix+".respondent", survey.CodeRequired, "name the respondent")
				continue
			}
			cleaned, rows, err := survey.PrepareSubmission(qn.Document, in.Answers)
			var invalid *survey.ValidationError
			if errors.As(err, &invalid) {
				for _, fe := range invalid.Errors {
					v.Add(prefix+"."+fe.Field, fe.Code, "%s", fe.Message)
				}
				continue
			} else if err != nil {
				return err
			}
			if v.Err() != nil {
				continue // keep collecting problems; write nothing
			}
			userID, err := s.importedRespondent(tx, in.Administration, in.Respondent)
			if err != nil {
				return err
			}
			body, err := json.Marshal(cleaned)
			if err != nil {
				return err
			}
			at := in.SubmittedAt.UTC()
			if at.IsZero() {
				at = now
			}
			respID, subID := uuid.NewString(), uuid.NewString()
			if err := tx.Create(&responseRow{ID: respID, CampaignID: campaign.ID, RespondentID: userID,
				AdministrationCode: in.Administration, Revision: 1, DraftAnswers: string(body),
				CurrentSubmissionID: &subID, FirstSubmittedAt: &at, CreatedAt: at, UpdatedAt: at}).Error; err != nil {
				if errors.Is(err, gorm.ErrDuplicatedKey) {
					return survey.Errorf(survey.ErrConflict, "%s: respondent %s of %s has already answered campaign %s",
						prefix, in.Respondent, in.Administration, key)
				}
				return err
			}
			if err := tx.Create(&submissionRow{ID: subID, ResponseID: respID, Revision: 1, SubmittedBy: userID,
				SubmittedAt: at, Answers: string(body)}).Error; err != nil {
				return err
			}
			for _, r := range rows {
				answerRows = append(answerRows, toAnswerRow(subID, r))
			}
		}
		if err := v.Err(); err != nil {
			return err
		}
		if len(answerRows) == 0 {
			return nil
		}
		return tx.CreateInBatches(answerRows, 500).Error
	})
	return s.translate(ctx, "import responses", err)
}

// importedRespondent finds or creates the account of an imported respondent.
func (s *Store) importedRespondent(tx *gorm.DB, administration, ref string) (string, error) {
	email := auth.NormalizeEmail(ref + "@" + strings.ToLower(administration) + ".import.invalid")
	var u userRow
	err := tx.Where("email = ?", email).Take(&u).Error
	if err == nil {
		return u.ID, nil
	}
	if !errors.Is(err, gorm.ErrRecordNotFound) {
		return "", err
	}
	adm := administration
	t := s.now()
	u = userRow{ID: uuid.NewString(), Email: email, PasswordHash: auth.NoPassword, Role: string(auth.RoleRespondent),
		AdministrationCode: &adm, PasswordChangedAt: t, CreatedAt: t}
	return u.ID, tx.Create(&u).Error
}
