package memstore

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/customs-survey/surveyd/survey"
)

// ChangeCampaign passes a campaign's state (the administrations that have
// a response, by code) to decide and writes what it returns at the next
// revision, all under the lock, as the store's transaction does.
// Errors: ErrNotFound (the campaign, or the questionnaire version the
// change names), ErrConflict (an administration that does not exist, as
// the database's foreign key refuses it), and any error of decide.
func (s *Store) ChangeCampaign(ctx context.Context, key string, decide func(survey.CampaignState) (survey.CampaignChange, error)) (survey.Campaign, error) {
	if err := ctx.Err(); err != nil {
		return survey.Campaign{}, fmt.Errorf("change campaign: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.scopedCampaign(survey.Everything, key)
	if err != nil {
		return survey.Campaign{}, err
	}
	var answered []string
	for _, r := range s.responses {
		if r.Campaign == c && !slices.Contains(answered, r.Administration) {
			answered = append(answered, r.Administration)
		}
	}
	slices.Sort(answered)
	change, err := decide(survey.CampaignState{Campaign: c.copy(), Answered: answered})
	if err != nil {
		return survey.Campaign{}, err
	}
	q, err := s.findQuestionnaire(change.Questionnaire, change.Version)
	if err != nil {
		return survey.Campaign{}, err
	}
	for _, code := range change.Administrations {
		if _, ok := s.administrations[code]; !ok {
			return survey.Campaign{}, fmt.Errorf("change campaign: %w", survey.ErrConflict)
		}
	}
	c.Questionnaire, c.Campaign.Questionnaire, c.Version = q, q.Key, q.Version
	c.Title, c.ClosesAt, c.Status = change.Title, change.ClosesAt.UTC().Truncate(time.Microsecond), change.Status
	c.Administrations = slices.Sorted(slices.Values(change.Administrations))
	c.LastClosedAt, c.ReopenedAt, c.ReopenReason = survey.StoredTime(change.LastClosedAt), survey.StoredTime(change.ReopenedAt), change.ReopenReason
	c.Revision++
	c.UpdatedAt = s.clock()
	return c.copy(), nil
}

// DeleteCampaign deletes a campaign on condition that it is a draft and
// no other campaign names it as its previous one.
// Errors: ErrNotFound, ErrConflict.
func (s *Store) DeleteCampaign(ctx context.Context, key string) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("delete campaign: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.scopedCampaign(survey.Everything, key)
	if err != nil {
		return err
	}
	if slices.ContainsFunc(s.campaigns, func(other *campaign) bool { return other.Previous == c }) {
		return survey.Errorf(survey.ErrConflict, "campaign %s is the previous campaign of another", key)
	}
	if c.Status != survey.StatusDraft {
		return survey.Errorf(survey.ErrConflict, "campaign %s has been opened and cannot be deleted", key)
	}
	s.campaigns = slices.DeleteFunc(s.campaigns, func(other *campaign) bool { return other == c })
	return nil
}

// RespondentSubmissions returns, by campaign key, the time of the
// respondent's latest submission to each campaign they submitted to.
func (s *Store) RespondentSubmissions(ctx context.Context, respondentID string) (map[string]time.Time, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("respondent submissions: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]time.Time{}
	for _, r := range s.responses {
		if r.RespondentID == respondentID && r.Current != nil {
			out[r.Campaign.Key] = r.Current.SubmittedAt
		}
	}
	return out, nil
}
