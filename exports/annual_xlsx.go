package exports

import (
	"io"

	"github.com/xuri/excelize/v2"

	"github.com/customs-survey/surveyd/scoring"
)

// Sheet names of WriteAnnualXLSX.
const (
	SheetAnnualAnnex = "Annex"
	SheetNotes       = "Notes"
)

// Number formats of changes: percentage points between percentages, with
// their sign; a change on a scale has the sign and two decimals.
const (
	formatPercentagePoints = `+0.00" pp";-0.00" pp";0.00" pp"`
	formatPoints           = `+0.00;-0.00;0.00`
	formatDate             = `yyyy-mm-dd"T"hh:mm:ss"Z"`
)

// annualStyles are the styles of the annual workbook: those of the scores
// workbook, and changes.
type annualStyles struct {
	xlsxStyles
	percentagePoints, points int
}

func newAnnualStyles(f *excelize.File) (annualStyles, error) {
	base, err := newScoresStyles(f)
	st := annualStyles{xlsxStyles: base}
	if err != nil {
		return st, err
	}
	top := &excelize.Alignment{Vertical: "top"}
	pp, points, date := formatPercentagePoints, formatPoints, formatDate
	if st.percentagePoints, err = f.NewStyle(&excelize.Style{CustomNumFmt: &pp, Alignment: top}); err != nil {
		return st, err
	}
	if st.points, err = f.NewStyle(&excelize.Style{CustomNumFmt: &points, Alignment: top}); err != nil {
		return st, err
	}
	st.date, err = f.NewStyle(&excelize.Style{CustomNumFmt: &date, Alignment: top})
	return st, err
}

// decimal is the style of a decimal of a column: a percentage (format
// 0.00"%" over the value 67.31) or percentage points for an indicator on
// the 0–100 scale, 0.00 or signed points otherwise.
func (st annualStyles) decimal(style annualDecimalStyle, percent bool) int {
	switch {
	case style == annualChangeStyle && percent:
		return st.percentagePoints
	case style == annualChangeStyle:
		return st.points
	case percent:
		return st.percent
	}
	return st.fixed2
}

// WriteAnnualXLSX writes an annual report as an Excel workbook of four
// sheets, each a table with a header row kept in view:
//
//   - "Annex": one row per indicator of every campaign of the year, in the
//     report's order (annualColumns), and no other row;
//   - "Breakdowns": every breakdown row of every indicator, in the same
//     order; a suppressed cell states the rule it was withheld by, with
//     the campaign's minimum cell size, in its value cell;
//   - "Coverage": per campaign, who was invited and answered, whether its
//     figures are final and whether they come from a frozen run, whether
//     the figures computed now still are the run's, and whether the
//     campaign is final now or was reopened;
//   - "Notes": per indicator, its method in words.
//
// Numbers are numeric cells rounded to 2 decimals, with a number format:
// 0.00"%" for percentages, 0.00 for a scale, signed with " pp" for changes
// in percentage points; times are date cells. Every text cell is a plain
// string (never a formula) neutralised by SafeCell.
func WriteAnnualXLSX(w io.Writer, r AnnualReport) error {
	f := excelize.NewFile()
	defer f.Close()
	st, err := newAnnualStyles(f)
	if err != nil {
		return err
	}
	if err := f.SetSheetName(f.GetSheetName(0), SheetAnnualAnnex); err != nil {
		return err
	}
	rows := annualRows(r)
	if err := writeAnnualTable(f, st, SheetAnnualAnnex, annualColumns, rows, func(r *annualRow) bool { return r.percent }); err != nil {
		return err
	}
	if err := writeAnnualTable(f, st, SheetBreakdowns, annualBreakdownColumns, annualBreakdownItems(rows),
		func(b *annualBreakdownItem) bool { return b.line.percent }); err != nil {
		return err
	}
	if err := writeAnnualTable(f, st, SheetCoverage, annualCoverageColumns, r.Campaigns, nil); err != nil {
		return err
	}
	if err := writeAnnualTable(f, st, SheetNotes, annualNotesColumns, annualNotes(rows), nil); err != nil {
		return err
	}
	f.SetActiveSheet(0)
	return f.Write(w)
}

// writeAnnualTable writes a table on a sheet of its own (created unless it is
// the first): its headings, then one line per row; percent says whether a
// row's decimals are percentages (nil: none is).
func writeAnnualTable[R any](f *excelize.File, st annualStyles, sheet string, cols []annualColumn[R], rows []R, percent func(*R) bool) error {
	if idx, err := f.GetSheetIndex(sheet); err != nil {
		return err
	} else if idx < 0 {
		if _, err := f.NewSheet(sheet); err != nil {
			return err
		}
	}
	values := make([]any, len(cols))
	widths := make([]float64, len(cols))
	for i, col := range cols {
		values[i], widths[i] = styledText(col.heading, st.header), col.width
	}
	if err := setRow(f, sheet, 1, values); err != nil {
		return err
	}
	for line := range rows {
		row := &rows[line]
		for i, col := range cols {
			c := col.cell(row)
			switch c.kind {
			case kindDecimal:
				values[i] = excelize.Cell{StyleID: st.decimal(col.style, percent != nil && percent(row)), Value: scoring.Round(c.number, 2)}
			case kindText:
				values[i] = styledText(c.text, st.text)
			default:
				values[i] = c.xlsx(st.xlsxStyles)
			}
		}
		if err := setRow(f, sheet, line+2, values); err != nil {
			return err
		}
	}
	if err := columnWidths(widths, sheetColumnWidth(f, sheet)); err != nil {
		return err
	}
	return f.SetPanes(sheet, frozenHeader())
}
