package web

import (
	"bytes"
	"encoding/xml"
	"flag"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/customs-survey/surveyd/scoring"
)

// updateGolden rewrites the golden files of testdata/ instead of comparing
// with them: go test ./web -run TestChartGolden -update.
var updateGolden = flag.Bool("update", false, "rewrite the golden files in web/testdata")

func chartPtr[T any](v T) *T { return &v }

// TestPlaceBars: the geometry of one bar from its value, on a 0–100 axis
// and on a 1–5 scale: 0 draws a bar of no width, 100 reaches the plot's
// right edge, a suppressed cell is a hatched box of fixed width, a missing
// value draws nothing; the text always follows what is drawn.
func TestPlaceBars(t *testing.T) {
	percent := axis{Min: 0, Max: 100}
	plotLeft, plotRight := labelColumn, chartWidth-valueColumn
	plot := plotRight - plotLeft
	for _, tt := range []struct {
		name    string
		bar     bar
		axis    axis
		rect    *rect // nil: no bar
		hatched bool
		textX   float64
	}{
		{"zero", bar{Label: "BE", Value: chartPtr(0.0)}, percent, &rect{plotLeft, chartMargin, 0, barHeight}, false, plotLeft + textGap},
		{"hundred", bar{Label: "BE", Value: chartPtr(100.0)}, percent, &rect{plotLeft, chartMargin, plot, barHeight}, false, plotRight + textGap},
		{"half", bar{Label: "BE", Value: chartPtr(50.0)}, percent, &rect{plotLeft, chartMargin, plot / 2, barHeight}, false, plotLeft + plot/2 + textGap},
		{"beyond the axis", bar{Label: "BE", Value: chartPtr(130.0)}, percent, &rect{plotLeft, chartMargin, plot, barHeight}, false, plotRight + textGap},
		{"below the axis", bar{Label: "BE", Value: chartPtr(-5.0)}, percent, &rect{plotLeft, chartMargin, 0, barHeight}, false, plotLeft + textGap},
		{"suppressed", bar{Label: "BE", Suppressed: true, Text: "suppressed"}, percent,
			&rect{plotLeft, chartMargin, suppressedBox, barHeight}, true, plotLeft + suppressedBox + textGap},
		{"missing", bar{Label: "BE", Text: "no value"}, percent, nil, false, plotLeft + textGap},
		{"scale minimum", bar{Label: "2023", Value: chartPtr(1.0)}, axis{Min: 1, Max: 5}, &rect{plotLeft, chartMargin, 0, barHeight}, false, plotLeft + textGap},
		{"scale middle", bar{Label: "2023", Value: chartPtr(3.0)}, axis{Min: 1, Max: 5}, &rect{plotLeft, chartMargin, plot / 2, barHeight}, false, plotLeft + plot/2 + textGap},
		{"an empty axis", bar{Label: "2023", Value: chartPtr(3.0)}, axis{Min: 3, Max: 3}, &rect{plotLeft, chartMargin, 0, barHeight}, false, plotLeft + textGap},
	} {
		t.Run(tt.name, func(t *testing.T) {
			l := placeBars([]bar{tt.bar}, tt.axis)
			if len(l.Bars) != 1 {
				t.Fatalf("%d bars", len(l.Bars))
			}
			p := l.Bars[0]
			switch {
			case tt.rect == nil && p.Rect != nil:
				t.Errorf("rect %+v, want none", *p.Rect)
			case tt.rect != nil && (p.Rect == nil || !near(*p.Rect, *tt.rect)):
				t.Errorf("rect %+v, want %+v", p.Rect, *tt.rect)
			}
			if p.Hatched != tt.hatched {
				t.Errorf("hatched %v, want %v", p.Hatched, tt.hatched)
			}
			if math.Abs(p.TextX-tt.textX) > 1e-9 {
				t.Errorf("text at x %v, want %v", p.TextX, tt.textX)
			}
			if l.PlotLeft != plotLeft || l.PlotRight != plotRight {
				t.Errorf("plot from %v to %v, want %v to %v", l.PlotLeft, l.PlotRight, plotLeft, plotRight)
			}
		})
	}
}

func near(a, b rect) bool {
	return math.Abs(a.X-b.X) < 1e-9 && math.Abs(a.Y-b.Y) < 1e-9 && math.Abs(a.W-b.W) < 1e-9 && math.Abs(a.H-b.H) < 1e-9
}

// TestPlaceBarsRows: rows follow one another without overlapping; short
// labels sit left of the bars, and one long label puts every label above
// its bar, wrapped to fit the 320-unit width.
func TestPlaceBarsRows(t *testing.T) {
	long := "The activities have not yet produced recommendations for the administration"
	for _, tt := range []struct {
		name     string
		labels   []string
		left     float64
		maxLines int
	}{
		{"codes", []string{"AT", "BE", "FR"}, labelColumn, 1},
		{"years", []string{"2023", "2022"}, labelColumn, 1},
		{"option labels", []string{"Yes", long}, chartMargin, 3},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var bars []bar
			for _, label := range tt.labels {
				bars = append(bars, bar{Label: label, Value: chartPtr(40.0)})
			}
			l := placeBars(bars, axis{Min: 0, Max: 100})
			if l.PlotLeft != tt.left {
				t.Errorf("plot starts at %v, want %v", l.PlotLeft, tt.left)
			}
			bottom := 0.0
			for i, p := range l.Bars {
				if strings.Join(p.Lines, " ") != tt.labels[i] {
					t.Errorf("bar %d: lines %q, want the label %q", i, p.Lines, tt.labels[i])
				}
				if len(p.Lines) > tt.maxLines {
					t.Errorf("bar %d: %d lines, want at most %d", i, len(p.Lines), tt.maxLines)
				}
				for _, line := range p.Lines {
					if n := len([]rune(line)); n > labelLineChars {
						t.Errorf("bar %d: a line of %d characters: %q", i, n, line)
					}
				}
				if p.LabelY-chartFont < bottom || p.Rect.Y < bottom {
					t.Errorf("bar %d overlaps the row above (label at %v, bar at %v, row above ends at %v)", i, p.LabelY, p.Rect.Y, bottom)
				}
				bottom = p.Rect.Y + p.Rect.H
			}
			if l.Height <= bottom {
				t.Errorf("height %v, the last bar ends at %v", l.Height, bottom)
			}
		})
	}
}

// TestChartColoursContrast: bars, hatching and axes have a contrast of at
// least 3:1 against the background (WCAG 1.4.11), text at least 4.5:1.
func TestChartColoursContrast(t *testing.T) {
	for _, tt := range []struct {
		name, colour string
		min          float64
	}{
		{"bar", colourBar, 3}, {"previous year", colourPrevious, 3}, {"hatching", colourHatch, 3}, {"text", colourText, 4.5},
	} {
		if c := contrast(tt.colour, chartBackground); c < tt.min {
			t.Errorf("%s %s: contrast %.2f:1, want at least %v:1", tt.name, tt.colour, c, tt.min)
		}
	}
	if c := contrast("#ffffff", "#ffffff"); c != 1 {
		t.Errorf("white on white: %v, want 1", c)
	}
}

// contrast is the WCAG contrast ratio of two #rrggbb colours.
func contrast(a, b string) float64 {
	la, lb := luminance(a), luminance(b)
	return (math.Max(la, lb) + 0.05) / (math.Min(la, lb) + 0.05)
}

func luminance(hex string) float64 {
	var l float64
	for i, weight := range []float64{0.2126, 0.7152, 0.0722} {
		v, _ := strconv.ParseUint(hex[1+2*i:3+2*i], 16, 8)
		c := float64(v) / 255
		if c <= 0.04045 {
			c /= 12.92
		} else {
			c = math.Pow((c+0.055)/1.055, 2.4)
		}
		l += weight * c
	}
	return l
}

// chartResults are results with every kind of chart: an options breakdown
// with a zero share and a long label, administrations with a suppressed
// cell, a cell without value, 0 and 100, and a change on a percentage and
// on a 1–5 scale.
var chartResults = map[string]scoring.Result{
	"options": {Code: "OP 3.1", Method: "mean_score", Unit: "administration", Scale: scoring.Percent, Value: chartPtr(70.964),
		Breakdown: &scoring.Breakdown{Options: []scoring.Row{
			{Key: "advanced", Label: "Advanced", Value: chartPtr(25.0), N: chartPtr(28), Count: chartPtr(7)},
			{Key: "basic", Label: "Basic", Value: chartPtr(1900.0 / 28), N: chartPtr(28), Count: chartPtr(19)},
			{Key: "very_basic", Label: "Very basic <& \"quoted\">", Value: chartPtr(100.0 / 28), N: chartPtr(28), Count: chartPtr(1)},
			{Key: "none", Label: "No awareness of the programme among the staff of the administration", Value: chartPtr(0.0), N: chartPtr(28), Count: chartPtr(0)},
		}}},
	"administrations": {Code: "EES overall", Method: "mean_score", Unit: "administration", Scale: scoring.Percent, Value: chartPtr(50.0),
		Breakdown: &scoring.Breakdown{Administrations: []scoring.Row{
			{Key: "AT", Label: "AT", Value: chartPtr(100.0), N: chartPtr(6)},
			{Key: "BE", Label: "BE", Suppressed: true},
			{Key: "FR", Label: "FR", Value: chartPtr(0.0), N: chartPtr(5)},
			{Key: "NL", Label: "NL", N: chartPtr(0)},
		}}},
	"change": {Code: "RES 4.2", Method: "mean_score", Unit: "administration", Scale: scoring.Percent, Value: chartPtr(56.25),
		Previous: &scoring.Previous{Campaign: "customs-2022", Year: 2022, Value: chartPtr(60.185185), DeltaPP: chartPtr(56.25 - 60.185185)}},
	"change-scale": {Code: "OP 1.4.2", Method: "mean_value", Unit: "respondent", Scale: scoring.Scale{Min: 1, Max: 5}, Value: chartPtr(4.178571),
		Previous: &scoring.Previous{Campaign: "customs-2022", Year: 2022, Value: chartPtr(4.071428), DeltaPP: chartPtr(4.178571 - 4.071428)}},
}

// drawChart draws the chart of a golden test case.
func drawChart(name string, lang string) *chart {
	in := chartInput{id: "indicator-1", f: figures{lang: lang}, labelLang: map[string]string{"basic": "fr"}, minCell: 5}
	res := chartResults[name]
	switch name {
	case "options":
		return optionsChart(in, res)
	case "administrations":
		return administrationsChart(in, res)
	}
	return changeChart(in, res, 2023)
}

// TestChartGolden compares each kind of chart with testdata/chart-*.svg
// (go test ./web -run TestChartGolden -update rewrites them), and checks
// that the SVG is well formed, has role img, and is named and described by
// its own title and desc.
func TestChartGolden(t *testing.T) {
	for _, tt := range []struct{ name, lang string }{
		{"options", "en"}, {"administrations", "en"}, {"administrations", "fr"}, {"change", "en"}, {"change-scale", "en"},
	} {
		t.Run(tt.name+"-"+tt.lang, func(t *testing.T) {
			c := drawChart(tt.name, tt.lang)
			if c == nil {
				t.Fatal("no chart")
			}
			got := []byte(string(c.SVG) + "\n")
			file := filepath.Join("testdata", "chart-"+tt.name+"-"+tt.lang+".svg")
			if *updateGolden {
				if err := os.WriteFile(file, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s differs from the chart drawn (go test ./web -run TestChartGolden -update rewrites it):\n%s", file, got)
			}
			checkSVG(t, c)
		})
	}
}

// checkSVG parses a chart's SVG and checks its accessible name and
// description.
func checkSVG(t *testing.T, c *chart) {
	t.Helper()
	type text struct {
		ID   string `xml:"id,attr"`
		Body string `xml:",chardata"`
	}
	var svg struct {
		XMLName    xml.Name `xml:"svg"`
		Role       string   `xml:"role,attr"`
		LabelledBy string   `xml:"aria-labelledby,attr"`
		ViewBox    string   `xml:"viewBox,attr"`
		Title      text     `xml:"title"`
		Desc       text     `xml:"desc"`
	}
	if err := xml.Unmarshal([]byte(c.SVG), &svg); err != nil {
		t.Fatalf("the SVG does not parse: %v", err)
	}
	if svg.Role != "img" {
		t.Errorf("role %q, want img", svg.Role)
	}
	if want := c.ID + "-title " + c.ID + "-desc"; svg.LabelledBy != want || svg.Title.ID != c.ID+"-title" || svg.Desc.ID != c.ID+"-desc" {
		t.Errorf("aria-labelledby %q, title id %q, desc id %q; want %q", svg.LabelledBy, svg.Title.ID, svg.Desc.ID, want)
	}
	if svg.Title.Body == "" || svg.Title.Body != c.Table.Caption {
		t.Errorf("title %q, want the table's caption %q", svg.Title.Body, c.Table.Caption)
	}
	if !strings.HasPrefix(svg.ViewBox, "0 0 320 ") {
		t.Errorf("viewBox %q, want 320 units wide", svg.ViewBox)
	}
	// The description says every figure of the table in words.
	for _, row := range c.Table.Rows {
		for _, cell := range row.Cells[:1] {
			if !strings.Contains(svg.Desc.Body, row.Label+": "+cell) && !strings.Contains(svg.Desc.Body, row.Label+" : "+cell) {
				t.Errorf("the description does not give %s: %s:\n%s", row.Label, cell, svg.Desc.Body)
			}
		}
	}
}

// TestChartTexts: what each chart says in its bars, description, table and
// note, for the cases of the golden files.
func TestChartTexts(t *testing.T) {
	for _, tt := range []struct {
		name, lang string
		want       []string // in the SVG
		rows       [][]string
		note       string
	}{
		{"options", "en", []string{"Advanced", "25.00%", "67.86%", "3.57%", "0.00%", "0%", "100%",
			"Of 28 administrations that answered", "Very basic &lt;&amp; &#34;quoted&#34;&gt;", `lang="fr">Basic`},
			[][]string{{"Advanced", "25.00%", "7"}, {"Basic", "67.86%", "19"}, {"Very basic <& \"quoted\">", "3.57%", "1"},
				{"No awareness of the programme among the staff of the administration", "0.00%", "0"}}, ""},
		{"administrations", "en", []string{">100.00%<", ">suppressed<", ">0.00%<", ">no value<", `fill="url(#indicator-1-chart-administrations-hatch)"`,
			"fewer than 5 responses"},
			[][]string{{"AT", "100.00%", "6"}, {"BE", "suppressed", "not shown"}, {"FR", "0.00%", "5"}, {"NL", "no value", "0"}},
			"Suppressed: fewer than 5 responses with a value, or hidden together with such a cell so that it cannot be worked out from the total."},
		{"administrations", "fr", []string{">100,00\u00a0%<", ">masqué<", ">pas de valeur<", "moins de 5 réponses"},
			[][]string{{"AT", "100,00\u00a0%", "6"}, {"BE", "masqué", "non affiché"}, {"FR", "0,00\u00a0%", "5"}, {"NL", "pas de valeur", "0"}},
			"Masqué : moins de 5 réponses avec une valeur, ou masqué avec une telle cellule pour qu'elle ne puisse pas être déduite du total."},
		{"change", "en", []string{">2023<", ">2022<", ">56.25%<", ">60.19%<", "Change: -3.94 percentage points", `fill="` + colourPrevious + `"`},
			[][]string{{"2023", "56.25%"}, {"2022", "60.19%"}, {"Change", "-3.94 percentage points"}}, ""},
		{"change-scale", "en", []string{">4.18<", ">4.07<", ">1<", ">5<", "Change: +0.11 points"},
			[][]string{{"2023", "4.18"}, {"2022", "4.07"}, {"Change", "+0.11 points"}}, ""},
	} {
		t.Run(tt.name+"-"+tt.lang, func(t *testing.T) {
			c := drawChart(tt.name, tt.lang)
			for _, w := range tt.want {
				if !strings.Contains(string(c.SVG), w) {
					t.Errorf("the SVG does not contain %q", w)
				}
			}
			var rows [][]string
			for _, r := range c.Table.Rows {
				rows = append(rows, append([]string{r.Label}, r.Cells...))
			}
			if got, want := strings.Join(flattenRows(rows), "|"), strings.Join(flattenRows(tt.rows), "|"); got != want {
				t.Errorf("table rows\n%s\nwant\n%s", got, want)
			}
			if c.Note != tt.note {
				t.Errorf("note %q, want %q", c.Note, tt.note)
			}
		})
	}
}

func flattenRows(rows [][]string) []string {
	var out []string
	for _, r := range rows {
		out = append(out, strings.Join(r, ";"))
	}
	return out
}

// TestNoChart: an indicator without the breakdown or previous value a chart
// needs has no such chart.
func TestNoChart(t *testing.T) {
	in := chartInput{id: "indicator-1", f: figures{lang: "en"}, minCell: 5}
	plain := scoring.Result{Code: "X", Method: "share", Scale: scoring.Percent, Value: chartPtr(10.0),
		Breakdown: &scoring.Breakdown{Questions: []scoring.Row{{Key: "q", Value: chartPtr(10.0)}}},
		Previous:  &scoring.Previous{Year: 2022}}
	if c := optionsChart(in, plain); c != nil {
		t.Error("an options chart without options")
	}
	if c := administrationsChart(in, plain); c != nil {
		t.Error("an administrations chart without administrations")
	}
	if c := changeChart(in, plain, 2023); c != nil {
		t.Error("a change chart without a previous value")
	}
}

// TestValueAxis: percentages span 0–100%, mean_value its question's range,
// or the values seen when the question sets no bound.
func TestValueAxis(t *testing.T) {
	f := figures{lang: "en"}
	inf := math.Inf(1)
	for _, tt := range []struct {
		name   string
		res    scoring.Result
		values []*float64
		want   axis
	}{
		{"percent", scoring.Result{Method: "share", Scale: scoring.Percent}, nil, axis{0, 100, "0%", "100%"}},
		{"scale", scoring.Result{Method: "mean_value", Scale: scoring.Scale{Min: 1, Max: 5}}, nil, axis{1, 5, "1", "5"}},
		{"open scale", scoring.Result{Method: "mean_value", Scale: scoring.Scale{Min: 0, Max: inf}}, []*float64{chartPtr(12.5), nil, chartPtr(40.0)},
			axis{0, 40, "0", "40"}},
		{"open both ways", scoring.Result{Method: "mean_value", Scale: scoring.Scale{Min: -inf, Max: inf}}, []*float64{chartPtr(-2.0), chartPtr(3.0)},
			axis{-2, 3, "-2", "3"}},
		{"no value", scoring.Result{Method: "mean_value", Scale: scoring.Scale{Min: -inf, Max: inf}}, []*float64{nil}, axis{0, 1, "0", "1"}},
	} {
		if got := valueAxis(f, tt.res, tt.values...); got != tt.want {
			t.Errorf("%s: %+v, want %+v", tt.name, got, tt.want)
		}
	}
}

// TestFigures: values as the exports round them, with the page's decimal
// mark and unit.
func TestFigures(t *testing.T) {
	en, fr := figures{lang: "en"}, figures{lang: "fr"}
	for _, tt := range []struct{ got, want string }{
		{en.value(1750.0/26, true), "67.31%"},
		{en.value(1.005, false), "1.01"},
		{en.value(70, true), "70.00%"},
		{fr.value(1750.0/26, true), "67,31\u00a0%"},
		{en.optional(nil, true), "no value"},
		{en.change(3.5714, true), "+3.57 percentage points"},
		{en.change(-0.001, true), "0.00 percentage points"},
		{en.change(-3.935, false), "-3.94 points"},
		{fr.change(0.5, true), "+0,50 points de pourcentage"},
		{en.units("administration", 28), "28 administrations"},
		{en.units("administration", 1), "1 administration"},
		{en.units("respondent", 113), "113 responses"},
		{en.units("respondent", 1), "1 response"},
		{en.optionalCount(nil), "not shown"},
	} {
		if tt.got != tt.want {
			t.Errorf("%q, want %q", tt.got, tt.want)
		}
	}
}
