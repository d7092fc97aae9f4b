package scoring

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/customs-survey/surveyd/survey"
)

// doc is a small questionnaire: a scored five-point question with a "don't
// know", a yes/no question, a multi-choice and a 1–5 rating.
func doc() *survey.Document {
	score := func(v float64) survey.Score { return survey.Score{Set: true, Value: &v} }
	null := survey.Score{Set: true}
	lo, hi := 1.0, 5.0
	opt := func(key string, s survey.Score) survey.Option {
		return survey.Option{Key: key, Label: survey.Text{"en": "Label " + key}, Score: s}
	}
	return &survey.Document{
		Key: "d", DefaultLanguage: "en", Title: survey.Text{"en": "D"},
		Sections: []survey.Section{{Key: "s", Title: survey.Text{"en": "S"}, Questions: []survey.Question{
			{Key: "perf", Type: survey.TypeSingleChoice, Text: survey.Text{"en": "Performance?"}, Options: []survey.Option{
				opt("none", score(0)), opt("little", score(25)), opt("moderate", score(50)), opt("large", score(75)),
				opt("full", score(100)), opt("dont_know", null)}},
			{Key: "innov", Type: survey.TypeSingleChoice, Text: survey.Text{"en": "Innovation?"}, Options: []survey.Option{
				opt("none", score(0)), opt("full", score(100)), opt("dont_know", null)}},
			{Key: "used", Type: survey.TypeSingleChoice, Text: survey.Text{"en": "Used?"}, Options: []survey.Option{
				opt("yes", survey.Score{}), opt("no", survey.Score{})}},
			{Key: "rating", Type: survey.TypeNumber, Min: &lo, Max: &hi, Text: survey.Text{"en": "Rating?"}},
		}}},
	}
}

func f(v float64) *float64 { return &v }

// near compares to 1e-9, the precision the black-box check asks for.
func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func TestComputeMethodsAndUnits(t *testing.T) {
	// perf: BE answered 75 and 75, FR 25; one BE response said "don't
	// know" (excluded) and one FR response skipped it (missing).
	perfCells := []survey.Cell{
		{Administration: "BE", N: 2, Sum: 150, Deviations: 0, Excluded: 1},
		{Administration: "FR", N: 1, Sum: 25, Deviations: 0, Missing: 1},
	}
	tests := []struct {
		name       string
		ind        survey.Indicator
		cells      []survey.Cell
		value      *float64
		n, ex, mis int
		ci         *[2]float64
	}{
		{
			name: "mean_score over respondents: (75+75+25)/3", cells: perfCells,
			ind:   survey.Indicator{Code: "A", Method: survey.MethodMeanScore, Questions: []string{"perf"}},
			value: f(175.0 / 3), n: 3, ex: 1, mis: 1,
			// s = 28.8675; 58.33 ± 1.96·s/√3
			ci: &[2]float64{25.666666666666671, 91.0},
		},
		{
			name: "mean_score over administrations: BE 75, FR 25", cells: perfCells,
			ind:   survey.Indicator{Code: "A", Method: survey.MethodMeanScore, Questions: []string{"perf"}, Unit: survey.UnitAdministration},
			value: f(50), n: 2, ex: 1, mis: 1,
			// s = 35.3553; 50 ± 1.96·s/√2 = 50 ± 49
			ci: &[2]float64{1, 99},
		},
		{
			name:  "share over respondents: 3 of 4 said yes, Wilson interval",
			ind:   survey.Indicator{Code: "B", Method: survey.MethodShare, Questions: []string{"used"}, Options: []string{"yes"}},
			cells: []survey.Cell{{Administration: "BE", N: 3, Sum: 200, Deviations: 20000 - 200.0*200/3}, {Administration: "FR", N: 1, Sum: 100}},
			value: f(75), n: 4,
			ci: &[2]float64{30.06360524426366, 95.44139373553637},
		},
		{
			name:  "share over administrations: BE 2/3, FR 1/1, normal interval",
			ind:   survey.Indicator{Code: "B", Method: survey.MethodShare, Questions: []string{"used"}, Options: []string{"yes"}, Unit: survey.UnitAdministration},
			cells: []survey.Cell{{Administration: "BE", N: 3, Sum: 200, Deviations: 20000 - 200.0*200/3}, {Administration: "FR", N: 1, Sum: 100}},
			value: f((200.0/3 + 100) / 2), n: 2,
			// values 66.67 and 100: s = 23.5702, half = 1.96·s/√2 = 32.6667, clipped at 100
			ci: &[2]float64{50.666666666666664, 100},
		},
		{
			name:  "mean_value on its own scale, clipped to 1–5: 5, 5, 5, 4",
			ind:   survey.Indicator{Code: "C", Method: survey.MethodMeanValue, Questions: []string{"rating"}},
			cells: []survey.Cell{{Administration: "BE", N: 4, Sum: 19, Deviations: 3*0.25*0.25 + 0.75*0.75}},
			value: f(4.75), n: 4,
			ci: &[2]float64{4.26, 5},
		},
		{
			name:  "empty campaign",
			ind:   survey.Indicator{Code: "D", Method: survey.MethodMeanScore, Questions: []string{"perf"}},
			cells: nil,
		},
		{
			name:  "everyone said don't know",
			ind:   survey.Indicator{Code: "E", Method: survey.MethodMeanScore, Questions: []string{"perf"}},
			cells: []survey.Cell{{Administration: "BE", Excluded: 3}, {Administration: "FR", Excluded: 2}},
			ex:    5,
		},
		{
			name:  "a single administration: no interval",
			ind:   survey.Indicator{Code: "F", Method: survey.MethodMeanScore, Questions: []string{"perf"}, Unit: survey.UnitAdministration},
			cells: []survey.Cell{{Administration: "BE", N: 3, Sum: 150, Deviations: 2*25*25 + 50*50}},
			value: f(50), n: 1,
		},
		{
			name:  "all equal: a zero-width interval",
			ind:   survey.Indicator{Code: "G", Method: survey.MethodMeanScore, Questions: []string{"perf"}},
			cells: []survey.Cell{{Administration: "BE", N: 3, Sum: 225}},
			value: f(75), n: 3, ci: &[2]float64{75, 75},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Compute(Input{Indicator: tt.ind, Document: doc(), Language: "en", Year: 2023, Cells: tt.cells, MinCellSize: 5})
			if (r.Value == nil) != (tt.value == nil) || (r.Value != nil && !near(*r.Value, *tt.value)) {
				t.Errorf("value %v, want %v", deref(r.Value), deref(tt.value))
			}
			if r.N != tt.n || r.Excluded != tt.ex || r.Missing != tt.mis {
				t.Errorf("n/excluded/missing %d/%d/%d, want %d/%d/%d", r.N, r.Excluded, r.Missing, tt.n, tt.ex, tt.mis)
			}
			if (r.CI95 == nil) != (tt.ci == nil) || (r.CI95 != nil && (!near(r.CI95[0], tt.ci[0]) || !near(r.CI95[1], tt.ci[1]))) {
				t.Errorf("ci95 %v, want %v", r.CI95, tt.ci)
			}
		})
	}
}

func deref(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}

func TestOptionsBreakdown(t *testing.T) {
	ind := survey.Indicator{Code: "O", Method: survey.MethodMeanScore, Questions: []string{"perf"}, Breakdown: []string{"options"}}
	options := []survey.OptionCell{
		{Administration: "BE", Option: "large", Count: 3}, {Administration: "BE", Option: "dont_know", Count: 1},
		{Administration: "FR", Option: "none", Count: 1},
	}
	answering := map[string]int{"BE": 4, "FR": 1}
	tests := []struct {
		unit string
		want map[string]float64 // every option, zeros included
	}{
		// 5 answering responses: large 3, dont_know 1, none 1.
		{survey.UnitRespondent, map[string]float64{"none": 20, "little": 0, "moderate": 0, "large": 60, "full": 0, "dont_know": 20}},
		// BE: large 75%, dont_know 25%; FR: none 100%; averaged.
		{survey.UnitAdministration, map[string]float64{"none": 50, "little": 0, "moderate": 0, "large": 37.5, "full": 0, "dont_know": 12.5}},
	}
	for _, tt := range tests {
		t.Run(tt.unit, func(t *testing.T) {
			ind.Unit = tt.unit
			r := Compute(Input{Indicator: ind, Document: doc(), Year: 2023, Options: options, Answering: answering})
			rows := r.Breakdown.Options
			keys := []string{"none", "little", "moderate", "large", "full", "dont_know"}
			if len(rows) != len(keys) {
				t.Fatalf("%d rows, want %d", len(rows), len(keys))
			}
			total := 0.0
			for i, row := range rows {
				if row.Key != keys[i] || row.Value == nil || !near(*row.Value, tt.want[row.Key]) {
					t.Errorf("row %d: %s = %v, want %s = %v", i, row.Key, deref(row.Value), keys[i], tt.want[keys[i]])
				}
				total += *row.Value
			}
			if !near(total, 100) {
				t.Errorf("shares add up to %v", total)
			}
			if *rows[3].Count != 3 || rows[3].Label != "Label large" {
				t.Errorf("large: %+v", rows[3])
			}
		})
	}
}

func TestQuestionsAndAdministrationsBreakdowns(t *testing.T) {
	ind := survey.Indicator{Code: "Q", Method: survey.MethodMeanScore, Questions: []string{"perf", "innov"},
		Breakdown: []string{"questions", "administrations"}}
	in := Input{
		Indicator: ind, Document: doc(), Year: 2023, MinCellSize: 5,
		Cells: []survey.Cell{
			{Administration: "FR", N: 5, Sum: 250}, // at the threshold, but the smallest other cell: hidden too
			{Administration: "DE", N: 6, Sum: 450}, // shown
			{Administration: "BE", N: 4, Sum: 300}, // below: suppressed
		},
		QuestionCells: map[string][]survey.Cell{
			"perf":  {{Administration: "BE", N: 4, Sum: 300}, {Administration: "FR", N: 4, Sum: 200, Excluded: 1}},
			"innov": {{Administration: "BE", N: 2, Sum: 200, Missing: 2}},
		},
	}
	r := Compute(in)
	q := r.Breakdown.Questions
	if len(q) != 2 || q[0].Key != "perf" || !near(*q[0].Value, 62.5) || *q[0].N != 8 || *q[0].Excluded != 1 ||
		q[1].Key != "innov" || !near(*q[1].Value, 100) || *q[1].N != 2 || *q[1].Missing != 2 || q[0].Label != "Performance?" {
		t.Errorf("questions breakdown: %+v", q)
	}
	a := r.Breakdown.Administrations
	// BE (4) is below 5; alone it could be worked out from the total and
	// the other cells, so FR, the smallest other, goes too (4 + 5 ≥ 5).
	if len(a) != 3 || a[0].Key != "BE" || !a[0].Suppressed || a[0].Value != nil || a[0].N != nil || a[0].Excluded != nil ||
		a[1].Key != "DE" || a[1].Suppressed || !near(*a[1].Value, 75) ||
		a[2].Key != "FR" || !a[2].Suppressed || a[2].Value != nil {
		t.Errorf("administrations breakdown: %+v", a)
	}
}

// TestProperties checks, on many random campaigns, what must always hold:
// option shares add up to 100, n + excluded + missing is the number of
// responses (unit respondent), and the interval contains the value.
func TestProperties(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	scores := []float64{0, 25, 50, 75, 100}
	for i := range 500 {
		var cells []survey.Cell
		var options []survey.OptionCell
		answering := map[string]int{}
		responses := 0
		var all []float64 // every respondent value, to check the pooling
		for _, adm := range []string{"AT", "BE", "FR"}[:1+rng.IntN(3)] {
			c := survey.Cell{Administration: adm}
			var values []float64
			for range rng.IntN(8) {
				responses++
				switch k := rng.IntN(7); {
				case k < 5:
					c.N++
					c.Sum += scores[k]
					values = append(values, scores[k])
					options = append(options, survey.OptionCell{Administration: adm, Option: []string{"none", "little", "moderate", "large", "full"}[k], Count: 1})
					answering[adm]++
				case k == 5:
					c.Excluded++
					options = append(options, survey.OptionCell{Administration: adm, Option: "dont_know", Count: 1})
					answering[adm]++
				default:
					c.Missing++
				}
			}
			for _, v := range values {
				d := v - c.Sum/float64(c.N)
				c.Deviations += d * d
			}
			all = append(all, values...)
			cells = append(cells, c)
		}
		// Pooling the cells' centred sums gives the standard deviation of
		// all the values taken together.
		if mean, sd := meanSD(all); len(all) > 1 {
			st := summarise(cells, survey.UnitRespondent)
			if !near(st.mean, mean) || math.Abs(st.sd-sd) > 1e-9 {
				t.Fatalf("case %d: pooled mean/sd %v/%v, direct %v/%v", i, st.mean, st.sd, mean, sd)
			}
		}
		for _, unit := range []string{survey.UnitRespondent, survey.UnitAdministration} {
			ind := survey.Indicator{Code: "P", Method: survey.MethodMeanScore, Questions: []string{"perf"}, Unit: unit, Breakdown: []string{"options"}}
			r := Compute(Input{Indicator: ind, Document: doc(), Year: 2023, Cells: cells, Options: options, Answering: answering})
			if unit == survey.UnitRespondent && r.N+r.Excluded+r.Missing != responses {
				t.Fatalf("case %d: n+excluded+missing = %d, want %d", i, r.N+r.Excluded+r.Missing, responses)
			}
			if r.CI95 != nil && (*r.Value < r.CI95[0]-1e-9 || *r.Value > r.CI95[1]+1e-9 || r.CI95[0] < 0 || r.CI95[1] > 100) {
				t.Fatalf("case %d %s: value %v outside ci %v", i, unit, *r.Value, r.CI95)
			}
			total, any := 0.0, false
			for _, row := range r.Breakdown.Options {
				if row.Value != nil {
					total += *row.Value
					any = true
				}
			}
			if any && !near(total, 100) {
				t.Fatalf("case %d %s: option shares add up to %v", i, unit, total)
			}
		}
		// Shares: the Wilson interval contains the value too.
		ind := survey.Indicator{Code: "S", Method: survey.MethodShare, Questions: []string{"used"}, Options: []string{"yes"}}
		yes := 0
		n := 1 + rng.IntN(40)
		for range n {
			if rng.IntN(3) > 0 {
				yes++
			}
		}
		r := Compute(Input{Indicator: ind, Document: doc(), Year: 2023,
			Cells: []survey.Cell{{Administration: "BE", N: n, Sum: 100 * float64(yes), Deviations: 10000 * float64(yes) * float64(n-yes) / float64(n)}}})
		if r.CI95 != nil && (*r.Value < r.CI95[0]-1e-9 || *r.Value > r.CI95[1]+1e-9) {
			t.Fatalf("case %d: share %v outside Wilson interval %v", i, *r.Value, r.CI95)
		}
	}
}

func TestSuppressedCells(t *testing.T) {
	cell := func(adm string, n int) survey.Cell { return survey.Cell{Administration: adm, N: n} }
	tests := []struct {
		name  string
		cells []survey.Cell
		want  []string
	}{
		{"all large enough", []survey.Cell{cell("AT", 5), cell("BE", 9)}, nil},
		{"one small: the smallest other goes too", []survey.Cell{cell("AT", 3), cell("BE", 9), cell("FR", 6)}, []string{"AT", "FR"}},
		{"two small ones hide each other", []survey.Cell{cell("AT", 3), cell("BE", 2), cell("FR", 6)}, []string{"AT", "BE"}},
		{"a cell of don't-knows only", []survey.Cell{cell("AT", 0), cell("BE", 7), cell("FR", 8)}, []string{"AT", "BE"}},
		{"ties go by code", []survey.Cell{cell("FR", 1), cell("DE", 6), cell("BE", 6)}, []string{"BE", "FR"}},
		{"everything small", []survey.Cell{cell("AT", 1), cell("BE", 1)}, []string{"AT", "BE"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hidden := suppressedCells(tt.cells, 5)
			var got []string
			for i, c := range tt.cells {
				if hidden[i] {
					got = append(got, c.Administration)
				}
			}
			slices.Sort(got)
			if !slices.Equal(got, tt.want) {
				t.Errorf("hidden %v, want %v", got, tt.want)
			}
		})
	}
}

// TestEmptyBreakdowns: with no submission, every breakdown the indicator
// asks for is still there, in the indicator's order, and no other: the
// administrations breakdown without rows, the options and questions
// breakdowns with a row per option or question that has no value and n 0,
// so that a reader finds every kind it asked for without special cases.
func TestEmptyBreakdowns(t *testing.T) {
	tests := []struct {
		name      string
		questions []string
		kinds     []string
		rows      map[string]int // rows of each kind; none of a kind not listed
	}{
		{"administrations and options", []string{"perf"}, []string{"administrations", "options"},
			map[string]int{"options": 6}},
		{"options and administrations", []string{"perf"}, []string{"options", "administrations"},
			map[string]int{"options": 6}},
		{"questions", []string{"perf", "innov"}, []string{"questions"}, map[string]int{"questions": 2}},
		{"every kind", []string{"perf"}, []string{"questions", "administrations", "options"},
			map[string]int{"questions": 1, "options": 6}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ind := survey.Indicator{Code: "E", Method: survey.MethodMeanScore, Questions: tt.questions, Breakdown: tt.kinds}
			r := Compute(Input{Indicator: ind, Document: doc(), Year: 2023, MinCellSize: 5})
			if r.Breakdown == nil {
				t.Fatal("no breakdown")
			}
			if got := r.Breakdown.Kinds(); !slices.Equal(got, tt.kinds) {
				t.Errorf("kinds %v, want %v", got, tt.kinds)
			}
			for _, kind := range []string{"options", "questions", "administrations"} {
				rows := r.Breakdown.Rows(kind)
				if len(rows) != tt.rows[kind] {
					t.Errorf("%s: %d rows, want %d", kind, len(rows), tt.rows[kind])
				}
				for _, row := range rows {
					if row.Value != nil || row.N == nil || *row.N != 0 || row.Suppressed {
						t.Errorf("%s %s: value %v, n %v, suppressed %v; want no value, n 0", kind, row.Key, row.Value, row.N, row.Suppressed)
					}
					if kind == "options" && (row.Count == nil || *row.Count != 0) {
						t.Errorf("options %s: count %v, want 0", row.Key, row.Count)
					}
				}
			}
		})
	}
}
