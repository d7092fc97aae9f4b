package scoring

import (
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/customs-survey/surveyd/survey"
)

// TestComputeNeverEmitsNonFinite feeds Compute cells that only data stored
// before the number range was enforced could give (numbers beyond it, and
// sums that are not finite) and checks that the result has no value, says
// why in its narrative, and holds no number that is not finite anywhere
// (JSON cannot carry one). exports.TestScoresExportsHoldFiniteNumbers checks
// the CSV and XLSX of such results, api.TestScoresAlwaysFinite the JSON.
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
			f(math.Inf(1)), "The value for 2024 is 4, equal to the target of 4."},
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
			for _, bad := range nonFinite("result", reflect.ValueOf(res)) {
				t.Errorf("%s is not finite", bad)
			}
			if tt.narrative[:8] == "No value" && (res.Value != nil || res.CI95 != nil) {
				t.Errorf("value %v, interval %v; want neither", res.Value, res.CI95)
			}
		})
	}
}

// nonFinite lists the paths of the numbers held in v, through pointers,
// structs (unexported fields included), arrays and slices, that are NaN or
// infinite.
func nonFinite(path string, v reflect.Value) []string {
	switch v.Kind() {
	case reflect.Float32, reflect.Float64:
		if f := v.Float(); math.IsNaN(f) || math.IsInf(f, 0) {
			return []string{fmt.Sprintf("%s (%v)", path, f)}
		}
	case reflect.Pointer:
		if !v.IsNil() {
			return nonFinite(path, v.Elem())
		}
	case reflect.Struct:
		var out []string
		for i := range v.NumField() {
			out = append(out, nonFinite(path+"."+v.Type().Field(i).Name, v.Field(i))...)
		}
		return out
	case reflect.Array, reflect.Slice:
		var out []string
		for i := range v.Len() {
			out = append(out, nonFinite(fmt.Sprintf("%s[%d]", path, i), v.Index(i))...)
		}
		return out
	}
	return nil
}
