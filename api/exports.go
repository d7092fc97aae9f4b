package api

import (
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/customs-survey/surveyd/exports"
	"github.com/customs-survey/surveyd/internal/metrics"
	"github.com/customs-survey/surveyd/survey"
)

// exportFormat reads ?format= of both exports (scores and responses):
// absent or empty means json, since bodies are JSON unless an export format
// is asked for; anything but json, csv or xlsx is a 422 naming the
// parameter. It is checked before anything is looked up.
func exportFormat(c *gin.Context) (exports.Format, error) {
	format := exports.Format(c.Query("format"))
	if format == "" {
		return exports.JSON, nil
	}
	if !slices.Contains(exports.Formats, format) {
		return "", survey.Invalid("format", survey.CodeNotAllowed, "format must be json, csv or xlsx")
	}
	return format, nil
}

// exportLabels reads ?labels= of the responses export: absent or empty
// means no labels; otherwise it must be one of the languages the
// questionnaire is written in (exports.LabelLanguages), else a 400 that
// names the parameter and those languages. It needs the questionnaire, so
// it is checked after the campaign is found.
func exportLabels(c *gin.Context, doc *survey.Document) (string, error) {
	lang := c.Query("labels")
	if lang == "" {
		return "", nil
	}
	langs := exports.LabelLanguages(doc)
	if !slices.Contains(langs, lang) {
		return "", survey.Errorf(survey.ErrMalformed, "the query parameter labels must be a language of the questionnaire: %s",
			strings.Join(langs, ", "))
	}
	return lang, nil
}

// attachment names the file a download is saved as. Campaign keys match
// ^[a-z0-9][a-z0-9-]*$, so they need no quoting.
func attachment(c *gin.Context, campaign, what string, format exports.Format) {
	c.Header("Content-Disposition", `attachment; filename="`+campaign+"-"+what+"."+string(format)+`"`)
}

// exportResponses: GET /campaigns/{key}/responses?format=json|csv|xlsx
// [&labels=xx] (admin: every administration; coordinator: their own),
// written by exports.Responses: one row per submitted response, with the
// answers of its latest submission; rows ordered by administration, then
// response id. The workbook has a row of question texts above the column
// names, in the questionnaire's default language. With labels, a language
// of the questionnaire (exportLabels), each choice question's keys are
// followed by their labels in that language, and the question texts are in
// it too.
//
// The rows come in batches (store.EachSubmittedBatch), each read completely
// before any of it is written, so that no database connection waits on the
// client. CSV and JSON are written and flushed to the client batch by
// batch; XLSX is streamed into excelize's StreamWriter (which spills to a
// temporary file) and sent once complete. Every write has its own deadline
// (ExportLimits.WriteTimeout), and the exports running at once are bounded
// per caller and in the process (429 with Retry-After beyond).
//
// Content-Type and Content-Disposition are set before anything can reach
// the client, whatever the format. Errors before the first byte (unknown
// format: 422, too many exports: 429, unknown or foreign campaign: 404,
// labels in a language the questionnaire lacks: 400, database) are problem
// documents; after it, see abortExport.
func (s *server) exportResponses(c *gin.Context) {
	format, err := exportFormat(c)
	if err != nil {
		s.writeError(c, err)
		return
	}
	defer s.timeExport(c, metrics.ExportResponses, format)()
	p, key := principal(c), c.Param("key")
	release, refusal := s.exports.acquire(p.UserID)
	if release == nil {
		c.Header("Retry-After", strconv.Itoa(exportRetryAfter))
		writeProblem(c, problemTooManyRequests, refusal+"; retry in "+strconv.Itoa(exportRetryAfter)+" seconds", nil)
		return
	}
	defer release()
	ctx := c.Request.Context()
	qn, err := s.campaigns.Questionnaire(ctx, p, key)
	if err != nil {
		s.writeError(c, err)
		return
	}
	lang, err := exportLabels(c, qn.Document)
	if err != nil {
		s.writeError(c, err)
		return
	}
	out, err := exports.NewLabelledResponses(newDeadlineWriter(c, s.cfg.Exports.WriteTimeout), format, qn.Document, lang)
	if err != nil {
		s.writeError(c, err)
		return
	}
	defer out.Close()
	c.Header("Content-Type", format.ContentType())
	attachment(c, key, "responses", format)
	c.Status(http.StatusOK)
	err = s.campaigns.SubmittedResponses(ctx, p, key, out.Write)
	if err == nil {
		err = out.Finish()
	}
	if err != nil {
		s.abortExport(c, err, out.Rows())
	}
}

// abortExport ends an export that failed. Before the first byte the error
// is a problem document. After it the status cannot change any more: the
// error is logged with the request id and the connection is cut
// (http.ErrAbortHandler) so that the client sees a truncated transfer
// instead of a short file that looks complete.
func (s *server) abortExport(c *gin.Context, err error, rows int) {
	if !c.Writer.Written() {
		c.Writer.Header().Del("Content-Disposition")
		s.writeError(c, err)
		return
	}
	level := slog.LevelError
	if clientGone(err) {
		level = slog.LevelWarn
	}
	s.log.LogAttrs(c.Request.Context(), level, "export aborted after the first byte",
		slog.String("request_id", requestID(c)), slog.String("route", c.FullPath()),
		slog.Int("rows", rows), slog.String("error", err.Error()))
	panic(http.ErrAbortHandler)
}
