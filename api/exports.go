package api

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
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

// exportFormats are the values of ?format= of the exports, each also the
// extension of the file.
var exportFormats = []string{"json", "csv", "xlsx"}

// exportFormat reads ?format= of both exports (scores and responses):
// absent or empty means json, since bodies are JSON unless an export format
// is asked for (API.md); anything but json, csv or xlsx is a 422 naming the
// parameter. It is checked before anything is looked up.
func exportFormat(c *gin.Context) (string, error) {
	format := c.Query("format")
	if format == "" {
		return "json", nil
	}
	if !slices.Contains(exportFormats, format) {
		return "", survey.Invalid("format", "not_allowed", "format must be json, csv or xlsx")
	}
	return format, nil
}

// attachment names the file a download is saved as. Campaign keys match
// ^[a-z0-9][a-z0-9-]*$, so they need no quoting.
func attachment(c *gin.Context, campaign, what, ext string) {
	c.Header("Content-Disposition", `attachment; filename="`+campaign+"-"+what+"."+ext+`"`)
}

// ExportLimits bound the responses exports, so that no client, however
// slow, holds more of the service than its share. Zero values take the
// defaults.
type ExportLimits struct {
	// PerCaller is how many exports one account may run at once
	// (default 2).
	PerCaller int
	// InProcess is how many exports the process runs at once (default 4,
	// well below the database pool: 8 connections on SQLite, 20 on
	// PostgreSQL).
	InProcess int
	// WriteTimeout is how long each chunk of an export may take to reach
	// the client (default 30 s): a client that stops reading for that long
	// is cut off.
	WriteTimeout time.Duration
}

// Defaults of ExportLimits.
const (
	defaultExportsPerCaller   = 2
	defaultExportsInProcess   = 4
	defaultExportWriteTimeout = 30 * time.Second
)

// exportRetryAfter is the Retry-After, in seconds, of an export refused
// because too many run.
const exportRetryAfter = 5

func (l ExportLimits) withDefaults() ExportLimits {
	if l.PerCaller <= 0 {
		l.PerCaller = defaultExportsPerCaller
	}
	if l.InProcess <= 0 {
		l.InProcess = defaultExportsInProcess
	}
	if l.WriteTimeout <= 0 {
		l.WriteTimeout = defaultExportWriteTimeout
	}
	return l
}

// exportSlots counts the exports running, per caller and in all.
type exportSlots struct {
	limits   ExportLimits
	mu       sync.Mutex
	running  int
	byCaller map[string]int
}

func newExportSlots(limits ExportLimits) *exportSlots {
	return &exportSlots{limits: limits.withDefaults(), byCaller: map[string]int{}}
}

// acquire takes a slot for caller, or says why there is none; release gives
// it back.
func (l *exportSlots) acquire(caller string) (release func(), refusal string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	switch {
	case l.byCaller[caller] >= l.limits.PerCaller:
		return nil, fmt.Sprintf("you are already running %d exports", l.limits.PerCaller)
	case l.running >= l.limits.InProcess:
		return nil, fmt.Sprintf("the server is already running %d exports", l.limits.InProcess)
	}
	l.running++
	l.byCaller[caller]++
	var once sync.Once
	return func() {
		once.Do(func() {
			l.mu.Lock()
			defer l.mu.Unlock()
			l.running--
			if l.byCaller[caller]--; l.byCaller[caller] == 0 {
				delete(l.byCaller, caller)
			}
		})
	}, ""
}

// deadlineWriter writes an export to its client, each write and flush with
// a deadline of its own: a client that stops reading is cut off after
// timeout, not after the server's write timeout. No deadline goes past the
// server's write timeout counted from the start of the export, which thus
// still bounds the whole answer.
type deadlineWriter struct {
	w       http.ResponseWriter
	rc      *http.ResponseController
	timeout time.Duration
	last    time.Time // the latest deadline allowed; zero for none
}

func newDeadlineWriter(c *gin.Context, timeout time.Duration) *deadlineWriter {
	d := &deadlineWriter{w: c.Writer, rc: http.NewResponseController(c.Writer), timeout: timeout}
	if srv, ok := c.Request.Context().Value(http.ServerContextKey).(*http.Server); ok && srv.WriteTimeout > 0 {
		d.last = time.Now().Add(srv.WriteTimeout)
	}
	return d
}

func (d *deadlineWriter) extend() error {
	deadline := time.Now().Add(d.timeout)
	if !d.last.IsZero() && deadline.After(d.last) {
		deadline = d.last
	}
	err := d.rc.SetWriteDeadline(deadline)
	if errors.Is(err, http.ErrNotSupported) {
		return nil // not a network connection (a recorder in tests)
	}
	return err
}

func (d *deadlineWriter) Write(p []byte) (int, error) {
	if err := d.extend(); err != nil {
		return 0, err
	}
	return d.w.Write(p)
}

// Flush sends what is buffered to the client.
func (d *deadlineWriter) Flush() error {
	if err := d.extend(); err != nil {
		return err
	}
	return d.rc.Flush()
}

// exportResponses: GET /campaigns/{key}/responses?format=json|csv|xlsx
// (admin: every administration; coordinator: their own). One row per
// submitted response, with the answers of its latest submission: columns
// response_id, administration, submitted_at, then one per question in
// questionnaire order; rows ordered by administration, then response id.
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
// database) are problem documents. An error after the first byte cannot
// change the status any more: it is logged with the request id and the
// connection is cut (http.ErrAbortHandler) so that the client sees a
// truncated transfer instead of a short file that looks complete.
func (s *server) exportResponses(c *gin.Context) {
	format, err := exportFormat(c)
	if err != nil {
		s.writeError(c, err)
		return
	}
	p, key := principal(c), c.Param("key")
	release, refusal := s.exports.acquire(p.UserID)
	if release == nil {
		c.Header("Retry-After", strconv.Itoa(exportRetryAfter))
		writeProblem(c, "too-many-requests", refusal+"; retry in "+strconv.Itoa(exportRetryAfter)+" seconds", nil)
		return
	}
	defer release()
	ctx := c.Request.Context()
	qn, err := s.store.CampaignQuestionnaire(ctx, p, key)
	if err != nil {
		s.writeError(c, err)
		return
	}
	table := newResponseTable(qn.Document)
	w := newDeadlineWriter(c, s.cfg.Exports.WriteTimeout)
	var out responseEncoder
	switch format {
	case "csv":
		out = &csvResponses{w: w}
	case "json":
		out = &jsonResponses{w: w}
	default:
		enc, err := newXLSXResponses(w)
		if err != nil {
			s.writeError(c, err)
			return
		}
		defer enc.close()
		out = enc
	}
	c.Header("Content-Type", out.contentType())
	attachment(c, key, "responses", format)
	c.Status(http.StatusOK)

	rows := 0
	started := false
	begin := func() error {
		if started {
			return nil
		}
		started = true
		return out.begin(table.columns())
	}
	err = s.store.EachSubmittedBatch(ctx, p, key, func(batch []survey.ExportedResponse) error {
		if err := begin(); err != nil {
			return err
		}
		for _, r := range batch {
			cells, err := table.cells(r)
			if err != nil {
				return err
			}
			if err := out.row(cells); err != nil {
				return err
			}
			rows++
		}
		if err := out.flush(); err != nil {
			return err
		}
		if out.buffered() {
			return nil // the workbook is sent once complete
		}
		return w.Flush()
	})
	if err == nil {
		err = begin()
	}
	if err == nil {
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
	if clientGone(err) {
		level = slog.LevelWarn
	}
	s.log.LogAttrs(ctx, level, "export aborted after the first byte",
		slog.String("request_id", requestID(c)), slog.String("route", c.FullPath()),
		slog.Int("rows", rows), slog.String("error", err.Error()))
	panic(http.ErrAbortHandler)
}

// clientGone reports whether an export failed because of its client: it
// went away, or stopped reading until the write deadline passed.
func clientGone(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, os.ErrDeadlineExceeded) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE)
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
	// flush hands the rows encoded so far to the writer.
	flush() error
	// end completes the file and hands it to the writer.
	end() error
}

// csvResponses writes RFC 4180 CSV, UTF-8 without a byte order mark; an
// unanswered question is an empty field.
type csvResponses struct {
	w  io.Writer
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
	w       io.Writer
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
	w      io.Writer
	f      *excelize.File
	sw     *excelize.StreamWriter
	line   int
	header int // style of the header row
	date   int // style of submitted_at
}

// sheetResponses is the sheet of the responses workbook.
const sheetResponses = "Responses"

func newXLSXResponses(w io.Writer) (*xlsxResponses, error) {
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
