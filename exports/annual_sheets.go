package exports

import (
	"strconv"
	"time"
)

// annualCoverageColumns is the Coverage table of the annual report: who answered
// each campaign, whether its figures are final and frozen (final,
// last_closed_at and reopened_at are those of the figures, as computed or
// as frozen), whether the figures computed now still are those of the
// frozen run, and the campaign's state now, which may have changed since
// it was frozen.
var annualCoverageColumns = []annualColumn[AnnualCampaign]{
	{name: "campaign", heading: "Campaign", width: 18, cell: func(c *AnnualCampaign) cell { return textCell(c.Key) }},
	{name: "title", heading: "Title", width: 36, cell: func(c *AnnualCampaign) cell { return textCell(c.Title) }},
	{name: "administrations_invited", heading: "Administrations invited", width: 14, cell: func(c *AnnualCampaign) cell {
		return integerCell(c.Scores.Coverage.AdministrationsInvited)
	}},
	{name: "administrations_responded", heading: "Administrations responded", width: 14, cell: func(c *AnnualCampaign) cell {
		return integerCell(c.Scores.Coverage.AdministrationsResponded)
	}},
	{name: "missing", heading: "Missing administrations", width: 24, cell: func(c *AnnualCampaign) cell {
		return choicesCell(c.Scores.Coverage.Missing)
	}},
	{name: "responses", heading: "Responses", width: 11, cell: func(c *AnnualCampaign) cell { return integerCell(c.Scores.Coverage.Responses) }},
	{name: "final", heading: "Final", width: 8, cell: func(c *AnnualCampaign) cell { return booleanCell(c.Scores.Final) }},
	{name: "figures", heading: "Figures", width: 9, cell: func(c *AnnualCampaign) cell { return textCell(c.Figures()) }},
	{name: "run_id", heading: "Frozen run", width: 24, cell: func(c *AnnualCampaign) cell {
		return present(c.Run, func(r *AnnualRun) cell { return textCell(r.ID) })
	}},
	{name: "computed_at", heading: "Computed at", width: 21, cell: func(c *AnnualCampaign) cell { return timeCell(c.Scores.ComputedAt) }},
	{name: "last_closed_at", heading: "Last closed at", width: 21, cell: func(c *AnnualCampaign) cell {
		return present(c.Scores.LastClosedAt, func(t *time.Time) cell { return timeCell(*t) })
	}},
	{name: "reopened_at", heading: "Reopened at", width: 21, cell: func(c *AnnualCampaign) cell {
		return present(c.Scores.ReopenedAt, func(t *time.Time) cell { return timeCell(*t) })
	}},
	{name: "live_figures_match", heading: "Live figures match the run", width: 12, cell: func(c *AnnualCampaign) cell {
		return present(c.Run, func(r *AnnualRun) cell { return booleanCell(r.LiveFiguresMatch) })
	}},
	{name: "campaign_final", heading: "Final now", width: 8, cell: func(c *AnnualCampaign) cell { return booleanCell(c.FinalNow()) }},
	{name: "campaign_reopened_at", heading: "Campaign reopened at", width: 21, cell: func(c *AnnualCampaign) cell {
		return present(c.ReopenedAt, func(t *time.Time) cell { return timeCell(*t) })
	}},
}

// annualBreakdownItem is one row of the Breakdowns sheet: a breakdown row of an
// indicator of the Annex.
type annualBreakdownItem struct {
	row  *annualRow
	line *annualBreakdownRow
}

// annualBreakdownItems lists every breakdown row of every indicator, in the
// Annex's order.
func annualBreakdownItems(rows []annualRow) []annualBreakdownItem {
	var out []annualBreakdownItem
	for i := range rows {
		for j := range rows[i].breakdown {
			out = append(out, annualBreakdownItem{row: &rows[i], line: &rows[i].breakdown[j]})
		}
	}
	return out
}

// annualSuppressedWords is what a suppressed breakdown cell says instead of
// its value: the rule by which cells are withheld (docs/scoring.md), with
// the campaign's minimum cell size as it is now. A frozen run's document
// does not record the size it was computed with, and a cell may be
// withheld by the second half of the rule whatever its own count, so the
// words state the rule, never a count of the cell.
func annualSuppressedWords(minCellSize int) string {
	return "suppressed: a cell is withheld when fewer than " + strconv.Itoa(minCellSize) +
		" responses have a value, or so that a withheld one cannot be worked out from the total"
}

// annualBreakdownColumns is the Breakdowns sheet.
var annualBreakdownColumns = []annualColumn[annualBreakdownItem]{
	{heading: "Indicator", width: 16, cell: func(b *annualBreakdownItem) cell { return textCell(b.row.code) }},
	{heading: "Source campaign", width: 18, cell: func(b *annualBreakdownItem) cell { return textCell(b.row.campaign.Key) }},
	{heading: "Level of disaggregation", width: 44, cell: func(b *annualBreakdownItem) cell { return textCell(b.line.level) }},
	{heading: "Value", width: 20, cell: func(b *annualBreakdownItem) cell {
		if b.line.suppressed {
			return textCell(annualSuppressedWords(b.row.campaign.MinCellSize))
		}
		return optionalDecimal(b.line.value)
	}},
	{heading: "n", width: 7, cell: func(b *annualBreakdownItem) cell { return optionalInteger(b.line.n) }},
	{heading: "Count", width: 7, cell: func(b *annualBreakdownItem) cell { return optionalInteger(b.line.count) }},
	{heading: "Excluded", width: 9, cell: func(b *annualBreakdownItem) cell { return optionalInteger(b.line.excluded) }},
	{heading: "Missing", width: 9, cell: func(b *annualBreakdownItem) cell { return optionalInteger(b.line.missing) }},
	{heading: "Not applicable", width: 10, cell: func(b *annualBreakdownItem) cell { return optionalInteger(b.line.notApplicable) }},
}
