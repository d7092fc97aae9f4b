package scoring

import (
	"fmt"
	"testing"

	"github.com/customs-survey/surveyd/survey"
)

// TestNarratives computes one result per case, for each method with each
// kind of target (none, fixed, the year's milestone, the next milestone,
// only past milestones, the end of the programme; met, not met, equal) and
// each state of the previous year (none, up, down, unchanged, not
// comparable, no value), and checks the target, the change and the words.
func TestNarratives(t *testing.T) {
	one := func(sum float64, n int) []survey.Cell { return []survey.Cell{{Administration: "BE", N: n, Sum: sum}} }
	fixed := func(v float64) *survey.Target { return &survey.Target{Value: &v} }
	milestones := func(m map[string]float64) *survey.Target { return &survey.Target{ByYear: m} }
	end := func(t *survey.Target, year int, v float64) *survey.Target {
		if t == nil {
			t = &survey.Target{}
		}
		t.End = &survey.EndTarget{Year: year, Value: &v}
		return t
	}
	prev := func(v float64) *PreviousInput { return &PreviousInput{Campaign: "c-2022", Year: 2022, Value: &v} }
	incomparable := func(v float64, why string) *PreviousInput {
		p := prev(v)
		p.Incomparable = why
		return p
	}
	noValue := &PreviousInput{Campaign: "c-2022", Year: 2022}

	tests := []struct {
		name     string
		method   string
		year     int // 2023 unless set
		target   *survey.Target
		cells    []survey.Cell
		previous *PreviousInput
		// applies and ends are "kind year value status" of Target and
		// EndTarget, "" for none; change is "<2 decimals or null> <unit>",
		// "" without a previous campaign.
		applies, ends, change string
		narrative             string
	}{
		// mean_score
		{name: "mean_score, no target, no previous", method: survey.MethodMeanScore, cells: one(1987, 28),
			narrative: "The value for 2023 is 70.96%."},
		{name: "mean_score, fixed target met, up", method: survey.MethodMeanScore, target: fixed(70), cells: one(2150, 28), previous: prev(70),
			applies: "target 2023 70 met", change: "6.79 percentage_points",
			narrative: "The value for 2023 is 76.79%, above the target of 70%, and has increased 6.79 percentage points compared to 2022."},
		{name: "mean_score, fixed target not met, down", method: survey.MethodMeanScore, target: fixed(70), cells: one(1575, 28), previous: prev(1625.0 / 27),
			applies: "target 2023 70 not_met", change: "-3.94 percentage_points",
			narrative: "The value for 2023 is 56.25%, below the target of 70%, and has decreased 3.94 percentage points compared to 2022."},
		{name: "mean_score, exactly on the fixed target", method: survey.MethodMeanScore, target: fixed(75), cells: one(150, 2),
			applies: "target 2023 75 met", narrative: "The value for 2023 is 75%, equal to the target of 75%."},
		{name: "mean_score, milestone of the year", method: survey.MethodMeanScore, target: milestones(map[string]float64{"2023": 50, "2024": 60}),
			cells: one(1987, 28), applies: "milestone 2023 50 met", narrative: "The value for 2023 is 70.96%, above the 2023 milestone of 50%."},
		{name: "mean_score, next milestone, up", method: survey.MethodMeanScore, target: milestones(map[string]float64{"2024": 50}),
			cells: one(1987, 28), previous: prev(1887.0 / 28), applies: "milestone 2024 50 met", change: "3.57 percentage_points",
			narrative: "The value for 2023 is 70.96%, above the 2024 milestone of 50%, and has increased 3.57 percentage points compared to 2022."},
		{name: "mean_score, only past milestones", method: survey.MethodMeanScore, target: milestones(map[string]float64{"2022": 40}),
			cells: one(1987, 28), narrative: "The value for 2023 is 70.96%."},
		{name: "mean_score, end target alone, not met", method: survey.MethodMeanScore, target: end(nil, 2027, 90), cells: one(1987, 28),
			ends: "end 2027 90 not_met", narrative: "The value for 2023 is 70.96%. The end-of-programme target is 90% (2027)."},
		{name: "mean_score, next milestone and end target, unchanged", method: survey.MethodMeanScore,
			target: end(milestones(map[string]float64{"2024": 50}), 2027, 90), cells: one(1987, 28), previous: prev(1987.0 / 28),
			applies: "milestone 2024 50 met", ends: "end 2027 90 not_met", change: "0.00 percentage_points",
			narrative: "The value for 2023 is 70.96%, above the 2024 milestone of 50%, and is unchanged compared to 2022. " +
				"The end-of-programme target is 90% (2027)."},
		{name: "mean_score, end target reached early", method: survey.MethodMeanScore, target: end(nil, 2027, 90), cells: one(190, 2),
			ends: "end 2027 90 met", narrative: "The value for 2023 is 95%. The end-of-programme target of 90% (2027) is already reached."},
		{name: "mean_score, end target not met in its year", method: survey.MethodMeanScore, year: 2027, target: end(nil, 2027, 90),
			cells: one(1987, 28), ends: "end 2027 90 not_met",
			narrative: "The value for 2027 is 70.96%. The end-of-programme target of 90% (2027) is not met."},
		{name: "mean_score, a hair below the end target in its year", method: survey.MethodMeanScore, year: 2027, target: end(nil, 2027, 90),
			cells: one(179.992, 2), ends: "end 2027 90 not_met",
			narrative: "The value for 2027 is 89.996%. The end-of-programme target of 90% (2027) is not met."},
		{name: "mean_score, a hair below the end target before its year", method: survey.MethodMeanScore, target: end(nil, 2027, 90),
			cells: one(179.992, 2), ends: "end 2027 90 not_met",
			narrative: "The value for 2023 is 89.996%. The end-of-programme target is 90% (2027)."},
		{name: "mean_score, the year's target met, a hair below the end target", method: survey.MethodMeanScore,
			target: end(fixed(80), 2027, 90), cells: one(179.992, 2), applies: "target 2023 80 met", ends: "end 2027 90 not_met",
			narrative: "The value for 2023 is 89.996%, above the target of 80%. The end-of-programme target is 90% (2027)."},
		{name: "mean_score, not comparable", method: survey.MethodMeanScore, target: fixed(70), cells: one(2150, 28),
			previous: incomparable(70, "the options of question perf changed (scores changed: full)"),
			applies:  "target 2023 70 met", change: "null percentage_points",
			narrative: "The value for 2023 is 76.79%, above the target of 70%. The figures of 2023 and 2022 are not comparable: " +
				"the options of question perf changed (scores changed: full)."},
		{name: "mean_score, previous without a value", method: survey.MethodMeanScore, cells: one(150, 2), previous: noValue,
			change: "null percentage_points", narrative: "The value for 2023 is 75%. There is no 2022 value to compare with."},
		{name: "mean_score, no value", method: survey.MethodMeanScore, target: fixed(70), previous: prev(70),
			applies: "target 2023 70 not_met", change: "null percentage_points",
			narrative: "No value can be computed for 2023: no submitted response gave a usable answer."},

		// share
		{name: "share, no target, up 1 point", method: survey.MethodShare, cells: one(300, 4), previous: prev(74),
			change: "1.00 percentage_points", narrative: "The value for 2023 is 75% and has increased 1 percentage point compared to 2022."},
		{name: "share, fixed target not met, no previous", method: survey.MethodShare, target: fixed(80), cells: one(300, 4),
			applies: "target 2023 80 not_met", narrative: "The value for 2023 is 75%, below the target of 80%."},
		{name: "share, next milestone not met, down", method: survey.MethodShare, target: milestones(map[string]float64{"2025": 80, "2027": 90}),
			cells: one(300, 4), previous: prev(77.5), applies: "milestone 2025 80 not_met", change: "-2.50 percentage_points",
			narrative: "The value for 2023 is 75%, below the 2025 milestone of 80%, and has decreased 2.5 percentage points compared to 2022."},
		{name: "share, on the milestone of the year, unchanged", method: survey.MethodShare, target: milestones(map[string]float64{"2023": 75}),
			cells: one(300, 4), previous: prev(75), applies: "milestone 2023 75 met", change: "0.00 percentage_points",
			narrative: "The value for 2023 is 75%, equal to the 2023 milestone of 75%, and is unchanged compared to 2022."},
		{name: "share, end target, not comparable", method: survey.MethodShare, target: end(nil, 2027, 90), cells: one(300, 4),
			previous: incomparable(60, "the counted options changed (added: no)"), ends: "end 2027 90 not_met", change: "null percentage_points",
			narrative: "The value for 2023 is 75%. The figures of 2023 and 2022 are not comparable: the counted options changed (added: no). " +
				"The end-of-programme target is 90% (2027)."},

		// mean_value
		{name: "mean_value, fixed target met, up", method: survey.MethodMeanValue, target: fixed(4), cells: one(117, 28), previous: prev(114.0 / 28),
			applies: "target 2023 4 met", change: "0.11 points",
			narrative: "The value for 2023 is 4.18, above the target of 4, and has increased 0.11 points compared to 2022."},
		{name: "mean_value, a hair below the target", method: survey.MethodMeanValue, target: fixed(4), cells: one(7.99, 2),
			applies: "target 2023 4 not_met", narrative: "The value for 2023 is 3.995, below the target of 4."},
		{name: "mean_value, exactly on the target", method: survey.MethodMeanValue, target: fixed(4), cells: one(8, 2),
			applies: "target 2023 4 met", narrative: "The value for 2023 is 4, equal to the target of 4."},
		{name: "mean_value, no target, down 1 point", method: survey.MethodMeanValue, cells: one(6, 2), previous: prev(4),
			change: "-1.00 points", narrative: "The value for 2023 is 3 and has decreased 1 point compared to 2022."},
		{name: "mean_value, next milestone, unchanged", method: survey.MethodMeanValue, target: milestones(map[string]float64{"2024": 3.5}),
			cells: one(8, 2), previous: prev(4), applies: "milestone 2024 3.5 met", change: "0.00 points",
			narrative: "The value for 2023 is 4, above the 2024 milestone of 3.5, and is unchanged compared to 2022."},
		{name: "mean_value, end target met in its year", method: survey.MethodMeanValue, year: 2027, target: end(nil, 2027, 4),
			cells: one(117, 28), ends: "end 2027 4 met", narrative: "The value for 2027 is 4.18. The end-of-programme target of 4 (2027) is met."},
		{name: "mean_value, not comparable, previous without a value", method: survey.MethodMeanValue, cells: one(117, 28),
			previous:  &PreviousInput{Campaign: "c-2022", Year: 2022, Incomparable: "the range of question rating changed from 1 to 5 to 0 to 10"},
			change:    "null points",
			narrative: "The value for 2023 is 4.18. The figures of 2023 and 2022 are not comparable: the range of question rating changed from 1 to 5 to 0 to 10."},
		{name: "mean_value, fixed target, previous without a value", method: survey.MethodMeanValue, target: fixed(4), cells: one(117, 28),
			previous: noValue, applies: "target 2023 4 met", change: "null points",
			narrative: "The value for 2023 is 4.18, above the target of 4. There is no 2022 value to compare with."},
	}
	definitions := map[string]survey.Indicator{
		survey.MethodMeanScore: {Code: "X", Method: survey.MethodMeanScore, Questions: []string{"perf"}},
		survey.MethodShare:     {Code: "X", Method: survey.MethodShare, Questions: []string{"used"}, Options: []string{"yes"}},
		survey.MethodMeanValue: {Code: "X", Method: survey.MethodMeanValue, Questions: []string{"rating"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ind := definitions[tt.method]
			ind.Target = tt.target
			year := tt.year
			if year == 0 {
				year = 2023
			}
			r := Compute(Input{Indicator: ind, Document: doc(), Year: year, Cells: tt.cells, Previous: tt.previous})
			if got := targetText(r.Target); got != tt.applies {
				t.Errorf("target %q, want %q", got, tt.applies)
			}
			if got := targetText(r.EndTarget); got != tt.ends {
				t.Errorf("end target %q, want %q", got, tt.ends)
			}
			if got := changeText(r.Previous); got != tt.change {
				t.Errorf("change %q, want %q", got, tt.change)
			}
			if r.Narrative != tt.narrative {
				t.Errorf("narrative\n got %q\nwant %q", r.Narrative, tt.narrative)
			}
		})
	}
}

func targetText(t *Target) string {
	if t == nil {
		return ""
	}
	return fmt.Sprintf("%s %d %s %s", t.Kind, t.Year, Format(t.Value), t.Status)
}

func changeText(p *Previous) string {
	switch {
	case p == nil:
		return ""
	case p.Change == nil:
		return "null " + p.ChangeUnit
	}
	return Fixed2(*p.Change) + " " + p.ChangeUnit
}
