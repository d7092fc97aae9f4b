package api

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/customs-survey/surveyd/auth"
	"github.com/customs-survey/surveyd/campaigns"
	"github.com/customs-survey/surveyd/survey"
)

type campaignRequest struct {
	Key              string   `json:"key" validate:"required,campaign_key"`
	Title            string   `json:"title"`
	Year             int      `json:"year" validate:"required,gte=2000,lte=2200"`
	Questionnaire    string   `json:"questionnaire" validate:"required,survey_key"`
	Version          int      `json:"version" validate:"required,gte=1"`
	OpensAt          string   `json:"opens_at" validate:"required"`
	ClosesAt         string   `json:"closes_at" validate:"required"`
	Administrations  []string `json:"administrations" validate:"required,min=1,max=500,dive,admin_code"`
	PreviousCampaign string   `json:"previous_campaign" validate:"omitempty,campaign_key"`
	MinCellSize      *int     `json:"min_cell_size" validate:"omitempty,gte=1,lte=10000"`
}

type campaignResponse struct {
	Key              string    `json:"key"`
	Title            string    `json:"title"`
	Revision         int       `json:"revision"`
	Year             int       `json:"year"`
	Questionnaire    string    `json:"questionnaire"`
	Version          int       `json:"version"`
	OpensAt          time.Time `json:"opens_at"`
	ClosesAt         time.Time `json:"closes_at"`
	Administrations  []string  `json:"administrations"`
	PreviousCampaign *string   `json:"previous_campaign"`
	MinCellSize      int       `json:"min_cell_size"`
	Status           string    `json:"status"`
	AcceptingAnswers bool      `json:"accepting_answers"`
	CreatedAt        time.Time `json:"created_at"`
	UpdatedAt        time.Time `json:"updated_at"`
	// LastClosedAt is when the campaign was last closed (final), and
	// ReopenedAt when it was last reopened after that, with the reason.
	LastClosedAt *time.Time `json:"last_closed_at"`
	ReopenedAt   *time.Time `json:"reopened_at"`
	ReopenReason *string    `json:"reopen_reason"`
	// YourResponse is in a respondent's list only: their submission, or
	// null for none yet.
	YourResponse **yourResponse `json:"your_response,omitempty"`
}

// yourResponse is what a respondent's list says of their own response to
// a campaign: when they last submitted it (their receipt is at
// /campaigns/{key}/response).
type yourResponse struct {
	SubmittedAt time.Time `json:"submitted_at"`
}

func (s *server) toCampaignResponse(c survey.Campaign) campaignResponse {
	out := campaignResponse{Key: c.Key, Year: c.Year, Questionnaire: c.Questionnaire, Version: c.Version,
		OpensAt: c.OpensAt.UTC(), ClosesAt: c.ClosesAt.UTC(), Administrations: c.Administrations,
		MinCellSize: c.MinCellSize, Status: c.Status, AcceptingAnswers: c.AcceptsAnswers(s.now()),
		CreatedAt: c.CreatedAt.UTC(), UpdatedAt: c.UpdatedAt.UTC(), Title: c.Title, Revision: c.Revision,
		LastClosedAt: utcOrNil(c.LastClosedAt), ReopenedAt: utcOrNil(c.ReopenedAt)}
	if c.ReopenedAt != nil {
		reason := c.ReopenReason
		out.ReopenReason = &reason
	}
	if out.Administrations == nil {
		out.Administrations = []string{}
	}
	if c.PreviousCampaign != "" {
		prev := c.PreviousCampaign
		out.PreviousCampaign = &prev
	}
	return out
}

// utcOrNil is a time in UTC, or nil.
func utcOrNil(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

func parseTime(v *survey.ValidationError, field, value string) time.Time {
	t, err := time.Parse(time.RFC3339, value)
	if err != nil {
		v.Add(field, survey.CodeInvalidTime, "must be an RFC 3339 time such as 2024-03-01T00:00:00Z")
	}
	return t
}

// createCampaign: POST /campaigns, in the draft state. The problems of
// the members' rules, of their times and of the campaign's rules are
// reported together.
func (s *server) createCampaign(c *gin.Context) {
	var req campaignRequest
	v := &survey.ValidationError{}
	if err := s.decode(c, &req); err != nil && (!errors.As(err, &v) || !decodedWhole(v)) {
		s.writeError(c, err)
		return
	}
	in := survey.NewCampaign{Key: req.Key, Title: req.Title, Year: req.Year, Questionnaire: req.Questionnaire, Version: req.Version,
		Administrations: req.Administrations, PreviousCampaign: req.PreviousCampaign}
	if req.OpensAt != "" {
		in.OpensAt = parseTime(v, "opens_at", req.OpensAt)
	}
	if req.ClosesAt != "" {
		in.ClosesAt = parseTime(v, "closes_at", req.ClosesAt)
	}
	if req.MinCellSize != nil {
		in.MinCellSize = *req.MinCellSize
	}
	camp, err := s.campaigns.CreateChecked(c.Request.Context(), principal(c), in, v)
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.Header("Location", "/api/v1/campaigns/"+camp.Key)
	setCampaignETag(c, camp)
	s.respond(c, http.StatusCreated, s.toCampaignResponse(camp))
}

// listCampaigns: GET /campaigns, the campaigns the caller may see
// (respondents: those they can still answer and those they answered).
// A page holds limit campaigns after the cursor's; the next page is in the
// Link header. Campaigns are few (one a year per questionnaire): the list
// is read whole and paged on its order (campaigns.SortKey).
func (s *server) listCampaigns(c *gin.Context) {
	v := &survey.ValidationError{}
	page := readPage(c, v)
	if err := v.Err(); err != nil {
		s.writeError(c, err)
		return
	}
	if principal(c).Role == respondent {
		s.listRespondentCampaigns(c, page)
		return
	}
	list, err := s.campaigns.List(c.Request.Context(), principal(c))
	if err != nil {
		s.writeError(c, err)
		return
	}
	list = finishPage(c, page, survey.PageOf(list, page.request(), campaigns.SortKey), campaigns.SortKey)
	out := make([]campaignResponse, len(list))
	for i, camp := range list {
		out[i] = s.toCampaignResponse(camp)
	}
	s.respond(c, http.StatusOK, out)
}

// getCampaign: GET /campaigns/{key}.
func (s *server) getCampaign(c *gin.Context) {
	camp, err := s.campaigns.Get(c.Request.Context(), principal(c), c.Param("key"))
	if err != nil {
		s.writeError(c, err)
		return
	}
	setCampaignETag(c, camp)
	s.respond(c, http.StatusOK, s.toCampaignResponse(camp))
}

// openCampaign: POST /campaigns/{key}/open.
func (s *server) openCampaign(c *gin.Context) { s.moveCampaign(c, s.campaigns.Open) }

// closeCampaign: POST /campaigns/{key}/close.
func (s *server) closeCampaign(c *gin.Context) { s.moveCampaign(c, s.campaigns.Close) }

// moveCampaign answers a change of a campaign's status.
func (s *server) moveCampaign(c *gin.Context, move func(context.Context, auth.Principal, string) (survey.Campaign, error)) {
	camp, err := move(c.Request.Context(), principal(c), c.Param("key"))
	if err != nil {
		s.writeError(c, err)
		return
	}
	setCampaignETag(c, camp)
	s.respond(c, http.StatusOK, s.toCampaignResponse(camp))
}

type progressRow struct {
	Administration string `json:"administration,omitempty"`
	Respondents    int    `json:"respondents"`
	Drafts         int    `json:"drafts"`
	// PendingAmendments are submitted responses saved again since.
	PendingAmendments int `json:"pending_amendments"`
	Submitted         int `json:"submitted"`
	// LastSubmittedAt is the time of the latest submission, null if none.
	LastSubmittedAt *time.Time `json:"last_submitted_at"`
}

// progressResponse is the body of GET /campaigns/{key}/progress. Its
// members are in alphabetical order, as they have always been sent.
type progressResponse struct {
	Administrations []progressRow `json:"administrations"`
	Campaign        string        `json:"campaign"`
	Totals          progressRow   `json:"totals"`
}

func toProgressResponse(p survey.Progress) progressResponse {
	out := progressResponse{Campaign: p.Campaign, Administrations: make([]progressRow, len(p.Rows)),
		Totals: toProgressRow(p.Totals)}
	for i, r := range p.Rows {
		out.Administrations[i] = toProgressRow(r)
	}
	return out
}

// progress: GET /campaigns/{key}/progress (coordinators: their own row).
func (s *server) progress(c *gin.Context) {
	p, err := s.campaigns.Progress(c.Request.Context(), principal(c), c.Param("key"))
	if err != nil {
		s.writeError(c, err)
		return
	}
	s.respond(c, http.StatusOK, toProgressResponse(p))
}

// campaignQuestionnaire: GET /campaigns/{key}/questionnaire?lang=xx, the
// published document in one language.
func (s *server) campaignQuestionnaire(c *gin.Context) {
	q, err := s.campaigns.Questionnaire(c.Request.Context(), principal(c), c.Param("key"))
	if err != nil {
		s.writeError(c, err)
		return
	}
	lang := c.Query("lang")
	if lang == "" {
		lang = q.Document.DefaultLanguage
	}
	s.respond(c, http.StatusOK, toQuestionnaireDocumentResponse(q.Document.Localize(lang)))
}

func toProgressRow(r survey.ProgressRow) progressRow {
	return progressRow{Administration: r.Administration, Respondents: r.Respondents, Drafts: r.Drafts,
		Submitted: r.Submitted, PendingAmendments: r.PendingAmendments, LastSubmittedAt: utcOrNil(r.LastSubmittedAt)}
}
