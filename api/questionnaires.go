package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/customs-survey/surveyd/survey"
)

type questionnaireResponse struct {
	Key         string           `json:"key"`
	Version     int              `json:"version"`
	Status      string           `json:"status"`
	CreatedAt   time.Time        `json:"created_at"`
	UpdatedAt   time.Time        `json:"updated_at"`
	PublishedAt *time.Time       `json:"published_at"`
	Document    *survey.Document `json:"document"`
}

func toQuestionnaireResponse(q survey.Questionnaire) questionnaireResponse {
	return questionnaireResponse{Key: q.Key, Version: q.Version, Status: q.Status, CreatedAt: q.CreatedAt.UTC(),
		UpdatedAt: q.UpdatedAt.UTC(), PublishedAt: utcPtr(q.PublishedAt), Document: q.Document}
}

func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

// readDocument reads and validates a questionnaire document body;
// ParseDocument also refuses a body that is not UTF-8, saying where, as
// `surveyd questionnaire check` does for a file.
func (s *server) readDocument(c *gin.Context) (*survey.Document, error) {
	body, err := readBody(c)
	if err != nil {
		return nil, err
	}
	return survey.ParseDocument(body)
}

// versionParam reads the :version path segment; anything but a positive
// integer names no version.
func versionParam(c *gin.Context) (int, error) {
	raw := c.Param("version")
	n, err := strconv.Atoi(raw)
	// Only the canonical form names a version: not "+1", not "01".
	if err != nil || n < 1 || strconv.Itoa(n) != raw {
		return 0, survey.Errorf(survey.ErrNotFound, "no version %q", c.Param("version"))
	}
	return n, nil
}

func (s *server) respondQuestionnaire(c *gin.Context, status int, q survey.Questionnaire, err error) {
	if err != nil {
		s.writeError(c, err)
		return
	}
	if status == http.StatusCreated {
		c.Header("Location", "/api/v1/questionnaires/"+q.Key+"/versions/"+strconv.Itoa(q.Version))
	}
	s.respond(c, status, toQuestionnaireResponse(q))
}

// createQuestionnaire: POST /questionnaires, version 1 as a draft.
func (s *server) createQuestionnaire(c *gin.Context) {
	doc, err := s.readDocument(c)
	if err != nil {
		s.writeError(c, err)
		return
	}
	q, err := s.questionnaires.Create(c.Request.Context(), principal(c), doc)
	s.respondQuestionnaire(c, http.StatusCreated, q, err)
}

// questionnaireSummary is one element of GET /questionnaires: a version
// without its document, titled in the document's default language.
type questionnaireSummary struct {
	Key       string    `json:"key"`
	Version   int       `json:"version"`
	Status    string    `json:"status"`
	Title     string    `json:"title"`
	UpdatedAt time.Time `json:"updated_at"`
}

func toQuestionnaireSummary(q survey.Questionnaire) questionnaireSummary {
	return questionnaireSummary{Key: q.Key, Version: q.Version, Status: q.Status, UpdatedAt: q.UpdatedAt.UTC(),
		Title: q.Document.Title.Resolve(q.Document.DefaultLanguage, q.Document.DefaultLanguage)}
}

// listQuestionnaires: GET /questionnaires?limit=&cursor=, the latest
// version of each, paged by key.
func (s *server) listQuestionnaires(c *gin.Context) {
	v := &survey.ValidationError{}
	p := readPage(c, v)
	if err := v.Err(); err != nil {
		s.writeError(c, err)
		return
	}
	list, err := s.questionnaires.ListPage(c.Request.Context(), principal(c), p.request())
	if err != nil {
		s.writeError(c, err)
		return
	}
	list = finishPage(c, p, list, func(q survey.Questionnaire) string { return q.Key })
	out := make([]questionnaireSummary, len(list))
	for i, q := range list {
		out[i] = toQuestionnaireSummary(q)
	}
	s.respond(c, http.StatusOK, out)
}

// getQuestionnaire: GET /questionnaires/{key}, the latest version.
func (s *server) getQuestionnaire(c *gin.Context) {
	q, err := s.questionnaires.Get(c.Request.Context(), principal(c), c.Param("key"), 0)
	s.respondQuestionnaire(c, http.StatusOK, q, err)
}

// getQuestionnaireVersion: GET /questionnaires/{key}/versions/{n}.
func (s *server) getQuestionnaireVersion(c *gin.Context) {
	n, err := versionParam(c)
	if err != nil {
		s.writeError(c, err)
		return
	}
	q, err := s.questionnaires.Get(c.Request.Context(), principal(c), c.Param("key"), n)
	s.respondQuestionnaire(c, http.StatusOK, q, err)
}

// updateQuestionnaire: PUT /questionnaires/{key}/versions/{n}, drafts only.
func (s *server) updateQuestionnaire(c *gin.Context) {
	n, err := versionParam(c)
	if err != nil {
		s.writeError(c, err)
		return
	}
	// A published version never changes, whatever the body: 409 before
	// the document is even read.
	if err := s.questionnaires.CheckEditable(c.Request.Context(), principal(c), c.Param("key"), n); err != nil {
		s.writeError(c, err)
		return
	}
	doc, err := s.readDocument(c)
	if err != nil {
		s.writeError(c, err)
		return
	}
	q, err := s.questionnaires.Update(c.Request.Context(), principal(c), c.Param("key"), n, doc)
	s.respondQuestionnaire(c, http.StatusOK, q, err)
}

// publishQuestionnaire: POST /questionnaires/{key}/versions/{n}/publish.
func (s *server) publishQuestionnaire(c *gin.Context) {
	n, err := versionParam(c)
	if err != nil {
		s.writeError(c, err)
		return
	}
	q, err := s.questionnaires.Publish(c.Request.Context(), principal(c), c.Param("key"), n)
	s.respondQuestionnaire(c, http.StatusOK, q, err)
}

// newQuestionnaireVersion: POST /questionnaires/{key}/versions, a draft
// copied from the latest version.
func (s *server) newQuestionnaireVersion(c *gin.Context) {
	q, err := s.questionnaires.AddVersion(c.Request.Context(), principal(c), c.Param("key"))
	s.respondQuestionnaire(c, http.StatusCreated, q, err)
}
