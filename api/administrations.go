package api

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/customs-survey/surveyd/survey"
)

type administrationRequest struct {
	Code string `json:"code" validate:"required,admin_code"`
	Name string `json:"name" validate:"required,max=200"`
}

type administrationResponse struct {
	Code      string    `json:"code"`
	Name      string    `json:"name"`
	CreatedAt time.Time `json:"created_at"`
}

func toAdministrationResponse(a survey.Administration) administrationResponse {
	return administrationResponse{Code: a.Code, Name: a.Name, CreatedAt: a.CreatedAt.UTC()}
}

// createAdministration: POST /administrations.
func (s *server) createAdministration(c *gin.Context) {
	var req administrationRequest
	if err := s.decode(c, &req); err != nil {
		s.writeError(c, err)
		return
	}
	a, err := s.store.CreateAdministration(c.Request.Context(), req.Code, req.Name)
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.Header("Location", "/api/v1/administrations/"+a.Code)
	s.respond(c, http.StatusCreated, toAdministrationResponse(a))
}

// getAdministration: GET /administrations/{code}.
func (s *server) getAdministration(c *gin.Context) {
	a, err := s.store.Administration(c.Request.Context(), c.Param("code"))
	if err != nil {
		s.writeError(c, err)
		return
	}
	s.respond(c, http.StatusOK, toAdministrationResponse(a))
}

// listAdministrations: GET /administrations.
func (s *server) listAdministrations(c *gin.Context) {
	list, err := s.store.Administrations(c.Request.Context())
	if err != nil {
		s.writeError(c, err)
		return
	}
	out := make([]administrationResponse, len(list))
	for i, a := range list {
		out[i] = toAdministrationResponse(a)
	}
	s.respond(c, http.StatusOK, out)
}
