package charts

import (
	"encoding/xml"
	"strings"
	"testing"

	"github.com/customs-survey/surveyd/scoring"
)

// element is one element of a parsed document, in document order, with
// its attributes and the text directly inside it.
type element struct {
	Name  string
	Attrs map[string]string
	Text  string
}

// parseDocument parses an SVG document as XML and lists its elements in
// order; the first is the svg element.
func parseDocument(t *testing.T, doc []byte) []element {
	t.Helper()
	dec := xml.NewDecoder(strings.NewReader(string(doc)))
	var out []element
	var open []int // indexes into out of the elements not yet closed
	for {
		tok, err := dec.Token()
		if err != nil {
			if err.Error() == "EOF" {
				break
			}
			t.Fatalf("the document does not parse: %v\n%s", err, doc)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			e := element{Name: tok.Name.Local, Attrs: map[string]string{}}
			for _, a := range tok.Attr {
				e.Attrs[a.Name.Local] = a.Value
			}
			out = append(out, e)
			open = append(open, len(out)-1)
		case xml.EndElement:
			open = open[:len(open)-1]
		case xml.CharData:
			if len(open) > 0 {
				out[open[len(open)-1]].Text += string(tok)
			}
		}
	}
	if len(out) == 0 || out[0].Name != "svg" || out[0].Attrs["xmlns"] != "" {
		// encoding/xml reports xmlns as the element's namespace, not as an attribute.
		if len(out) == 0 || out[0].Name != "svg" {
			t.Fatalf("the document is not an svg element")
		}
	}
	return out
}

// texts lists the texts of a document's text elements, a wrapped text as
// one line.
func texts(elements []element) []string {
	var out []string
	for _, e := range elements {
		if e.Name == "text" {
			out = append(out, e.Text)
		}
	}
	return out
}

// joinedTexts are the texts of a document's text elements with their
// continuation lines (tspan), each text one string.
func joinedTexts(elements []element) []string {
	var out []string
	for _, e := range elements {
		switch e.Name {
		case "text":
			out = append(out, e.Text)
		case "tspan":
			out[len(out)-1] += " " + e.Text
		}
	}
	return out
}

// documentResults are indicators for the documents' own cases.
var documentResults = map[string]scoring.Result{
	// No breakdown and no previous campaign: one bar, and the target.
	"value": {Code: "RES 1.2", Title: "Use of the outputs", Method: "mean_score", Unit: "administration", Scale: scoring.Percent,
		Value: ptr(76.785714), N: 28, CI95: &[2]float64{70.1, 83.4},
		Target: &scoring.Target{Value: 70, Kind: scoring.TargetKindTarget, Year: 2023, Status: scoring.TargetMet}},
	// A previous value that does not compare, and an end-of-programme
	// target only.
	"not comparable": {Code: "RES 2.2.6", Title: "Contacts", Method: "share", Unit: "respondent", Scale: scoring.Percent,
		Value: ptr(75.221238), N: 113,
		EndTarget: &scoring.Target{Value: 90, Kind: scoring.TargetKindEnd, Year: 2027, Status: scoring.TargetNotMet},
		Previous:  &scoring.Previous{Campaign: "participants-2022", Year: 2022, Value: ptr(69.2), Reason: "its options changed"}},
	// A scale, a change and a milestone of the next year.
	"change": {Code: "OP 1.4.2", Title: "Satisfaction", Method: "mean_value", Unit: "administration", Scale: scoring.Scale{Min: 1, Max: 5},
		Value: ptr(4.178571), N: 28,
		Target: &scoring.Target{Value: 4.5, Kind: scoring.TargetKindMilestone, Year: 2024, Status: scoring.TargetNotMet},
		Previous: &scoring.Previous{Campaign: "customs-2022", Year: 2022, Value: ptr(4.071428), Change: ptr(0.107143),
			ChangeUnit: scoring.ChangePoints, Comparable: true}},
	"administrations": withTitle(chartResults["administrations"], "Overall contribution"),
	// A milestone of the campaign's own year, not met.
	"due": {Code: "OP 3.1", Title: "Awareness", Method: "mean_score", Unit: "administration", Scale: scoring.Percent,
		Value: ptr(70.964), N: 28,
		Target: &scoring.Target{Value: 80, Kind: scoring.TargetKindMilestone, Year: 2023, Status: scoring.TargetNotMet}},
}

func withTitle(res scoring.Result, title string) scoring.Result {
	res.Title = title
	return res
}

// TestChartDocument: what an indicator's document holds for each shape of
// result: its heading, its figures and target in words, the charts it has
// (one bar of the value when it has no other), the target marked on the
// charts of values, and a legend only for the marks that need one.
func TestChartDocument(t *testing.T) {
	for _, tt := range []struct {
		name    string
		lang    string
		want    []string // texts of the document, in this order
		notWant []string // in no text
		marks   int      // target lines
		hatched int      // suppressed cells
		legend  int      // boxes of the legend
	}{
		{name: "value", lang: "en", want: []string{"RES 1.2: Use of the outputs", "Campaign customs-2023, year 2023",
			"Value 2023: 76.79% (n = 28 administrations)", "95% confidence interval: 70.10% to 83.40%",
			"Target 2023: 70.00%, met", "Value 2023", "Target 2023: 70.00%", "2023", "0%", "100%", "76.79%"},
			notWant: []string{"No target", "Not comparable"}, marks: 1},
		{name: "value", lang: "fr", want: []string{"RES 1.2 : Use of the outputs", "Campagne customs-2023, année 2023",
			"Valeur 2023 : 76,79\u00a0% (n = 28 administrations)", "Cible 2023 : 70,00\u00a0%, valeur atteinte"}, marks: 1},
		{name: "not comparable", lang: "en", want: []string{"RES 2.2.6: Contacts", "Value 2023: 75.22% (n = 113 responses)",
			"End-of-programme target 2027: 90.00%", "No target for 2023", "Not comparable with 2022: its options changed.",
			"Value 2023", "End-of-programme target 2027: 90.00%"},
			notWant: []string{"2023 compared with 2022", "69.20%", "2022: campaign"}, marks: 1},
		// The reason is scoring's, in English: a French document only says
		// that the definition changed.
		{name: "not comparable", lang: "fr", want: []string{"Cible de fin de programme 2027 : 90,00 %",
			"Non comparable avec 2022 : la définition de l'indicateur a changé."},
			notWant: []string{"its options changed", "Évolution"}, marks: 1},
		// A milestone of a later year is not due: not yet reached, not "not
		// met". The change is written under its bars.
		{name: "change", lang: "en", want: []string{"OP 1.4.2: Satisfaction", "Value 2023: 4.18 (n = 28 administrations)",
			"Milestone 2024: 4.50, not yet reached", "2023 compared with 2022", "Milestone 2024: 4.50", "2023", "2022",
			"1", "5", "4.18", "4.07", "Change: +0.11 points", "2023: campaign customs-2023", "2022: campaign customs-2022, the previous one"},
			notWant: []string{"Value per administration", "No target", "not met"}, marks: 1, legend: 2},
		{name: "change", lang: "fr", want: []string{"Jalon 2024 : 4,50, valeur pas encore atteinte", "2023 comparé à 2022",
			"4,18", "4,07", "Évolution : +0,11 points", "2023 : campagne customs-2023"},
			notWant: []string{"non atteinte"}, marks: 1, legend: 2},
		{name: "due", lang: "en", want: []string{"Milestone 2023: 80.00%, not met", "Value 2023"},
			notWant: []string{"not yet"}, marks: 1},
		{name: "due", lang: "fr", want: []string{"Jalon 2023 : 80,00 %, valeur non atteinte"},
			notWant: []string{"pas encore"}, marks: 1},
		{name: "administrations", lang: "en", want: []string{"EES overall: Overall contribution", "No target for 2023", "Value per administration",
			"AT", "100.00%", "BE", "suppressed", "FR", "0.00%", "NL", "no value",
			"Suppressed: fewer than 5 responses with a value, or hidden together with such a cell so that it cannot be worked out from the total."},
			hatched: 1, legend: 1},
	} {
		t.Run(tt.name+"-"+tt.lang, func(t *testing.T) {
			in := pageInput(tt.lang)
			doc := Document(in, documentResults[tt.name])
			elements := parseDocument(t, doc)
			got := joinedTexts(elements)
			at := 0
			for _, w := range tt.want {
				i := at
				for i < len(got) && got[i] != w {
					i++
				}
				if i == len(got) {
					t.Errorf("no text %q after text %d; the texts:\n%s", w, at, strings.Join(got, "\n"))
					continue
				}
				at = i + 1
			}
			for _, text := range got {
				for _, w := range tt.notWant {
					if strings.Contains(text, w) {
						t.Errorf("a text says %q: %q", w, text)
					}
				}
			}
			var marks, hatched, legend int
			for _, e := range elements {
				switch {
				case e.Name == "line" && e.Attrs["stroke"] == colourTarget:
					marks++
				case e.Name == "rect" && e.Attrs["fill"] == "url(#hatch)" && e.Attrs["width"] == coord(suppressedBox):
					hatched++
				case e.Name == "rect" && e.Attrs["width"] == coord(swatchWidth):
					legend++
				}
			}
			if marks != tt.marks || hatched != tt.hatched || legend != tt.legend {
				t.Errorf("%d target lines, %d suppressed cells, %d legend boxes; want %d, %d, %d", marks, hatched, legend, tt.marks, tt.hatched, tt.legend)
			}
			checkDocumentHead(t, elements, tt.lang)
		})
	}
}

// checkDocumentHead checks what makes a document standalone: the SVG
// namespace, a size, role img named by its title and described by its
// desc, its language, and a drawing that the size holds.
func checkDocumentHead(t *testing.T, elements []element, lang string) {
	t.Helper()
	svg := elements[0].Attrs
	if svg["width"] != coord(documentWidth) || svg["height"] == "" || svg["viewBox"] != "0 0 "+svg["width"]+" "+svg["height"] {
		t.Errorf("width %q, height %q, viewBox %q", svg["width"], svg["height"], svg["viewBox"])
	}
	if svg["role"] != "img" || svg["aria-labelledby"] != "title desc" || svg["lang"] != lang {
		t.Errorf("role %q, aria-labelledby %q, lang %q", svg["role"], svg["aria-labelledby"], svg["lang"])
	}
	if elements[1].Name != "title" || elements[1].Attrs["id"] != "title" || elements[1].Text == "" ||
		elements[2].Name != "desc" || elements[2].Attrs["id"] != "desc" || elements[2].Text == "" {
		t.Errorf("the svg does not start with its title and desc: %+v %+v", elements[1], elements[2])
	}
}
