package api

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/customs-survey/surveyd/campaigns"
	"github.com/customs-survey/surveyd/survey"
)

// problemPreconditionRequired answers a correction of a campaign sent
// without If-Match: it must name the revision it was made on.
var problemPreconditionRequired = newProblemKind("precondition-required", http.StatusPreconditionRequired, "Precondition required")

// decodedWhole reports whether the problems of a decoding are those of the
// members' rules only, the body decoded whole: problems of the JSON itself
// (a wrong type, an unknown member) leave members undecoded, whose rules
// would then report what the client did not send.
func decodedWhole(v *survey.ValidationError) bool {
	return !slices.ContainsFunc(v.Errors, func(fe survey.FieldError) bool {
		return fe.Code == survey.CodeWrongType || fe.Code == survey.CodeUnknownField ||
			fe.Code == survey.CodeDuplicateKey || fe.Code == survey.CodeInvalidText
	})
}

// setCampaignETag sends the campaign's revision as a strong ETag.
func setCampaignETag(c *gin.Context, camp survey.Campaign) {
	c.Header("ETag", `"`+strconv.Itoa(camp.Revision)+`"`)
}

// campaignRevision reads the If-Match of a correction: one revision ("3"
// or 3). Without it the answer is 428; a header naming no revision is 412.
func campaignRevision(c *gin.Context) (int, bool) {
	h := strings.TrimSpace(c.GetHeader("If-Match"))
	if h == "" {
		writeProblem(c, problemPreconditionRequired, "send If-Match with the campaign's revision (its ETag)", nil)
		return 0, false
	}
	n, err := strconv.Atoi(strings.Trim(h, `"`))
	if err != nil || n < 1 || strings.HasPrefix(h, "W/") {
		writeProblem(c, problemPreconditionFailed, "If-Match "+h+" names no revision of this campaign", nil)
		return 0, false
	}
	return n, true
}

// campaignPatchRequest is the body of PATCH /campaigns/{key}: the members
// to change, the others left out.
type campaignPatchRequest struct {
	Title           *string   `json:"title"`
	ClosesAt        *string   `json:"closes_at"`
	Administrations *[]string `json:"administrations" validate:"omitempty,max=500,dive,admin_code"`
	Questionnaire   *string   `json:"questionnaire" validate:"omitempty,survey_key"`
	Version         *int      `json:"version" validate:"omitempty,gte=1"`
}

// patchCampaign: PATCH /campaigns/{key} with If-Match, a correction.
func (s *server) patchCampaign(c *gin.Context) {
	revision, ok := campaignRevision(c)
	if !ok {
		return
	}
	var req campaignPatchRequest
	if err := s.decode(c, &req); err != nil {
		s.writeError(c, err)
		return
	}
	v := &survey.ValidationError{}
	in := campaigns.Correction{Revision: revision, Title: req.Title, Administrations: req.Administrations,
		Questionnaire: req.Questionnaire, Version: req.Version}
	if req.ClosesAt != nil {
		at := parseTime(v, "closes_at", *req.ClosesAt)
		in.ClosesAt = &at
	}
	if err := v.Err(); err != nil {
		s.writeError(c, err)
		return
	}
	camp, err := s.campaigns.Correct(c.Request.Context(), principal(c), c.Param("key"), in)
	s.answerCampaign(c, camp, err)
}

// reopenRequest is the body of POST /campaigns/{key}/reopen.
type reopenRequest struct {
	Reason   string `json:"reason" validate:"required"`
	ClosesAt string `json:"closes_at" validate:"required"`
}

// reopenCampaign: POST /campaigns/{key}/reopen. The reason is kept with
// the campaign and, in the audit trail, in the event's target.
func (s *server) reopenCampaign(c *gin.Context) {
	var req reopenRequest
	if err := s.decode(c, &req); err != nil {
		s.writeError(c, err)
		return
	}
	v := &survey.ValidationError{}
	at := parseTime(v, "closes_at", req.ClosesAt)
	if err := v.Err(); err != nil {
		s.writeError(c, err)
		return
	}
	camp, err := s.campaigns.Reopen(c.Request.Context(), principal(c), c.Param("key"), req.Reason, at)
	if err == nil {
		c.Params = append(c.Params, gin.Param{Key: "reason", Value: camp.ReopenReason})
	}
	s.answerCampaign(c, camp, err)
}

// answerCampaign sends a changed campaign with its ETag, or the error.
func (s *server) answerCampaign(c *gin.Context, camp survey.Campaign, err error) {
	if err != nil {
		s.writeError(c, err)
		return
	}
	setCampaignETag(c, camp)
	s.respond(c, http.StatusOK, s.toCampaignResponse(camp))
}

// deleteCampaign: DELETE /campaigns/{key}, a campaign never opened.
func (s *server) deleteCampaign(c *gin.Context) {
	if err := s.campaigns.Delete(c.Request.Context(), principal(c), c.Param("key")); err != nil {
		s.writeError(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// listRespondentCampaigns: GET /campaigns for a respondent, the campaigns
// they can still answer and those they answered, each with your_response.
func (s *server) listRespondentCampaigns(c *gin.Context, page pageParams) {
	list, err := s.campaigns.RespondentList(c.Request.Context(), principal(c))
	if err != nil {
		s.writeError(c, err)
		return
	}
	key := func(item campaigns.RespondentCampaign) string { return campaigns.SortKey(item.Campaign) }
	list = finishPage(c, page, survey.PageOf(list, page.request(), key), key)
	out := make([]campaignResponse, len(list))
	for i, item := range list {
		out[i] = s.toCampaignResponse(item.Campaign)
		var yours *yourResponse
		if item.SubmittedAt != nil {
			yours = &yourResponse{SubmittedAt: item.SubmittedAt.UTC().Truncate(time.Microsecond)}
		}
		out[i].YourResponse = &yours
	}
	s.respond(c, http.StatusOK, out)
}
