package charts_test

import (
	"bytes"
	"context"
	"encoding/xml"
	"strconv"
	"testing"
	"time"

	"github.com/customs-survey/surveyd/auth"
	"github.com/customs-survey/surveyd/campaigns"
	"github.com/customs-survey/surveyd/charts"
	"github.com/customs-survey/surveyd/demo"
	"github.com/customs-survey/surveyd/internal/dbtest"
	"github.com/customs-survey/surveyd/scores"
	"github.com/customs-survey/surveyd/scoring"
	"github.com/customs-survey/surveyd/store"
)

// TestChartFilesReport2023 draws the documents of two indicators of the
// 2023 report's data set (package demo, on SQLite) and compares them with
// testdata/report2023-*.svg (go test ./charts -update rewrites them). It
// parses each as XML and checks its title, its heading, and that every
// suppressed administration is drawn as a hatched box labelled as such.
// api's tests serve the same files.
func TestChartFilesReport2023(t *testing.T) {
	ctx := context.Background()
	ds, err := demo.Report2023()
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(ctx, dbtest.SQLiteURL(t), store.Options{Migrate: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := demo.Load(ctx, st, ds); err != nil {
		t.Fatal(err)
	}
	op := auth.Operator()
	for _, tt := range []struct {
		campaign, code, lang string
		file                 string
		title, heading       string
		suppressed           int // administrations
	}{
		{"customs-2023", "OP 3.1", "en", "report2023-customs-2023-OP-3.1-en.svg",
			"OP 3.1: Degree of awareness of the programme (customs-2023, 2023)",
			"OP 3.1: Degree of awareness of the programme", 0},
		{"customs-2023", "OP 3.1", "fr", "report2023-customs-2023-OP-3.1-fr.svg",
			"OP 3.1 : Degree of awareness of the programme (customs-2023, 2023)",
			"OP 3.1 : Degree of awareness of the programme", 0},
		{"customs-2023", "RES 3.2.1", "en", "report2023-customs-2023-RES-3.2.1-en.svg",
			"RES 3.2.1: Contribution of new common components of the EES to improving the operational performance of national authorities (customs-2023, 2023)",
			"RES 3.2.1: Contribution of new common components of the EES to improving the operational performance of national authorities", 28},
	} {
		t.Run(tt.file, func(t *testing.T) {
			report, err := scores.New(st, time.Now).Report(ctx, op, tt.campaign, tt.lang)
			if err != nil {
				t.Fatal(err)
			}
			campaign, err := campaigns.New(st).Get(ctx, op, tt.campaign)
			if err != nil {
				t.Fatal(err)
			}
			qn, err := campaigns.New(st).Questionnaire(ctx, op, tt.campaign)
			if err != nil {
				t.Fatal(err)
			}
			var res *scoring.Result
			for i := range report.Indicators {
				if report.Indicators[i].Code == tt.code {
					res = &report.Indicators[i]
				}
			}
			if res == nil {
				t.Fatalf("no indicator %s in %s", tt.code, tt.campaign)
			}
			titleLang, labelLang := charts.TextLanguages(qn.Document, tt.code, tt.lang)
			doc := charts.Document(charts.Input{Lang: tt.lang, Campaign: report.Campaign, Year: report.Year, MinCell: campaign.MinCellSize,
				TitleLang: titleLang, LabelLang: labelLang}, *res)
			charts.CheckGolden(t, tt.file, doc)
			checkReport2023Document(t, doc, tt.title, tt.heading, res, tt.suppressed)
		})
	}
}

// checkReport2023Document parses a document and checks its title, its
// heading (the first text), and that each suppressed administration of res
// is a hatched box labelled "suppressed" beside its code.
func checkReport2023Document(t *testing.T, doc []byte, title, heading string, res *scoring.Result, suppressed int) {
	t.Helper()
	type node struct {
		XMLName xml.Name
		Attrs   []xml.Attr `xml:",any,attr"`
		Text    string     `xml:",chardata"`
		Nodes   []node     `xml:",any"`
	}
	var svg node
	if err := xml.Unmarshal(doc, &svg); err != nil {
		t.Fatalf("the document does not parse: %v", err)
	}
	if svg.XMLName.Space != "http://www.w3.org/2000/svg" || svg.XMLName.Local != "svg" {
		t.Fatalf("the root is %v, want an svg element in the SVG namespace", svg.XMLName)
	}
	if got := svg.Nodes[0]; got.XMLName.Local != "title" || got.Text != title {
		t.Errorf("title %q, want %q", got.Text, title)
	}
	// The drawing: the texts and boxes in order, inside the groups.
	var flat []node
	var walk func(n node)
	walk = func(n node) {
		for _, c := range n.Nodes {
			flat = append(flat, c)
			if c.XMLName.Local == "g" {
				walk(c)
			}
		}
	}
	walk(svg)
	attr := func(n node, name string) string {
		for _, a := range n.Attrs {
			if a.Name.Local == name {
				return a.Value
			}
		}
		return ""
	}
	var first *node
	for i := range flat {
		if flat[i].XMLName.Local == "text" {
			first = &flat[i]
			break
		}
	}
	if first == nil || attr(*first, "font-weight") != "bold" {
		t.Fatal("the document does not start with a heading")
	}
	text := first.Text
	for _, span := range first.Nodes {
		text += " " + span.Text
	}
	if text != heading {
		t.Errorf("heading %q, want %q", text, heading)
	}
	// Each suppressed administration: its code, then a hatched box, and
	// "suppressed" written on the same line, right of the box, in the
	// same chart.
	marked := 0
	suppressedRows := map[string]bool{}
	if res.Breakdown != nil {
		for _, row := range res.Breakdown.Administrations {
			suppressedRows[row.Key] = row.Suppressed
		}
	}
	for _, g := range flat {
		if g.XMLName.Local != "g" || attr(g, "transform") == "" {
			continue
		}
		for i, label := range g.Nodes {
			if label.XMLName.Local != "text" || !suppressedRows[label.Text] || i+1 >= len(g.Nodes) {
				continue
			}
			box := g.Nodes[i+1]
			if box.XMLName.Local != "rect" || attr(box, "fill") != "url(#hatch)" {
				t.Errorf("%s: drawn as %s fill %q, want a hatched box", label.Text, box.XMLName.Local, attr(box, "fill"))
				continue
			}
			said := false
			for _, text := range g.Nodes {
				right, _ := strconv.ParseFloat(attr(text, "x"), 64)
				left, _ := strconv.ParseFloat(attr(box, "x"), 64)
				width, _ := strconv.ParseFloat(attr(box, "width"), 64)
				if text.XMLName.Local == "text" && text.Text == "suppressed" && attr(text, "y") == attr(label, "y") && right > left+width {
					said = true
				}
			}
			if !said {
				t.Errorf("%s: no \"suppressed\" beside its box", label.Text)
				continue
			}
			marked++
		}
	}
	if marked != suppressed {
		t.Errorf("%d suppressed administrations marked, want %d", marked, suppressed)
	}
	if suppressed > 0 && !bytes.Contains(doc, []byte("Suppressed: fewer than 5 responses")) {
		t.Error("the legend does not say what a suppressed cell is")
	}
}
