package charts

import (
	"strings"

	"github.com/customs-survey/surveyd/scoring"
)

// Geometry of an indicator's document, beside that of its charts.
const (
	headingFont = 18.0 // the indicator's code and title
	headingLine = 23.0
	panelGap    = 12.0 // above the heading of each chart
	swatchWidth = 20.0 // a mark of the legend
	swatchSize  = 12.0
)

// Document is the chart of one indicator as a standalone SVG file, titled
// and labelled so that it can go into a report as it is: a heading with
// the indicator's code and title and the campaign and its year; its value,
// n, interval and target in words; then the option distribution (when the
// indicator has an options breakdown), one bar per administration with
// suppressed cells marked (an administrations breakdown) and this year
// beside the previous one with the change written under them (a previous
// value that compares), each under its own heading, drawn as the scores
// page draws them, the target marked across the charts of the indicator's
// values; or, with none of these, one bar of the value. A legend says
// what the previous year's colour and the hatching of suppressed cells
// mean. in.ID is not used: a document's ids are its own.
func Document(in Input, res scoring.Result) []byte {
	f := in.figures()
	d := &document{lang: f.lang()}
	d.lines(headingFont, headingLine, f.word("doc.heading", res.Code, res.Title),
		` font-size="`+coord(headingFont)+`" font-weight="bold"`+langAttr(in.textLang(in.TitleLang)))
	said, target := facts(in, res)
	for _, s := range said {
		d.lines(chartFont, chartLine, s, "")
	}
	var legend []legendEntry
	for _, p := range documentPanels(in, res) {
		d.y += panelGap
		d.lines(chartFont, chartLine, p.heading, ` font-weight="bold"`)
		var m *mark
		if p.onValue {
			m = target
		}
		d.chart(placeBars(p.bars, p.axis, documentWidth, m))
		if p.after != "" {
			d.lines(chartFont, chartLine, p.after, "")
		}
		if p.kind == "change" || p.kind == "value" {
			// Their descriptions on the page lean on the chart's title.
			said = append(said, f.word("desc.item", p.heading, p.desc))
		} else {
			said = append(said, p.desc)
		}
		if p.note != "" {
			legend = append(legend, legendEntry{fill: hatchFill(documentHatch), text: p.note})
		}
		if prev := res.Previous; p.kind == "change" {
			legend = append(legend,
				legendEntry{fill: ` fill="` + colourBar + `"`, text: f.word("doc.legend.current", in.Year, in.Campaign)},
				legendEntry{fill: ` fill="` + colourPrevious + `"`, text: f.word("doc.legend.previous", prev.Year, prev.Campaign)})
		}
	}
	d.legend(legend)
	return d.write(f.word("doc.title", res.Code, res.Title, in.Campaign, in.Year), sentences(said))
}

// facts are the lines under a document's heading: the campaign, the value
// with n and its interval, the target or milestone of the year and whether
// it is met (a milestone of a later year that the value does not reach yet
// is "not yet reached", not "not met": it is not due), the
// end-of-programme target, and whether the previous year compares; and
// the target to mark on the charts of values (that of the year, else that
// of the end of the programme), nil for none.
func facts(in Input, res scoring.Result) ([]string, *mark) {
	f, pc := in.figures(), Percent(res)
	said := []string{f.word("doc.campaign", in.Campaign, in.Year),
		f.word("doc.value", in.Year, f.Optional(res.Value, pc), f.Units(res.Unit, res.N))}
	if ci := res.CI95; ci != nil {
		said = append(said, f.word("doc.interval", f.Value(ci[0], pc), f.Value(ci[1], pc)))
	}
	var target *mark
	for _, t := range []*scoring.Target{res.Target, res.EndTarget} {
		if t == nil {
			continue
		}
		m := mark{Value: t.Value, Text: targetText(f, t, in.Year, pc)}
		if target == nil {
			target = &m
		}
		switch {
		case t.Kind == scoring.TargetKindEnd:
			said = append(said, m.Text)
		case t.Status == scoring.TargetMet:
			said = append(said, f.word("doc.met", m.Text))
		case t.Year > in.Year:
			said = append(said, f.word("doc.not_yet", m.Text))
		default:
			said = append(said, f.word("doc.not_met", m.Text))
		}
	}
	if res.Target == nil {
		said = append(said, f.word("doc.no_target", in.Year))
	}
	if prev := res.Previous; prev != nil && !prev.Comparable {
		said = append(said, f.word("doc.not_comparable", prev.Year, comparableReason(f, prev.Reason)))
	}
	return said, target
}

// reasonLang is the language scoring words the reasons in why two years
// do not compare (scoring.NotComparable).
const reasonLang = "en"

// comparableReason is why two years do not compare, in the language of
// the figures: scoring's reason where it is that language, else only that
// the definition of the indicator changed.
func comparableReason(f Figures, reason string) string {
	if f.lang() == reasonLang {
		return reason
	}
	return f.word("doc.definition_changed")
}

// documentPanels are the charts of an indicator's document: those of the
// scores page, or the value alone when it has none.
func documentPanels(in Input, res scoring.Result) []*panel {
	var panels []*panel
	for _, p := range []*panel{optionsPanel(in, res), administrationsPanel(in, res), changePanel(in, res)} {
		if p != nil {
			panels = append(panels, p)
		}
	}
	if len(panels) == 0 {
		panels = append(panels, valuePanel(in, res))
	}
	return panels
}

// targetText names a target and its value: "Target 2023: 70.00%".
func targetText(f Figures, t *scoring.Target, year int, percent bool) string {
	key := "doc.target.target"
	switch t.Kind {
	case scoring.TargetKindMilestone:
		key = "doc.target.milestone"
	case scoring.TargetKindEnd:
		key = "doc.target.end"
	}
	if t.Year != 0 {
		year = t.Year
	}
	return f.word(key, year, f.Value(t.Value, percent))
}

// sentences joins texts into sentences, each ended by a full stop.
func sentences(texts []string) string {
	for i, s := range texts {
		if !strings.HasSuffix(s, ".") {
			texts[i] = s + "."
		}
	}
	return strings.Join(texts, " ")
}

// documentHatch is the id of the hatching of suppressed cells in a document.
const documentHatch = "hatch"

// legendEntry is one line of a document's legend: a box filled as the
// marks it explains, and what they mean.
type legendEntry struct {
	fill string // the box's fill (and outline) attributes
	text string
}

// document is an indicator's document being laid out from top to bottom:
// y is where the next part starts.
type document struct {
	lang    string
	y       float64
	body    strings.Builder
	hatched bool
}

// lines writes a text wrapped to the document's width, in a font of size
// font, its lines lineHeight apart.
func (d *document) lines(font, lineHeight float64, text, attrs string) {
	chars := lineChars(documentWidth)
	if font != chartFont {
		// Larger, bold: as many characters as fit at 0.62 of its size each.
		chars = int((documentWidth - 2*chartMargin) / (font * 0.62))
	}
	lines := wrapLabel(text, chars)
	writeLines(&d.body, chartMargin, d.y+font, lineHeight, lines, attrs)
	d.y += lineHeight*float64(len(lines)) + textGap
}

// chart writes a laid out chart below what is written.
func (d *document) chart(l barLayout) {
	d.body.WriteString(`<g transform="translate(0 ` + coord(d.y) + `)">` + "\n")
	writeBars(&d.body, l, documentHatch)
	d.body.WriteString("</g>\n")
	d.y += l.Height
	d.hatched = d.hatched || l.hatched()
}

// legend writes the entries of the legend, one a line.
func (d *document) legend(entries []legendEntry) {
	indent := chartMargin + swatchWidth + 2*textGap
	chars := lineChars(documentWidth - indent + chartMargin)
	for _, e := range entries {
		d.body.WriteString(`<rect x="` + coord(chartMargin) + `" y="` + coord(d.y+chartFont-swatchSize) + `" width="` + coord(swatchWidth) +
			`" height="` + coord(swatchSize) + `"` + e.fill + "/>\n")
		lines := wrapLabel(e.text, chars)
		writeLines(&d.body, indent, d.y+chartFont, chartLine, lines, "")
		d.y += chartLine*float64(len(lines)) + textGap
	}
}

// write is the whole document: an XML declaration and an svg element named
// by title and described by desc.
func (d *document) write(title, desc string) []byte {
	var b strings.Builder
	h, w := coord(d.y+chartMargin), coord(documentWidth)
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	b.WriteString(`<svg xmlns="http://www.w3.org/2000/svg" version="1.1" viewBox="0 0 ` + w + " " + h + `" width="` + w + `" height="` + h +
		`" role="img" aria-labelledby="title desc" lang="` + esc(d.lang) + `">` + "\n")
	b.WriteString(`<title id="title">` + esc(title) + "</title>\n")
	b.WriteString(`<desc id="desc">` + esc(desc) + "</desc>\n")
	if d.hatched {
		writeHatch(&b, documentHatch)
	}
	b.WriteString(`<rect width="100%" height="100%" fill="` + chartBackground + `"/>` + "\n")
	b.WriteString(`<g font-family="Arial, Helvetica, sans-serif" font-size="` + coord(chartFont) + `" fill="` + colourText + `">` + "\n")
	b.WriteString(d.body.String())
	b.WriteString("</g>\n</svg>\n")
	return []byte(b.String())
}
