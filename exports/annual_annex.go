package exports

import "github.com/customs-survey/surveyd/scoring"

// annualRow is one indicator of the annual report's Annex: the figures of
// one indicator of one campaign's scores document. newAnnualRow and
// annualBreakdownLines are the one place that reads them from the document, so
// that a change of the document's fields changes this file only.
type annualRow struct {
	campaign      *AnnualCampaign
	code          string
	title         string
	method        string
	unit          string // respondent or administration
	percent       bool   // the value is on the 0–100 scale (mean_score, share)
	value         *float64
	n             int
	excluded      int
	missing       int
	notApplicable int
	ci95          *[2]float64
	target        *annualTarget // the target or milestone of the year
	end           *annualTarget // the end-of-programme target
	prevYear      *int
	prevValue     *float64
	comparable    *bool    // nil without a previous campaign
	reason        string   // why the two are not comparable
	change        *float64 // value now minus value then, in changeUnit
	changeUnit    string   // the unit of a change of the indicator, with or without one
	narrative     string
	breakdown     []annualBreakdownRow
}

// annualTarget is a target, milestone or end-of-programme target, and
// whether the value meets it.
type annualTarget struct {
	value  float64
	kind   string // target or milestone; "" for the end of the programme
	year   int
	status string // met or not_met
}

// newAnnualRow reads one indicator of a campaign's scores document.
func newAnnualRow(c *AnnualCampaign, ind *jsonIndicator) annualRow {
	row := annualRow{campaign: c, code: ind.Code, title: ind.Title, method: ind.Method, unit: ind.Unit,
		percent: scoring.IsPercentage(ind.Method), value: ind.Value, n: ind.N, excluded: ind.Excluded,
		missing: ind.Missing, notApplicable: ind.NotApplicable, ci95: ind.CI95, narrative: ind.Narrative,
		changeUnit: scoring.ChangeUnitOf(ind.Method)}
	if t := ind.Target; t != nil {
		row.target = &annualTarget{value: t.Value, kind: t.Kind, year: t.Year, status: t.Status}
	}
	if t := ind.EndTarget; t != nil {
		row.end = &annualTarget{value: t.Value, year: t.Year, status: t.Status}
	}
	if p := ind.Previous; p != nil {
		row.prevYear, row.prevValue, row.comparable, row.reason, row.change = &p.Year, p.Value, &p.Comparable, p.Reason, p.Change
		if p.ChangeUnit != "" {
			row.changeUnit = p.ChangeUnit
		}
	}
	if b := ind.Breakdown; b != nil {
		row.breakdown = append(row.breakdown, annualBreakdownLines(levelOption, b.Options, true)...)
		row.breakdown = append(row.breakdown, annualBreakdownLines(levelQuestion, b.Questions, row.percent)...)
		row.breakdown = append(row.breakdown, annualBreakdownLines(levelAdministration, b.Administrations, row.percent)...)
	}
	return row
}

// annualBreakdownRow is one row of an indicator's breakdowns.
type annualBreakdownRow struct {
	level         string // "Option: <label>", "Question: <label>", "Administration: <code>"
	percent       bool   // an option's share is always a percentage
	value         *float64
	n             *int
	count         *int
	excluded      *int
	missing       *int
	notApplicable *int
	suppressed    bool
}

// annualBreakdownLines reads the rows of one kind of breakdown, if the indicator
// asks for it.
func annualBreakdownLines(prefix string, rows *[]jsonBreakdownRow, percent bool) []annualBreakdownRow {
	if rows == nil {
		return nil
	}
	out := make([]annualBreakdownRow, len(*rows))
	for i, r := range *rows {
		label := r.Label
		if label == "" || prefix == levelAdministration {
			label = r.Key
		}
		out[i] = annualBreakdownRow{level: prefix + label, percent: percent, value: r.Value, n: r.N, count: r.Count,
			excluded: r.Excluded, missing: r.Missing, notApplicable: r.NotApplicable, suppressed: r.Suppressed}
	}
	return out
}

// annualDecimalStyle says how the workbook shows a decimal column: in the
// indicator's unit (a percentage, or a number on its scale), or as a change
// (percentage points, or points).
type annualDecimalStyle uint8

const (
	annualValueStyle annualDecimalStyle = iota
	annualChangeStyle
)

// annualColumn is one column of a table of the annual report: of the Annex
// (WriteAnnualCSV, the "Annex" sheet, the indicators of WriteAnnualJSON),
// and of the workbook's other sheets. Each table is one list of columns,
// which every format writes.
type annualColumn[R any] struct {
	name    string // the CSV header and the JSON member
	heading string // the workbook's header
	width   float64
	style   annualDecimalStyle
	cell    func(*R) cell
}

// annualColumns is the Annex table.
var annualColumns = []annualColumn[annualRow]{
	{name: "code", heading: "Indicator", width: 16, cell: func(r *annualRow) cell { return textCell(r.code) }},
	{name: "title", heading: "Title", width: 40, cell: func(r *annualRow) cell { return textCell(r.title) }},
	{name: "campaign", heading: "Source campaign", width: 18, cell: func(r *annualRow) cell { return textCell(r.campaign.Key) }},
	{name: "method", heading: "Method", width: 12, cell: func(r *annualRow) cell { return textCell(r.method) }},
	{name: "value", heading: "Value", width: 10, cell: func(r *annualRow) cell { return optionalDecimal(r.value) }},
	{name: "n", heading: "n", width: 7, cell: func(r *annualRow) cell { return integerCell(r.n) }},
	{name: "excluded", heading: "Excluded", width: 9, cell: func(r *annualRow) cell { return integerCell(r.excluded) }},
	{name: "missing", heading: "Missing", width: 9, cell: func(r *annualRow) cell { return integerCell(r.missing) }},
	{name: "not_applicable", heading: "Not applicable", width: 10, cell: func(r *annualRow) cell { return integerCell(r.notApplicable) }},
	{name: "ci95_low", heading: "95% interval, low", width: 11, cell: func(r *annualRow) cell {
		return present(r.ci95, func(ci *[2]float64) cell { return decimalCell(ci[0]) })
	}},
	{name: "ci95_high", heading: "95% interval, high", width: 11, cell: func(r *annualRow) cell {
		return present(r.ci95, func(ci *[2]float64) cell { return decimalCell(ci[1]) })
	}},
	// The targets, the previous year and the change in the order of the
	// scores table (WriteScoresCSV), previous_year added.
	{name: "target", heading: "Target value", width: 10, cell: annualTargetCell(func(t *annualTarget) cell { return decimalCell(t.value) })},
	{name: "target_kind", heading: "Target or milestone", width: 11, cell: annualTargetCell(func(t *annualTarget) cell { return textCell(t.kind) })},
	{name: "target_year", heading: "Set for", width: 8, cell: annualTargetCell(func(t *annualTarget) cell { return integerCell(t.year) })},
	{name: "target_status", heading: "Status", width: 9, cell: annualTargetCell(func(t *annualTarget) cell { return textCell(t.status) })},
	{name: "end_target", heading: "End target", width: 10, cell: annualEndCell(func(t *annualTarget) cell { return decimalCell(t.value) })},
	{name: "end_target_year", heading: "End of programme", width: 10, cell: annualEndCell(func(t *annualTarget) cell { return integerCell(t.year) })},
	{name: "end_target_status", heading: "Status at end", width: 9, cell: annualEndCell(func(t *annualTarget) cell { return textCell(t.status) })},
	{name: "previous_year", heading: "Previous year", width: 9, cell: func(r *annualRow) cell { return optionalInteger(r.prevYear) }},
	{name: "previous_value", heading: "Previous value", width: 10, cell: func(r *annualRow) cell { return optionalDecimal(r.prevValue) }},
	{name: "change", heading: "Change", width: 11, style: annualChangeStyle, cell: func(r *annualRow) cell { return optionalDecimal(r.change) }},
	{name: "change_unit", heading: "Change unit", width: 17, cell: func(r *annualRow) cell { return textCell(r.changeUnit) }},
	{name: "comparable", heading: "Comparable", width: 11, cell: func(r *annualRow) cell {
		return present(r.comparable, func(b *bool) cell { return booleanCell(*b) })
	}},
	{name: "not_comparable_reason", heading: "Why not comparable", width: 30, cell: func(r *annualRow) cell { return annualOptionalText(r.reason) }},
	{name: "narrative", heading: "Narrative", width: 70, cell: func(r *annualRow) cell { return textCell(r.narrative) }},
}

// annualTargetCell is a column of the target or milestone of the year, empty
// when none applies; annualEndCell one of the end-of-programme target.
func annualTargetCell(f func(*annualTarget) cell) func(*annualRow) cell {
	return func(r *annualRow) cell { return present(r.target, f) }
}

func annualEndCell(f func(*annualTarget) cell) func(*annualRow) cell {
	return func(r *annualRow) cell { return present(r.end, f) }
}

// annualOptionalText is an empty cell for "".
func annualOptionalText(s string) cell {
	if s == "" {
		return cell{}
	}
	return textCell(s)
}
