package scoring

import (
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/customs-survey/surveyd/survey"
)

// TestComputeNeverEmitsNonFinite feeds Compute cells that only data stored
// before the number range was enforced could give (numbers beyond it, and
// sums that are not finite) and checks that the result has no value, says
// why in its narrative, and encodes as JSON (which refuses a number that is
// not finite). exports.TestScoresExportsHoldFiniteNumbers checks the CSV
// and XLSX of such results.
func TestComputeNeverEmitsNonFinite(t *testing.T) {
	rating := survey.Indicator{Code: "R", Method: survey.MethodMeanValue, Questions: []string{"rating"},
		Breakdown: []string{"questions", "administrations"}, Target: &survey.Target{Value: f(4)}}
	tests := []struct {
		name      string
		unit      string
		cells     []survey.Cell
		previous  *float64
		narrative string
	}{
		{"numbers beyond the range", "", []survey.Cell{
			{Administration: "BE", N: 1, Sum: 3, Excluded: 2, OutOfRange: 2},
			{Administration: "FR", N: 2, Sum: 8, Deviations: 0.5}},
			f(4), "No value can be computed for 2024: 2 responses hold a number beyond ±1e15"},
		{"one number beyond the range, by administration", survey.UnitAdministration, []survey.Cell{
			{Administration: "BE", N: 5, Sum: 20, Excluded: 1, OutOfRange: 1}},
			nil, "No value can be computed for 2024: 1 response holds a number beyond ±1e15"},
		{"an infinite sum", "", []survey.Cell{
			{Administration: "BE", N: 2, Sum: math.Inf(1), Deviations: 0},
			{Administration: "FR", N: 2, Sum: 8, Deviations: 0.5}},
			f(4), "No value can be computed for 2024: its figures are not finite numbers."},
		{"a NaN sum of squares", "", []survey.Cell{
			{Administration: "BE", N: 2, Sum: 6, Deviations: math.NaN()}},
			nil, "No value can be computed for 2024: its figures are not finite numbers."},
		{"an infinite sum by administration", survey.UnitAdministration, []survey.Cell{
			{Administration: "BE", N: 6, Sum: math.Inf(-1)}, {Administration: "FR", N: 6, Sum: 30}},
			nil, "No value can be computed for 2024: its figures are not finite numbers."},
		{"an infinite previous value", "", []survey.Cell{
			{Administration: "BE", N: 6, Sum: 24, Deviations: 1}},
			f(math.Inf(1)), "The value for 2024 meets the target of 4."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ind := rating
			ind.Unit = tt.unit
			in := Input{Indicator: ind, Document: doc(), Language: "en", Year: 2024, Cells: tt.cells,
				QuestionCells: map[string][]survey.Cell{"rating": tt.cells}, MinCellSize: 1}
			if tt.previous != nil {
				in.Previous = &PreviousInput{Campaign: "c-2023", Year: 2023, Value: tt.previous}
			}
			res := Compute(in)
			if !strings.HasPrefix(res.Narrative, tt.narrative) {
				t.Errorf("narrative %q, want it to start with %q", res.Narrative, tt.narrative)
			}
			report := Report{Campaign: "c", Year: 2024, Indicators: []Result{res}}
			body, err := json.Marshal(report)
			if err != nil {
				t.Fatalf("the report does not encode as JSON: %v", err)
			}
			if tt.narrative[:8] == "No value" && (res.Value != nil || res.CI95 != nil) {
				t.Errorf("value %v, interval %v; want neither: %s", res.Value, res.CI95, body)
			}
		})
	}
}
