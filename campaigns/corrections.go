package campaigns

import (
	"context"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/customs-survey/surveyd/auth"
	"github.com/customs-survey/surveyd/survey"
)

// Correction is what an admin asks to correct in a campaign, on the
// revision they read. A nil member stays as it is.
type Correction struct {
	Revision int
	Title    *string
	ClosesAt *time.Time
	// Administrations is the whole new list: it may add administrations,
	// and remove those that have no response.
	Administrations *[]string
	Questionnaire   *string
	Version         *int
}

// Correct applies a correction to a campaign, at its next revision: its
// title at any time; its closing date (never before now, nor before it
// opens) and its administrations until it is closed; its questionnaire
// version while no one has answered it.
// Errors: ErrForbidden (not an admin), ErrNotFound, *ValidationError,
// ErrPreconditionFailed (the campaign is at another revision),
// ErrConflict (closed, answered, an answered administration removed, an
// unpublished version).
func (s *Service) Correct(ctx context.Context, by auth.Principal, key string, in Correction) (survey.Campaign, error) {
	if err := adminsOnly(by); err != nil {
		return survey.Campaign{}, err
	}
	current, err := s.store.Campaign(ctx, survey.Everything, key)
	if err != nil {
		return survey.Campaign{}, err
	}
	if changesNothing(current, in) {
		// Nothing to change ({} as a merge patch, or the values it has):
		// the campaign as it is, at the same revision, if that is the one
		// the caller read.
		if current.Revision != in.Revision {
			return survey.Campaign{}, survey.Errorf(survey.ErrPreconditionFailed, "campaign %s is at revision %d, not %d; read it again", key, current.Revision, in.Revision)
		}
		return current, nil
	}
	v := &survey.ValidationError{}
	named := fieldsOf(v)
	if in.Title != nil {
		checkTitle(*in.Title, named, v)
	}
	if in.ClosesAt != nil {
		s.checkFuture(*in.ClosesAt, v)
		if !named("closes_at") && !in.ClosesAt.After(current.OpensAt) {
			v.Add("closes_at", survey.CodeOutOfRange, "closes_at must be after opens_at (%s)", current.OpensAt.UTC().Format(time.RFC3339))
		}
	}
	if in.Administrations != nil {
		if len(*in.Administrations) == 0 {
			v.Add("administrations", survey.CodeRequired, "a campaign invites at least one administration")
		}
		if err := s.checkAdministrations(ctx, *in.Administrations, named, v); err != nil {
			return survey.Campaign{}, err
		}
	}
	published := true
	if in.Questionnaire != nil || in.Version != nil {
		qKey, version := current.Questionnaire, current.Version
		if in.Questionnaire != nil {
			qKey = *in.Questionnaire
		}
		if in.Version != nil {
			version = *in.Version
		}
		in.Questionnaire, in.Version = &qKey, &version
		if version < 1 {
			v.Add("version", survey.CodeOutOfRange, "version must be 1 or more")
		} else if published, err = s.checkVersion(ctx, qKey, version, v); err != nil {
			return survey.Campaign{}, err
		}
	}
	if err := v.Err(); err != nil {
		return survey.Campaign{}, err
	}
	if !published {
		return survey.Campaign{}, survey.Errorf(survey.ErrConflict, "questionnaire %s version %d is not published", *in.Questionnaire, *in.Version)
	}
	return s.store.ChangeCampaign(ctx, key, func(st survey.CampaignState) (survey.CampaignChange, error) {
		return decideCorrection(st, in)
	})
}

// changesNothing reports whether every member that in names already has
// that value in c.
func changesNothing(c survey.Campaign, in Correction) bool {
	return (in.Title == nil || *in.Title == c.Title) &&
		(in.ClosesAt == nil || in.ClosesAt.Equal(c.ClosesAt)) &&
		(in.Administrations == nil || slices.Equal(slices.Sorted(slices.Values(*in.Administrations)), c.Administrations)) &&
		(in.Questionnaire == nil || *in.Questionnaire == c.Questionnaire) &&
		(in.Version == nil || *in.Version == c.Version)
}

// decideCorrection is the rule of a correction on the campaign as the
// store read it.
func decideCorrection(st survey.CampaignState, in Correction) (survey.CampaignChange, error) {
	c := st.Campaign
	out := survey.ChangeOf(c)
	if c.Revision != in.Revision {
		return out, survey.Errorf(survey.ErrPreconditionFailed, "campaign %s is at revision %d, not %d; read it again", c.Key, c.Revision, in.Revision)
	}
	closed := c.Status == survey.StatusClosed
	if closed && (in.ClosesAt != nil || in.Administrations != nil) {
		return out, survey.Errorf(survey.ErrConflict, "campaign %s is closed: reopen it to change its closing date or administrations", c.Key)
	}
	if in.Title != nil {
		out.Title = *in.Title
	}
	if in.ClosesAt != nil {
		out.ClosesAt = *in.ClosesAt
	}
	if in.Administrations != nil {
		for _, code := range st.Answered {
			if !slices.Contains(*in.Administrations, code) {
				return out, survey.Errorf(survey.ErrConflict, "administration %s has answered campaign %s and cannot be removed", code, c.Key)
			}
		}
		out.Administrations = slices.Sorted(slices.Values(*in.Administrations))
	}
	if in.Questionnaire != nil && (*in.Questionnaire != c.Questionnaire || *in.Version != c.Version) {
		if len(st.Answered) > 0 {
			return out, survey.Errorf(survey.ErrConflict, "campaign %s has answers: its questionnaire cannot change", c.Key)
		}
		out.Questionnaire, out.Version = *in.Questionnaire, *in.Version
	}
	return out, nil
}

// MaxReopenReason is the most characters of the reason for reopening.
const MaxReopenReason = 300

// Reopen opens a closed campaign again until closesAt (after now), for
// the reason given (required, at most MaxReopenReason characters), which
// the campaign keeps with the time, so that its scores and exports say it
// was final before.
// Errors: ErrForbidden (not an admin), ErrNotFound, *ValidationError,
// ErrConflict (not closed).
func (s *Service) Reopen(ctx context.Context, by auth.Principal, key, reason string, closesAt time.Time) (survey.Campaign, error) {
	if err := adminsOnly(by); err != nil {
		return survey.Campaign{}, err
	}
	v := &survey.ValidationError{}
	reason = strings.TrimSpace(reason)
	switch {
	case reason == "":
		v.Add("reason", survey.CodeRequired, "say why the campaign is reopened")
	case utf8.RuneCountInString(reason) > MaxReopenReason:
		v.Add("reason", survey.CodeOutOfRange, "reason must be at most %d characters", MaxReopenReason)
	case strings.ContainsFunc(reason, unicode.IsControl):
		v.Add("reason", survey.CodeInvalidText, "reason must not hold control characters")
	}
	s.checkFuture(closesAt, v)
	if err := v.Err(); err != nil {
		return survey.Campaign{}, err
	}
	now := s.now()
	return s.store.ChangeCampaign(ctx, key, func(st survey.CampaignState) (survey.CampaignChange, error) {
		out := survey.ChangeOf(st.Campaign)
		if st.Campaign.Status != survey.StatusClosed {
			return out, survey.Errorf(survey.ErrConflict, "campaign %s is %s; only a closed campaign can be reopened", key, st.Campaign.Status)
		}
		out.Status, out.ClosesAt, out.ReopenedAt, out.ReopenReason = survey.StatusOpen, closesAt, &now, reason
		return out, nil
	})
}

// Delete deletes a campaign that was never opened.
// Errors: ErrForbidden (not an admin), ErrNotFound, ErrConflict (opened
// once, or the previous campaign of another).
func (s *Service) Delete(ctx context.Context, by auth.Principal, key string) error {
	if err := adminsOnly(by); err != nil {
		return err
	}
	return s.store.DeleteCampaign(ctx, key)
}
