package api

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/customs-survey/surveyd/charts"
	"github.com/customs-survey/surveyd/survey"
)

// chartSuffix ends the last segment of a chart's path: the indicator's code
// (URL-escaped) then .svg.
const chartSuffix = ".svg"

// scoreChart: GET /campaigns/{key}/scores/{code}.svg[?lang=xx] (admins), one
// indicator's chart as a standalone SVG document (charts.Document, drawn as
// the scores page draws its charts), computed as GET /campaigns/{key}/scores
// computes the figures, a download named <key>-<code>.svg with the code made
// safe for a file name. lang picks the language of the questionnaire's
// texts, as for the scores, and of the chart's own words when the charts
// speak it (else the questionnaire's default language, else English). The
// route takes the last segment whole, as gin cannot match a suffix: a
// segment without .svg is 404, and the fixed segments beside it
// (/scores/runs) are routes of their own, which gin matches first.
func (s *server) scoreChart(c *gin.Context) {
	code, ok := strings.CutSuffix(c.Param("file"), chartSuffix)
	if !ok || code == "" {
		s.writeError(c, survey.Errorf(survey.ErrNotFound, "no such endpoint"))
		return
	}
	ctx, p, key, lang := c.Request.Context(), principal(c), c.Param("key"), c.Query("lang")
	report, err := s.reports.Report(ctx, p, key, lang)
	if err != nil {
		s.writeError(c, err)
		return
	}
	at := -1
	for i, res := range report.Indicators {
		if res.Code == code {
			at = i
			break
		}
	}
	if at < 0 {
		s.writeError(c, survey.Errorf(survey.ErrNotFound, "campaign %s has no indicator %q", key, code))
		return
	}
	campaign, err := s.campaigns.Get(ctx, p, key)
	if err != nil {
		s.writeError(c, err)
		return
	}
	qn, err := s.campaigns.Questionnaire(ctx, p, key)
	if err != nil {
		s.writeError(c, err)
		return
	}
	if lang == "" {
		lang = qn.Document.DefaultLanguage
	}
	titleLang, labelLang := charts.TextLanguages(qn.Document, code, lang)
	doc := charts.Document(charts.Input{Lang: lang, Campaign: report.Campaign, Year: report.Year, MinCell: campaign.MinCellSize,
		TitleLang: titleLang, LabelLang: labelLang}, report.Indicators[at])
	// Campaign keys match ^[a-z0-9][a-z0-9-]*$ and fileSafe leaves none
	// but [A-Za-z0-9._-]: the name needs no quoting.
	c.Header("Content-Disposition", `attachment; filename="`+report.Campaign+"-"+fileSafe(code)+chartSuffix+`"`)
	c.Data(http.StatusOK, "image/svg+xml", doc)
}

// fileSafe writes an indicator's code for a file name: every run of
// characters other than ASCII letters, digits, ".", "_" and "-" becomes
// one "-", and none starts or ends the name ("OP 3.1" is "OP-3.1").
func fileSafe(code string) string {
	var b strings.Builder
	dash := false
	for _, r := range code {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '_':
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
		default:
			dash = true
		}
	}
	if name := strings.Trim(b.String(), ".-"); name != "" {
		return name
	}
	return "indicator"
}
