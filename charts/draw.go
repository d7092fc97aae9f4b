package charts

import (
	"html/template"
	"math"
	"strconv"
	"strings"
)

// drawBars writes a laid out chart as an SVG element named by its title and
// described by desc, for a page: its ids start with id, and it is as wide as
// the page's column lets it be.
func drawBars(id, title, desc string, l barLayout) string {
	var b strings.Builder
	h := coord(l.Height)
	b.WriteString(`<svg xmlns="http://www.w3.org/2000/svg" class="chart-svg" viewBox="0 0 ` + coord(l.Width) + " " + h +
		`" width="` + coord(l.Width) + `" height="` + h + `" role="img" aria-labelledby="` + id + `-title ` + id + `-desc">` + "\n")
	b.WriteString(`<title id="` + id + `-title">` + esc(title) + "</title>\n")
	b.WriteString(`<desc id="` + id + `-desc">` + esc(desc) + "</desc>\n")
	hatch := id + "-hatch"
	if l.hatched() {
		writeHatch(&b, hatch)
	}
	b.WriteString(`<rect width="100%" height="100%" fill="` + chartBackground + `"/>` + "\n")
	b.WriteString(`<g font-size="` + coord(chartFont) + `" fill="` + colourText + `">` + "\n")
	writeBars(&b, l, hatch)
	b.WriteString("</g>\n</svg>")
	return b.String()
}

// hatched reports whether a chart has a suppressed cell.
func (l barLayout) hatched() bool {
	for _, p := range l.Bars {
		if p.Hatched {
			return true
		}
	}
	return false
}

// writeHatch defines the hatching of suppressed cells as the pattern id.
func writeHatch(b *strings.Builder, id string) {
	b.WriteString(`<defs><pattern id="` + id + `" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">` +
		`<rect width="6" height="6" fill="` + chartBackground + `"/><line x1="0" y1="0" x2="0" y2="6" stroke="` + colourHatch +
		`" stroke-width="2"/></pattern></defs>` + "\n")
}

// writeBars writes the bars of a chart, their labels and texts, its axis
// and its target, in the chart's own coordinates; hatch is the id of the
// pattern of suppressed cells. A target's text comes first, above the
// plot; its line is drawn over the bars, so that it shows across them, and
// under the texts after the bars, each on a white box where the line would
// cross it.
func writeBars(b *strings.Builder, l barLayout, hatch string) {
	m := l.Mark
	if m != nil {
		b.WriteString(`<text x="` + coord(m.TextX) + `" y="` + coord(m.TextY) + `" text-anchor="middle">` + esc(m.Text) + "</text>\n")
	}
	for _, p := range l.Bars {
		writeLines(b, p.LabelX, p.LabelY, chartLine, p.Lines, langAttr(p.Lang))
		if r := p.Rect; r != nil {
			b.WriteString(`<rect x="` + coord(r.X) + `" y="` + coord(r.Y) + `" width="` + coord(r.W) + `" height="` + coord(r.H) + `"`)
			switch {
			case p.Hatched:
				b.WriteString(hatchFill(hatch))
			case p.Previous:
				b.WriteString(` fill="` + colourPrevious + `"`)
			default:
				b.WriteString(` fill="` + colourBar + `"`)
			}
			b.WriteString("/>\n")
		}
		if m == nil {
			writeBarText(b, p)
		}
	}
	// The axis: a line at each end of the plot, with the values they stand for.
	for _, x := range []float64{l.PlotLeft, l.PlotRight} {
		b.WriteString(`<line x1="` + coord(x) + `" y1="` + coord(l.PlotTop) + `" x2="` + coord(x) + `" y2="` + coord(l.PlotBottom) +
			`" stroke="` + colourText + `" stroke-width="1"` + dashed(x == l.PlotRight) + "/>\n")
	}
	ty := coord(l.PlotBottom + chartFont + textGap/2)
	b.WriteString(`<text x="` + coord(l.PlotLeft) + `" y="` + ty + `">` + esc(l.Axis.MinText) + "</text>\n")
	b.WriteString(`<text x="` + coord(l.PlotRight) + `" y="` + ty + `" text-anchor="middle">` + esc(l.Axis.MaxText) + "</text>\n")
	if m == nil {
		return
	}
	b.WriteString(`<line x1="` + coord(m.X) + `" y1="` + coord(l.PlotTop-textGap) + `" x2="` + coord(m.X) + `" y2="` + coord(l.PlotBottom) +
		`" stroke="` + colourTarget + `" stroke-width="2"/>` + "\n")
	for _, p := range l.Bars {
		box := rect{X: p.TextX - 1, Y: p.TextY - chartFont*0.8, W: float64(len([]rune(p.Text)))*charWidth + 2, H: chartFont}
		if m.X >= box.X && m.X <= box.X+box.W {
			b.WriteString(`<rect x="` + coord(box.X) + `" y="` + coord(box.Y) + `" width="` + coord(box.W) + `" height="` + coord(box.H) +
				`" fill="` + chartBackground + `"/>` + "\n")
		}
		writeBarText(b, p)
	}
}

// writeBarText writes the text after a bar: its value, or why it has none.
func writeBarText(b *strings.Builder, p placedBar) {
	b.WriteString(`<text x="` + coord(p.TextX) + `" y="` + coord(p.TextY) + `">` + esc(p.Text) + "</text>\n")
}

// hatchFill is the fill and outline of a suppressed cell.
func hatchFill(hatch string) string {
	return ` fill="url(#` + hatch + `)" stroke="` + colourHatch + `" stroke-width="1.5"`
}

// writeLines writes a text of one or more lines, the first with its
// baseline at x, y, each next one lineHeight below; attrs are the text
// element's other attributes.
func writeLines(b *strings.Builder, x, y, lineHeight float64, lines []string, attrs string) {
	b.WriteString(`<text x="` + coord(x) + `" y="` + coord(y) + `"` + attrs + ">")
	for i, line := range lines {
		if i == 0 {
			b.WriteString(esc(line))
			continue
		}
		b.WriteString(`<tspan x="` + coord(x) + `" dy="` + coord(lineHeight) + `">` + esc(line) + "</tspan>")
	}
	b.WriteString("</text>\n")
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
