package exports

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/customs-survey/surveyd/scoring"
)

// kind is the type of a cell, which decides how each format writes it.
type kind uint8

const (
	kindEmpty   kind = iota // no value: an empty field, an empty cell, null
	kindText                // a text, neutralised by SafeCell in CSV and XLSX
	kindInteger             // a count
	kindDecimal             // a computed figure, rounded to 2 decimals
	kindBoolean
	kindTime    // an instant
	kindNumber  // a number answer, written as submitted
	kindChoices // the options chosen, in questionnaire order
	kindLabels  // the labels of the options chosen, in questionnaire order
)

// cell is one value of a table.
type cell struct {
	kind    kind
	text    string    // text; number as submitted
	number  float64   // decimal; number answer
	integer int       // integer
	boolean bool      // boolean
	time    time.Time // time
	choices []string  // choices; labels
}

func textCell(s string) cell          { return cell{kind: kindText, text: s} }
func integerCell(n int) cell          { return cell{kind: kindInteger, integer: n} }
func decimalCell(v float64) cell      { return cell{kind: kindDecimal, number: v} }
func booleanCell(b bool) cell         { return cell{kind: kindBoolean, boolean: b} }
func timeCell(t time.Time) cell       { return cell{kind: kindTime, time: t} }
func choicesCell(keys []string) cell  { return cell{kind: kindChoices, choices: keys} }
func labelsCell(labels []string) cell { return cell{kind: kindLabels, choices: labels} }

// optionalInteger is an empty cell for nil.
func optionalInteger(n *int) cell {
	if n == nil {
		return cell{}
	}
	return integerCell(*n)
}

// optionalDecimal is an empty cell for nil.
func optionalDecimal(v *float64) cell {
	if v == nil {
		return cell{}
	}
	return decimalCell(*v)
}

// timestampLayout is how CSV and JSON show a time: RFC 3339 in UTC with
// microseconds (PostgreSQL's precision), always of the same width, so that
// the column also sorts as text.
const timestampLayout = "2006-01-02T15:04:05.000000Z07:00"

// csv is the cell as a CSV field: decimals rounded half away from zero to
// 2 decimals ("67.31"), a boolean as true or false, choices joined by ";",
// labels by "; " (a label is words, which read better spaced), texts
// neutralised, and nothing at all for an empty cell.
func (c cell) csv() string {
	switch c.kind {
	case kindText:
		return SafeCell(c.text)
	case kindInteger:
		return strconv.Itoa(c.integer)
	case kindDecimal:
		return scoring.Fixed2(c.number)
	case kindBoolean:
		return strconv.FormatBool(c.boolean)
	case kindTime:
		return c.time.UTC().Format(timestampLayout)
	case kindNumber:
		return c.text
	case kindChoices:
		return SafeCell(strings.Join(c.choices, ";"))
	case kindLabels:
		return SafeCell(strings.Join(c.choices, labelSeparator))
	}
	return ""
}

// xlsx is the cell as a workbook value: nil for an empty cell, a string
// (never a formula) for a text, the choices or the labels, as CSV writes
// them; a number, boolean or excelize.Cell with its style otherwise. A
// decimal is the value rounded to 2 decimals with format 0.00; a time is a
// date cell, to the second, since spreadsheets would round 12:00:00.6 up
// to 12:00:01 on screen.
func (c cell) xlsx(st xlsxStyles) any {
	switch c.kind {
	case kindText, kindChoices, kindLabels:
		return c.csv()
	case kindInteger:
		return c.integer
	case kindDecimal:
		return excelize.Cell{StyleID: st.fixed2, Value: scoring.Round(c.number, 2)}
	case kindBoolean:
		return c.boolean
	case kindTime:
		return excelize.Cell{StyleID: st.date, Value: c.time.UTC().Truncate(time.Second)}
	case kindNumber:
		return c.number
	}
	return nil
}

// json is the cell as a JSON value: texts, choices and labels verbatim
// (JSON needs no neutralising; choices and labels as arrays), a number as
// submitted, null for an empty cell.
func (c cell) json() ([]byte, error) {
	switch c.kind {
	case kindText:
		return json.Marshal(c.text)
	case kindInteger:
		return strconv.AppendInt(nil, int64(c.integer), 10), nil
	case kindDecimal:
		return json.Marshal(c.number)
	case kindBoolean:
		return strconv.AppendBool(nil, c.boolean), nil
	case kindTime:
		return json.Marshal(c.time.UTC().Format(timestampLayout))
	case kindNumber:
		return []byte(c.text), nil
	case kindChoices, kindLabels:
		return json.Marshal(c.choices)
	}
	return []byte("null"), nil
}

// xlsxStyles are the styles a workbook registers, 0 for those it does not
// use.
type xlsxStyles struct {
	header, text, fixed2, percent, date int
}

// styledText is a text cell of the workbook with a style of its own.
func styledText(s string, style int) excelize.Cell {
	return excelize.Cell{StyleID: style, Value: SafeCell(s)}
}

// setRow writes values from column A of the given row of a workbook built
// in memory: nil leaves its cell empty, a string is always a string cell
// (already neutralised: it comes from cell.xlsx or styledText), an
// excelize.Cell is its value then its style.
func setRow(f *excelize.File, sheet string, row int, values []any) error {
	for i, v := range values {
		if v == nil {
			continue
		}
		ref, err := excelize.CoordinatesToCellName(i+1, row)
		if err != nil {
			return err
		}
		switch v := v.(type) {
		case string:
			err = f.SetCellStr(sheet, ref, v)
		case excelize.Cell:
			if s, ok := v.Value.(string); ok {
				err = f.SetCellStr(sheet, ref, s)
			} else if v.Value != nil {
				err = f.SetCellValue(sheet, ref, v.Value)
			}
			if err == nil {
				err = f.SetCellStyle(sheet, ref, ref, v.StyleID)
			}
		default:
			err = f.SetCellValue(sheet, ref, v)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// columnWidths sets the widths of a sheet's columns, 0 meaning the
// default, with one call per run of neighbouring columns of the same width.
func columnWidths(widths []float64, set func(first, last int, width float64) error) error {
	for first := 0; first < len(widths); {
		last := first
		for last+1 < len(widths) && widths[last+1] == widths[first] {
			last++
		}
		if widths[first] > 0 {
			if err := set(first+1, last+1, widths[first]); err != nil {
				return err
			}
		}
		first = last + 1
	}
	return nil
}

// frozenHeader keeps the header row of a sheet in view.
func frozenHeader() *excelize.Panes {
	return &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}
}
