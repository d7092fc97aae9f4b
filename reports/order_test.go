package reports_test

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/customs-survey/surveyd/exports"
	"github.com/customs-survey/surveyd/reports"
	"github.com/customs-survey/surveyd/scoring"
	"github.com/customs-survey/surveyd/survey"
)

func TestCompareCodes(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"RES 1.2", "RES 2.2.1", -1},
		{"RES 2.2.1", "RES 10.1", -1},
		{"RES 9", "RES 10", -1},
		{"OP 1.4.2", "OP 3.1", -1},
		{"OP 3.1", "RES 1.1", -1}, // outputs before results: OP before RES
		{"op 9", "RES 1", -1},     // prefixes ignore case
		{"RES 1.1", "RES 1.1 reasons", -1},
		{"RES 1.1 reasons", "RES 1.1.1", -1}, // 1.1 and its variants before 1.1.1
		{"RES 1.1", "RES 1.1.1", -1},
		{"RES 2.2.6 agreement", "RES 2.2.6 contacts", -1},
		{"RES 2.2.6 contacts", "RES 2.2.7", -1},
		{"RES 3.", "RES 3", 1}, // a trailing dot is rest, not a number
		{"RES 10", "RES 010", 1},
		{"RES 99999999999999999999", "RES 100000000000000000000", -1}, // beyond int64
		{"EES 2", "EES overall", -1},
		{"RES 1.2", "RES 1.2", 0},
		{"RES  1.2", "RES 1.2", -1}, // equal but for spaces: plain strings decide
	}
	for _, tt := range tests {
		if got := reports.CompareCodes(tt.a, tt.b); got != tt.want {
			t.Errorf("CompareCodes(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
		if got := reports.CompareCodes(tt.b, tt.a); got != -tt.want {
			t.Errorf("CompareCodes(%q, %q) = %d, want %d", tt.b, tt.a, got, -tt.want)
		}
	}
}

// report2023 is the order of the survey-based indicators in Annex 4 of the
// 2023 report, under the codes of the demo's questionnaires.
var report2023 = []string{"OP 1.4.2", "OP 2.1.4", "OP 2.2.3", "OP 3.1", "RES 1.1", "RES 1.1 reasons", "RES 1.2",
	"RES 2.2.1", "RES 2.2.5", "RES 2.2.6 agreement", "RES 2.2.6 contacts", "RES 3.2.1", "RES 3.2.2", "RES 4.1", "RES 4.2"}

// TestNaturalOrderIsTheReports sorts the 2023 codes, shuffled, naturally:
// the report's order comes back.
func TestNaturalOrderIsTheReports(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 20 {
		codes := slices.Clone(report2023)
		r.Shuffle(len(codes), func(i, j int) { codes[i], codes[j] = codes[j], codes[i] })
		slices.SortFunc(codes, reports.CompareCodes)
		if !slices.Equal(codes, report2023) {
			t.Fatalf("sorted: %q\nwant    %q", codes, report2023)
		}
	}
}

// campaign is a campaign of the year with indicators of these codes; order
// gives some of them a report_order.
func campaign(key string, codes []string, order map[string]int) exports.AnnualCampaign {
	doc := &survey.Document{Key: key}
	var results []scoring.Result
	for _, code := range codes {
		ind := survey.Indicator{Code: code}
		if o, ok := order[code]; ok {
			ind.ReportOrder = &o
		}
		doc.Indicators = append(doc.Indicators, ind)
		results = append(results, scoring.Result{Code: code})
	}
	return exports.AnnualCampaign{Key: key, Questionnaire: doc,
		Scores: exports.NewScoresDocument(scoring.Report{Campaign: key, Indicators: results})}
}

func TestOrder(t *testing.T) {
	tests := []struct {
		name      string
		campaigns []exports.AnnualCampaign
		want      []string // campaign/code
	}{
		{
			name: "natural order across campaigns",
			campaigns: []exports.AnnualCampaign{
				campaign("a", []string{"RES 10.1", "OP 3.1", "RES 1.2"}, nil),
				campaign("b", []string{"RES 2.2.1", "OP 1.4.2"}, nil),
			},
			want: []string{"b/OP 1.4.2", "a/OP 3.1", "a/RES 1.2", "b/RES 2.2.1", "a/RES 10.1"},
		},
		{
			name: "report_order first, on one scale for every questionnaire",
			campaigns: []exports.AnnualCampaign{
				campaign("a", []string{"OP 1", "RES 5", "RES 1"}, map[string]int{"RES 5": 2}),
				campaign("b", []string{"OP 2", "RES 9"}, map[string]int{"RES 9": 1}),
			},
			want: []string{"b/RES 9", "a/RES 5", "a/OP 1", "b/OP 2", "a/RES 1"},
		},
		{
			name: "ties: the code, then the campaign",
			campaigns: []exports.AnnualCampaign{
				campaign("b", []string{"X 1", "X 2"}, map[string]int{"X 1": 3, "X 2": 3}),
				campaign("a", []string{"X 2", "Y 1"}, map[string]int{"X 2": 3}),
			},
			want: []string{"b/X 1", "a/X 2", "b/X 2", "a/Y 1"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, e := range reports.Order(tt.campaigns) {
				c := tt.campaigns[e.Campaign]
				got = append(got, c.Key+"/"+c.Scores.Indicators[e.Indicator].Code)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("order %q\nwant  %q", got, tt.want)
			}
		})
	}
}
