package web

// The charts of the scores page are drawn on the server as inline SVG by
// package charts, which draws the API's chart files too (GET
// /api/v1/campaigns/{key}/scores/{code}.svg): no library, no script, the
// same drawing. Each chart has a title and a description that says what it
// shows in numbers, and the page prints its data as a table below it
// (templates/scores.html); the stylesheet lets the chart scale with its
// column. This file hands the page's indicators to package charts and its
// charts to the template.

import (
	"html/template"

	"github.com/customs-survey/surveyd/charts"
	"github.com/customs-survey/surveyd/scoring"
)

// chart is one chart of the page with its data table.
type chart struct {
	ID    string        // unique on the page; the prefix of its elements' ids
	SVG   template.HTML // the drawing, with its title and description
	Note  string        // what the chart's marks mean, when it needs saying (suppressed cells)
	Table dataTable     // the same figures as a table
}

// dataTable is a table of figures: one row per bar, the first column the
// row's heading; dataRow is one of its rows.
type (
	dataTable = charts.Table
	dataRow   = charts.Row
)

// chartInput is what the charts of one indicator need besides its result.
type chartInput struct {
	id        string            // the indicator's id on the page, the prefix of its charts' ids
	f         figures           // numbers and words in the page's language
	labelLang map[string]string // the language of option labels, by option key (charts.TextLanguages)
	minCell   int               // the campaign's minimum cell size
}

// input is the charts' input for the campaign's year.
func (in chartInput) input(year int) charts.Input {
	return charts.Input{ID: in.id, Lang: in.f.lang, Year: year, MinCell: in.minCell, LabelLang: in.labelLang}
}

// pageChart is a chart of package charts for the template; nil stays nil.
func pageChart(c *charts.Chart) *chart {
	if c == nil {
		return nil
	}
	// The SVG is package charts' own markup, every text in it escaped.
	return &chart{ID: c.ID, SVG: template.HTML(c.SVG), Note: c.Note, Table: c.Table}
}

// percent reports whether an indicator's values are percentages.
func percent(res scoring.Result) bool { return charts.Percent(res) }

// optionsChart: the share of answers that chose each option (charts.Options).
func optionsChart(in chartInput, res scoring.Result) *chart {
	return pageChart(charts.Options(in.input(0), res))
}

// administrationsChart: the value per administration, suppressed cells
// hatched (charts.Administrations).
func administrationsChart(in chartInput, res scoring.Result) *chart {
	return pageChart(charts.Administrations(in.input(0), res))
}

// changeChart: this year beside the previous one (charts.Change).
func changeChart(in chartInput, res scoring.Result, year int) *chart {
	return pageChart(charts.Change(in.input(year), res))
}
