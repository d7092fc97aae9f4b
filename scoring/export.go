package scoring

import (
	"encoding/csv"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/customs-survey/surveyd/survey"
)

// SafeCell neutralises a text cell against formula injection (CWE-1236):
// spreadsheet programs run a cell that begins with =, +, - or @ (or a tab
// or carriage return, which some of them skip before looking) as a formula,
// so such a text gets a leading single quote, which they show as text and
// hide. Only text goes through SafeCell: numbers are written as numbers (a
// negative one keeps its minus sign). Every export uses it, CSV and XLSX
// alike, so that an XLSX saved again as CSV stays safe.
func SafeCell(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}

// Export columns of WriteCSV and of the XLSX "Breakdowns" sheet.
var exportColumns = []string{
	"campaign", "year", "code", "title", "level", "method", "unit", "value", "n", "count", "excluded", "missing",
	"ci95_low", "ci95_high", "target", "target_status", "previous_value", "delta_pp", "suppressed", "narrative",
}

// Levels of disaggregation of the export rows. An indicator's own row is
// the total; each breakdown row is named by its kind and label.
const (
	levelTotal          = "Total"
	levelOption         = "Option: "
	levelQuestion       = "Question: "
	levelAdministration = "Administration: "
)

// exportRow is one line of the scores table: an indicator, or one row of
// one of its breakdowns.
type exportRow struct {
	result       *Result
	total        bool // the indicator's own row, which alone has ci95, target, previous and narrative
	level        string
	percent      bool // the value is on the 0–100 scale, shown with "%" where the report does
	value        *float64
	n            *int
	count        *int
	excluded     *int
	missing      *int
	suppressed   bool
	hasBreakdown bool
}

// exportRows flattens a report into the rows of the table, each indicator
// followed by its breakdowns (options, questions, administrations).
func exportRows(r Report) []exportRow {
	var rows []exportRow
	for i := range r.Indicators {
		res := &r.Indicators[i]
		percent := res.Method != survey.MethodMeanValue
		total := exportRow{result: res, total: true, level: levelTotal, percent: percent, value: res.Value, n: &res.N,
			excluded: &res.Excluded, missing: &res.Missing}
		var breakdown []exportRow
		if b := res.Breakdown; b != nil {
			for _, row := range b.Options {
				// An option's value is its share of the answers: always a percentage.
				breakdown = append(breakdown, breakdownRow(res, levelOption, row, true))
			}
			for _, row := range b.Questions {
				breakdown = append(breakdown, breakdownRow(res, levelQuestion, row, percent))
			}
			for _, row := range b.Administrations {
				breakdown = append(breakdown, breakdownRow(res, levelAdministration, row, percent))
			}
		}
		total.hasBreakdown = len(breakdown) > 0
		rows = append(append(rows, total), breakdown...)
	}
	return rows
}

func breakdownRow(res *Result, prefix string, row Row, percent bool) exportRow {
	label := row.Label
	if label == "" {
		label = row.Key
	}
	if prefix == levelAdministration {
		label = row.Key
	}
	return exportRow{result: res, level: prefix + label, percent: percent, value: row.Value, n: row.N, count: row.Count,
		excluded: row.Excluded, missing: row.Missing, suppressed: row.Suppressed}
}

// WriteCSV writes a report as a CSV table (RFC 4180, UTF-8, no byte order
// mark), one row per indicator and one per breakdown row, with the columns
//
//	campaign, year, code, title, level, method, unit, value, n, count,
//	excluded, missing, ci95_low, ci95_high, target, target_status,
//	previous_value, delta_pp, suppressed, narrative
//
// level is "Total" on an indicator's row and "Option: <label>", "Question:
// <label>" or "Administration: <code>" on a breakdown row; unit is the
// indicator's unit of analysis (respondent or administration). Values are
// rounded half away from zero to 2 decimals ("67.31"); a missing value
// (n = 0, or a suppressed cell) is an empty field. ci95, target, previous
// and narrative are only on the indicator's row; count only on option rows.
// Text fields are neutralised by SafeCell.
func WriteCSV(w io.Writer, r Report) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(exportColumns); err != nil {
		return err
	}
	for _, row := range exportRows(r) {
		if err := cw.Write(csvRecord(r, row)); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func csvRecord(r Report, row exportRow) []string {
	res := row.result
	rec := []string{
		SafeCell(r.Campaign), strconv.Itoa(r.Year), SafeCell(res.Code), SafeCell(res.Title), SafeCell(row.level),
		SafeCell(res.Method), SafeCell(res.Unit), fixed2(row.value), intText(row.n), intText(row.count),
		intText(row.excluded), intText(row.missing),
		"", "", "", "", "", "", strconv.FormatBool(row.suppressed), "",
	}
	if !row.total {
		return rec
	}
	if ci := res.CI95; ci != nil {
		rec[12], rec[13] = Fixed2(ci[0]), Fixed2(ci[1])
	}
	if t := res.Target; t != nil {
		rec[14], rec[15] = Fixed2(t.Value), SafeCell(t.Status)
	}
	if p := res.Previous; p != nil {
		rec[16], rec[17] = fixed2(p.Value), fixed2(p.DeltaPP)
	}
	rec[19] = SafeCell(res.Narrative)
	return rec
}

func fixed2(v *float64) string {
	if v == nil {
		return ""
	}
	return Fixed2(*v)
}

func intText(n *int) string {
	if n == nil {
		return ""
	}
	return strconv.Itoa(*n)
}

// Sheet names of WriteXLSX.
const (
	SheetAnnex      = "Annex 4"
	SheetBreakdowns = "Breakdowns"
	SheetCoverage   = "Coverage"
)

// Number formats: two decimals, and two decimals followed by a literal "%"
// for values on the 0–100 scale. The cell keeps the number (67.31, not
// 0.6731), so that formulas over it see what the report prints.
const (
	formatFixed2  = "0.00"
	formatPercent = `0.00"%"`
)

// xlsxStyles are the styles of a scores workbook.
type xlsxStyles struct {
	header, text, fixed2, percent int
}

// WriteXLSX writes a report as an Excel workbook of three sheets:
//
//   - "Annex 4", laid out like Annex 4 of the annual progress report:
//     Indicator | Level of disaggregation | <year> data | <year> data
//     narrative, one block per indicator (its total, then its breakdown
//     rows, with the indicator and narrative cells merged over the block;
//     "N.A." as level when there is no breakdown). Data cells are numbers
//     rounded to 2 decimals, shown with "%" for percentages as the report
//     does (format 0.00"%" over the value 67.31) and with format 0.00
//     otherwise; a suppressed cell reads "suppressed", a missing value is
//     an empty cell.
//   - "Breakdowns", the long table of WriteCSV, with numbers as numeric
//     cells and suppressed as a boolean.
//   - "Coverage": campaign, year, invited and responding administrations,
//     the codes of those that did not respond, responses, computed_at.
//
// Every text cell is a plain string (never a formula) neutralised by
// SafeCell.
func WriteXLSX(w io.Writer, r Report) error {
	f := excelize.NewFile()
	defer f.Close()
	styles, err := newXLSXStyles(f)
	if err != nil {
		return err
	}
	if err := f.SetSheetName(f.GetSheetName(0), SheetAnnex); err != nil {
		return err
	}
	for _, name := range []string{SheetBreakdowns, SheetCoverage} {
		if _, err := f.NewSheet(name); err != nil {
			return err
		}
	}
	rows := exportRows(r)
	if err := writeAnnex(f, styles, r, rows); err != nil {
		return err
	}
	if err := writeBreakdowns(f, styles, r, rows); err != nil {
		return err
	}
	if err := writeCoverage(f, styles, r); err != nil {
		return err
	}
	f.SetActiveSheet(0)
	return f.Write(w)
}

func newXLSXStyles(f *excelize.File) (xlsxStyles, error) {
	var s xlsxStyles
	var err error
	wrapTop := &excelize.Alignment{WrapText: true, Vertical: "top"}
	if s.header, err = f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Alignment: wrapTop,
		Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"D9E1F2"}}}); err != nil {
		return s, err
	}
	if s.text, err = f.NewStyle(&excelize.Style{Alignment: wrapTop}); err != nil {
		return s, err
	}
	f2, pct := formatFixed2, formatPercent
	if s.fixed2, err = f.NewStyle(&excelize.Style{CustomNumFmt: &f2, Alignment: &excelize.Alignment{Vertical: "top"}}); err != nil {
		return s, err
	}
	s.percent, err = f.NewStyle(&excelize.Style{CustomNumFmt: &pct, Alignment: &excelize.Alignment{Vertical: "top"}})
	return s, err
}

// setRow writes values from column A of the given row; a nil value leaves
// its cell empty. Strings are always written as string cells.
func setRow(f *excelize.File, sheet string, row int, values ...any) error {
	for i, v := range values {
		if v == nil {
			continue
		}
		cell, err := excelize.CoordinatesToCellName(i+1, row)
		if err != nil {
			return err
		}
		switch v := v.(type) {
		case string:
			err = f.SetCellStr(sheet, cell, SafeCell(v))
		case styled:
			if v.value != nil {
				if s, ok := v.value.(string); ok {
					err = f.SetCellStr(sheet, cell, SafeCell(s))
				} else {
					err = f.SetCellValue(sheet, cell, v.value)
				}
			}
			if err == nil {
				err = f.SetCellStyle(sheet, cell, cell, v.style)
			}
		default:
			err = f.SetCellValue(sheet, cell, v)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// styled is a cell value with its style.
type styled struct {
	value any
	style int
}

// number is a rounded value as a cell, or nil for an empty cell.
func number(v *float64) any {
	if v == nil {
		return nil
	}
	return Round(*v, 2)
}

func writeAnnex(f *excelize.File, st xlsxStyles, r Report, rows []exportRow) error {
	sheet := SheetAnnex
	year := strconv.Itoa(r.Year)
	header := []any{"Indicator", "Level of disaggregation", year + " data", year + " data narrative"}
	for i := range header {
		header[i] = styled{header[i], st.header}
	}
	if err := setRow(f, sheet, 1, header...); err != nil {
		return err
	}
	for col, width := range map[string]float64{"A": 50, "B": 32, "C": 14, "D": 70} {
		if err := f.SetColWidth(sheet, col, col, width); err != nil {
			return err
		}
	}
	line := 2
	for i := 0; i < len(rows); {
		res := rows[i].result
		end := i + 1
		for end < len(rows) && !rows[end].total {
			end++
		}
		name := res.Code
		if res.Title != "" {
			name += ": " + res.Title
		}
		first := line
		for _, row := range rows[i:end] {
			level := row.level
			if row.total && !row.hasBreakdown {
				level = "N.A."
			}
			var data any
			switch {
			case row.suppressed:
				data = styled{"suppressed", st.text}
			case row.value != nil && row.percent:
				data = styled{Round(*row.value, 2), st.percent}
			case row.value != nil:
				data = styled{Round(*row.value, 2), st.fixed2}
			}
			var indicator, narrative any
			if row.total {
				indicator, narrative = styled{name, st.text}, styled{res.Narrative, st.text}
			}
			if err := setRow(f, sheet, line, indicator, styled{level, st.text}, data, narrative); err != nil {
				return err
			}
			line++
		}
		if last := line - 1; last > first {
			for _, col := range []string{"A", "D"} {
				if err := f.MergeCell(sheet, col+strconv.Itoa(first), col+strconv.Itoa(last)); err != nil {
					return err
				}
			}
		}
		i = end
	}
	return f.SetPanes(sheet, frozenHeader())
}

func frozenHeader() *excelize.Panes {
	return &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}
}

func writeBreakdowns(f *excelize.File, st xlsxStyles, r Report, rows []exportRow) error {
	sheet := SheetBreakdowns
	header := make([]any, len(exportColumns))
	for i, c := range exportColumns {
		header[i] = styled{c, st.header}
	}
	if err := setRow(f, sheet, 1, header...); err != nil {
		return err
	}
	num := func(v *float64) any {
		if v == nil {
			return nil
		}
		return styled{Round(*v, 2), st.fixed2}
	}
	optInt := func(n *int) any {
		if n == nil {
			return nil
		}
		return *n
	}
	for i, row := range rows {
		res := row.result
		values := []any{r.Campaign, r.Year, res.Code, res.Title, row.level, res.Method, res.Unit,
			num(row.value), optInt(row.n), optInt(row.count), optInt(row.excluded), optInt(row.missing),
			nil, nil, nil, nil, nil, nil, row.suppressed, nil}
		if row.total {
			if ci := res.CI95; ci != nil {
				values[12], values[13] = num(&ci[0]), num(&ci[1])
			}
			if t := res.Target; t != nil {
				values[14], values[15] = num(&t.Value), t.Status
			}
			if p := res.Previous; p != nil {
				values[16], values[17] = num(p.Value), num(p.DeltaPP)
			}
			values[19] = res.Narrative
		}
		if err := setRow(f, sheet, i+2, values...); err != nil {
			return err
		}
	}
	if err := f.SetColWidth(sheet, "D", "E", 40); err != nil {
		return err
	}
	if err := f.SetColWidth(sheet, "T", "T", 70); err != nil {
		return err
	}
	last, err := excelize.CoordinatesToCellName(len(exportColumns), len(rows)+1)
	if err != nil {
		return err
	}
	if err := f.AutoFilter(sheet, "A1:"+last, nil); err != nil {
		return err
	}
	return f.SetPanes(sheet, frozenHeader())
}

func writeCoverage(f *excelize.File, st xlsxStyles, r Report) error {
	sheet := SheetCoverage
	cov := r.Coverage
	lines := [][]any{
		{styled{"field", st.header}, styled{"value", st.header}},
		{"campaign", r.Campaign},
		{"year", r.Year},
		{"administrations_invited", cov.AdministrationsInvited},
		{"administrations_responded", cov.AdministrationsResponded},
		{"missing", strings.Join(cov.Missing, ", ")},
		{"responses", cov.Responses},
		{"computed_at", r.ComputedAt.UTC().Format(time.RFC3339)},
	}
	for i, l := range lines {
		if err := setRow(f, sheet, i+1, l...); err != nil {
			return err
		}
	}
	return f.SetColWidth(sheet, "A", "B", 28)
}
