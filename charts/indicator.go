package charts

import (
	"math"
	"strconv"
	"strings"

	"github.com/customs-survey/surveyd/scoring"
	"github.com/customs-survey/surveyd/survey"
)

// Input is what the charts of one indicator need besides its result.
type Input struct {
	ID       string // on a page, unique there: the prefix of its charts' ids
	Lang     string // the language of the charts' words (see Figures)
	Campaign string // the campaign the result is of
	Year     int    // the campaign's year
	MinCell  int    // the campaign's minimum cell size
	// TitleLang and LabelLang are the languages of the indicator's title
	// and of its option labels (by option key), as TextLanguages tells.
	TitleLang string
	LabelLang map[string]string
}

// figures writes the charts' numbers and words.
func (in Input) figures() Figures { return Figures{Lang: in.Lang} }

// textLang is the language of a text of the questionnaire as a chart marks
// it: "" when it is the language of the chart's own words.
func (in Input) textLang(lang string) string {
	if lang == in.figures().lang() {
		return ""
	}
	return lang
}

// Chart is one chart of an indicator on the scores page: the drawing, an
// svg element named by its title and described in words, with the same
// figures as a table.
type Chart struct {
	ID    string // the prefix of its elements' ids
	SVG   string // the svg element
	Note  string // what the chart's marks mean, when it needs saying (suppressed cells)
	Table Table
}

// Table is a table of figures: one row per bar, the first column the row's
// heading.
type Table struct {
	ID      string // the table's id, if it stands alone
	Caption string
	Head    []string // the column headings, the first that of the row headings
	Rows    []Row
}

// Row is one row of a Table.
type Row struct {
	Label string
	Lang  string // the label's language, when not the page's
	Cells []string
}

// panel is one chart of an indicator before it is drawn: its bars on an
// axis, and everything it says in words.
type panel struct {
	kind    string // options, administrations, change or value
	id      string // the chart's id on a page
	title   string // the chart's title on a page, the caption of its table
	heading string // its heading in the indicator's document
	desc    string
	note    string
	after   string // a line under the chart in a document, where the page has its table: the change
	table   Table
	bars    []bar
	axis    axis
	// onValue says that the bars are values of the indicator, on its axis,
	// where its target can be marked.
	onValue bool
}

// chart draws a panel for the scores page; nil stays nil.
func (p *panel) chart() *Chart {
	if p == nil {
		return nil
	}
	svg := drawBars(p.id, p.title, p.desc, placeBars(p.bars, p.axis, pageWidth, nil))
	return &Chart{ID: p.id, SVG: svg, Note: p.note, Table: p.table}
}

// Options is the share of answers that chose each option of an indicator
// with an options breakdown (OP 3.1), one bar per option, on 0–100%; nil
// without one.
func Options(in Input, res scoring.Result) *Chart { return optionsPanel(in, res).chart() }

// Administrations is the indicator's value per administration, one bar
// each; a suppressed cell is hatched, outlined and labelled, and its value
// and n are not shown. Nil without an administrations breakdown.
func Administrations(in Input, res scoring.Result) *Chart {
	return administrationsPanel(in, res).chart()
}

// Change is the value of this year and of the previous year, one bar each,
// when the previous year has a value that compares with this one; nil
// otherwise.
func Change(in Input, res scoring.Result) *Chart { return changePanel(in, res).chart() }

func optionsPanel(in Input, res scoring.Result) *panel {
	if res.Breakdown == nil || len(res.Breakdown.Options) == 0 {
		return nil
	}
	f := in.figures()
	p := &panel{kind: "options", id: in.ID + "-chart-options", title: f.word("chart.options", res.Code), heading: f.word("doc.panel.options"),
		axis: axis{Min: 0, Max: 100, MinText: f.axisValue(0, true), MaxText: f.axisValue(100, true)}}
	p.table = Table{Caption: p.title, Head: []string{f.word("col.option"), f.word("col.share"), f.word("col.chose")}}
	var items []string
	n := 0
	for _, row := range res.Breakdown.Options {
		text, lang := f.Optional(row.Value, true), in.textLang(in.LabelLang[row.Key])
		p.bars = append(p.bars, bar{Label: row.Label, Lang: lang, Value: row.Value, Text: text})
		items = append(items, f.word("desc.item", row.Label, text))
		p.table.Rows = append(p.table.Rows, Row{Label: row.Label, Lang: lang, Cells: []string{text, f.OptionalCount(row.Count)}})
		if row.N != nil {
			n = *row.N
		}
	}
	p.desc = f.word("desc.options", f.Units(res.Unit, n), strings.Join(items, "; "))
	return p
}

func administrationsPanel(in Input, res scoring.Result) *panel {
	if res.Breakdown == nil || len(res.Breakdown.Administrations) == 0 {
		return nil
	}
	f, pc := in.figures(), Percent(res)
	p := &panel{kind: "administrations", id: in.ID + "-chart-administrations", title: f.word("chart.administrations", res.Code),
		heading: f.word("doc.panel.administrations"), onValue: true}
	p.table = Table{Caption: p.title, Head: []string{f.word("col.administration"), f.word("col.value"), f.word("col.n_responses")}}
	var items []string
	var values []*float64
	for _, row := range res.Breakdown.Administrations {
		b := bar{Label: row.Key, Value: row.Value, Suppressed: row.Suppressed, Text: f.Optional(row.Value, pc)}
		cells := []string{b.Text, f.OptionalCount(row.N)}
		if row.Suppressed {
			p.note = f.word("suppressed_note", in.MinCell)
			b.Value, b.Text = nil, f.word("suppressed")
			cells = []string{b.Text, f.word("not_shown")}
		}
		p.bars = append(p.bars, b)
		values = append(values, b.Value)
		items = append(items, f.word("desc.item", row.Key, b.Text))
		p.table.Rows = append(p.table.Rows, Row{Label: row.Key, Cells: cells})
	}
	p.desc = f.word("desc.administrations", strings.Join(items, "; "))
	if p.note != "" {
		p.desc += " " + p.note
	}
	p.axis = valueAxis(f, res, values...)
	return p
}

func changePanel(in Input, res scoring.Result) *panel {
	prev := res.Previous
	if prev == nil || prev.Value == nil || !prev.Comparable {
		return nil
	}
	f, pc := in.figures(), Percent(res)
	now, before := strconv.Itoa(in.Year), strconv.Itoa(prev.Year)
	p := &panel{kind: "change", id: in.ID + "-chart-change", title: f.word("chart.change", res.Code, in.Year, prev.Year),
		heading: f.word("doc.panel.change", in.Year, prev.Year), onValue: true, axis: valueAxis(f, res, res.Value, prev.Value)}
	p.bars = []bar{
		{Label: now, Value: res.Value, Text: f.Optional(res.Value, pc)},
		{Label: before, Value: prev.Value, Text: f.Optional(prev.Value, pc), Previous: true},
	}
	p.table = Table{Caption: p.title, Head: []string{f.word("col.year"), f.word("col.value")}}
	items := []string{f.word("desc.item", now, p.bars[0].Text), f.word("desc.item", before, p.bars[1].Text)}
	for _, b := range p.bars {
		p.table.Rows = append(p.table.Rows, Row{Label: b.Label, Cells: []string{b.Text}})
	}
	if prev.Change != nil {
		change := f.Change(*prev.Change, prev.ChangeUnit)
		p.table.Rows = append(p.table.Rows, Row{Label: f.word("col.change"), Cells: []string{change}})
		p.after = f.word("desc.item", f.word("col.change"), change)
		items = append(items, p.after)
	}
	p.desc = strings.Join(items, "; ") + "."
	return p
}

// valuePanel is the indicator's value alone, one bar, for a document that
// has no other chart of it.
func valuePanel(in Input, res scoring.Result) *panel {
	f, pc := in.figures(), Percent(res)
	now := strconv.Itoa(in.Year)
	text := f.Optional(res.Value, pc)
	return &panel{kind: "value", id: in.ID + "-chart-value", heading: f.word("doc.panel.value", in.Year), onValue: true,
		bars: []bar{{Label: now, Value: res.Value, Text: text}}, axis: valueAxis(f, res, res.Value),
		desc: f.word("desc.item", now, text) + "."}
}

// valueAxis is the axis of an indicator's values: 0–100% for percentages,
// the question's range for mean_value, or, when the question sets no bound,
// from 0 (or the lowest value) to the highest value of the chart.
func valueAxis(f Figures, res scoring.Result, values ...*float64) axis {
	lo, hi := res.Scale.Min, res.Scale.Max
	if math.IsInf(lo, 0) || math.IsInf(hi, 0) {
		seenLo, seenHi := 0.0, 0.0
		for _, v := range values {
			if v != nil {
				seenLo, seenHi = min(seenLo, *v), max(seenHi, *v)
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
	p := Percent(res)
	return axis{Min: lo, Max: hi, MinText: f.axisValue(lo, p), MaxText: f.axisValue(hi, p)}
}

// TextLanguages tells in which language a report gives the title of the
// indicator code of doc and the labels of its options (those of its first
// question), asked being the language asked for: that one where the text
// has it, else the document's default language, as scoring resolves them.
func TextLanguages(doc *survey.Document, code, asked string) (title string, labels map[string]string) {
	labels = map[string]string{}
	lang := func(t survey.Text) string {
		if _, ok := t[asked]; ok {
			return asked
		}
		return doc.DefaultLanguage
	}
	for _, ind := range doc.Indicators {
		if ind.Code != code {
			continue
		}
		title = lang(ind.Title)
		if len(ind.Questions) > 0 {
			if q := doc.Question(ind.Questions[0]); q != nil {
				for _, o := range doc.OptionsOf(q) {
					labels[o.Key] = lang(o.Label)
				}
			}
		}
		break
	}
	return title, labels
}
