package api

import (
	"bytes"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/customs-survey/surveyd/exports"
	"github.com/customs-survey/surveyd/survey"
)

// annualReport: GET /reports/{year}[?format=json|csv|xlsx], every opened
// campaign of a reporting year in one report (reports.Service.Annual). The JSON
// body is exports.NewAnnualDocument; CSV (the Annex table) and XLSX (the
// workbook) are downloads named annual-report-<year>.csv|xlsx. Like the
// scores, it is rendered into memory first: a failure is still a problem
// document, never half a file.
func (s *server) annualReport(c *gin.Context) {
	format, err := exportFormat(c)
	if err != nil {
		s.writeError(c, err)
		return
	}
	year, err := yearParam(c)
	if err != nil {
		s.writeError(c, err)
		return
	}
	report, err := s.annual.Annual(c.Request.Context(), principal(c), year)
	if err != nil {
		s.writeError(c, err)
		return
	}
	if format == exports.JSON {
		doc, err := exports.NewAnnualDocument(report)
		if err != nil {
			s.writeError(c, err)
			return
		}
		s.respond(c, http.StatusOK, doc)
		return
	}
	var body bytes.Buffer
	if err := exports.WriteAnnual(&body, format, report); err != nil {
		s.writeError(c, err)
		return
	}
	attachment(c, "annual-report", strconv.Itoa(year), format)
	c.Data(http.StatusOK, format.ContentType(), body.Bytes())
}

// yearParam reads the :year path segment: a four-digit year (1000 to
// 9999, no sign, no leading zero), else a 400.
func yearParam(c *gin.Context) (int, error) {
	raw := c.Param("year")
	year, err := strconv.Atoi(raw)
	if err != nil || len(raw) != 4 || raw[0] < '1' || raw[0] > '9' {
		return 0, survey.Errorf(survey.ErrMalformed, "the year must be a four-digit year, such as 2023")
	}
	return year, nil
}
