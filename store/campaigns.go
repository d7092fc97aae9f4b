package store

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"time"

	"gorm.io/gorm"

	"github.com/customs-survey/surveyd/auth"
	"github.com/customs-survey/surveyd/survey"
)

// DefaultMinCellSize is the smallest number of responses a breakdown cell
// may show (docs/scoring.md) when a campaign does not set its own.
const DefaultMinCellSize = 5

// CreateCampaign creates a campaign in the draft state.
// Errors: *ValidationError, ErrConflict (duplicate key, questionnaire
// version not published).
func (s *Store) CreateCampaign(ctx context.Context, in survey.NewCampaign) (survey.Campaign, error) {
	if in.MinCellSize == 0 {
		in.MinCellSize = DefaultMinCellSize
	}
	var row campaignRow
	err := s.transaction(ctx, func(tx *gorm.DB) error {
		v := &survey.ValidationError{}
		if !in.ClosesAt.After(in.OpensAt) {
			v.Add("closes_at", survey.CodeOutOfRange, "closes_at must be after opens_at")
		}
		q, err := s.questionnaireRow(tx, in.Questionnaire, in.Version)
		qFound := err == nil
		if errors.Is(err, survey.ErrNotFound) {
			v.Add("version", survey.CodeUnknownQuestionnaire, "questionnaire %s has no version %d", in.Questionnaire, in.Version)
		} else if err != nil {
			return err
		}
		if len(in.Administrations) > 0 {
			var known []string
			if err := tx.Model(&administrationRow{}).Where("code IN ?", in.Administrations).Pluck("code", &known).Error; err != nil {
				return err
			}
			seen := map[string]bool{}
			for i, code := range in.Administrations {
				switch {
				case seen[code]:
					v.Add(fieldIndex("administrations", i), survey.CodeDuplicate, "%s is listed twice", code)
				case !slices.Contains(known, code):
					v.Add(fieldIndex("administrations", i), survey.CodeUnknownAdministration, "no administration has code %q", code)
				}
				seen[code] = true
			}
		}
		var previousID *int64
		if in.PreviousCampaign != "" {
			var prev campaignRow
			err := tx.Where("key = ?", in.PreviousCampaign).Take(&prev).Error
			switch {
			case errors.Is(err, gorm.ErrRecordNotFound):
				v.Add("previous_campaign", survey.CodeUnknownCampaign, "no campaign has key %q", in.PreviousCampaign)
			case err != nil:
				return err
			case prev.Year >= in.Year:
				v.Add("previous_campaign", survey.CodeOutOfRange, "the previous campaign is of %d, not before %d", prev.Year, in.Year)
			default:
				previousID = &prev.ID
			}
		}
		if err := v.Err(); err != nil {
			return err
		}
		if qFound && q.Status != survey.StatusPublished {
			return survey.Errorf(survey.ErrConflict, "questionnaire %s version %d is not published", in.Questionnaire, in.Version)
		}
		var n int64
		if err := tx.Model(&campaignRow{}).Where("key = ?", in.Key).Count(&n).Error; err != nil {
			return err
		}
		if n > 0 {
			return survey.Errorf(survey.ErrConflict, "campaign %s already exists", in.Key)
		}
		now := s.now()
		row = campaignRow{Key: in.Key, Year: in.Year, QuestionnaireID: q.ID, OpensAt: in.OpensAt.UTC().Truncate(time.Microsecond), ClosesAt: in.ClosesAt.UTC().Truncate(time.Microsecond),
			PreviousCampaignID: previousID, MinCellSize: in.MinCellSize, Status: survey.StatusDraft, CreatedAt: now, UpdatedAt: now}
		if err := tx.Create(&row).Error; err != nil {
			return err
		}
		for _, code := range in.Administrations {
			if err := tx.Create(&campaignAdministrationRow{CampaignID: row.ID, AdministrationCode: code}).Error; err != nil {
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
	return s.campaign(ctx, everything, in.Key)
}

// Campaigns lists the campaigns p may see: every campaign for admins, those
// of their administration for coordinators, and only the open ones of their
// administration for respondents.
func (s *Store) Campaigns(ctx context.Context, p auth.Principal) ([]survey.Campaign, error) {
	q := s.db.WithContext(ctx).Model(&campaignRow{}).Order("year DESC, key")
	switch p.Role {
	case auth.RoleAdmin:
	case auth.RoleCoordinator:
		q = q.Where("id IN (SELECT campaign_id FROM campaign_administrations WHERE administration_code = ?)", p.Administration)
	default:
		q = q.Where("status = ? AND id IN (SELECT campaign_id FROM campaign_administrations WHERE administration_code = ?)",
			survey.StatusOpen, p.Administration)
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

// Campaign returns one campaign if p may see it.
// Errors: ErrNotFound (also for a campaign of another administration, or a
// draft campaign asked for by a respondent).
func (s *Store) Campaign(ctx context.Context, p auth.Principal, key string) (survey.Campaign, error) {
	return s.campaign(ctx, visibilityOf(p), key)
}

// campaign returns a campaign that sc may see.
func (s *Store) campaign(ctx context.Context, sc scope, key string) (survey.Campaign, error) {
	row, err := s.campaignRow(s.db.WithContext(ctx), sc, key)
	if err != nil {
		return survey.Campaign{}, s.translate(ctx, "get campaign", err)
	}
	c, err := s.toCampaign(s.db.WithContext(ctx), row)
	return c, s.translate(ctx, "get campaign", err)
}

// scope is what a query may see of the campaigns: every one, or those
// inviting one administration (a coordinator's or respondent's), with or
// without those still in draft (hidden from respondents). It is derived
// from the caller (visibilityOf) or, for the service's own work such as
// scoring, everything: never by pretending to be an admin. The zero scope
// sees nothing.
type scope struct {
	all            bool
	administration string
	hideDrafts     bool
}

// everything sees every campaign.
var everything = scope{all: true}

// visibilityOf is what p may see: admins everything; anyone else the
// campaigns of their administration (none without one), without drafts
// unless they coordinate it.
func visibilityOf(p auth.Principal) scope {
	if p.Role == auth.RoleAdmin {
		return everything
	}
	return scope{administration: p.Administration, hideDrafts: p.Role != auth.RoleCoordinator}
}

// campaignRow loads a campaign that sc may see.
func (s *Store) campaignRow(tx *gorm.DB, sc scope, key string) (campaignRow, error) {
	var row campaignRow
	err := tx.Where("key = ?", key).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return row, survey.Errorf(survey.ErrNotFound, "no campaign %s", key)
	}
	if err != nil || sc.all {
		return row, err
	}
	var n int64
	if err := tx.Model(&campaignAdministrationRow{}).
		Where("campaign_id = ? AND administration_code = ?", row.ID, sc.administration).Count(&n).Error; err != nil {
		return row, err
	}
	if n == 0 || (sc.hideDrafts && row.Status == survey.StatusDraft) {
		return row, survey.Errorf(survey.ErrNotFound, "no campaign %s", key)
	}
	return row, nil
}

func (s *Store) toCampaign(tx *gorm.DB, r campaignRow) (survey.Campaign, error) {
	c := survey.Campaign{NewCampaign: survey.NewCampaign{Key: r.Key, Year: r.Year, OpensAt: r.OpensAt, ClosesAt: r.ClosesAt,
		MinCellSize: r.MinCellSize}, Status: r.Status, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt}
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

// SetCampaignStatus moves a campaign draft → open → closed.
// Errors: ErrNotFound, ErrConflict (any other transition).
func (s *Store) SetCampaignStatus(ctx context.Context, key, status string) (survey.Campaign, error) {
	from := map[string]string{survey.StatusOpen: survey.StatusDraft, survey.StatusClosed: survey.StatusOpen}[status]
	err := s.transaction(ctx, func(tx *gorm.DB) error {
		row, err := s.campaignRow(tx, everything, key)
		if err != nil {
			return err
		}
		if row.Status != from {
			return survey.Errorf(survey.ErrConflict, "campaign %s is %s; only a %s campaign can become %s", key, row.Status, from, status)
		}
		res := tx.Model(&campaignRow{}).Where("id = ? AND status = ?", row.ID, from).
			Updates(map[string]any{"status": status, "updated_at": s.now()})
		if res.Error == nil && res.RowsAffected != 1 {
			// A concurrent request made the same transition first.
			return survey.Errorf(survey.ErrConflict, "campaign %s is no longer %s", key, from)
		}
		return res.Error
	})
	if err != nil {
		return survey.Campaign{}, s.translate(ctx, "set campaign status", err)
	}
	return s.campaign(ctx, everything, key)
}

// CampaignQuestionnaire returns the questionnaire version of a campaign that
// p may see.
// Errors: ErrNotFound.
func (s *Store) CampaignQuestionnaire(ctx context.Context, p auth.Principal, key string) (survey.Questionnaire, error) {
	db := s.db.WithContext(ctx)
	row, err := s.campaignRow(db, visibilityOf(p), key)
	if err != nil {
		return survey.Questionnaire{}, s.translate(ctx, "get campaign questionnaire", err)
	}
	var q questionnaireRow
	if err := db.Where("id = ?", row.QuestionnaireID).Take(&q).Error; err != nil {
		return survey.Questionnaire{}, s.translate(ctx, "get campaign questionnaire", err)
	}
	return toQuestionnaire(q)
}

// Progress counts, per invited administration, its respondents and their
// drafts and submissions. Coordinators see their own row only.
// Errors: ErrNotFound.
func (s *Store) Progress(ctx context.Context, p auth.Principal, key string) (survey.Progress, error) {
	db := s.db.WithContext(ctx)
	row, err := s.campaignRow(db, visibilityOf(p), key)
	if err != nil {
		return survey.Progress{}, s.translate(ctx, "progress", err)
	}
	var rows []struct {
		Administration string
		Respondents    int
		Drafts         int
		Submitted      int
	}
	q := db.Raw(`
SELECT ca.administration_code AS administration,
  (SELECT COUNT(*) FROM users u WHERE u.administration_code = ca.administration_code
     AND u.role = 'respondent' AND u.disabled_at IS NULL) AS respondents,
  (SELECT COUNT(*) FROM responses r WHERE r.campaign_id = ca.campaign_id
     AND r.administration_code = ca.administration_code AND r.current_submission_id IS NULL) AS drafts,
  (SELECT COUNT(*) FROM responses r WHERE r.campaign_id = ca.campaign_id
     AND r.administration_code = ca.administration_code AND r.current_submission_id IS NOT NULL) AS submitted
FROM campaign_administrations ca
WHERE ca.campaign_id = ? AND (? = '' OR ca.administration_code = ?)
ORDER BY ca.administration_code`, row.ID, visibilityOf(p).administration, visibilityOf(p).administration)
	if err := q.Scan(&rows).Error; err != nil {
		return survey.Progress{}, s.translate(ctx, "progress", err)
	}
	out := survey.Progress{Campaign: key, Rows: make([]survey.ProgressRow, 0, len(rows))}
	for _, r := range rows {
		pr := survey.ProgressRow{Administration: r.Administration, Respondents: r.Respondents, Drafts: r.Drafts, Submitted: r.Submitted}
		out.Rows = append(out.Rows, pr)
		out.Totals.Respondents += pr.Respondents
		out.Totals.Drafts += pr.Drafts
		out.Totals.Submitted += pr.Submitted
	}
	return out, nil
}

func fieldIndex(name string, i int) string {
	return name + "[" + strconv.Itoa(i) + "]"
}
