package exports

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"

	"github.com/xuri/excelize/v2"

	"github.com/customs-survey/surveyd/survey"
)

// FlushWriter is where a responses export goes: Flush hands what was
// written so far to the client.
type FlushWriter interface {
	io.Writer
	Flush() error
}

// Responses writes the responses export of one questionnaire in one
// format: one row per submitted response, with the columns response_id,
// administration, submitted_at, then one per question in questionnaire
// order (and the label columns, see NewLabelledResponses). CSV has one
// header row, the column names; the workbook has the question texts above
// them (titleRow). Rows come in batches (Write); CSV and JSON reach the
// writer, and are flushed, after each batch, while the workbook is sent
// once complete (Finish). Nothing is written before the first batch or
// Finish, so that a failure before then can still be answered with an
// error. Close releases the workbook's temporary files, whether or not
// Finish ran.
type Responses struct {
	w       FlushWriter
	columns []responseColumn
	enc     responseEncoder
	started bool
	rows    int
	cells   []cell // the row being written
}

// responseEncoder writes the rows of a responses export in one format.
type responseEncoder interface {
	// buffered reports whether nothing reaches the writer before end: the
	// workbook is written only once complete.
	buffered() bool
	begin(columns []responseColumn) error
	row(cells []cell) error
	// flush hands the rows encoded so far to the writer.
	flush() error
	// end completes the file and hands it to the writer.
	end() error
	close()
}

// NewResponses prepares the responses export of doc's questionnaire in
// format.
func NewResponses(w FlushWriter, format Format, doc *survey.Document) (*Responses, error) {
	return NewLabelledResponses(w, format, doc, "")
}

// NewLabelledResponses prepares the responses export of doc's
// questionnaire in format with the option labels in lang, one of
// LabelLanguages(doc): each choice question's column is followed by the
// column "<question>.label" (labelColumn), and the workbook's row of
// question texts is in lang rather than the default language. With lang
// empty it is NewResponses, to the byte.
func NewLabelledResponses(w FlushWriter, format Format, doc *survey.Document, lang string) (*Responses, error) {
	if lang != "" && !slices.Contains(LabelLanguages(doc), lang) {
		return nil, fmt.Errorf("exports: questionnaire %s is not in language %q", doc.Key, lang)
	}
	x := &Responses{w: w}
	x.columns = responseColumns(doc, lang, &x.cells)
	x.cells = make([]cell, len(x.columns))
	switch format {
	case CSV:
		x.enc = &csvResponses{w: w}
	case JSON:
		x.enc = &jsonResponses{w: w}
	case XLSX:
		enc, err := newXLSXResponses(w)
		if err != nil {
			return nil, err
		}
		x.enc = enc
	default:
		return nil, fmt.Errorf("exports: no responses writer for format %q", format)
	}
	return x, nil
}

// Rows is how many rows were written.
func (x *Responses) Rows() int { return x.rows }

func (x *Responses) begin() error {
	if x.started {
		return nil
	}
	x.started = true
	return x.enc.begin(x.columns)
}

// Write encodes a batch of responses, the header first, and hands them to
// the writer (but for the workbook). A row's cells are filled in column
// order, which a label column relies on to read its question's keys.
func (x *Responses) Write(batch []survey.ExportedResponse) error {
	if err := x.begin(); err != nil {
		return err
	}
	for i := range batch {
		for j := range x.columns {
			c, err := x.columns[j].cell(&batch[i])
			if err != nil {
				return err
			}
			x.cells[j] = c
		}
		if err := x.enc.row(x.cells); err != nil {
			return err
		}
		x.rows++
	}
	if err := x.enc.flush(); err != nil {
		return err
	}
	if x.enc.buffered() {
		return nil
	}
	return x.w.Flush()
}

// Finish completes the file (the header rows alone when no response
// came) and hands the rest of it to the writer.
func (x *Responses) Finish() error {
	if err := x.begin(); err != nil {
		return err
	}
	return x.enc.end()
}

// Close releases what the export holds.
func (x *Responses) Close() { x.enc.close() }

// csvResponses writes RFC 4180 CSV, UTF-8 without a byte order mark; an
// unanswered question is an empty field. Rows are encoded into a buffer
// reused from row to row (appendCSVCell, as encoding/csv writes them), which
// goes to the writer every flushChunk bytes and at each flush.
type csvResponses struct {
	w   io.Writer
	buf []byte
}

func (e *csvResponses) buffered() bool { return false }
func (e *csvResponses) close()         {}

func (e *csvResponses) begin(columns []responseColumn) error {
	for i, col := range columns {
		if i > 0 {
			e.buf = append(e.buf, ',')
		}
		e.buf = appendCSVField(e.buf, "", col.name)
	}
	e.buf = append(e.buf, '\n')
	return nil
}

func (e *csvResponses) row(cells []cell) error {
	for i := range cells {
		if i > 0 {
			e.buf = append(e.buf, ',')
		}
		e.buf = appendCSVCell(e.buf, &cells[i])
	}
	e.buf = append(e.buf, '\n')
	if len(e.buf) >= flushChunk {
		return e.flush()
	}
	return nil
}

func (e *csvResponses) flush() error {
	if len(e.buf) == 0 {
		return nil
	}
	_, err := e.w.Write(e.buf)
	e.buf = e.buf[:0]
	return err
}

func (e *csvResponses) end() error { return e.flush() }

// flushChunk is how much of CSV or JSON is encoded before it goes to the
// writer: large writes, a bounded buffer.
const flushChunk = 32 << 10

// jsonResponses writes a JSON array, one element at a time, each a flat
// object of the columns:
//
//	{"response_id": "…", "administration": "BE", "submitted_at": "…",
//	 "<question>": <answer>, …}
//
// Every question is there, in questionnaire order, so that every element
// has the same shape: an option key, an array of option keys
// (questionnaire order), a number, a string (verbatim, JSON needs no
// neutralising), or null when unanswered.
type jsonResponses struct {
	w     io.Writer
	buf   []byte
	names [][]byte // the members' names, encoded
	n     int
}

func (e *jsonResponses) buffered() bool { return false }
func (e *jsonResponses) close()         {}

func (e *jsonResponses) begin(columns []responseColumn) error {
	e.names = make([][]byte, len(columns))
	for i, col := range columns {
		name, err := json.Marshal(col.name)
		if err != nil {
			return err
		}
		e.names[i] = name
	}
	e.buf = append(e.buf, '[')
	return nil
}

func (e *jsonResponses) row(cells []cell) error {
	if e.n > 0 {
		e.buf = append(e.buf, ',')
	}
	e.n++
	e.buf = append(e.buf, "\n{"...)
	for i := range cells {
		if i > 0 {
			e.buf = append(e.buf, ',')
		}
		e.buf = append(append(e.buf, e.names[i]...), ':')
		var err error
		if e.buf, err = appendJSONCell(e.buf, &cells[i]); err != nil {
			return err
		}
	}
	e.buf = append(e.buf, '}')
	if len(e.buf) >= flushChunk {
		return e.flush()
	}
	return nil
}

func (e *jsonResponses) flush() error {
	if len(e.buf) == 0 {
		return nil
	}
	_, err := e.w.Write(e.buf)
	e.buf = e.buf[:0]
	return err
}

func (e *jsonResponses) end() error {
	e.buf = append(e.buf, "\n]\n"...)
	return e.flush()
}

// xlsxResponses writes a workbook with one sheet, "Responses", through
// excelize's StreamWriter, which keeps at most a small buffer in memory and
// spills the rest of the sheet to a temporary file. Numbers are numeric
// cells, submitted_at a date cell (UTC, to the second) shown as RFC 3339,
// every other cell a plain string (never a formula) neutralised by
// SafeCell, and an unanswered question an empty cell. A row of question
// texts comes above the row of column names (titleRow), and both stay in
// view.
type xlsxResponses struct {
	w      io.Writer
	f      *excelize.File
	sw     *excelize.StreamWriter
	styles xlsxStyles
	title  int // the style of the question texts
	line   int
	values []any
}

// SheetResponses is the sheet of the responses workbook.
const SheetResponses = "Responses"

func newXLSXResponses(w io.Writer) (*xlsxResponses, error) {
	f := excelize.NewFile()
	e := &xlsxResponses{f: f, w: w}
	if err := e.init(); err != nil {
		f.Close()
		return nil, err
	}
	return e, nil
}

func (e *xlsxResponses) init() error {
	if err := e.f.SetSheetName(e.f.GetSheetName(0), SheetResponses); err != nil {
		return err
	}
	var err error
	if e.styles.header, err = e.f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}}); err != nil {
		return err
	}
	dateFormat := `yyyy-mm-dd"T"hh:mm:ss"Z"`
	if e.styles.date, err = e.f.NewStyle(&excelize.Style{CustomNumFmt: &dateFormat}); err != nil {
		return err
	}
	if e.title, err = e.f.NewStyle(titleStyle); err != nil {
		return err
	}
	e.sw, err = e.f.NewStreamWriter(SheetResponses)
	return err
}

func (e *xlsxResponses) buffered() bool { return true }

func (e *xlsxResponses) begin(columns []responseColumn) error {
	// Column widths must precede the first row of a stream.
	widths := make([]float64, len(columns))
	header := make([]any, len(columns))
	for i, col := range columns {
		widths[i], header[i] = col.width, styledText(col.name, e.styles.header)
	}
	if err := columnWidths(widths, e.sw.SetColWidth); err != nil {
		return err
	}
	if err := e.sw.SetPanes(frozenTitles()); err != nil {
		return err
	}
	if err := e.titleRow(columns); err != nil {
		return err
	}
	e.line++
	e.values = make([]any, len(columns))
	return e.sw.SetRow("A"+strconv.Itoa(e.line), header)
}

func (e *xlsxResponses) row(cells []cell) error {
	for i, c := range cells {
		e.values[i] = c.xlsx(e.styles)
	}
	e.line++
	ref, err := excelize.CoordinatesToCellName(1, e.line)
	if err != nil {
		return err
	}
	return e.sw.SetRow(ref, e.values)
}

func (e *xlsxResponses) flush() error { return nil }

// xlsxChunk is how much of the finished workbook one write sends: excelize
// builds the whole file in memory, and writing it in chunks lets a slow but
// steady client take as long as it needs, each write within the writer's
// own deadline, where one write of the whole file would have to fit in one.
const xlsxChunk = 256 << 10

// end completes the sheet and sends the workbook, a chunk at a time.
func (e *xlsxResponses) end() error {
	if err := e.sw.Flush(); err != nil {
		return err
	}
	buf, err := e.f.WriteToBuffer()
	if err != nil {
		return err
	}
	for buf.Len() > 0 {
		if _, err := e.w.Write(buf.Next(xlsxChunk)); err != nil {
			return err
		}
	}
	return nil
}

func (e *xlsxResponses) close() { e.f.Close() }
