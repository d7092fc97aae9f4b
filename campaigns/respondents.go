package campaigns

import (
	"context"
	"fmt"
	"time"

	"github.com/customs-survey/surveyd/auth"
	"github.com/customs-survey/surveyd/survey"
)

// SortKey is a campaign's place in its lists (latest year first, then by
// key) as one text that sorts byte by byte in that order, the key a page
// of a list resumes after (survey.PageRequest): years are 2000 to 2200,
// campaign keys lower-case letters, digits and hyphens.
func SortKey(c survey.Campaign) string {
	return fmt.Sprintf("%04d/%s", 9999-c.Year, c.Key)
}

// RespondentCampaign is one campaign of a respondent's list: one they can
// still answer (Accepting), or one they answered that no longer takes
// answers, to read with its receipt. SubmittedAt is when they last
// submitted, nil if never.
type RespondentCampaign struct {
	Campaign    survey.Campaign
	Accepting   bool
	SubmittedAt *time.Time
}

// RespondentList is the campaigns of a respondent's administration that
// they can still answer (open, before the closing date), and those they
// submitted a response to, whatever their state: a closed campaign they
// answered stays listed, read-only, and an open one whose closing date has
// passed is left out unless they answered it. Same order as List.
// Errors: ErrForbidden (not a respondent).
func (s *Service) RespondentList(ctx context.Context, p auth.Principal) ([]RespondentCampaign, error) {
	if p.Role != auth.RoleRespondent {
		return nil, survey.Errorf(survey.ErrForbidden, "only respondents answer campaigns")
	}
	all, err := s.store.Campaigns(ctx, survey.ScopeOf(p))
	if err != nil {
		return nil, err
	}
	submitted, err := s.store.RespondentSubmissions(ctx, p.UserID)
	if err != nil {
		return nil, err
	}
	now := s.now()
	out := []RespondentCampaign{}
	for _, c := range all {
		item := RespondentCampaign{Campaign: c, Accepting: c.AcceptsAnswers(now)}
		if at, ok := submitted[c.Key]; ok {
			item.SubmittedAt = &at
		}
		if item.Accepting || item.SubmittedAt != nil {
			out = append(out, item)
		}
	}
	return out, nil
}
