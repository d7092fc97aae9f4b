package exports

import (
	"bytes"
	"encoding/csv"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/customs-survey/surveyd/scoring"
	"github.com/customs-survey/surveyd/survey"
)

// TestScoresExportsHoldFiniteNumbers exports what scoring.Compute makes of
// cells that only data stored before the number range was enforced could
// give (numbers beyond it, and sums that are not finite; the cases of
// scoring.TestComputeNeverEmitsNonFinite) and checks that no cell of the
// CSV or of any sheet of the workbook holds an infinity or a NaN.
func TestScoresExportsHoldFiniteNumbers(t *testing.T) {
	lo, hi, four := 1.0, 5.0, 4.0
	doc := &survey.Document{Key: "d", DefaultLanguage: "en", Title: survey.Text{"en": "D"},
		Sections: []survey.Section{{Key: "s", Title: survey.Text{"en": "S"}, Questions: []survey.Question{
			{Key: "rating", Type: survey.TypeNumber, Min: &lo, Max: &hi, Text: survey.Text{"en": "Rating?"}}}}}}
	rating := survey.Indicator{Code: "R", Method: survey.MethodMeanValue, Questions: []string{"rating"},
		Breakdown: []string{"questions", "administrations"}, Target: &survey.Target{Value: &four}}
	tests := []struct {
		name     string
		unit     string
		cells    []survey.Cell
		previous float64
	}{
		{"numbers beyond the range", "", []survey.Cell{
			{Administration: "BE", N: 1, Sum: 3, Excluded: 2, OutOfRange: 2},
			{Administration: "FR", N: 2, Sum: 8, Deviations: 0.5}}, 4},
		{"one number beyond the range, by administration", survey.UnitAdministration, []survey.Cell{
			{Administration: "BE", N: 5, Sum: 20, Excluded: 1, OutOfRange: 1}}, math.NaN()},
		{"an infinite sum", "", []survey.Cell{
			{Administration: "BE", N: 2, Sum: math.Inf(1), Deviations: 0},
			{Administration: "FR", N: 2, Sum: 8, Deviations: 0.5}}, 4},
		{"a NaN sum of squares", "", []survey.Cell{
			{Administration: "BE", N: 2, Sum: 6, Deviations: math.NaN()}}, math.NaN()},
		{"an infinite sum by administration", survey.UnitAdministration, []survey.Cell{
			{Administration: "BE", N: 6, Sum: math.Inf(-1)}, {Administration: "FR", N: 6, Sum: 30}}, math.NaN()},
		{"an infinite previous value", "", []survey.Cell{
			{Administration: "BE", N: 6, Sum: 24, Deviations: 1}}, math.Inf(1)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ind := rating
			ind.Unit = tt.unit
			in := scoring.Input{Indicator: ind, Document: doc, Language: "en", Year: 2024, Cells: tt.cells,
				QuestionCells: map[string][]survey.Cell{"rating": tt.cells}, MinCellSize: 1}
			if !math.IsNaN(tt.previous) {
				in.Previous = &scoring.PreviousInput{Campaign: "c-2023", Year: 2023, Value: &tt.previous}
			}
			report := scoring.Report{Campaign: "c", Year: 2024, Indicators: []scoring.Result{scoring.Compute(in)}}
			var csvBody, xlsxBody bytes.Buffer
			if err := WriteScoresCSV(&csvBody, report); err != nil {
				t.Fatal(err)
			}
			if err := WriteScoresXLSX(&xlsxBody, report); err != nil {
				t.Fatal(err)
			}
			records, err := csv.NewReader(&csvBody).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			book, err := excelize.OpenReader(&xlsxBody)
			if err != nil {
				t.Fatal(err)
			}
			defer book.Close()
			for _, sheet := range book.GetSheetList() {
				rows, _ := book.GetRows(sheet, excelize.Options{RawCellValue: true})
				records = append(records, rows...)
			}
			for _, rec := range records {
				for _, cell := range rec {
					if x, err := strconv.ParseFloat(strings.TrimSpace(cell), 64); err == nil && (math.IsInf(x, 0) || math.IsNaN(x)) {
						t.Errorf("export holds %q", cell)
					}
				}
			}
		})
	}
}
