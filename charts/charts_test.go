package charts

import (
	"bytes"
	"encoding/xml"
	"flag"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/customs-survey/surveyd/scoring"
)

// updateGolden rewrites the golden files of testdata/ instead of comparing
// with them: go test ./charts -update.
var updateGolden = flag.Bool("update", false, "rewrite the golden files in charts/testdata")

// checkGolden compares got with the golden file testdata/name, which
// -update rewrites.
func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	file := filepath.Join("testdata", name)
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
		t.Errorf("%s differs from the chart drawn (go test ./charts -update rewrites it):\n%s", file, got)
	}
}

// chartResults are results with every kind of chart: an options breakdown
// with a zero share and a long label, administrations with a suppressed
// cell, a cell without value, 0 and 100, and a change on a percentage and
// on a 1–5 scale.
var chartResults = map[string]scoring.Result{
	"options": {Code: "OP 3.1", Method: "mean_score", Unit: "administration", Scale: scoring.Percent, Value: ptr(70.964),
		Breakdown: &scoring.Breakdown{Options: []scoring.Row{
			{Key: "advanced", Label: "Advanced", Value: ptr(25.0), N: ptr(28), Count: ptr(7)},
			{Key: "basic", Label: "Basic", Value: ptr(1900.0 / 28), N: ptr(28), Count: ptr(19)},
			{Key: "very_basic", Label: "Very basic <& \"quoted\">", Value: ptr(100.0 / 28), N: ptr(28), Count: ptr(1)},
			{Key: "none", Label: "No awareness of the programme among the staff of the administration", Value: ptr(0.0), N: ptr(28), Count: ptr(0)},
		}}},
	"administrations": {Code: "EES overall", Method: "mean_score", Unit: "administration", Scale: scoring.Percent, Value: ptr(50.0),
		Breakdown: &scoring.Breakdown{Administrations: []scoring.Row{
			{Key: "AT", Label: "AT", Value: ptr(100.0), N: ptr(6)},
			{Key: "BE", Label: "BE", Suppressed: true},
			{Key: "FR", Label: "FR", Value: ptr(0.0), N: ptr(5)},
			{Key: "NL", Label: "NL", N: ptr(0)},
		}}},
	"change": {Code: "RES 4.2", Method: "mean_score", Unit: "administration", Scale: scoring.Percent, Value: ptr(56.25),
		Previous: &scoring.Previous{Campaign: "customs-2022", Year: 2022, Value: ptr(60.185185), Change: ptr(56.25 - 60.185185),
			ChangeUnit: scoring.ChangePercentagePoints, Comparable: true}},
	"change-scale": {Code: "OP 1.4.2", Method: "mean_value", Unit: "respondent", Scale: scoring.Scale{Min: 1, Max: 5}, Value: ptr(4.178571),
		Previous: &scoring.Previous{Campaign: "customs-2022", Year: 2022, Value: ptr(4.071428), Change: ptr(4.178571 - 4.071428),
			ChangeUnit: scoring.ChangePoints, Comparable: true}},
}

// pageInput is the input of the charts of the golden tests: an option
// label in French on an English page.
func pageInput(lang string) Input {
	return Input{ID: "indicator-1", Lang: lang, Campaign: "customs-2023", Year: 2023, MinCell: 5,
		TitleLang: "en", LabelLang: map[string]string{"basic": "fr", "advanced": "en"}}
}

// drawChart draws the chart of a golden test case.
func drawChart(name string, lang string) *Chart {
	in, res := pageInput(lang), chartResults[name]
	switch name {
	case "options":
		return Options(in, res)
	case "administrations":
		return Administrations(in, res)
	}
	return Change(in, res)
}

// TestChartGolden compares each kind of chart of the scores page with
// testdata/chart-*.svg, and checks that the SVG is well formed, has role
// img, and is named and described by its own title and desc.
func TestChartGolden(t *testing.T) {
	for _, tt := range []struct{ name, lang string }{
		{"options", "en"}, {"administrations", "en"}, {"administrations", "fr"}, {"change", "en"}, {"change-scale", "en"},
	} {
		t.Run(tt.name+"-"+tt.lang, func(t *testing.T) {
			c := drawChart(tt.name, tt.lang)
			if c == nil {
				t.Fatal("no chart")
			}
			checkGolden(t, "chart-"+tt.name+"-"+tt.lang+".svg", []byte(c.SVG+"\n"))
			checkSVG(t, c)
		})
	}
}

// checkSVG parses a chart's SVG and checks its accessible name and
// description.
func checkSVG(t *testing.T, c *Chart) {
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
		{"options", "en", []string{">Advanced<", "25.00%", "67.86%", "3.57%", "0.00%", "0%", "100%",
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
				if !strings.Contains(c.SVG, w) {
					t.Errorf("the SVG does not contain %q", w)
				}
			}
			if strings.Contains(c.SVG, `lang="en"`) {
				t.Error("a text in the chart's own language is marked with it")
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
// needs has no such chart, and neither has one whose previous value does
// not compare with this one.
func TestNoChart(t *testing.T) {
	in := pageInput("en")
	plain := scoring.Result{Code: "X", Method: "share", Scale: scoring.Percent, Value: ptr(10.0),
		Breakdown: &scoring.Breakdown{Questions: []scoring.Row{{Key: "q", Value: ptr(10.0)}}},
		Previous:  &scoring.Previous{Year: 2022, Comparable: true}}
	if c := Options(in, plain); c != nil {
		t.Error("an options chart without options")
	}
	if c := Administrations(in, plain); c != nil {
		t.Error("an administrations chart without administrations")
	}
	if c := Change(in, plain); c != nil {
		t.Error("a change chart without a previous value")
	}
	changed := chartResults["change"]
	prev := *changed.Previous
	prev.Comparable, prev.Change, prev.Reason = false, nil, "its options changed"
	changed.Previous = &prev
	if c := Change(in, changed); c != nil {
		t.Error("a change chart of figures that do not compare")
	}
	if c := Change(in, chartResults["change"]); c == nil {
		t.Error("no change chart of figures that compare")
	}
}

// TestChartValueAxis: percentages span 0–100%, mean_value its question's range,
// or the values seen when the question sets no bound.
func TestChartValueAxis(t *testing.T) {
	f := Figures{Lang: "en"}
	inf := math.Inf(1)
	for _, tt := range []struct {
		name   string
		res    scoring.Result
		values []*float64
		want   axis
	}{
		{"percent", scoring.Result{Method: "share", Scale: scoring.Percent}, nil, axis{0, 100, "0%", "100%"}},
		{"scale", scoring.Result{Method: "mean_value", Scale: scoring.Scale{Min: 1, Max: 5}}, nil, axis{1, 5, "1", "5"}},
		{"open scale", scoring.Result{Method: "mean_value", Scale: scoring.Scale{Min: 0, Max: inf}}, []*float64{ptr(12.5), nil, ptr(40.0)},
			axis{0, 40, "0", "40"}},
		{"open both ways", scoring.Result{Method: "mean_value", Scale: scoring.Scale{Min: -inf, Max: inf}}, []*float64{ptr(-2.0), ptr(3.0)},
			axis{-2, 3, "-2", "3"}},
		{"no value", scoring.Result{Method: "mean_value", Scale: scoring.Scale{Min: -inf, Max: inf}}, []*float64{nil}, axis{0, 1, "0", "1"}},
	} {
		if got := valueAxis(f, tt.res, tt.values...); got != tt.want {
			t.Errorf("%s: %+v, want %+v", tt.name, got, tt.want)
		}
	}
}

// TestChartFigures: values as the exports round them, with the language's
// decimal mark and unit; a language the charts do not speak is English.
func TestChartFigures(t *testing.T) {
	en, fr, de := Figures{Lang: "en"}, Figures{Lang: "fr"}, Figures{Lang: "de"}
	for _, tt := range []struct{ got, want string }{
		{en.Value(1750.0/26, true), "67.31%"},
		{en.Value(1.005, false), "1.01"},
		{en.Value(70, true), "70.00%"},
		{fr.Value(1750.0/26, true), "67,31\u00a0%"},
		{de.Value(1750.0/26, true), "67.31%"},
		{en.Optional(nil, true), "no value"},
		{fr.Optional(nil, true), "pas de valeur"},
		{en.Change(3.5714, scoring.ChangePercentagePoints), "+3.57 percentage points"},
		{en.Change(-0.001, scoring.ChangePercentagePoints), "0.00 percentage points"},
		{en.Change(-3.935, scoring.ChangePoints), "-3.94 points"},
		{fr.Change(0.5, scoring.ChangePercentagePoints), "+0,50 points de pourcentage"},
		{en.Units("administration", 28), "28 administrations"},
		{en.Units("administration", 1), "1 administration"},
		{en.Units("respondent", 113), "113 responses"},
		{en.Units("respondent", 1), "1 response"},
		{fr.Units("respondent", 113), "113 réponses"},
		{en.OptionalCount(nil), "not shown"},
		{en.OptionalCount(ptr(0)), "0"},
		{en.axisValue(100, true), "100%"},
		{fr.axisValue(2.5, false), "2,5"},
	} {
		if tt.got != tt.want {
			t.Errorf("%q, want %q", tt.got, tt.want)
		}
	}
}

// TestChartWordsAreTranslated: every word of the charts is in English and in
// French, with the same verbs (%s, %d) in the same order.
func TestChartWordsAreTranslated(t *testing.T) {
	for _, lang := range Languages {
		if len(words[lang]) == 0 {
			t.Errorf("no words in %s", lang)
		}
	}
	en, fr := words["en"], words["fr"]
	for k, w := range en {
		f, ok := fr[k]
		if !ok {
			t.Errorf("%s: no French", k)
			continue
		}
		if a, b := verbs(w), verbs(f); a != b {
			t.Errorf("%s: verbs %q in English, %q in French", k, a, b)
		}
	}
	for k := range fr {
		if _, ok := en[k]; !ok {
			t.Errorf("%s: French without English", k)
		}
	}
}

// verbs lists the formatting verbs of a word, in order.
func verbs(s string) string {
	var out []string
	for i := 0; i+1 < len(s); i++ {
		if s[i] == '%' {
			out = append(out, s[i:i+2])
			i++
		}
	}
	return strings.Join(out, "")
}
