package api

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/customs-survey/surveyd/survey"
)

type saveRequest struct {
	Answers survey.Answers `json:"answers" validate:"required"`
}

type submissionResponse struct {
	Revision    int      `json:"revision"`
	SubmittedAt textTime `json:"submitted_at"`
}

// textTime is a time encoded as time.Time encodes itself in JSON (RFC 3339,
// to the nanosecond when there are any), through MarshalText: encoding/json
// checks and compacts what a MarshalJSON method returns, a second pass that
// made the times most of the cost of an answer listing many submissions
// (BenchmarkResponseBody).
type textTime time.Time

func (t textTime) MarshalText() ([]byte, error) { return time.Time(t).MarshalText() }

type responseResponse struct {
	ID               string               `json:"id"`
	Campaign         string               `json:"campaign"`
	Administration   string               `json:"administration"`
	Status           string               `json:"status"`
	Revision         int                  `json:"revision"`
	Answers          survey.Answers       `json:"answers"`
	AmendmentPending bool                 `json:"amendment_pending"`
	SubmittedAt      *time.Time           `json:"submitted_at"`
	FirstSubmittedAt *time.Time           `json:"first_submitted_at"`
	Submissions      []submissionResponse `json:"submissions"`
	CreatedAt        time.Time            `json:"created_at"`
	UpdatedAt        time.Time            `json:"updated_at"`
}

func toResponseResponse(r survey.Response) responseResponse {
	out := responseResponse{ID: r.ID, Campaign: r.Campaign, Administration: r.Administration, Status: r.Status(),
		Revision: r.Revision, Answers: r.Answers, AmendmentPending: r.AmendmentPending,
		SubmittedAt: utcPtr(r.SubmittedAt), FirstSubmittedAt: utcPtr(r.FirstSubmittedAt),
		Submissions: toSubmissionResponses(r.Submissions), CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC()}
	if out.Answers == nil {
		out.Answers = survey.Answers{}
	}
	return out
}

// writeResponse sends a response with its revision as a strong ETag.
func (s *server) writeResponse(c *gin.Context, r survey.Response) {
	c.Header("ETag", `"`+strconv.Itoa(r.Revision)+`"`)
	s.respond(c, http.StatusOK, toResponseResponse(r))
}

// ifMatch reads an If-Match header naming one revision ("3", or 3). It
// returns nil when absent, survey.AnyRevision for "*" (the response must
// exist). A header naming no revision matches nothing.
func ifMatch(c *gin.Context) (*int, error) {
	h := strings.TrimSpace(c.GetHeader("If-Match"))
	if h == "" {
		return nil, nil
	}
	if h == "*" {
		any := survey.AnyRevision
		return &any, nil
	}
	n, err := strconv.Atoi(strings.Trim(h, `"`))
	if err != nil || n < 0 || strings.HasPrefix(h, "W/") {
		return nil, survey.Errorf(survey.ErrPreconditionFailed, "If-Match %s names no revision of this response", h)
	}
	return &n, nil
}

// getResponse: GET /campaigns/{key}/response, the caller's own.
func (s *server) getResponse(c *gin.Context) {
	r, err := s.responding.Mine(c.Request.Context(), principal(c), c.Param("key"))
	if err != nil {
		s.writeError(c, err)
		return
	}
	s.writeResponse(c, r)
}

// listSubmissions: GET /campaigns/{key}/response/submissions?limit=&cursor=
// (respondent), the whole history of the caller's own response, oldest
// first, paged on the revision (api/paging.go); the response itself lists
// only its latest submissions.
func (s *server) listSubmissions(c *gin.Context) {
	v := &survey.ValidationError{}
	p := readPage(c, v)
	after := p.afterNumber(v, 32) // a revision is a 32-bit integer in the database
	if err := v.Err(); err != nil {
		s.writeError(c, err)
		return
	}
	subs, err := s.responding.MySubmissions(c.Request.Context(), principal(c), c.Param("key"), int(after), p.request().Limit)
	if err != nil {
		s.writeError(c, err)
		return
	}
	subs = finishPage(c, p, subs, func(sub survey.Submission) string { return strconv.Itoa(sub.Revision) })
	s.respond(c, http.StatusOK, toSubmissionResponses(subs))
}

func toSubmissionResponses(subs []survey.Submission) []submissionResponse {
	out := make([]submissionResponse, len(subs))
	for i, sub := range subs {
		out[i] = submissionResponse{Revision: sub.Revision, SubmittedAt: textTime(sub.SubmittedAt.UTC())}
	}
	return out
}

// saveResponse: PUT /campaigns/{key}/response, saving a draft.
func (s *server) saveResponse(c *gin.Context) {
	match, err := ifMatch(c)
	if err != nil {
		s.writeError(c, err)
		return
	}
	var req saveRequest
	if err := s.decode(c, &req); err != nil {
		s.writeError(c, err)
		return
	}
	r, err := s.responding.SaveDraft(s.withPendingAudit(c), principal(c), c.Param("key"), req.Answers, match)
	if err != nil {
		s.writeError(c, err)
		return
	}
	s.writeResponse(c, r)
}

// submitResponse: POST /campaigns/{key}/response/submit. It submits the
// saved working copy, so a body carrying answers is refused rather than
// ignored: the client would believe those answers submitted.
func (s *server) submitResponse(c *gin.Context) {
	match, err := ifMatch(c)
	if err != nil {
		s.writeError(c, err)
		return
	}
	if err := s.readEmptyBody(c); err != nil {
		s.writeError(c, err)
		return
	}
	r, err := s.responding.Submit(s.withPendingAudit(c), principal(c), c.Param("key"), match)
	if err != nil {
		s.writeError(c, err)
		return
	}
	s.writeResponse(c, r)
}

// readEmptyBody accepts a body that is empty or an empty JSON object, and
// refuses anything else as malformed, saying where answers go.
func (s *server) readEmptyBody(c *gin.Context) error {
	body, err := readBody(c)
	if err != nil {
		return err
	}
	var obj map[string]json.RawMessage
	if len(body) == 0 || json.Unmarshal(body, &obj) == nil && obj != nil && len(obj) == 0 {
		return nil
	}
	return survey.Errorf(survey.ErrMalformed, "submit takes no body: it submits the saved answers; save the answers first with PUT /api/v1/campaigns/%s/response, then submit with an empty body", c.Param("key"))
}
