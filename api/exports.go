package api

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/xuri/excelize/v2"

	"github.com/customs-survey/surveyd/scoring"
	"github.com/customs-survey/surveyd/survey"
)

// Content types of the exports.
const (
	contentCSV  = "text/csv; charset=utf-8"
	contentXLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	contentJSON = "application/json; charset=utf-8"
)

// flushEvery is how many CSV or JSON rows are buffered before they are
// pushed to the client: often enough that a large export starts arriving at
// once and memory stays flat, rarely enough that each write is worth a
// packet.
const flushEvery = 100

// exportFormats maps ?format= to the file extension of the responses export.
var exportFormats = map[string]string{"csv": "csv", "xlsx": "xlsx", "json": "json"}

// attachment names the file a download is saved as. Campaign keys match
// ^[a-z0-9][a-z0-9-]*$, so they need no quoting.
func attachment(c *gin.Context, campaign, what, ext string) {
	c.Header("Content-Disposition", `attachment; filename="`+campaign+"-"+what+"."+ext+`"`)
}

// exportResponses: GET /campaigns/{key}/responses?format=csv|xlsx|json
// (admin: every administration; coordinator: their own). One row per
// submitted response, with the answers of its latest submission: columns
// response_id, administration, submitted_at, then one per question in
// questionnaire order. CSV and JSON are streamed row by row as the database
// cursor yields them; XLSX is streamed into excelize's StreamWriter (which
// spills to a temporary file) and sent once complete.
//
// Errors before the first byte (unknown format: 422, unknown or foreign
// campaign: 404, database) are problem documents. An error after the first
// byte of a CSV or JSON body cannot change the status any more: it is
// logged with the request id and the connection is cut (http.ErrAbortHandler)
// so that the client sees a truncated transfer instead of a short file that
// looks complete.
func (s *server) exportResponses(c *gin.Context) {
	// Bodies are JSON unless an export format is asked for (API.md).
	format := c.DefaultQuery("format", "json")
	ext, ok := exportFormats[format]
	if !ok {
		s.writeError(c, survey.Invalid("format", "not_allowed", "format must be json, csv or xlsx"))
		return
	}
	ctx := c.Request.Context()
	p, key := principal(c), c.Param("key")
	qn, err := s.store.CampaignQuestionnaire(ctx, p, key)
	if err != nil {
		s.writeError(c, err)
		return
	}
	table := newResponseTable(qn.Document)
	var out responseEncoder
	switch format {
	case "csv":
		out = &csvResponses{w: c.Writer}
	case "json":
		out = &jsonResponses{w: c.Writer}
	default:
		enc, err := newXLSXResponses(c.Writer)
		if err != nil {
			s.writeError(c, err)
			return
		}
		defer enc.close()
		out = enc
	}

	download := func() {
		c.Header("Content-Type", out.contentType())
		attachment(c, key, "responses", ext)
		c.Status(http.StatusOK)
	}
	rows := 0
	started := false
	start := func() error {
		if started {
			return nil
		}
		started = true
		if !out.buffered() {
			download()
		}
		return out.begin(table.columns())
	}
	err = s.store.EachSubmittedResponse(ctx, p, key, func(r survey.ExportedResponse) error {
		if err := start(); err != nil {
			return err
		}
		cells, err := table.cells(r)
		if err != nil {
			return err
		}
		if err := out.row(cells); err != nil {
			return err
		}
		rows++
		if rows%flushEvery == 0 {
			if err := out.flush(); err != nil {
				return err
			}
			c.Writer.Flush()
		}
		return nil
	})
	if err == nil {
		err = start()
	}
	if err == nil {
		if out.buffered() {
			// The workbook is complete: only now does the client get a status.
			download()
		}
		err = out.end()
	}
	if err == nil {
		return
	}
	if !c.Writer.Written() {
		c.Writer.Header().Del("Content-Disposition")
		s.writeError(c, err)
		return
	}
	level := slog.LevelError
	if errors.Is(err, context.Canceled) {
		level = slog.LevelWarn // the client went away
	}
	s.log.LogAttrs(ctx, level, "export aborted after the first byte",
		slog.String("request_id", requestID(c)), slog.String("route", c.FullPath()),
		slog.Int("rows", rows), slog.String("error", err.Error()))
	panic(http.ErrAbortHandler)
}

// responseTable turns submitted answers into the cells of the export, one
// column per question of the questionnaire, in its order.
type responseTable struct {
	questions []*survey.Question
	// optionOrder ranks each multi-choice question's options, so that
	// selections are listed in questionnaire order whatever order the
	// respondent clicked them in.
	optionOrder map[string]map[string]int
}

func newResponseTable(doc *survey.Document) *responseTable {
	t := &responseTable{questions: doc.Questions(), optionOrder: map[string]map[string]int{}}
	for _, q := range t.questions {
		if q.Type != survey.TypeMultiChoice {
			continue
		}
		rank := map[string]int{}
		for i, o := range doc.OptionsOf(q) {
			rank[o.Key] = i
		}
		t.optionOrder[q.Key] = rank
	}
	return t
}

// fixedColumns precede the question columns.
var fixedColumns = []string{"response_id", "administration", "submitted_at"}

func (t *responseTable) columns() []string {
	cols := append([]string{}, fixedColumns...)
	for _, q := range t.questions {
		cols = append(cols, q.Key)
	}
	return cols
}

// answerCell is one decoded answer.
type answerCell struct {
	kind    cellKind
	text    string      // single choice (option key) or text
	number  json.Number // number, as submitted
	choices []string    // multi choice, in questionnaire order
}

type cellKind int

const (
	cellEmpty cellKind = iota
	cellText
	cellNumber
	cellChoices
)

// exportedRow is one response ready for an encoder.
type exportedRow struct {
	response survey.ExportedResponse
	answers  []answerCell // one per question, in column order
}

func (t *responseTable) cells(r survey.ExportedResponse) (exportedRow, error) {
	row := exportedRow{response: r, answers: make([]answerCell, len(t.questions))}
	for i, q := range t.questions {
		raw, ok := r.Answers[q.Key]
		if !ok || len(raw) == 0 || string(raw) == "null" {
			continue
		}
		cell, err := t.decode(q, raw)
		if err != nil {
			return row, fmt.Errorf("response %s, question %s: %w", r.ResponseID, q.Key, err)
		}
		row.answers[i] = cell
	}
	return row, nil
}

// decode reads a stored answer, which PrepareSubmission has already checked
// against the questionnaire: a failure here means corrupt data.
func (t *responseTable) decode(q *survey.Question, raw json.RawMessage) (answerCell, error) {
	switch q.Type {
	case survey.TypeMultiChoice:
		var keys []string
		if err := json.Unmarshal(raw, &keys); err != nil {
			return answerCell{}, err
		}
		rank := t.optionOrder[q.Key]
		slices.SortStableFunc(keys, func(a, b string) int { return rankOf(rank, a) - rankOf(rank, b) })
		return answerCell{kind: cellChoices, choices: keys}, nil
	case survey.TypeNumber:
		var n json.Number
		if err := json.Unmarshal(raw, &n); err != nil {
			return answerCell{}, err
		}
		if _, err := n.Float64(); err != nil {
			return answerCell{}, err
		}
		return answerCell{kind: cellNumber, number: n}, nil
	default: // single choice (an option key) and text
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return answerCell{}, err
		}
		return answerCell{kind: cellText, text: s}, nil
	}
}

// rankOf puts options the questionnaire does not know (there should be
// none) after those it does.
func rankOf(rank map[string]int, key string) int {
	if r, ok := rank[key]; ok {
		return r
	}
	return len(rank)
}

// spreadsheetText is an answer as one text cell of CSV or XLSX: the
// selected keys joined by ";", the number as submitted, the text neutralised
// against formula injection.
func (a answerCell) spreadsheetText() string {
	switch a.kind {
	case cellChoices:
		return scoring.SafeCell(strings.Join(a.choices, ";"))
	case cellNumber:
		return a.number.String()
	case cellText:
		return scoring.SafeCell(a.text)
	}
	return ""
}

// timestampLayout is how CSV and JSON show submitted_at: RFC 3339 in UTC
// with microseconds (PostgreSQL's precision), always of the same width, so
// that the column also sorts as text.
const timestampLayout = "2006-01-02T15:04:05.000000Z07:00"

func timestamp(t time.Time) string { return t.UTC().Format(timestampLayout) }

// responseEncoder writes the rows of a responses export in one format.
type responseEncoder interface {
	contentType() string
	// buffered reports whether nothing reaches the client before end: the
	// workbook is written only once complete.
	buffered() bool
	begin(columns []string) error
	row(exportedRow) error
	flush() error
	end() error
}

// csvResponses writes RFC 4180 CSV, UTF-8 without a byte order mark; an
// unanswered question is an empty field.
type csvResponses struct {
	w  http.ResponseWriter
	cw *csv.Writer
}

func (e *csvResponses) contentType() string { return contentCSV }
func (e *csvResponses) buffered() bool      { return false }

func (e *csvResponses) begin(columns []string) error {
	e.cw = csv.NewWriter(e.w)
	return e.cw.Write(columns)
}

func (e *csvResponses) row(r exportedRow) error {
	rec := make([]string, 0, len(fixedColumns)+len(r.answers))
	rec = append(rec, scoring.SafeCell(r.response.ResponseID), scoring.SafeCell(r.response.Administration),
		timestamp(r.response.SubmittedAt))
	for _, a := range r.answers {
		rec = append(rec, a.spreadsheetText())
	}
	return e.cw.Write(rec)
}

func (e *csvResponses) flush() error {
	e.cw.Flush()
	return e.cw.Error()
}

func (e *csvResponses) end() error { return e.flush() }

// jsonResponses writes a JSON array, one element at a time, with the
// columns of API.md:
//
//	{"response_id": "…", "administration": "BE", "submitted_at": "…",
//	 "<question>": <answer>, …}
//
// Every question is there, in questionnaire order, so that every element
// has the same shape: an option key, an array of option keys
// (questionnaire order), a number, a string (verbatim, JSON needs no
// neutralising), or null when unanswered. No question may be keyed
// response_id, administration or submitted_at (the questionnaire validator
// reserves them), so the members never collide.
type jsonResponses struct {
	w       http.ResponseWriter
	buf     bytes.Buffer
	columns []string
	n       int
}

func (e *jsonResponses) contentType() string { return contentJSON }
func (e *jsonResponses) buffered() bool      { return false }

func (e *jsonResponses) begin(columns []string) error {
	e.columns = columns[len(fixedColumns):]
	e.buf.WriteString("[")
	return nil
}

func (e *jsonResponses) row(r exportedRow) error {
	if e.n > 0 {
		e.buf.WriteString(",")
	}
	e.n++
	e.buf.WriteString("\n")
	head, err := json.Marshal(struct {
		ResponseID     string `json:"response_id"`
		Administration string `json:"administration"`
		SubmittedAt    string `json:"submitted_at"`
	}{r.response.ResponseID, r.response.Administration, timestamp(r.response.SubmittedAt)})
	if err != nil {
		return err
	}
	e.buf.Write(head[:len(head)-1]) // without the closing brace
	for i, a := range r.answers {
		e.buf.WriteString(",")
		k, _ := json.Marshal(e.columns[i])
		e.buf.Write(k)
		e.buf.WriteString(":")
		var v []byte
		switch a.kind {
		case cellChoices:
			v, err = json.Marshal(a.choices)
		case cellNumber:
			v = []byte(a.number.String())
		case cellText:
			v, err = json.Marshal(a.text)
		default:
			v = []byte("null")
		}
		if err != nil {
			return err
		}
		e.buf.Write(v)
	}
	e.buf.WriteString("}")
	if e.buf.Len() >= 32<<10 {
		return e.flush()
	}
	return nil
}

func (e *jsonResponses) flush() error {
	_, err := e.buf.WriteTo(e.w)
	return err
}

func (e *jsonResponses) end() error {
	e.buf.WriteString("\n]\n")
	return e.flush()
}

// xlsxResponses writes a workbook with one sheet, "Responses", through
// excelize's StreamWriter, which keeps at most a small buffer in memory and
// spills the rest of the sheet to a temporary file. Numbers are numeric
// cells, submitted_at a date cell (UTC, to the second) shown as RFC 3339,
// every other cell
// a plain string (never a formula) neutralised by scoring.SafeCell, and an
// unanswered question an empty cell.
type xlsxResponses struct {
	w      http.ResponseWriter
	f      *excelize.File
	sw     *excelize.StreamWriter
	line   int
	header int // style of the header row
	date   int // style of submitted_at
}

// sheetResponses is the sheet of the responses workbook.
const sheetResponses = "Responses"

func newXLSXResponses(w http.ResponseWriter) (*xlsxResponses, error) {
	f := excelize.NewFile()
	e := &xlsxResponses{f: f, w: w}
	if err := f.SetSheetName(f.GetSheetName(0), sheetResponses); err != nil {
		f.Close()
		return nil, err
	}
	var err error
	if e.header, err = f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}}); err != nil {
		f.Close()
		return nil, err
	}
	dateFormat := `yyyy-mm-dd"T"hh:mm:ss"Z"`
	if e.date, err = f.NewStyle(&excelize.Style{CustomNumFmt: &dateFormat}); err != nil {
		f.Close()
		return nil, err
	}
	if e.sw, err = f.NewStreamWriter(sheetResponses); err != nil {
		f.Close()
		return nil, err
	}
	return e, nil
}

func (e *xlsxResponses) contentType() string { return contentXLSX }
func (e *xlsxResponses) buffered() bool      { return true }

func (e *xlsxResponses) begin(columns []string) error {
	// Column widths must precede the first row of a stream.
	if err := e.sw.SetColWidth(1, 1, 38); err != nil {
		return err
	}
	if err := e.sw.SetColWidth(3, 3, 22); err != nil {
		return err
	}
	if err := e.sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	header := make([]any, len(columns))
	for i, col := range columns {
		header[i] = excelize.Cell{StyleID: e.header, Value: col}
	}
	e.line = 1
	return e.sw.SetRow("A1", header)
}

func (e *xlsxResponses) row(r exportedRow) error {
	values := make([]any, 0, len(fixedColumns)+len(r.answers))
	values = append(values, scoring.SafeCell(r.response.ResponseID), scoring.SafeCell(r.response.Administration),
		// Truncated to the second, as displayed: spreadsheets would round
		// 12:00:00.6 up to 12:00:01 on screen.
		excelize.Cell{StyleID: e.date, Value: r.response.SubmittedAt.UTC().Truncate(time.Second)})
	for _, a := range r.answers {
		switch a.kind {
		case cellEmpty:
			values = append(values, nil)
		case cellNumber:
			v, err := a.number.Float64()
			if err != nil {
				return err
			}
			values = append(values, v)
		default:
			values = append(values, a.spreadsheetText())
		}
	}
	e.line++
	cell, err := excelize.CoordinatesToCellName(1, e.line)
	if err != nil {
		return err
	}
	return e.sw.SetRow(cell, values)
}

func (e *xlsxResponses) flush() error { return nil }

// end completes the sheet and sends the workbook.
func (e *xlsxResponses) end() error {
	if err := e.sw.Flush(); err != nil {
		return err
	}
	return e.f.Write(e.w)
}

func (e *xlsxResponses) close() { e.f.Close() }
