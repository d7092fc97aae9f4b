package exports

import (
	"math"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// The workbook of a responses export has two header rows: the question
// texts (in the language of the labels, else the questionnaire's default
// language), each spanning its question's columns (the keys and, with
// labels, the labels), above the column names of CSV and JSON, so that a
// reader sees what was asked and a program finds the same names in the
// second row, with or without labels. Both rows stay in view.

// titleStyle is the style of the question texts: bold, wrapped within
// their columns, from the top.
var titleStyle = &excelize.Style{Font: &excelize.Font{Bold: true},
	Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}}

// questionWidth is the workbook's width of a question's column, so that
// its text wraps on fewer lines.
const questionWidth = 16

// defaultWidth is the width of a column the workbook leaves at its
// default, in characters.
const defaultWidth = 9.140625

// lineHeight is the height of a line of text in the workbook, in points,
// and maxTitleLines the most lines the row of question texts shows: a long
// text is cut off on screen, never in the cell.
const (
	lineHeight    = 15
	maxTitleLines = 8
)

// frozenTitles keeps the row of question texts and the row of column
// names in view.
func frozenTitles() *excelize.Panes {
	return &excelize.Panes{Freeze: true, YSplit: 2, TopLeftCell: "A3", ActivePane: "bottomLeft"}
}

// titleRow writes the first row: each question's text over its column and
// the label column that follows it, if any, merged into one cell; nothing
// over the fixed columns. The row is high enough for the longest text,
// wrapped, up to maxTitleLines lines, since spreadsheets do not fit the
// height of a row they are given.
func (e *xlsxResponses) titleRow(columns []responseColumn) error {
	values := make([]any, len(columns))
	lines := 1
	var merges [][2]int
	for i := 0; i < len(columns); i++ {
		if columns[i].title == "" {
			continue
		}
		values[i] = styledText(columns[i].title, e.title)
		last, width := i, widthOf(columns[i])
		for last+1 < len(columns) && columns[last+1].label {
			last++
			width += widthOf(columns[last])
		}
		if last > i {
			merges = append(merges, [2]int{i, last})
		}
		// Wrapping at word ends leaves a character or so unused per line.
		need := int(math.Ceil(float64(utf8.RuneCountInString(columns[i].title)) / (width - 1)))
		lines = max(lines, min(need, maxTitleLines))
	}
	e.line = 1
	if err := e.sw.SetRow("A1", values, excelize.RowOpts{Height: float64(lines * lineHeight)}); err != nil {
		return err
	}
	for _, m := range merges {
		first, err := excelize.CoordinatesToCellName(m[0]+1, 1)
		if err != nil {
			return err
		}
		last, err := excelize.CoordinatesToCellName(m[1]+1, 1)
		if err != nil {
			return err
		}
		if err := e.sw.MergeCell(first, last); err != nil {
			return err
		}
	}
	return nil
}

// widthOf is a column's width in the workbook, in characters.
func widthOf(col responseColumn) float64 {
	if col.width > 0 {
		return col.width
	}
	return defaultWidth
}
