package store

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"

	"github.com/customs-survey/surveyd/auth"
	"github.com/customs-survey/surveyd/survey"
)

// CreateCampaign stores a campaign in the draft state, of the named
// questionnaire version and previous campaign, which must exist.
// Errors: ErrConflict (the key exists).
func (s *Store) CreateCampaign(ctx context.Context, in survey.NewCampaign) (survey.Campaign, error) {
	err := s.transaction(ctx, func(tx *gorm.DB) error {
		q, err := s.questionnaireRow(tx, in.Questionnaire, in.Version)
		if err != nil {
			return err
		}
		var previousID *int64
		if in.PreviousCampaign != "" {
			prev, err := s.campaignRow(tx, survey.Everything, in.PreviousCampaign)
			if err != nil {
				return err
			}
			previousID = &prev.ID
		}
		now := s.now()
		row := campaignRow{Key: in.Key, Year: in.Year, QuestionnaireID: q.ID, OpensAt: in.OpensAt.UTC().Truncate(time.Microsecond),
			ClosesAt: in.ClosesAt.UTC().Truncate(time.Microsecond), PreviousCampaignID: previousID, MinCellSize: in.MinCellSize,
			Status: survey.StatusDraft, CreatedAt: now, UpdatedAt: now, Title: in.Title, Revision: 1}
		if err := tx.Create(&row).Error; err != nil {
			return err
		}
		for _, code := range in.Administrations {
			err := tx.Create(&campaignAdministrationRow{CampaignID: row.ID, AdministrationCode: code}).Error
			if errors.Is(err, gorm.ErrDuplicatedKey) {
				return survey.Errorf(survey.ErrConflict, "administration %s is listed twice", code)
			}
			if err != nil {
				return err
			}
		}
		return nil
	})
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		return survey.Campaign{}, survey.Errorf(survey.ErrConflict, "campaign %s already exists", in.Key)
	}
	if err != nil {
		return survey.Campaign{}, s.translate(ctx, "create campaign", err)
	}
	return s.Campaign(ctx, survey.Everything, in.Key)
}

// Campaigns lists the campaigns sc sees, latest year first, then by key.
func (s *Store) Campaigns(ctx context.Context, sc survey.Scope) ([]survey.Campaign, error) {
	q := s.db.WithContext(ctx).Model(&campaignRow{}).Order("year DESC, key")
	if !sc.All {
		q = q.Where("id IN (SELECT campaign_id FROM campaign_administrations WHERE administration_code = ?)", sc.Administration)
		if sc.HideDrafts {
			q = q.Where("status <> ?", survey.StatusDraft)
		}
	}
	var rows []campaignRow
	if err := q.Find(&rows).Error; err != nil {
		return nil, s.translate(ctx, "list campaigns", err)
	}
	out := make([]survey.Campaign, 0, len(rows))
	for _, r := range rows {
		c, err := s.toCampaign(s.db.WithContext(ctx), r)
		if err != nil {
			return nil, s.translate(ctx, "list campaigns", err)
		}
		out = append(out, c)
	}
	return out, nil
}

// Campaign returns one campaign that sc sees.
// Errors: ErrNotFound (also for one that sc does not see).
func (s *Store) Campaign(ctx context.Context, sc survey.Scope, key string) (survey.Campaign, error) {
	row, err := s.campaignRow(s.db.WithContext(ctx), sc, key)
	if err != nil {
		return survey.Campaign{}, s.translate(ctx, "get campaign", err)
	}
	c, err := s.toCampaign(s.db.WithContext(ctx), row)
	return c, s.translate(ctx, "get campaign", err)
}

// campaignRow loads a campaign that sc may see.
func (s *Store) campaignRow(tx *gorm.DB, sc survey.Scope, key string) (campaignRow, error) {
	var row campaignRow
	err := tx.Where("key = ?", key).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return row, survey.Errorf(survey.ErrNotFound, "no campaign %s", key)
	}
	if err != nil || sc.All {
		return row, err
	}
	var n int64
	if err := tx.Model(&campaignAdministrationRow{}).
		Where("campaign_id = ? AND administration_code = ?", row.ID, sc.Administration).Count(&n).Error; err != nil {
		return row, err
	}
	if n == 0 || (sc.HideDrafts && row.Status == survey.StatusDraft) {
		return row, survey.Errorf(survey.ErrNotFound, "no campaign %s", key)
	}
	return row, nil
}

func (s *Store) toCampaign(tx *gorm.DB, r campaignRow) (survey.Campaign, error) {
	c := survey.Campaign{NewCampaign: survey.NewCampaign{Key: r.Key, Year: r.Year, OpensAt: r.OpensAt, ClosesAt: r.ClosesAt,
		MinCellSize: r.MinCellSize, Title: r.Title}, Status: r.Status, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt,
		Revision: r.Revision, LastClosedAt: r.LastClosedAt, ReopenedAt: r.ReopenedAt, ReopenReason: r.ReopenReason}
	var q questionnaireRow
	if err := tx.Select("key", "version").Where("id = ?", r.QuestionnaireID).Take(&q).Error; err != nil {
		return c, err
	}
	c.Questionnaire, c.Version = q.Key, q.Version
	if r.PreviousCampaignID != nil {
		var prev campaignRow
		if err := tx.Select("key").Where("id = ?", *r.PreviousCampaignID).Take(&prev).Error; err != nil {
			return c, err
		}
		c.PreviousCampaign = prev.Key
	}
	if err := tx.Model(&campaignAdministrationRow{}).Where("campaign_id = ?", r.ID).
		Order("administration_code").Pluck("administration_code", &c.Administrations).Error; err != nil {
		return c, err
	}
	return c, nil
}

// SetCampaignStatus moves a campaign from one status to another on
// condition that it is still in the first.
// Errors: ErrNotFound, ErrConflict (no longer in status from).
func (s *Store) SetCampaignStatus(ctx context.Context, key, from, to string) (survey.Campaign, error) {
	err := s.transaction(ctx, func(tx *gorm.DB) error {
		row, err := s.campaignRow(tx, survey.Everything, key)
		if err != nil {
			return err
		}
		now := s.now()
		set := map[string]any{"status": to, "updated_at": now, "revision": gorm.Expr("revision + 1")}
		if to == survey.StatusClosed {
			// Final again: the last reopening is the audit trail's.
			set["last_closed_at"], set["reopened_at"], set["reopen_reason"] = now, nil, ""
		}
		res := tx.Model(&campaignRow{}).Where("id = ? AND status = ?", row.ID, from).Updates(set)
		if res.Error == nil && res.RowsAffected != 1 {
			return survey.Errorf(survey.ErrConflict, "campaign %s is no longer %s", key, from)
		}
		return res.Error
	})
	if err != nil {
		return survey.Campaign{}, s.translate(ctx, "set campaign status", err)
	}
	return s.Campaign(ctx, survey.Everything, key)
}

// CampaignQuestionnaire returns the questionnaire version of a campaign
// that sc sees.
// Errors: ErrNotFound.
func (s *Store) CampaignQuestionnaire(ctx context.Context, sc survey.Scope, key string) (survey.Questionnaire, error) {
	db := s.db.WithContext(ctx)
	row, err := s.campaignRow(db, sc, key)
	if err != nil {
		return survey.Questionnaire{}, s.translate(ctx, "get campaign questionnaire", err)
	}
	q, err := s.questionnaireOf(db, row)
	return q, s.translate(ctx, "get campaign questionnaire", err)
}

// questionnaireOf reads the questionnaire version of a campaign.
func (s *Store) questionnaireOf(db *gorm.DB, c campaignRow) (survey.Questionnaire, error) {
	var q questionnaireRow
	if err := db.Where("id = ?", c.QuestionnaireID).Take(&q).Error; err != nil {
		return survey.Questionnaire{}, err
	}
	return toQuestionnaire(q)
}

// Progress counts, per invited administration that sc sees, its active
// respondents and the campaign's drafts and submitted responses.
// Errors: ErrNotFound.
func (s *Store) Progress(ctx context.Context, sc survey.Scope, key string) ([]survey.ProgressRow, error) {
	db := s.db.WithContext(ctx)
	row, err := s.campaignRow(db, sc, key)
	if err != nil {
		return nil, s.translate(ctx, "progress", err)
	}
	only := ""
	if !sc.All {
		only = sc.Administration
	}
	var rows []survey.ProgressRow
	err = db.Raw(`
SELECT ca.administration_code AS administration,
  (SELECT COUNT(*) FROM users u WHERE u.administration_code = ca.administration_code
     AND u.role = ? AND u.disabled_at IS NULL) AS respondents,
  (SELECT COUNT(*) FROM responses r WHERE r.campaign_id = ca.campaign_id
     AND r.administration_code = ca.administration_code AND r.current_submission_id IS NULL) AS drafts,
  (SELECT COUNT(*) FROM responses r WHERE r.campaign_id = ca.campaign_id
     AND r.administration_code = ca.administration_code AND r.current_submission_id IS NOT NULL) AS submitted,
  (SELECT COUNT(*) FROM responses r WHERE r.campaign_id = ca.campaign_id
     AND r.administration_code = ca.administration_code AND r.current_submission_id IS NOT NULL AND r.pending) AS pending_amendments
FROM campaign_administrations ca
WHERE ca.campaign_id = ? AND (? = '' OR ca.administration_code = ?)
ORDER BY ca.administration_code`, string(auth.RoleRespondent), row.ID, only, only).Scan(&rows).Error
	if err != nil {
		return nil, s.translate(ctx, "progress", err)
	}
	if err := s.lastSubmissions(db, row.ID, rows); err != nil {
		return nil, s.translate(ctx, "progress", err)
	}
	return rows, nil
}

// lastSubmissions sets the time of each row's administration's latest
// submission to the campaign. The times are read as they are stored and
// compared here: an aggregate (MAX) of a time column comes back from
// SQLite as text.
func (s *Store) lastSubmissions(db *gorm.DB, campaignID int64, rows []survey.ProgressRow) error {
	var times []struct {
		Administration string
		SubmittedAt    time.Time
	}
	if err := db.Raw(`SELECT r.administration_code AS administration, s.submitted_at AS submitted_at
FROM submissions s JOIN responses r ON r.id = s.response_id WHERE r.campaign_id = ?`, campaignID).Scan(&times).Error; err != nil {
		return err
	}
	// MAX(submitted_at) would leave SQLite's time column as text; one pass
	// here keeps the latest per administration.
	latest := make(map[string]time.Time, len(rows))
	for _, t := range times {
		if at, ok := latest[t.Administration]; !ok || t.SubmittedAt.After(at) {
			latest[t.Administration] = t.SubmittedAt
		}
	}
	for i := range rows {
		if at, ok := latest[rows[i].Administration]; ok {
			rows[i].LastSubmittedAt = &at
		}
	}
	return nil
}
