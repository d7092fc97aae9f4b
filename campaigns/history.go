package campaigns

import (
	"context"
	"fmt"

	"github.com/customs-survey/surveyd/auth"
	"github.com/customs-survey/surveyd/survey"
)

// ImportCampaign brings in a campaign of the past, run elsewhere (an
// earlier survey tool, a demo data set), with its submitted responses,
// and leaves it in status (draft, open or closed; closed since its
// closing date, its last_closed_at). It is the one way to
// create a campaign whose closing date has passed: Create and Open refuse
// one, as no one could answer it; every other rule of Create and Import
// holds.
// Errors: those of Create and Import, *ValidationError (status).
func (s *Service) ImportCampaign(ctx context.Context, by auth.Principal, in survey.NewCampaign, status string, responses []survey.ImportedResponse) (survey.Campaign, error) {
	if err := adminsOnly(by); err != nil {
		return survey.Campaign{}, err
	}
	if status != survey.StatusDraft && status != survey.StatusOpen && status != survey.StatusClosed {
		return survey.Campaign{}, survey.Invalid("status", survey.CodeNotAllowed, "status must be draft, open or closed")
	}
	c, err := s.create(ctx, in, nil, false)
	if err != nil {
		return c, err
	}
	if err := s.Import(ctx, by, in.Key, responses); err != nil {
		return c, fmt.Errorf("responses of campaign %s: %w", in.Key, err)
	}
	if status == survey.StatusDraft {
		return c, nil
	}
	// Its state is set as it was where it ran: a closed campaign was
	// final from its closing date on.
	return s.store.ChangeCampaign(ctx, in.Key, func(st survey.CampaignState) (survey.CampaignChange, error) {
		out := survey.ChangeOf(st.Campaign)
		out.Status = status
		if status == survey.StatusClosed {
			out.LastClosedAt = &st.Campaign.ClosesAt
		}
		return out, nil
	})
}
