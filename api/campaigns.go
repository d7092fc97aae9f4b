package api

import (
	"context"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/customs-survey/surveyd/auth"
	"github.com/customs-survey/surveyd/survey"
)

type campaignRequest struct {
	Key              string   `json:"key" validate:"required,campaign_key"`
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
}

func (s *server) toCampaignResponse(c survey.Campaign) campaignResponse {
	out := campaignResponse{Key: c.Key, Year: c.Year, Questionnaire: c.Questionnaire, Version: c.Version,
		OpensAt: c.OpensAt.UTC(), ClosesAt: c.ClosesAt.UTC(), Administrations: c.Administrations,
		MinCellSize: c.MinCellSize, Status: c.Status, AcceptingAnswers: c.AcceptsAnswers(s.now()),
		CreatedAt: c.CreatedAt.UTC(), UpdatedAt: c.UpdatedAt.UTC()}
	if out.Administrations == nil {
		out.Administrations = []string{}
	}
	if c.PreviousCampaign != "" {
		prev := c.PreviousCampaign
		out.PreviousCampaign = &prev
	}
	return out
}

func parseTime(v *survey.ValidationError, field, value string) time.Time {
	t, err := time.Parse(time.RFC3339, value)
	if err != nil {
		v.Add(field, survey.CodeInvalidTime, "must be an RFC 3339 time such as 2024-03-01T00:00:00Z")
	}
	return t
}

// createCampaign: POST /campaigns, in the draft state.
func (s *server) createCampaign(c *gin.Context) {
	var req campaignRequest
	if err := s.decode(c, &req); err != nil {
		s.writeError(c, err)
		return
	}
	v := &survey.ValidationError{}
	in := survey.NewCampaign{Key: req.Key, Year: req.Year, Questionnaire: req.Questionnaire, Version: req.Version,
		OpensAt: parseTime(v, "opens_at", req.OpensAt), ClosesAt: parseTime(v, "closes_at", req.ClosesAt),
		Administrations: req.Administrations, PreviousCampaign: req.PreviousCampaign}
	if req.MinCellSize != nil {
		in.MinCellSize = *req.MinCellSize
	}
	if err := v.Err(); err != nil {
		s.writeError(c, err)
		return
	}
	camp, err := s.campaigns.Create(c.Request.Context(), principal(c), in)
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.Header("Location", "/api/v1/campaigns/"+camp.Key)
	s.respond(c, http.StatusCreated, s.toCampaignResponse(camp))
}

// listCampaigns: GET /campaigns, the campaigns the caller may see
// (respondents: the open ones of their administration).
func (s *server) listCampaigns(c *gin.Context) {
	list, err := s.campaigns.List(c.Request.Context(), principal(c))
	if err != nil {
		s.writeError(c, err)
		return
	}
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
	s.respond(c, http.StatusOK, s.toCampaignResponse(camp))
}

type progressRow struct {
	Administration string `json:"administration,omitempty"`
	Respondents    int    `json:"respondents"`
	Drafts         int    `json:"drafts"`
	// PendingAmendments are submitted responses saved again since.
	PendingAmendments int `json:"pending_amendments"`
	Submitted         int `json:"submitted"`
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
		Submitted: r.Submitted, PendingAmendments: r.PendingAmendments}
}
