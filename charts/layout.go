package charts

import (
	"math"
	"strings"
)

// Geometry of the charts, in viewBox units. A chart of the scores page is
// pageWidth wide, so that at a 320 px wide screen its text is drawn at
// about its nominal size; an indicator's document is documentWidth wide,
// so that at the width of a report's page its text is about the size of
// the report's own.
const (
	pageWidth      = 320.0
	documentWidth  = 640.0
	chartFont      = 15.0 // font size of every text but the headings
	chartLine      = 19.0 // distance between the lines of a wrapped label
	charWidth      = 8.0  // the width of an average character of chartFont, to keep texts inside the drawing
	barHeight      = 20.0
	barGap         = 10.0 // between a bar and the next row
	chartMargin    = 8.0
	labelColumn    = 64.0 // left of the bars, for short labels
	valueColumn    = 80.0 // right of the plot, for the value written after a bar
	suppressedBox  = 28.0 // width of the hatched box of a suppressed cell
	textGap        = 4.0  // between a bar's end and its text
	shortLabel     = 6    // labels up to this many characters sit left of their bar, longer ones above it
	labelLineChars = 36   // characters per line of a label above its bar, in a chart pageWidth wide
)

// Colours of the charts. Each one that carries meaning has a contrast of at
// least 3:1 against chartBackground (TestChartColoursContrast).
const (
	chartBackground = "#ffffff"
	colourBar       = "#0b4f9c" // this year's values
	colourPrevious  = "#6b6b6b" // the previous year's value
	colourHatch     = "#4a4a4a" // hatching and outline of suppressed cells
	colourTarget    = "#a4262c" // the line of the target
	colourText      = "#1b1b1b" // text and axes
)

// bar is one row of a horizontal bar chart.
type bar struct {
	Label      string
	Lang       string   // the label's language, when not the chart's
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

// mark is a value marked across the plot by a line, with its text above
// the plot: the indicator's target.
type mark struct {
	Value float64
	Text  string
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

// placedMark is a mark with its geometry: its line runs from PlotTop to
// PlotBottom at X, its text is centred on TextX above the plot.
type placedMark struct {
	mark
	X, TextX, TextY float64
}

// barLayout is the geometry of a whole chart.
type barLayout struct {
	Width               float64
	Bars                []placedBar
	PlotLeft, PlotRight float64 // where the axis's Min and Max lie
	PlotTop, PlotBottom float64 // the span of the bars, for the axis lines
	Axis                axis
	Mark                *placedMark // nil without a target
	Height              float64
}

// placeBars lays bars out one below the other in a chart width units wide.
// Short labels (codes, years) sit left of their bar; if any label is
// longer, every label goes above its bar, wrapped, so that the chart stays
// readable at 320 px. A bar's length is its value's position on the axis
// (clipped to it); a value of the axis's minimum has a bar of width 0, a
// suppressed cell a hatched box of fixed width, and a missing value no bar
// at all: the text after it says which. A target, if any, is a line across
// the plot at its value, named above the plot.
func placeBars(bars []bar, ax axis, width float64, target *mark) barLayout {
	above := false
	for _, b := range bars {
		if len([]rune(b.Label)) > shortLabel {
			above = true
		}
	}
	l := barLayout{Width: width, PlotLeft: labelColumn, PlotRight: width - valueColumn, PlotTop: chartMargin, Axis: ax}
	if above {
		l.PlotLeft = chartMargin
	}
	if target != nil {
		l.PlotTop += chartLine + textGap
	}
	y := l.PlotTop
	for _, b := range bars {
		p := placedBar{bar: b, LabelX: chartMargin}
		if above {
			p.Lines = wrapLabel(b.Label, lineChars(width))
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
			w := l.position(*b.Value) - l.PlotLeft
			p.Rect = &rect{X: l.PlotLeft, Y: y, W: w, H: barHeight}
			p.TextX = l.PlotLeft + w + textGap
		}
		l.Bars = append(l.Bars, p)
		y += barHeight + barGap
	}
	l.PlotBottom = y - barGap/2
	l.Height = l.PlotBottom + chartFont + textGap + chartMargin
	if target != nil {
		x := l.position(target.Value)
		half := float64(len([]rune(target.Text))) * charWidth / 2
		textX := math.Max(math.Min(x, width-chartMargin-half), chartMargin+half)
		l.Mark = &placedMark{mark: *target, X: x, TextX: textX, TextY: chartMargin + chartFont}
	}
	return l
}

// position is the x of a value on the plot, clipped to the axis.
func (l barLayout) position(v float64) float64 {
	span := l.Axis.Max - l.Axis.Min
	if span <= 0 {
		return l.PlotLeft
	}
	share := (math.Min(math.Max(v, l.Axis.Min), l.Axis.Max) - l.Axis.Min) / span
	return l.PlotLeft + share*(l.PlotRight-l.PlotLeft)
}

// lineChars is how many characters of a wrapped text fit on one line of a
// chart width units wide.
func lineChars(width float64) int {
	return int(float64(labelLineChars) * (width - 2*chartMargin) / (pageWidth - 2*chartMargin))
}

// wrapLabel cuts a label into lines of at most width characters, at spaces
// (a longer word is a line of its own); a no-break space holds its words
// together.
func wrapLabel(s string, width int) []string {
	var lines []string
	line := ""
	for _, word := range strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == '\t' || r == '\n' }) {
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
