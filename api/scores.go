package api

import (
	"bytes"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/customs-survey/surveyd/exports"
	"github.com/customs-survey/surveyd/internal/metrics"
)

// scores: GET /campaigns/{key}/scores[?format=json|csv|xlsx][&lang=xx]. The
// report is computed once, then compared with the campaign's latest frozen
// run (scores.Runs.Frozen), so that figures that differ from those frozen
// are reported, never silently served: every format says which run it is
// and whether the figures match it (exports.WriteLiveScores). The JSON
// body is exports.NewLiveScoresDocument; the CSV and XLSX tables are
// downloads named <campaign>-scores.csv|xlsx. A report holds a few rows
// per indicator, so it is rendered into memory first: a failure is still
// a problem document, never half a file.
func (s *server) scores(c *gin.Context) {
	format, err := exportFormat(c)
	if err != nil {
		s.writeError(c, err)
		return
	}
	defer s.timeExport(c, metrics.ExportScores, format)()
	ctx, by, lang := c.Request.Context(), principal(c), c.Query("lang")
	report, err := s.reports.Report(ctx, by, c.Param("key"), lang)
	if err != nil {
		s.writeError(c, err)
		return
	}
	frozen, err := s.runs.Frozen(ctx, by, lang, report)
	if err != nil {
		s.writeError(c, err)
		return
	}
	if format == exports.JSON {
		s.respond(c, http.StatusOK, exports.NewLiveScoresDocument(report, frozen.Cited()))
		return
	}
	var body bytes.Buffer
	if err := exports.WriteLiveScores(&body, format, report, frozen.Cited()); err != nil {
		s.writeError(c, err)
		return
	}
	attachment(c, report.Campaign, "scores", format)
	c.Data(http.StatusOK, format.ContentType(), body.Bytes())
}
