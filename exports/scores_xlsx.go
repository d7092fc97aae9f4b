package exports

import (
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/customs-survey/surveyd/scoring"
	"github.com/customs-survey/surveyd/survey"
)

// Sheet names of WriteScoresXLSX.
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

// WriteScoresXLSX writes a report as an Excel workbook of three sheets:
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
//   - "Breakdowns", the table of WriteScoresCSV, with numbers as numeric
//     cells and suppressed as a boolean.
//   - "Coverage": campaign, year, invited and responding administrations,
//     the codes of those that did not respond, responses, computed_at.
//
// Every text cell is a plain string (never a formula) neutralised by
// SafeCell. A report computed now also says which run was last frozen
// (WriteLiveScores).
func WriteScoresXLSX(w io.Writer, r scoring.Report) error {
	return writeScoresXLSX(w, r, scoreColumns, nil)
}

// writeScoresXLSX writes a report as the workbook whose Breakdowns sheet
// has columns and whose Coverage sheet ends with more lines.
func writeScoresXLSX(w io.Writer, r scoring.Report, columns []scoreColumn, more []coverageLine) error {
	f := excelize.NewFile()
	defer f.Close()
	styles, err := newScoresStyles(f)
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
	rows := scoreRows(r)
	if err := writeAnnex(f, styles, r, rows); err != nil {
		return err
	}
	if err := writeBreakdowns(f, styles, r, rows, columns); err != nil {
		return err
	}
	if err := writeCoverage(f, styles, r, more); err != nil {
		return err
	}
	f.SetActiveSheet(0)
	return f.Write(w)
}

func newScoresStyles(f *excelize.File) (xlsxStyles, error) {
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

// annexColumn is one column of the "Annex 4" sheet.
type annexColumn struct {
	header func(year string) string
	width  float64
	block  bool // one cell merged over the indicator's block of rows
	cell   func(row *scoreRow, st xlsxStyles) any
}

// annexColumns is the table of the "Annex 4" sheet.
var annexColumns = []annexColumn{
	{header: func(string) string { return "Indicator" }, width: 50, block: true,
		cell: func(row *scoreRow, st xlsxStyles) any {
			if !row.total {
				return nil
			}
			name := row.result.Code
			if row.result.Title != "" {
				name += ": " + row.result.Title
			}
			return styledText(name, st.text)
		}},
	{header: func(string) string { return "Level of disaggregation" }, width: 32,
		cell: func(row *scoreRow, st xlsxStyles) any {
			if row.total && !row.hasBreakdown {
				return styledText("N.A.", st.text)
			}
			return styledText(row.level, st.text)
		}},
	{header: func(year string) string { return year + " data" }, width: 14,
		cell: func(row *scoreRow, st xlsxStyles) any {
			switch {
			case row.suppressed:
				return styledText("suppressed", st.text)
			case row.value != nil && row.percent:
				return excelize.Cell{StyleID: st.percent, Value: scoring.Round(*row.value, 2)}
			case row.value != nil:
				return excelize.Cell{StyleID: st.fixed2, Value: scoring.Round(*row.value, 2)}
			}
			return nil
		}},
	{header: func(year string) string { return year + " data narrative" }, width: 70, block: true,
		cell: func(row *scoreRow, st xlsxStyles) any {
			if !row.total {
				return nil
			}
			return styledText(row.result.Narrative, st.text)
		}},
}

func writeAnnex(f *excelize.File, st xlsxStyles, r scoring.Report, rows []scoreRow) error {
	sheet := SheetAnnex
	header := make([]any, len(annexColumns))
	widths := make([]float64, len(annexColumns))
	for i, col := range annexColumns {
		header[i], widths[i] = styledText(col.header(strconv.Itoa(r.Year)), st.header), col.width
	}
	if err := setRow(f, sheet, 1, header); err != nil {
		return err
	}
	if err := columnWidths(widths, sheetColumnWidth(f, sheet)); err != nil {
		return err
	}
	line := 2
	for i := 0; i < len(rows); {
		end := i + 1
		for end < len(rows) && !rows[end].total {
			end++
		}
		first := line
		for _, row := range rows[i:end] {
			values := make([]any, len(annexColumns))
			for j, col := range annexColumns {
				values[j] = col.cell(&row, st)
			}
			if err := setRow(f, sheet, line, values); err != nil {
				return err
			}
			line++
		}
		if err := mergeBlock(f, sheet, first, line-1); err != nil {
			return err
		}
		i = end
	}
	return f.SetPanes(sheet, frozenHeader())
}

// mergeBlock merges the block columns of the Annex over the rows of one
// indicator, first to last.
func mergeBlock(f *excelize.File, sheet string, first, last int) error {
	if last <= first {
		return nil
	}
	for i, col := range annexColumns {
		if !col.block {
			continue
		}
		from, _ := excelize.CoordinatesToCellName(i+1, first)
		to, _ := excelize.CoordinatesToCellName(i+1, last)
		if err := f.MergeCell(sheet, from, to); err != nil {
			return err
		}
	}
	return nil
}

// sheetColumnWidth sets column widths of a sheet of a workbook in memory.
func sheetColumnWidth(f *excelize.File, sheet string) func(first, last int, width float64) error {
	return func(first, last int, width float64) error {
		from, err := excelize.ColumnNumberToName(first)
		if err != nil {
			return err
		}
		to, err := excelize.ColumnNumberToName(last)
		if err != nil {
			return err
		}
		return f.SetColWidth(sheet, from, to, width)
	}
}

func writeBreakdowns(f *excelize.File, st xlsxStyles, r scoring.Report, rows []scoreRow, columns []scoreColumn) error {
	sheet := SheetBreakdowns
	header := make([]any, len(columns))
	widths := make([]float64, len(columns))
	for i, col := range columns {
		header[i], widths[i] = styledText(col.name, st.header), col.width
	}
	if err := setRow(f, sheet, 1, header); err != nil {
		return err
	}
	values := make([]any, len(columns))
	for i, row := range rows {
		for j, col := range columns {
			values[j] = col.cell(&r, &row).xlsx(st)
		}
		if err := setRow(f, sheet, i+2, values); err != nil {
			return err
		}
	}
	if err := columnWidths(widths, sheetColumnWidth(f, sheet)); err != nil {
		return err
	}
	last, err := excelize.CoordinatesToCellName(len(columns), len(rows)+1)
	if err != nil {
		return err
	}
	if err := f.AutoFilter(sheet, "A1:"+last, nil); err != nil {
		return err
	}
	return f.SetPanes(sheet, frozenHeader())
}

// coverageLine is a line of the Coverage sheet: a field and its value.
type coverageLine struct {
	name  string
	value cell
}

// frozenLines are the lines of the Coverage sheet of a report computed
// now that name the campaign's latest frozen run and say whether the
// figures match it; their values are empty without a run.
func frozenLines(frozen *FrozenRun) []coverageLine {
	of := func(f func(*FrozenRun) cell) cell { return present(frozen, f) }
	return []coverageLine{
		{"frozen_run", of(func(f *FrozenRun) cell { return textCell(f.ID) })},
		{"frozen_at", of(func(f *FrozenRun) cell { return textCell(timeOrEmpty(&f.FrozenAt)) })},
		{"frozen_sha256", of(func(f *FrozenRun) cell { return textCell(f.SHA256) })},
		{"frozen_matches", of(func(f *FrozenRun) cell { return textCell(strconv.FormatBool(f.Matches)) })},
	}
}

func writeCoverage(f *excelize.File, st xlsxStyles, r scoring.Report, more []coverageLine) error {
	sheet := SheetCoverage
	cov := r.Coverage
	fields := []coverageLine{
		{"campaign", textCell(r.Campaign)},
		{"year", integerCell(r.Year)},
		{"administrations_invited", integerCell(cov.AdministrationsInvited)},
		{"administrations_responded", integerCell(cov.AdministrationsResponded)},
		{"missing", textCell(strings.Join(cov.Missing, ", "))},
		{"responses", integerCell(cov.Responses)},
		{"computed_at", textCell(r.ComputedAt.UTC().Format(time.RFC3339))},
		{"final", textCell(strconv.FormatBool(r.Status == survey.StatusClosed))},
		{"last_closed_at", textCell(timeOrEmpty(r.LastClosedAt))},
		{"reopened_at", textCell(timeOrEmpty(r.ReopenedAt))},
	}
	fields = append(fields, more...)
	if err := setRow(f, sheet, 1, []any{styledText("field", st.header), styledText("value", st.header)}); err != nil {
		return err
	}
	for i, field := range fields {
		if err := setRow(f, sheet, i+2, []any{textCell(field.name).xlsx(st), field.value.xlsx(st)}); err != nil {
			return err
		}
	}
	return f.SetColWidth(sheet, "A", "B", 28)
}

// timeOrEmpty is a time as RFC 3339 in UTC, or "" for none.
func timeOrEmpty(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}
