package api

import (
	"bytes"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/customs-survey/surveyd/exports"
	"github.com/customs-survey/surveyd/internal/metrics"
)

// scores: GET /campaigns/{key}/scores[?format=json|csv|xlsx][&lang=xx]. The
// JSON body is exports.NewScoresDocument of the report; the CSV and XLSX tables
// (exports.WriteScores) are downloads named <campaign>-scores.csv|xlsx. A
// report holds a few rows per indicator, so it is rendered into memory
// first: a failure is still a problem document, never half a file.
func (s *server) scores(c *gin.Context) {
	format, err := exportFormat(c)
	if err != nil {
		s.writeError(c, err)
		return
	}
	defer s.timeExport(c, metrics.ExportScores, format)()
	report, err := s.reports.Report(c.Request.Context(), principal(c), c.Param("key"), c.Query("lang"))
	if err != nil {
		s.writeError(c, err)
		return
	}
	if format == exports.JSON {
		s.respondLiveScores(c, report)
		return
	}
	var body bytes.Buffer
	if err := exports.WriteScores(&body, format, report); err != nil {
		s.writeError(c, err)
		return
	}
	attachment(c, report.Campaign, "scores", format)
	c.Data(http.StatusOK, format.ContentType(), body.Bytes())
}
