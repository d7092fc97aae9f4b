package api

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// scores: GET /campaigns/{key}/scores[?format=csv|xlsx][&lang=xx].
func (s *server) scores(c *gin.Context) {
	report, err := s.store.Scores(c.Request.Context(), c.Param("key"), c.Query("lang"))
	if err != nil {
		s.writeError(c, err)
		return
	}
	switch c.DefaultQuery("format", "json") {
	case "json":
		c.JSON(http.StatusOK, report)
	default:
		writeProblem(c, "not-acceptable", "format must be json, csv or xlsx", nil)
	}
}
