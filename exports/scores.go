package exports

import (
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/customs-survey/surveyd/scoring"
	"github.com/customs-survey/surveyd/survey"
)

// WriteScores writes a scores report in a format: a CSV table, an Excel
// workbook or the JSON document of the API (WriteScoresCSV, WriteScoresXLSX,
// WriteScoresJSON). These are the renderings a frozen run keeps.
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

// FrozenRun is the latest frozen run of a campaign as the live scores cite
// it: its id, when it was frozen, the SHA-256 of its JSON, and whether the
// figures computed now are still its figures.
type FrozenRun struct {
	ID       string
	FrozenAt time.Time
	SHA256   string
	Matches  bool
}

// WriteLiveScores writes a report computed now, rather than a frozen run,
// in a format: as WriteScores, and saying which run of the campaign was
// last frozen and whether these figures match it (frozen, nil when the
// campaign has none), so that figures that differ from those frozen are
// never served as if they were the same. The CSV table and the workbook's
// Breakdowns sheet end with the columns frozen_run and frozen_matches,
// filled on every row when there is a run; the workbook's Coverage sheet
// has the lines frozen_run, frozen_at, frozen_sha256 and frozen_matches;
// the JSON document has the member frozen (LiveScoresDocument).
func WriteLiveScores(w io.Writer, format Format, r scoring.Report, frozen *FrozenRun) error {
	switch format {
	case CSV:
		return writeScoresCSV(w, r, liveColumns(frozen))
	case XLSX:
		return writeScoresXLSX(w, r, liveColumns(frozen), frozenLines(frozen))
	case JSON:
		return writeJSON(w, NewLiveScoresDocument(r, frozen))
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
	result        *scoring.Result
	total         bool // the indicator's own row, which alone has ci95, target, previous and narrative
	level         string
	percent       bool // the value is on the 0–100 scale, shown with "%" where the report does
	value         *float64
	n             *int
	count         *int
	excluded      *int
	missing       *int
	notApplicable *int
	suppressed    bool
	hasBreakdown  bool
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
	{name: "not_applicable", cell: rowCell(func(row *scoreRow) cell { return optionalInteger(row.notApplicable) })},
	{name: "ci95_low", cell: totalCell(func(res *scoring.Result) cell {
		return present(res.CI95, func(ci *[2]float64) cell { return decimalCell(ci[0]) })
	})},
	{name: "ci95_high", cell: totalCell(func(res *scoring.Result) cell {
		return present(res.CI95, func(ci *[2]float64) cell { return decimalCell(ci[1]) })
	})},
	// The target or milestone that applies to the year, and the
	// end-of-programme target.
	{name: "target", cell: targetCell(applies, func(t *scoring.Target) cell { return decimalCell(t.Value) })},
	{name: "target_kind", cell: targetCell(applies, func(t *scoring.Target) cell { return textCell(t.Kind) })},
	{name: "target_year", cell: targetCell(applies, func(t *scoring.Target) cell { return integerCell(t.Year) })},
	{name: "target_status", cell: targetCell(applies, func(t *scoring.Target) cell { return textCell(t.Status) })},
	{name: "end_target", cell: targetCell(ends, func(t *scoring.Target) cell { return decimalCell(t.Value) })},
	{name: "end_target_year", cell: targetCell(ends, func(t *scoring.Target) cell { return integerCell(t.Year) })},
	{name: "end_target_status", cell: targetCell(ends, func(t *scoring.Target) cell { return textCell(t.Status) })},
	// The previous year: the change is in change_unit (percentage_points
	// or points), empty when the two are not comparable.
	{name: "previous_value", cell: previousCell(func(p *scoring.Previous) cell { return optionalDecimal(p.Value) })},
	{name: "change", cell: previousCell(func(p *scoring.Previous) cell { return optionalDecimal(p.Change) })},
	{name: "change_unit", cell: previousCell(func(p *scoring.Previous) cell { return textCell(p.ChangeUnit) })},
	{name: "comparable", cell: previousCell(func(p *scoring.Previous) cell { return booleanCell(p.Comparable) })},
	{name: "not_comparable_reason", width: 40, cell: previousCell(func(p *scoring.Previous) cell { return textCell(p.Reason) })},
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

// liveColumns are the columns of the table of a report computed now: those
// of scoreColumns, then the latest frozen run's id and whether the figures
// match it, on every row; both empty without a run.
func liveColumns(frozen *FrozenRun) []scoreColumn {
	of := func(f func(*FrozenRun) cell) func(*scoring.Report, *scoreRow) cell {
		return func(*scoring.Report, *scoreRow) cell { return present(frozen, f) }
	}
	return append(slices.Clip(scoreColumns),
		scoreColumn{name: "frozen_run", width: 38, cell: of(func(f *FrozenRun) cell { return textCell(f.ID) })},
		scoreColumn{name: "frozen_matches", cell: of(func(f *FrozenRun) cell { return booleanCell(f.Matches) })})
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

// applies and ends pick a result's target for the year and its
// end-of-programme target.
func applies(res *scoring.Result) *scoring.Target { return res.Target }
func ends(res *scoring.Result) *scoring.Target    { return res.EndTarget }

// targetCell is a column of one of the targets of an indicator's own row.
func targetCell(which func(*scoring.Result) *scoring.Target, f func(*scoring.Target) cell) func(*scoring.Report, *scoreRow) cell {
	return totalCell(func(res *scoring.Result) cell { return present(which(res), f) })
}

// previousCell is a column of the previous year, on an indicator's own row.
func previousCell(f func(*scoring.Previous) cell) func(*scoring.Report, *scoreRow) cell {
	return totalCell(func(res *scoring.Result) cell { return present(res.Previous, f) })
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
		percent := scoring.IsPercentage(res.Method)
		total := scoreRow{result: res, total: true, level: levelTotal, percent: percent, value: res.Value, n: &res.N,
			excluded: &res.Excluded, missing: &res.Missing, notApplicable: &res.NotApplicable}
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
		excluded: row.Excluded, missing: row.Missing, notApplicable: row.NotApplicable, suppressed: row.Suppressed}
}

// scoreHeader is the header row of a scores table.
func scoreHeader(columns []scoreColumn) []string {
	names := make([]string, len(columns))
	for i, col := range columns {
		names[i] = col.name
	}
	return names
}

// WriteScoresCSV writes a report as a CSV table (RFC 4180, UTF-8, no byte
// order mark), one row per indicator and one per breakdown row, with the
// columns
//
//	campaign, year, code, title, level, method, unit, value, n, count,
//	excluded, missing, not_applicable, ci95_low, ci95_high, target, target_kind,
//	target_year, target_status, end_target, end_target_year,
//	end_target_status, previous_value, change, change_unit, comparable,
//	not_comparable_reason, suppressed, narrative, final, last_closed_at,
//	reopened_at
//
// level is "Total" on an indicator's row and "Option: <label>", "Question:
// <label>" or "Administration: <code>" on a breakdown row; unit is the
// indicator's unit of analysis (respondent or administration). Values are
// rounded half away from zero to 2 decimals ("67.31"); a missing value
// (n = 0, or a suppressed cell) is an empty field. ci95, the targets, the
// previous year and narrative are only on the indicator's row; count only
// on option rows. target_kind is target or milestone; change is in
// change_unit, percentage_points or points, and empty when comparable is
// false (not_comparable_reason then says why).
// Text fields are neutralised by SafeCell. final, last_closed_at and
// reopened_at are the campaign's, on every row (times in RFC 3339, UTC).
// A report computed now also says which run was last frozen
// (WriteLiveScores).
func WriteScoresCSV(w io.Writer, r scoring.Report) error { return writeScoresCSV(w, r, scoreColumns) }

// writeScoresCSV writes a report as the CSV table of columns.
func writeScoresCSV(w io.Writer, r scoring.Report, columns []scoreColumn) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(scoreHeader(columns)); err != nil {
		return err
	}
	rec := make([]string, len(columns))
	for _, row := range scoreRows(r) {
		for i, col := range columns {
			rec[i] = col.cell(&r, &row).csv()
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
