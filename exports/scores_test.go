package exports

import (
	"bytes"
	"encoding/csv"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/customs-survey/surveyd/scoring"
	"github.com/customs-survey/surveyd/survey"
)

func ptr[T any](v T) *T { return &v }

// testReport is a hand-built report with every kind of row: rounding
// (1750/26 = 67.3077 → 67.31), an indicator without value, a suppressed
// administration, a negative change, and texts that a spreadsheet would
// take for formulas.
func testReport() scoring.Report {
	return scoring.Report{
		Campaign: "customs-2023", Year: 2023, ComputedAt: time.Date(2024, 3, 1, 9, 30, 0, 0, time.UTC),
		Coverage: scoring.Coverage{AdministrationsInvited: 28, AdministrationsResponded: 26, Missing: []string{"CY", "DK"}, Responses: 41},
		Indicators: []scoring.Result{
			{
				Code: "RES 3.2.1", Title: "Contribution of the EES to operational performance", Method: "mean_score", Unit: "administration",
				Value: ptr(1750.0 / 26), N: 26, Excluded: 2, Missing: 1, CI95: &[2]float64{60.12345, 74.49499},
				Target: &scoring.Target{Value: 70, Kind: scoring.TargetKindTarget, Year: 2023, Status: scoring.TargetNotMet},
				Previous: &scoring.Previous{Campaign: "customs-2022", Year: 2022, Value: ptr(74.2), Change: ptr(1750.0/26 - 74.2),
					ChangeUnit: scoring.ChangePercentagePoints, Comparable: true},
				Breakdown: &scoring.Breakdown{Options: []scoring.Row{
					{Key: "full", Label: "Fully", Value: ptr(100.0 / 3), N: ptr(26), Count: ptr(9)},
					{Key: "dont_know", Label: "Don't know", Value: ptr(0.0), N: ptr(26), Count: ptr(0)},
					{Key: "evil", Label: "+SUM(1)", Value: ptr(200.0 / 3), N: ptr(26), Count: ptr(17)},
				}},
				Narrative: "The value for 2023 is below the target of 70% and has decreased 6.89 percentage points compared to 2022.",
			},
			{
				Code: "OP 1.4.2", Title: "=HYPERLINK(\"http://evil.example\",\"click\")", Method: "mean_value", Unit: "respondent",
				N: 0, Missing: 3, Target: &scoring.Target{Value: 4, Kind: scoring.TargetKindTarget, Year: 2023, Status: scoring.TargetNotMet},
				EndTarget: &scoring.Target{Value: 4.5, Kind: scoring.TargetKindEnd, Year: 2027, Status: scoring.TargetNotMet},
				Previous: &scoring.Previous{Campaign: "customs-2022", Year: 2022, Value: ptr(3.9), ChangeUnit: scoring.ChangePoints,
					Reason: "=the range of question rating changed from 1 to 5 to 0 to 10"},
				Narrative: "@No value can be computed for 2023.",
			},
			{
				Code: "EES overall", Title: "Overall contribution", Method: "share", Unit: "respondent",
				Value: ptr(62.5), N: 8,
				Target: &scoring.Target{Value: 50, Kind: scoring.TargetKindMilestone, Year: 2024, Status: scoring.TargetMet},
				Breakdown: &scoring.Breakdown{
					Questions: []scoring.Row{{Key: "ees_perf", Label: "-To what extent?", Value: ptr(62.5), N: ptr(8), Excluded: ptr(0), Missing: ptr(0)}},
					Administrations: []scoring.Row{
						{Key: "BE", Label: "BE", N: ptr(3), Excluded: ptr(0), Missing: ptr(0), Suppressed: true},
						{Key: "FR", Label: "FR", Value: ptr(4.005), N: ptr(5), Excluded: ptr(1), Missing: ptr(0)},
					},
				},
				Narrative: "The value for 2023 is 62.5%.",
			},
		},
	}
}

// exportWant is the expected content of one exported row, by column.
type exportWant map[string]string

// exportWants are the rows of testReport, keyed by code and level.
var exportWants = []struct {
	code, level string
	want        exportWant
}{
	{"RES 3.2.1", "Total", exportWant{
		"campaign": "customs-2023", "year": "2023", "title": "Contribution of the EES to operational performance",
		"method": "mean_score", "unit": "administration", "value": "67.31", "n": "26", "count": "", "excluded": "2",
		"missing": "1", "ci95_low": "60.12", "ci95_high": "74.49", "target": "70.00", "target_kind": "target",
		"target_year": "2023", "target_status": "not_met", "end_target": "", "end_target_year": "", "end_target_status": "",
		"previous_value": "74.20", "change": "-6.89", "change_unit": "percentage_points", "comparable": "true",
		"not_comparable_reason": "", "suppressed": "false",
		"narrative": "The value for 2023 is below the target of 70% and has decreased 6.89 percentage points compared to 2022."}},
	{"RES 3.2.1", "Option: Fully", exportWant{"value": "33.33", "n": "26", "count": "9", "excluded": "", "ci95_low": "",
		"target": "", "target_kind": "", "target_year": "", "previous_value": "", "change": "", "change_unit": "",
		"comparable": "", "narrative": ""}},
	{"RES 3.2.1", "Option: Don't know", exportWant{"value": "0.00", "count": "0"}},
	{"RES 3.2.1", "Option: +SUM(1)", exportWant{"value": "66.67", "count": "17"}},
	{"OP 1.4.2", "Total", exportWant{"title": "'=HYPERLINK(\"http://evil.example\",\"click\")", "value": "", "n": "0",
		"missing": "3", "ci95_low": "", "ci95_high": "", "target": "4.00", "target_status": "not_met", "end_target": "4.50",
		"end_target_year": "2027", "end_target_status": "not_met", "previous_value": "3.90", "change": "",
		"change_unit": "points", "comparable": "false",
		"not_comparable_reason": "'=the range of question rating changed from 1 to 5 to 0 to 10",
		"narrative":             "'@No value can be computed for 2023."}},
	{"EES overall", "Total", exportWant{"value": "62.50", "n": "8", "target": "50.00", "target_kind": "milestone",
		"target_year": "2024", "target_status": "met", "end_target": "", "previous_value": "", "change": "", "change_unit": "",
		"comparable": ""}},
	{"EES overall", "Question: -To what extent?", exportWant{"value": "62.50", "excluded": "0", "missing": "0"}},
	{"EES overall", "Administration: BE", exportWant{"value": "", "n": "3", "suppressed": "true"}},
	{"EES overall", "Administration: FR", exportWant{"value": "4.01", "n": "5", "excluded": "1", "suppressed": "false"}},
}

func TestWriteScoresCSV(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteScoresCSV(&buf, testReport()); err != nil {
		t.Fatal(err)
	}
	records, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatalf("not CSV: %v\n%s", err, buf.String())
	}
	if !slices.Equal(records[0], scoreHeader(scoreColumns)) {
		t.Fatalf("header %v", records[0])
	}
	if got, want := len(records)-1, len(exportWants); got != want {
		t.Fatalf("%d rows, want %d: one per indicator and breakdown row", got, want)
	}
	for i, tt := range exportWants {
		t.Run(tt.code+"/"+tt.level, func(t *testing.T) {
			row := map[string]string{}
			for j, col := range scoreHeader(scoreColumns) {
				row[col] = records[i+1][j]
			}
			if row["code"] != tt.code || row["level"] != tt.level {
				t.Fatalf("row %d is %s / %s, want %s / %s", i+1, row["code"], row["level"], tt.code, tt.level)
			}
			for col, want := range tt.want {
				if row[col] != want {
					t.Errorf("%s = %q, want %q", col, row[col], want)
				}
			}
		})
	}
}

func TestWriteScoresCSVNeutralisesEveryTextCell(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteScoresCSV(&buf, testReport()); err != nil {
		t.Fatal(err)
	}
	records, _ := csv.NewReader(&buf).ReadAll()
	numeric := map[string]bool{"change": true} // a number may be negative
	for _, rec := range records[1:] {
		for j, v := range rec {
			if v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) && !numeric[scoreHeader(scoreColumns)[j]] {
				t.Errorf("column %s starts a formula: %q", scoreHeader(scoreColumns)[j], v)
			}
		}
	}
}

func openXLSX(t *testing.T, r scoring.Report) *excelize.File {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteScoresXLSX(&buf, r); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatalf("not a workbook: %v", err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func TestWriteScoresXLSXSheets(t *testing.T) {
	f := openXLSX(t, testReport())
	if got, want := f.GetSheetList(), []string{SheetAnnex, SheetBreakdowns, SheetCoverage}; !slices.Equal(got, want) {
		t.Fatalf("sheets %v, want %v", got, want)
	}
}

func TestWriteScoresXLSXAnnex(t *testing.T) {
	f := openXLSX(t, testReport())
	sheet := SheetAnnex
	tests := []struct {
		cell      string
		formatted string // as a spreadsheet shows it
		raw       string // the stored value
		numeric   bool
	}{
		{"A1", "Indicator", "Indicator", false},
		{"B1", "Level of disaggregation", "Level of disaggregation", false},
		{"C1", "2023 data", "2023 data", false},
		{"D1", "2023 data narrative", "2023 data narrative", false},
		// RES 3.2.1: its total, then three options; indicator and
		// narrative merged over the block.
		{"A2", "RES 3.2.1: Contribution of the EES to operational performance", "", false},
		{"B2", "Total", "Total", false},
		{"C2", "67.31%", "67.31", true},
		{"D2", "The value for 2023 is below the target of 70% and has decreased 6.89 percentage points compared to 2022.", "", false},
		{"B3", "Option: Fully", "Option: Fully", false},
		{"C3", "33.33%", "33.33", true},
		{"A3", "RES 3.2.1: Contribution of the EES to operational performance", "", false}, // merged with A2
		{"B5", "Option: +SUM(1)", "Option: +SUM(1)", false},
		// OP 1.4.2: no breakdown, no value.
		{"A6", "OP 1.4.2: =HYPERLINK(\"http://evil.example\",\"click\")", "", false},
		{"B6", "N.A.", "N.A.", false},
		{"C6", "", "", false},
		{"D6", "'@No value can be computed for 2023.", "'@No value can be computed for 2023.", false},
		// EES overall: a share, its question and administrations.
		{"C7", "62.50%", "62.5", true},
		{"B8", "Question: -To what extent?", "", false},
		{"B9", "Administration: BE", "", false},
		{"C9", "suppressed", "suppressed", false},
		{"C10", "4.01%", "4.01", true},
	}
	for _, tt := range tests {
		t.Run(tt.cell, func(t *testing.T) {
			got, err := f.GetCellValue(sheet, tt.cell)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.formatted {
				t.Errorf("shows %q, want %q", got, tt.formatted)
			}
			if tt.raw != "" {
				raw, _ := f.GetCellValue(sheet, tt.cell, excelize.Options{RawCellValue: true})
				if raw != tt.raw {
					t.Errorf("holds %q, want %q", raw, tt.raw)
				}
			}
			typ, _ := f.GetCellType(sheet, tt.cell)
			isNumber := typ == excelize.CellTypeNumber || (typ == excelize.CellTypeUnset && got != "")
			if isNumber != tt.numeric {
				t.Errorf("cell type %v, numeric %v, want numeric %v", typ, isNumber, tt.numeric)
			}
			if formula, _ := f.GetCellFormula(sheet, tt.cell); formula != "" {
				t.Errorf("has formula %q", formula)
			}
		})
	}
	merged, err := f.GetMergeCells(sheet)
	if err != nil {
		t.Fatal(err)
	}
	var ranges []string
	for _, m := range merged {
		ranges = append(ranges, m.GetStartAxis()+":"+m.GetEndAxis())
	}
	slices.Sort(ranges)
	if want := []string{"A2:A5", "A7:A10", "D2:D5", "D7:D10"}; !slices.Equal(ranges, want) {
		t.Errorf("merged %v, want %v", ranges, want)
	}
	// Mean values keep format 0.00 without "%".
	r := testReport()
	r.Indicators[1].Value = ptr(4.17857)
	if got, _ := openXLSX(t, r).GetCellValue(sheet, "C6"); got != "4.18" {
		t.Errorf("mean_value shows %q, want 4.18", got)
	}
}

func TestWriteScoresXLSXBreakdownsMatchCSV(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteScoresCSV(&buf, testReport()); err != nil {
		t.Fatal(err)
	}
	records, _ := csv.NewReader(&buf).ReadAll()
	rows, err := openXLSX(t, testReport()).GetRows(SheetBreakdowns)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(records) {
		t.Fatalf("%d rows, CSV has %d", len(rows), len(records))
	}
	for i, rec := range records {
		for j, want := range rec {
			got := ""
			if j < len(rows[i]) {
				got = rows[i][j]
			}
			if slices.Contains([]string{"suppressed", "final", "comparable"}, scoreHeader(scoreColumns)[j]) && i > 0 {
				got = strings.ToLower(got) // a boolean cell shows TRUE or FALSE
			}
			if got != want {
				t.Errorf("row %d %s: %q, CSV has %q", i+1, scoreHeader(scoreColumns)[j], got, want)
			}
		}
	}
	f := openXLSX(t, testReport())
	if typ, _ := f.GetCellType(SheetBreakdowns, "H2"); typ != excelize.CellTypeUnset && typ != excelize.CellTypeNumber {
		t.Errorf("value cell is of type %v, want a number", typ)
	}
	if raw, _ := f.GetCellValue(SheetBreakdowns, "H2", excelize.Options{RawCellValue: true}); raw != "67.31" {
		t.Errorf("value cell holds %q, want 67.31", raw)
	}
	if formula, _ := f.GetCellFormula(SheetBreakdowns, "D6"); formula != "" {
		t.Errorf("the title became formula %q", formula)
	}
}

// TestScoresSayWhetherFinal: the Coverage sheet, every row of the CSV and
// the JSON document say whether the figures are final, when they last
// were, and when the campaign was reopened.
func TestScoresSayWhetherFinal(t *testing.T) {
	closed, reopened := time.Date(2024, 2, 1, 12, 0, 0, 0, time.UTC), time.Date(2024, 2, 10, 8, 0, 0, 0, time.UTC)
	final := testReport()
	final.Status, final.LastClosedAt = survey.StatusClosed, &closed
	again := final
	again.Status, again.ReopenedAt = survey.StatusOpen, &reopened
	for _, c := range []struct {
		name   string
		report scoring.Report
		final  map[string]string // the rows that say whether the figures are final
	}{
		{"never closed", testReport(), map[string]string{"final": "false", "last_closed_at": "", "reopened_at": ""}},
		{"closed", final, map[string]string{"final": "true", "last_closed_at": "2024-02-01T12:00:00Z", "reopened_at": ""}},
		{"reopened", again, map[string]string{"final": "false", "last_closed_at": "2024-02-01T12:00:00Z", "reopened_at": "2024-02-10T08:00:00Z"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := coverageOf(t, openXLSX(t, c.report))
			want := map[string]string{"campaign": "customs-2023", "year": "2023", "administrations_invited": "28",
				"administrations_responded": "26", "missing": "CY, DK", "responses": "41", "computed_at": "2024-03-01T09:30:00Z"}
			maps.Copy(want, c.final)
			for k, v := range want {
				if value, ok := got[k]; !ok || value != v {
					t.Errorf("%s = %q, want %q", k, got[k], v)
				}
			}
			// The CSV (and the Breakdowns sheet, the same table) says it on
			// every row.
			var buf bytes.Buffer
			if err := WriteScoresCSV(&buf, c.report); err != nil {
				t.Fatal(err)
			}
			records, err := csv.NewReader(&buf).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			named := 0
			for _, col := range records[0] {
				if _, ok := c.final[col]; ok {
					named++
				}
			}
			if named != len(c.final) {
				t.Errorf("the CSV header %q lacks some of %v", records[0], c.final)
			}
			for i, rec := range records[1:] {
				for j, col := range records[0] {
					want, ok := c.final[col]
					if !ok || rec[j] == want {
						continue
					}
					// Times as in every CSV of the service: RFC 3339, UTC,
					// 6 fractional digits.
					got, err1 := time.Parse(time.RFC3339Nano, rec[j])
					at, err2 := time.Parse(time.RFC3339, want)
					if err1 != nil || err2 != nil || !got.Equal(at) || !strings.HasSuffix(rec[j], ".000000Z") {
						t.Errorf("CSV row %d: %s = %q, want %q", i+1, col, rec[j], want)
					}
				}
			}
			doc := NewScoresDocument(c.report)
			if doc.Final != (c.final["final"] == "true") || (doc.LastClosedAt != nil) != (c.final["last_closed_at"] != "") ||
				(doc.ReopenedAt != nil) != (c.final["reopened_at"] != "") {
				t.Errorf("JSON document: final %v, last closed %v, reopened %v", doc.Final, doc.LastClosedAt, doc.ReopenedAt)
			}
		})
	}
}
