package campaigns

import (
	"context"
	"time"

	"github.com/customs-survey/surveyd/survey"
)

// Store is the persistence of campaigns. Every method may also return an
// error of the store (unavailable database, ...). A campaign that a scope
// does not see is reported as ErrNotFound, exactly like one that does not
// exist.
type Store interface {
	// Questionnaire returns one version of a questionnaire.
	// Errors: ErrNotFound.
	Questionnaire(ctx context.Context, key string, version int) (survey.Questionnaire, error)
	// Administrations lists every administration.
	Administrations(ctx context.Context) ([]survey.Administration, error)
	// CreateCampaign stores a campaign in the draft state, of the named
	// (existing) questionnaire version and previous campaign.
	// Errors: ErrConflict (the key exists).
	CreateCampaign(ctx context.Context, in survey.NewCampaign) (survey.Campaign, error)
	// Campaigns lists the campaigns sc sees, latest year first, then by key.
	Campaigns(ctx context.Context, sc survey.Scope) ([]survey.Campaign, error)
	// Campaign returns one campaign that sc sees. Errors: ErrNotFound.
	Campaign(ctx context.Context, sc survey.Scope, key string) (survey.Campaign, error)
	// SetCampaignStatus moves a campaign from one status to another on
	// condition that it is still in the first.
	// Errors: ErrNotFound, ErrConflict (no longer in status from).
	SetCampaignStatus(ctx context.Context, key, from, to string) (survey.Campaign, error)
	// ChangeCampaign reads, in one transaction, a campaign's state (locked
	// against concurrent changes and answers), passes it to decide, and
	// writes what decide returns at the next revision.
	// Errors: ErrNotFound, and any error of decide.
	ChangeCampaign(ctx context.Context, key string, decide func(survey.CampaignState) (survey.CampaignChange, error)) (survey.Campaign, error)
	// DeleteCampaign deletes a campaign on condition that it is a draft.
	// Errors: ErrNotFound, ErrConflict (not a draft, or the previous
	// campaign of another).
	DeleteCampaign(ctx context.Context, key string) error
	// RespondentSubmissions returns, by campaign key, when the respondent
	// last submitted a response to each campaign they submitted to.
	RespondentSubmissions(ctx context.Context, respondentID string) (map[string]time.Time, error)
	// CampaignQuestionnaire returns the questionnaire version of a
	// campaign that sc sees. Errors: ErrNotFound.
	CampaignQuestionnaire(ctx context.Context, sc survey.Scope, key string) (survey.Questionnaire, error)
	// Progress counts, per invited administration that sc sees, its active
	// respondents and the campaign's drafts and submitted responses.
	// Errors: ErrNotFound.
	Progress(ctx context.Context, sc survey.Scope, key string) ([]survey.ProgressRow, error)
	// ImportResponses stores submitted responses in one transaction: all
	// or none; each respondent gets an account that cannot log in.
	// Errors: ErrNotFound, ErrConflict (a respondent already answered).
	ImportResponses(ctx context.Context, key string, responses []survey.PreparedImport) error
	// EachSubmittedBatch calls fn with the submitted responses of a
	// campaign that sc sees, by administration, in batches.
	// Errors: ErrNotFound, and any error of fn.
	EachSubmittedBatch(ctx context.Context, sc survey.Scope, key string, fn func([]survey.ExportedResponse) error) error
}
