package memstore

import (
	"context"
	"fmt"

	"github.com/customs-survey/surveyd/survey"
	"github.com/customs-survey/surveyd/tally"
)

// Tallies reads a campaign's tally and that of its previous campaign (nil
// if it names none), under the lock that stands for the store's snapshot.
// Errors: ErrNotFound.
func (s *Store) Tallies(ctx context.Context, sc survey.Scope, key string) (survey.CampaignTally, *survey.CampaignTally, error) {
	if err := ctx.Err(); err != nil {
		return survey.CampaignTally{}, nil, fmt.Errorf("scores: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.scopedCampaign(survey.Everything, key)
	if err != nil {
		return survey.CampaignTally{}, nil, err
	}
	current, err := s.campaignTally(c)
	if err != nil {
		return survey.CampaignTally{}, nil, fmt.Errorf("scores: %w", err)
	}
	if c.Previous == nil {
		return current, nil, nil
	}
	previous, err := s.campaignTally(c.Previous)
	if err != nil {
		return survey.CampaignTally{}, nil, fmt.Errorf("scores: previous campaign %s: %w", c.Previous.Key, err)
	}
	return current, &previous, nil
}

// campaignTally is one campaign's part of Tallies: the campaign as the
// store hands it out, a copy of its document, the submitted responses of
// each invited administration, and the tally of every indicator over the
// current submissions. The caller holds the lock.
func (s *Store) campaignTally(c *campaign) (survey.CampaignTally, error) {
	doc, err := cloneDocument(c.Questionnaire.Document)
	if err != nil {
		return survey.CampaignTally{}, fmt.Errorf("questionnaire %s v%d: stored document: %w",
			c.Questionnaire.Key, c.Questionnaire.Version, err)
	}
	t := survey.CampaignTally{Campaign: c.copy(), Document: doc}

	var submitted []Submitted
	byAdministration := map[string]int{}
	for _, r := range s.responses {
		if r.Campaign != c || r.Current == nil {
			continue
		}
		submitted = append(submitted, Submitted{Administration: r.Administration, Rows: r.Current.Rows})
		byAdministration[r.Administration]++
	}
	t.Responses = len(submitted)
	for _, code := range t.Campaign.Administrations {
		t.Invited = append(t.Invited, survey.AdministrationCount{Administration: code, Responses: byAdministration[code]})
	}
	t.Tallies = TallyOf(doc, submitted)
	return t, nil
}

// Submitted is a submitted response as scoring reads it: its
// administration and the answer rows of its current submission.
type Submitted = tally.Submitted

// TallyOf is step 1 of docs/scoring.md for every indicator of doc, in
// order, over the current submissions of a campaign's responses: what the
// store's Tallies returns, written as the plain definition (tally.Of: each
// response's contribution, then each cell's sums) so that the contract
// can check the store against it. Rows are as the store returns them: cells
// and option counts by administration code (option counts then in
// questionnaire order); an administration appears in an indicator's cells
// only if one of its responses passes `where`, an option count or an
// Answering entry only when it is not zero. Every Tally has non-nil
// QuestionCells and Answering maps; a document without indicators has no
// tallies.
func TallyOf(doc *survey.Document, submitted []Submitted) []survey.Tally {
	return tally.Of(doc, submitted)
}
