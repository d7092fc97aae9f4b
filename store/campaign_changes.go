package store

import (
	"context"
	"slices"
	"time"

	"gorm.io/gorm"

	"github.com/customs-survey/surveyd/survey"
)

// ChangeCampaign reads a campaign's state in one transaction, its row
// locked (FOR UPDATE on PostgreSQL, the write lock on SQLite) so that no
// answer or other change commits in between, passes it to decide, and
// writes what decide returns at the next revision: the campaign's fields
// and its list of administrations.
// Errors: ErrNotFound, and any error of decide.
func (s *Store) ChangeCampaign(ctx context.Context, key string, decide func(survey.CampaignState) (survey.CampaignChange, error)) (survey.Campaign, error) {
	err := s.transaction(ctx, func(tx *gorm.DB) error {
		row, err := s.campaignRow(tx, survey.Everything, key)
		if err != nil {
			return err
		}
		if err := s.forUpdate(tx).Where("id = ?", row.ID).Take(&row).Error; err != nil {
			return err
		}
		current, err := s.toCampaign(tx, row)
		if err != nil {
			return err
		}
		var answered []string
		if err := tx.Model(&responseRow{}).Distinct("administration_code").Where("campaign_id = ?", row.ID).
			Order("administration_code").Pluck("administration_code", &answered).Error; err != nil {
			return err
		}
		change, err := decide(survey.CampaignState{Campaign: current, Answered: answered})
		if err != nil {
			return err
		}
		q, err := s.questionnaireRow(tx, change.Questionnaire, change.Version)
		if err != nil {
			return err
		}

		if err := tx.Model(&campaignRow{}).Where("id = ?", row.ID).Updates(map[string]any{
			"title": change.Title, "questionnaire_id": q.ID, "closes_at": change.ClosesAt.UTC().Truncate(time.Microsecond),
			"status": change.Status, "last_closed_at": survey.StoredTime(change.LastClosedAt), "reopened_at": survey.StoredTime(change.ReopenedAt),
			"reopen_reason": change.ReopenReason,
			"revision":      row.Revision + 1, "updated_at": s.now(),
		}).Error; err != nil {
			return err
		}
		for _, code := range current.Administrations {
			if !slices.Contains(change.Administrations, code) {
				if err := tx.Where("campaign_id = ? AND administration_code = ?", row.ID, code).
					Delete(&campaignAdministrationRow{}).Error; err != nil {
					return err
				}
			}
		}
		for _, code := range change.Administrations {
			if !slices.Contains(current.Administrations, code) {
				if err := tx.Create(&campaignAdministrationRow{CampaignID: row.ID, AdministrationCode: code}).Error; err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return survey.Campaign{}, s.translate(ctx, "change campaign", err)
	}
	return s.Campaign(ctx, survey.Everything, key)
}

// DeleteCampaign deletes a campaign on condition that it is a draft, with
// its list of administrations. A draft has no response: respondents never
// see one.
// Errors: ErrNotFound, ErrConflict (not a draft, or the previous campaign
// of another).
func (s *Store) DeleteCampaign(ctx context.Context, key string) error {
	err := s.transaction(ctx, func(tx *gorm.DB) error {
		row, err := s.campaignRow(tx, survey.Everything, key)
		if err != nil {
			return err
		}
		var later int64
		if err := tx.Model(&campaignRow{}).Where("previous_campaign_id = ?", row.ID).Count(&later).Error; err != nil {
			return err
		}
		if later > 0 {
			return survey.Errorf(survey.ErrConflict, "campaign %s is the previous campaign of another", key)
		}
		if err := tx.Where("campaign_id = ?", row.ID).Delete(&campaignAdministrationRow{}).Error; err != nil {
			return err
		}
		res := tx.Where("id = ? AND status = ?", row.ID, survey.StatusDraft).Delete(&campaignRow{})
		if res.Error == nil && res.RowsAffected != 1 {
			return survey.Errorf(survey.ErrConflict, "campaign %s has been opened and cannot be deleted", key)
		}
		return res.Error
	})
	return s.translate(ctx, "delete campaign", err)
}

// RespondentSubmissions returns, by campaign key, the time of the
// respondent's latest submission to each campaign they submitted to.
func (s *Store) RespondentSubmissions(ctx context.Context, respondentID string) (map[string]time.Time, error) {
	var rows []struct {
		Key         string
		SubmittedAt time.Time
	}
	err := s.db.WithContext(ctx).Raw(`SELECT c.key AS key, s.submitted_at AS submitted_at
FROM responses r JOIN campaigns c ON c.id = r.campaign_id JOIN submissions s ON s.id = r.current_submission_id
WHERE r.respondent_id = ?`, respondentID).Scan(&rows).Error
	if err != nil {
		return nil, s.translate(ctx, "respondent submissions", err)
	}
	out := make(map[string]time.Time, len(rows))
	for _, r := range rows {
		out[r.Key] = r.SubmittedAt
	}
	return out, nil
}
