package exports

import (
	"encoding/csv"
	"fmt"
	"io"
	"time"

	"github.com/customs-survey/surveyd/scoring"
	"github.com/customs-survey/surveyd/survey"
)

// WriteScores writes a scores report in a format: a CSV table, an Excel
// workbook or the JSON document of the API (WriteScoresCSV, WriteScoresXLSX,
// WriteScoresJSON).
func WriteScores(w io.Writer, format Format, r scoring.Report) error {
	switch format {
	case CSV:
		return WriteScoresCSV(w, r)
	case XLSX:
		return WriteScoresXLSX(w, r)
	case JSON:
		return WriteScoresJSON(w, r)
	}
	return fmt.Errorf("exports: no scores writer for format %q", format)
}

// Levels of disaggregation of the rows. An indicator's own row is the
// total; each breakdown row is named by its kind and label.
const (
	levelTotal          = "Total"
	levelOption         = "Option: "
	levelQuestion       = "Question: "
	levelAdministration = "Administration: "
)

// scoreRow is one line of the scores table: an indicator, or one row of
// one of its breakdowns.
type scoreRow struct {
	result       *scoring.Result
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

// scoreColumn is one column of the scores table: of WriteScoresCSV, and of
// the "Breakdowns" sheet of WriteScoresXLSX.
type scoreColumn struct {
	name  string
	width float64 // in the workbook; 0 for the default
	cell  func(r *scoring.Report, row *scoreRow) cell
}

// scoreColumns is the scores table.
var scoreColumns = []scoreColumn{
	{name: "campaign", cell: func(r *scoring.Report, _ *scoreRow) cell { return textCell(r.Campaign) }},
	{name: "year", cell: func(r *scoring.Report, _ *scoreRow) cell { return integerCell(r.Year) }},
	{name: "code", cell: indicatorCell(func(res *scoring.Result) cell { return textCell(res.Code) })},
	{name: "title", width: 40, cell: indicatorCell(func(res *scoring.Result) cell { return textCell(res.Title) })},
	{name: "level", width: 40, cell: rowCell(func(row *scoreRow) cell { return textCell(row.level) })},
	{name: "method", cell: indicatorCell(func(res *scoring.Result) cell { return textCell(res.Method) })},
	{name: "unit", cell: indicatorCell(func(res *scoring.Result) cell { return textCell(res.Unit) })},
	{name: "value", cell: rowCell(func(row *scoreRow) cell { return optionalDecimal(row.value) })},
	{name: "n", cell: rowCell(func(row *scoreRow) cell { return optionalInteger(row.n) })},
	{name: "count", cell: rowCell(func(row *scoreRow) cell { return optionalInteger(row.count) })},
	{name: "excluded", cell: rowCell(func(row *scoreRow) cell { return optionalInteger(row.excluded) })},
	{name: "missing", cell: rowCell(func(row *scoreRow) cell { return optionalInteger(row.missing) })},
	{name: "ci95_low", cell: totalCell(func(res *scoring.Result) cell {
		return present(res.CI95, func(ci *[2]float64) cell { return decimalCell(ci[0]) })
	})},
	{name: "ci95_high", cell: totalCell(func(res *scoring.Result) cell {
		return present(res.CI95, func(ci *[2]float64) cell { return decimalCell(ci[1]) })
	})},
	{name: "target", cell: totalCell(func(res *scoring.Result) cell {
		return present(res.Target, func(t *scoring.Target) cell { return decimalCell(t.Value) })
	})},
	{name: "target_status", cell: totalCell(func(res *scoring.Result) cell {
		return present(res.Target, func(t *scoring.Target) cell { return textCell(t.Status) })
	})},
	{name: "previous_value", cell: totalCell(func(res *scoring.Result) cell {
		return present(res.Previous, func(p *scoring.Previous) cell { return optionalDecimal(p.Value) })
	})},
	{name: "delta_pp", cell: totalCell(func(res *scoring.Result) cell {
		return present(res.Previous, func(p *scoring.Previous) cell { return optionalDecimal(p.DeltaPP) })
	})},
	{name: "suppressed", cell: rowCell(func(row *scoreRow) cell { return booleanCell(row.suppressed) })},
	{name: "narrative", width: 70, cell: totalCell(func(res *scoring.Result) cell { return textCell(res.Narrative) })},
	// Whether the figures are final (the campaign is closed), when they last
	// were, and when the campaign was reopened after that: a figure taken
	// from a reopened campaign may still change.
	{name: "final", cell: func(r *scoring.Report, _ *scoreRow) cell { return booleanCell(r.Status == survey.StatusClosed) }},
	{name: "last_closed_at", width: 20, cell: func(r *scoring.Report, _ *scoreRow) cell {
		return present(r.LastClosedAt, func(t *time.Time) cell { return timeCell(*t) })
	}},
	{name: "reopened_at", width: 20, cell: func(r *scoring.Report, _ *scoreRow) cell {
		return present(r.ReopenedAt, func(t *time.Time) cell { return timeCell(*t) })
	}},
}

// indicatorCell is a column that every row of an indicator repeats.
func indicatorCell(f func(*scoring.Result) cell) func(*scoring.Report, *scoreRow) cell {
	return func(_ *scoring.Report, row *scoreRow) cell { return f(row.result) }
}

// rowCell is a column of each row's own figures.
func rowCell(f func(*scoreRow) cell) func(*scoring.Report, *scoreRow) cell {
	return func(_ *scoring.Report, row *scoreRow) cell { return f(row) }
}

// totalCell is a column that only an indicator's own row fills.
func totalCell(f func(*scoring.Result) cell) func(*scoring.Report, *scoreRow) cell {
	return func(_ *scoring.Report, row *scoreRow) cell {
		if !row.total {
			return cell{}
		}
		return f(row.result)
	}
}

// present is f of what p points to, or an empty cell when p is nil.
func present[T any](p *T, f func(*T) cell) cell {
	if p == nil {
		return cell{}
	}
	return f(p)
}

// scoreRows flattens a report into the rows of the table, each indicator
// followed by its breakdowns (options, questions, administrations).
func scoreRows(r scoring.Report) []scoreRow {
	var rows []scoreRow
	for i := range r.Indicators {
		res := &r.Indicators[i]
		percent := res.Method != survey.MethodMeanValue
		total := scoreRow{result: res, total: true, level: levelTotal, percent: percent, value: res.Value, n: &res.N,
			excluded: &res.Excluded, missing: &res.Missing}
		var breakdown []scoreRow
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

func breakdownRow(res *scoring.Result, prefix string, row scoring.Row, percent bool) scoreRow {
	label := row.Label
	if label == "" {
		label = row.Key
	}
	if prefix == levelAdministration {
		label = row.Key
	}
	return scoreRow{result: res, level: prefix + label, percent: percent, value: row.Value, n: row.N, count: row.Count,
		excluded: row.Excluded, missing: row.Missing, suppressed: row.Suppressed}
}

// scoreHeader is the header row of the scores table.
func scoreHeader() []string {
	names := make([]string, len(scoreColumns))
	for i, col := range scoreColumns {
		names[i] = col.name
	}
	return names
}

// WriteScoresCSV writes a report as a CSV table (RFC 4180, UTF-8, no byte
// order mark), one row per indicator and one per breakdown row, with the
// columns
//
//	campaign, year, code, title, level, method, unit, value, n, count,
//	excluded, missing, ci95_low, ci95_high, target, target_status,
//	previous_value, delta_pp, suppressed, narrative, final,
//	last_closed_at, reopened_at
//
// level is "Total" on an indicator's row and "Option: <label>", "Question:
// <label>" or "Administration: <code>" on a breakdown row; unit is the
// indicator's unit of analysis (respondent or administration). Values are
// rounded half away from zero to 2 decimals ("67.31"); a missing value
// (n = 0, or a suppressed cell) is an empty field. ci95, target, previous
// and narrative are only on the indicator's row; count only on option rows.
// Text fields are neutralised by SafeCell. final, last_closed_at and
// reopened_at are the campaign's, on every row (times in RFC 3339, UTC).
func WriteScoresCSV(w io.Writer, r scoring.Report) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(scoreHeader()); err != nil {
		return err
	}
	rec := make([]string, len(scoreColumns))
	for _, row := range scoreRows(r) {
		for i, col := range scoreColumns {
			rec[i] = col.cell(&r, &row).csv()
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
