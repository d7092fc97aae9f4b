package web

import (
	"strings"
	"testing"

	"github.com/customs-survey/surveyd/charts"
	"github.com/customs-survey/surveyd/scoring"
)

func chartPtr[T any](v T) *T { return &v }

// TestPageCharts: the page's charts are package charts' charts of the
// indicator (charts_test.go there holds their drawing), with the page's
// ids, in the page's language, its option labels marked with their own
// language, the campaign's year and minimum cell size; an indicator
// without what a chart needs has no such chart.
func TestPageCharts(t *testing.T) {
	res := scoring.Result{Code: "RES 3.2.1", Method: "mean_score", Unit: "administration", Scale: scoring.Percent, Value: chartPtr(67.3),
		Breakdown: &scoring.Breakdown{
			Options:         []scoring.Row{{Key: "large", Label: "To a large extent", Value: chartPtr(57.14), N: chartPtr(28), Count: chartPtr(16)}},
			Administrations: []scoring.Row{{Key: "AT", Label: "AT", Suppressed: true}}},
		Previous: &scoring.Previous{Campaign: "customs-2022", Year: 2022, Value: chartPtr(65.38), Change: chartPtr(1.92),
			ChangeUnit: scoring.ChangePercentagePoints, Comparable: true}}
	in := chartInput{id: "indicator-5", f: figures{lang: "fr"}, labelLang: map[string]string{"large": "en"}, minCell: 7}
	want := charts.Input{ID: "indicator-5", Lang: "fr", Year: 2023, MinCell: 7, LabelLang: map[string]string{"large": "en"}}
	for _, tt := range []struct {
		name  string
		got   *chart
		want  *charts.Chart
		words []string // in the SVG
	}{
		{"options", optionsChart(in, res), charts.Options(want, res), []string{"part des réponses par option", `lang="en">To a large extent`}},
		{"administrations", administrationsChart(in, res), charts.Administrations(want, res), []string{"masqué", "moins de 7 réponses"}},
		{"change", changeChart(in, res, 2023), charts.Change(want, res), []string{"2023 comparé à 2022", "+1,92 points de pourcentage"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got == nil || tt.want == nil {
				t.Fatalf("chart %v, want %v", tt.got, tt.want)
			}
			if tt.got.ID != "indicator-5-chart-"+tt.name || string(tt.got.SVG) != tt.want.SVG || tt.got.Note != tt.want.Note ||
				tt.got.Table.Caption != tt.want.Table.Caption || len(tt.got.Table.Rows) != len(tt.want.Table.Rows) {
				t.Errorf("the page's chart %+v\ndiffers from package charts' %+v", *tt.got, *tt.want)
			}
			for _, w := range tt.words {
				if !strings.Contains(string(tt.got.SVG), w) {
					t.Errorf("the SVG does not say %q:\n%s", w, tt.got.SVG)
				}
			}
		})
	}
	plain := scoring.Result{Code: "X", Method: "share", Scale: scoring.Percent, Value: chartPtr(10.0)}
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

// TestScoresFigures: the page writes its figures as the charts do, in its own
// language.
func TestScoresFigures(t *testing.T) {
	en, fr := figures{lang: "en"}, figures{lang: "fr"}
	for _, tt := range []struct{ got, want string }{
		{en.value(1750.0/26, true), "67.31%"},
		{fr.value(1750.0/26, true), "67,31\u00a0%"},
		{en.optional(nil, true), "no value"},
		{fr.change(0.5, scoring.ChangePercentagePoints), "+0,50 points de pourcentage"},
		{en.change(-3.935, scoring.ChangePoints), "-3.94 points"},
		{fr.units("respondent", 113), "113 réponses"},
		{en.optionalCount(nil), "not shown"},
	} {
		if tt.got != tt.want {
			t.Errorf("%q, want %q", tt.got, tt.want)
		}
	}
}
