package api

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// statusResponse is the body of the health checks.
type statusResponse struct {
	Status string `json:"status"`
}

// healthz answers 200 while the process runs.
func (s *server) healthz(c *gin.Context) {
	s.respond(c, http.StatusOK, statusResponse{Status: "ok"})
}

// readyz answers 200 once the database answers and every migration is
// applied, 503 otherwise.
func (s *server) readyz(c *gin.Context) {
	if err := s.store.Ready(c.Request.Context()); err != nil {
		s.writeError(c, err)
		return
	}
	s.respond(c, http.StatusOK, statusResponse{Status: "ready"})
}
