package web

// The charts of the scores page are drawn on the server as inline SVG: no
// library, no script. Each kind of chart is one function that turns an
// indicator's result into bars (optionsChart, administrationsChart,
// changeChart); placeBars computes every rectangle and text position from
// the values, and drawBars writes them out. Every chart has a title and a
// description that says what it shows in numbers, and the page prints its
// data as a table below it.
//
// The drawing is readable in black and white: bars are labelled with their
// value in text, a suppressed cell is hatched and outlined and labelled
// "suppressed", the previous year is named beside its bar. Every colour
// has a contrast of at least 3:1 against the white background (non-text
// contrast, WCAG 1.4.11) and text is dark on white. The viewBox is 320
// units wide, so that at a 320 px wide screen the text is drawn at about
// its nominal size, and the stylesheet lets the chart scale with its
// column.

import (
	"html/template"
	"math"
	"strconv"
	"strings"

	"github.com/customs-survey/surveyd/scoring"
	"github.com/customs-survey/surveyd/survey"
)

// Geometry of the charts, in viewBox units.
const (
	chartWidth     = 320.0
	chartFont      = 15.0 // font size of every text
	chartLine      = 19.0 // distance between the lines of a wrapped label
	barHeight      = 20.0
	barGap         = 10.0 // between a bar and the next row
	chartMargin    = 8.0
	labelColumn    = 64.0 // left of the bars, for short labels
	valueColumn    = 80.0 // right of the plot, for the value written after a bar
	suppressedBox  = 28.0 // width of the hatched box of a suppressed cell
	textGap        = 4.0  // between a bar's end and its text
	shortLabel     = 6    // labels up to this many characters sit left of their bar, longer ones above it
	labelLineChars = 36   // characters per line of a label above its bar
)

// Colours of the charts. Each one that carries meaning has a contrast of at
// least 3:1 against chartBackground (TestChartColoursContrast).
const (
	chartBackground = "#ffffff"
	colourBar       = "#0b4f9c" // this year's values
	colourPrevious  = "#6b6b6b" // the previous year's value
	colourHatch     = "#4a4a4a" // hatching and outline of suppressed cells
	colourText      = "#1b1b1b" // text and axes
)

// chart is one chart of the page with its data table.
type chart struct {
	ID    string        // unique on the page; the prefix of its elements' ids
	SVG   template.HTML // the drawing, with its title and description
	Note  string        // what the chart's marks mean, when it needs saying (suppressed cells)
	Table dataTable     // the same figures as a table
}

// dataTable is a table of figures: one row per bar, the first column the
// row's heading.
type dataTable struct {
	ID      string // the table's id, if it stands alone
	Caption string
	Head    []string // the column headings, the first that of the row headings
	Rows    []dataRow
}

// dataRow is one row of a dataTable.
type dataRow struct {
	Label string
	Lang  string // the label's language, when not the page's
	Cells []string
}

// bar is one row of a horizontal bar chart.
type bar struct {
	Label      string
	Lang       string   // the label's language, when not the page's
	Value      *float64 // nil when there is nothing to draw: no value, or a suppressed cell
	Suppressed bool
	Text       string // written after the bar: the value, "suppressed" or "no value"
	Previous   bool   // the previous year's value, drawn in its own colour
}

// axis is the range of values that the plot spans from its left edge to
// its right edge, with the texts of both ends.
type axis struct {
	Min, Max         float64
	MinText, MaxText string
}

// rect is a rectangle of the drawing.
type rect struct{ X, Y, W, H float64 }

// placedBar is a bar with its geometry.
type placedBar struct {
	bar
	Lines          []string // the label, wrapped
	LabelX, LabelY float64  // the baseline of the label's first line
	Rect           *rect    // nil when there is no value
	Hatched        bool     // a suppressed cell
	TextX, TextY   float64  // the baseline of the text after the bar
}

// barLayout is the geometry of a whole chart.
type barLayout struct {
	Bars                []placedBar
	PlotLeft, PlotRight float64 // where the axis's Min and Max lie
	PlotTop, PlotBottom float64 // the span of the bars, for the axis lines
	Axis                axis
	Height              float64
}

// placeBars lays bars out one below the other. Short labels (codes, years)
// sit left of their bar; if any label is longer, every label goes above its
// bar, wrapped, so that the chart stays readable at 320 px. A bar's length
// is its value's position on the axis (clipped to it); a value of the
// axis's minimum has a bar of width 0, a suppressed cell a hatched box of
// fixed width, and a missing value no bar at all: the text after it says
// which.
func placeBars(bars []bar, ax axis) barLayout {
	above := false
	for _, b := range bars {
		if len([]rune(b.Label)) > shortLabel {
			above = true
		}
	}
	l := barLayout{PlotLeft: labelColumn, PlotRight: chartWidth - valueColumn, PlotTop: chartMargin, Axis: ax}
	if above {
		l.PlotLeft = chartMargin
	}
	span := ax.Max - ax.Min
	y := chartMargin
	for _, b := range bars {
		p := placedBar{bar: b, LabelX: chartMargin}
		if above {
			p.Lines = wrapLabel(b.Label, labelLineChars)
			p.LabelY = y + chartFont
			y += chartLine*float64(len(p.Lines)) + textGap
		} else {
			p.Lines = []string{b.Label}
			p.LabelY = y + barHeight/2 + chartFont*0.35
		}
		p.TextY = y + barHeight/2 + chartFont*0.35
		switch {
		case b.Suppressed:
			p.Rect, p.Hatched = &rect{X: l.PlotLeft, Y: y, W: suppressedBox, H: barHeight}, true
			p.TextX = l.PlotLeft + suppressedBox + textGap
		case b.Value == nil:
			p.TextX = l.PlotLeft + textGap
		default:
			share := 0.0
			if span > 0 {
				share = (math.Min(math.Max(*b.Value, ax.Min), ax.Max) - ax.Min) / span
			}
			w := share * (l.PlotRight - l.PlotLeft)
			p.Rect = &rect{X: l.PlotLeft, Y: y, W: w, H: barHeight}
			p.TextX = l.PlotLeft + w + textGap
		}
		l.Bars = append(l.Bars, p)
		y += barHeight + barGap
	}
	l.PlotBottom = y - barGap/2
	l.Height = l.PlotBottom + chartFont + textGap + chartMargin
	return l
}

// wrapLabel cuts a label into lines of at most width characters, at spaces
// (a longer word is a line of its own).
func wrapLabel(s string, width int) []string {
	var lines []string
	line := ""
	for _, word := range strings.Fields(s) {
		switch {
		case line == "":
			line = word
		case len([]rune(line))+1+len([]rune(word)) <= width:
			line += " " + word
		default:
			lines = append(lines, line)
			line = word
		}
	}
	return append(lines, line)
}

// drawBars writes a laid out chart as an SVG image named by its title and
// described by desc.
func drawBars(id, title, desc string, l barLayout) template.HTML {
	var b strings.Builder
	h := coord(l.Height)
	b.WriteString(`<svg xmlns="http://www.w3.org/2000/svg" class="chart-svg" viewBox="0 0 ` + coord(chartWidth) + " " + h +
		`" width="` + coord(chartWidth) + `" height="` + h + `" role="img" aria-labelledby="` + id + `-title ` + id + `-desc">` + "\n")
	b.WriteString(`<title id="` + id + `-title">` + esc(title) + "</title>\n")
	b.WriteString(`<desc id="` + id + `-desc">` + esc(desc) + "</desc>\n")
	hatch := id + "-hatch"
	for _, p := range l.Bars {
		if p.Hatched {
			b.WriteString(`<defs><pattern id="` + hatch + `" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">` +
				`<rect width="6" height="6" fill="` + chartBackground + `"/><line x1="0" y1="0" x2="0" y2="6" stroke="` + colourHatch +
				`" stroke-width="2"/></pattern></defs>` + "\n")
			break
		}
	}
	b.WriteString(`<rect width="100%" height="100%" fill="` + chartBackground + `"/>` + "\n")
	b.WriteString(`<g font-size="` + coord(chartFont) + `" fill="` + colourText + `">` + "\n")
	for _, p := range l.Bars {
		b.WriteString(`<text x="` + coord(p.LabelX) + `" y="` + coord(p.LabelY) + `"` + langAttr(p.Lang) + ">")
		for i, line := range p.Lines {
			if i == 0 {
				b.WriteString(esc(line))
				continue
			}
			b.WriteString(`<tspan x="` + coord(p.LabelX) + `" dy="` + coord(chartLine) + `">` + esc(line) + "</tspan>")
		}
		b.WriteString("</text>\n")
		if r := p.Rect; r != nil {
			b.WriteString(`<rect x="` + coord(r.X) + `" y="` + coord(r.Y) + `" width="` + coord(r.W) + `" height="` + coord(r.H) + `"`)
			switch {
			case p.Hatched:
				b.WriteString(` fill="url(#` + hatch + `)" stroke="` + colourHatch + `" stroke-width="1.5"`)
			case p.Previous:
				b.WriteString(` fill="` + colourPrevious + `"`)
			default:
				b.WriteString(` fill="` + colourBar + `"`)
			}
			b.WriteString("/>\n")
		}
		b.WriteString(`<text x="` + coord(p.TextX) + `" y="` + coord(p.TextY) + `">` + esc(p.Text) + "</text>\n")
	}
	// The axis: a line at each end of the plot, with the values they stand for.
	for _, x := range []float64{l.PlotLeft, l.PlotRight} {
		b.WriteString(`<line x1="` + coord(x) + `" y1="` + coord(l.PlotTop) + `" x2="` + coord(x) + `" y2="` + coord(l.PlotBottom) +
			`" stroke="` + colourText + `" stroke-width="1"` + dashed(x == l.PlotRight) + "/>\n")
	}
	ty := coord(l.PlotBottom + chartFont + textGap/2)
	b.WriteString(`<text x="` + coord(l.PlotLeft) + `" y="` + ty + `">` + esc(l.Axis.MinText) + "</text>\n")
	b.WriteString(`<text x="` + coord(l.PlotRight) + `" y="` + ty + `" text-anchor="middle">` + esc(l.Axis.MaxText) + "</text>\n")
	b.WriteString("</g>\n</svg>")
	return template.HTML(b.String())
}

// dashed draws the far end of the axis as a dashed line, so that it does
// not read as a bar.
func dashed(yes bool) string {
	if yes {
		return ` stroke-dasharray="4 3"`
	}
	return ""
}

// coord writes a coordinate with at most two decimals.
func coord(x float64) string { return strconv.FormatFloat(math.Round(x*100)/100, 'f', -1, 64) }

// esc escapes text for an SVG element's content or attribute.
func esc(s string) string { return template.HTMLEscapeString(s) }

func langAttr(lang string) string {
	if lang == "" {
		return ""
	}
	return ` lang="` + esc(lang) + `"`
}

// chartInput is what the charts of one indicator need besides its result.
type chartInput struct {
	id        string            // the indicator's id on the page, the prefix of its charts' ids
	f         figures           // numbers and words in the page's language
	labelLang map[string]string // the language of option labels, by option key, where not the page's
	minCell   int               // the campaign's minimum cell size
}

// percent reports whether an indicator's values are percentages (all but
// mean_value, which is on its question's own scale), as the exports show
// them.
func percent(res scoring.Result) bool { return res.Method != survey.MethodMeanValue }

// valueAxis is the axis of an indicator's values: 0–100% for percentages,
// the question's range for mean_value, or, when the question sets no bound,
// from 0 (or the lowest value) to the highest value of the chart.
func valueAxis(f figures, res scoring.Result, values ...*float64) axis {
	lo, hi := res.Scale.Min, res.Scale.Max
	if math.IsInf(lo, 0) || math.IsInf(hi, 0) {
		seenLo, seenHi := 0.0, 0.0
		for _, v := range values {
			if v != nil {
				seenLo, seenHi = math.Min(seenLo, *v), math.Max(seenHi, *v)
			}
		}
		if math.IsInf(lo, 0) {
			lo = seenLo
		}
		if math.IsInf(hi, 0) {
			hi = seenHi
		}
		if hi <= lo {
			hi = lo + 1
		}
	}
	p := percent(res)
	return axis{Min: lo, Max: hi, MinText: f.axisValue(lo, p), MaxText: f.axisValue(hi, p)}
}

// optionsChart: the share of answers that chose each option of an
// indicator with an options breakdown (OP 3.1), one bar per option, on
// 0–100%.
func optionsChart(in chartInput, res scoring.Result) *chart {
	if res.Breakdown == nil || len(res.Breakdown.Options) == 0 {
		return nil
	}
	f, id := in.f, in.id+"-chart-options"
	title := f.t("scores.chart.options", res.Code)
	table := dataTable{Caption: title, Head: []string{f.t("scores.col.option"), f.t("scores.col.share"), f.t("scores.col.chose")}}
	var bars []bar
	var items []string
	n := 0
	for _, row := range res.Breakdown.Options {
		text := f.optional(row.Value, true)
		bars = append(bars, bar{Label: row.Label, Lang: in.labelLang[row.Key], Value: row.Value, Text: text})
		items = append(items, f.t("scores.desc.item", row.Label, text))
		table.Rows = append(table.Rows, dataRow{Label: row.Label, Lang: in.labelLang[row.Key],
			Cells: []string{text, f.optionalCount(row.Count)}})
		if row.N != nil {
			n = *row.N
		}
	}
	desc := f.t("scores.desc.options", f.units(res.Unit, n), strings.Join(items, "; "))
	ax := axis{Min: 0, Max: 100, MinText: f.axisValue(0, true), MaxText: f.axisValue(100, true)}
	return &chart{ID: id, SVG: drawBars(id, title, desc, placeBars(bars, ax)), Table: table}
}

// administrationsChart: the indicator's value per administration, one bar
// each; a suppressed cell is hatched, outlined and labelled, and its value
// and n are not shown.
func administrationsChart(in chartInput, res scoring.Result) *chart {
	if res.Breakdown == nil || len(res.Breakdown.Administrations) == 0 {
		return nil
	}
	f, id, p := in.f, in.id+"-chart-administrations", percent(res)
	title := f.t("scores.chart.administrations", res.Code)
	table := dataTable{Caption: title, Head: []string{f.t("scores.col.administration"), f.t("scores.col.value"), f.t("scores.col.n_responses")}}
	var bars []bar
	var items []string
	var values []*float64
	suppressed := false
	for _, row := range res.Breakdown.Administrations {
		b := bar{Label: row.Key, Value: row.Value, Suppressed: row.Suppressed, Text: f.optional(row.Value, p)}
		cells := []string{b.Text, f.optionalCount(row.N)}
		if row.Suppressed {
			suppressed = true
			b.Value, b.Text = nil, f.t("scores.suppressed")
			cells = []string{b.Text, f.t("scores.not_shown")}
		}
		bars = append(bars, b)
		values = append(values, b.Value)
		items = append(items, f.t("scores.desc.item", row.Key, b.Text))
		table.Rows = append(table.Rows, dataRow{Label: row.Key, Cells: cells})
	}
	c := &chart{ID: id, Table: table}
	desc := f.t("scores.desc.administrations", strings.Join(items, "; "))
	if suppressed {
		c.Note = f.t("scores.suppressed_note", in.minCell)
		desc += " " + c.Note
	}
	c.SVG = drawBars(id, title, desc, placeBars(bars, valueAxis(f, res, values...)))
	return c
}

// changeChart: the value of this year and of the previous year, one bar
// each, when the previous year has a value.
func changeChart(in chartInput, res scoring.Result, year int) *chart {
	prev := res.Previous
	if prev == nil || prev.Value == nil {
		return nil
	}
	f, id, p := in.f, in.id+"-chart-change", percent(res)
	now, before := strconv.Itoa(year), strconv.Itoa(prev.Year)
	title := f.t("scores.chart.change", res.Code, year, prev.Year)
	bars := []bar{
		{Label: now, Value: res.Value, Text: f.optional(res.Value, p)},
		{Label: before, Value: prev.Value, Text: f.optional(prev.Value, p), Previous: true},
	}
	table := dataTable{Caption: title, Head: []string{f.t("scores.col.year"), f.t("scores.col.value")}}
	items := []string{f.t("scores.desc.item", now, bars[0].Text), f.t("scores.desc.item", before, bars[1].Text)}
	for _, b := range bars {
		table.Rows = append(table.Rows, dataRow{Label: b.Label, Cells: []string{b.Text}})
	}
	if prev.DeltaPP != nil {
		change := f.change(*prev.DeltaPP, p)
		table.Rows = append(table.Rows, dataRow{Label: f.t("scores.col.change"), Cells: []string{change}})
		items = append(items, f.t("scores.desc.item", f.t("scores.col.change"), change))
	}
	desc := strings.Join(items, "; ") + "."
	return &chart{ID: id, SVG: drawBars(id, title, desc, placeBars(bars, valueAxis(f, res, res.Value, prev.Value))), Table: table}
}
