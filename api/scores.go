package api

import (
	"bytes"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/customs-survey/surveyd/scoring"
)

// scores: GET /campaigns/{key}/scores[?format=json|csv|xlsx][&lang=xx]. The
// CSV and XLSX tables (scoring.WriteCSV, scoring.WriteXLSX) are downloads
// named <campaign>-scores.csv|xlsx. A report holds a few rows per indicator,
// so it is rendered into memory first: a failure is still a problem
// document, never half a file.
func (s *server) scores(c *gin.Context) {
	format, err := exportFormat(c)
	if err != nil {
		s.writeError(c, err)
		return
	}
	var write func(*bytes.Buffer, scoring.Report) error
	var contentType string
	switch format {
	case "csv":
		write = func(b *bytes.Buffer, r scoring.Report) error { return scoring.WriteCSV(b, r) }
		contentType = contentCSV
	case "xlsx":
		write = func(b *bytes.Buffer, r scoring.Report) error { return scoring.WriteXLSX(b, r) }
		contentType = contentXLSX
	}
	report, err := s.store.Scores(c.Request.Context(), c.Param("key"), c.Query("lang"))
	if err != nil {
		s.writeError(c, err)
		return
	}
	if write == nil {
		s.respond(c, http.StatusOK, report)
		return
	}
	var body bytes.Buffer
	if err := write(&body, report); err != nil {
		s.writeError(c, err)
		return
	}
	attachment(c, report.Campaign, "scores", format)
	c.Data(http.StatusOK, contentType, body.Bytes())
}
