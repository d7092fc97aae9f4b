package exports

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/customs-survey/surveyd/survey"
)

// The questionnaires and scores documents of testAnnual, as the service
// stores them.
const (
	customsQuestionnaire = `{"key": "customs", "default_language": "en", "title": {"en": "Customs"},
  "sections": [{"key": "main", "title": {"en": "Main"}, "questions": [
    {"key": "ees_perf", "type": "single_choice", "text": {"en": "Did the EES improve performance?"}, "options": [
      {"key": "none", "label": {"en": "Not at all"}, "score": 0}, {"key": "half", "label": {"en": "Partly"}, "score": 50},
      {"key": "full", "label": {"en": "Fully"}, "score": 100}, {"key": "dont_know", "label": {"en": "Don't know"}, "score": null}]},
    {"key": "satisfaction", "type": "number", "min": 1, "max": 5, "text": {"en": "How satisfied are you?"}}]}],
  "indicators": [
    {"code": "RES 3.2.1", "method": "mean_score", "questions": ["ees_perf"], "unit": "administration"},
    {"code": "OP 1.4.2", "method": "mean_value", "questions": ["satisfaction"]}]}`
	participantsQuestionnaire = `{"key": "participants", "default_language": "en", "title": {"en": "Participants"},
  "sections": [{"key": "main", "title": {"en": "Main"}, "questions": [
    {"key": "used", "type": "single_choice", "text": {"en": "Did you use outputs?"}, "options": [
      {"key": "yes", "label": {"en": "Yes"}}, {"key": "no", "label": {"en": "No"}}]},
    {"key": "why_not", "type": "multi_choice", "show_if": {"question": "used", "in": ["no"]}, "text": {"en": "Why not?"},
     "options": [{"key": "no_outputs_yet", "label": {"en": "No outputs yet"}}, {"key": "other", "label": {"en": "Other"}}]}]}],
  "indicators": [
    {"code": "RES 1.1 reasons", "method": "share", "questions": ["why_not"], "options": ["no_outputs_yet"],
     "where": {"question": "used", "in": ["no"]}}]}`
	customsScores = `{"campaign": "customs-2023", "year": 2023, "computed_at": "2024-04-02T08:30:00Z",
  "coverage": {"administrations_invited": 30, "administrations_responded": 28, "missing": ["CY", "DK"], "responses": 28},
  "final": true, "last_closed_at": "2024-03-31T17:00:00Z", "reopened_at": null,
  "indicators": [
    {"code": "RES 3.2.1", "title": "Contribution of the EES", "method": "mean_score", "unit": "administration",
     "value": 67.3076923076923, "n": 26, "excluded": 2, "missing": 1, "not_applicable": 0, "ci95": [60.235988546727754, 74.37939606865686],
     "target": {"value": 70, "kind": "milestone", "year": 2024, "status": "not_met"},
     "end_target": {"value": 80, "year": 2027, "status": "not_met"},
     "previous": {"campaign": "customs-2022", "year": 2022, "value": 74.2, "change": -6.8923076923077, "change_unit": "percentage_points", "comparable": true},
     "breakdown": {"options": [{"key": "full", "label": "Fully", "value": 25, "n": 28, "count": 7}],
                   "administrations": [{"key": "AT", "label": "AT", "value": null, "n": null, "suppressed": true},
                                       {"key": "BE", "label": "BE", "value": 62.5, "n": 6, "excluded": 1, "missing": 0, "not_applicable": 2}]},
     "narrative": "The value for 2023 is below the milestone set for 2024 (70%)."},
    {"code": "OP 1.4.2", "title": "User satisfaction", "method": "mean_value", "unit": "respondent",
     "value": 4.178571428571429, "n": 28, "excluded": 0, "missing": 0, "not_applicable": 0, "ci95": [3.9, 4.456],
     "target": {"value": 4, "kind": "target", "year": 2023, "status": "met"},
     "previous": {"campaign": "customs-2022", "year": 2022, "value": 4, "change": 0.178571428571429, "change_unit": "points", "comparable": true},
     "narrative": "+The value for 2023 meets the target of 4."}]}`
	participantsScores = `{"campaign": "participants-2023", "year": 2023, "computed_at": "2024-04-03T08:00:00Z",
  "coverage": {"administrations_invited": 28, "administrations_responded": 28, "missing": [], "responses": 640},
  "final": true, "last_closed_at": "2024-03-31T17:00:00Z", "reopened_at": null,
  "indicators": [
    {"code": "RES 1.1 reasons", "title": "=SUM(1)", "method": "share", "unit": "respondent",
     "value": 78.41726618705036, "n": 139, "excluded": 0, "missing": 0, "not_applicable": 501,
     "previous": {"campaign": "participants-2022", "year": 2022, "value": 80, "change": null, "change_unit": "percentage_points",
                  "comparable": false, "reason": "its options changed"},
     "narrative": "-78.42% said so."}]}`
)

// testAnnual is a hand-built annual report of two campaigns, the second
// from a frozen run whose figures no longer match, reopened since, with rounding (1750/26 = 67.3077 → 67.31), a
// percentage and a scale, a milestone, an end target, a change in
// percentage points and one in points, a change that is not comparable,
// a suppressed cell, and texts a spreadsheet would take for formulas.
func testAnnual(t *testing.T) AnnualReport {
	t.Helper()
	campaign := func(key, questionnaire, scores string, minCellSize int) AnnualCampaign {
		doc, err := survey.ParseDocument([]byte(questionnaire))
		if err != nil {
			t.Fatal(err)
		}
		c := AnnualCampaign{Key: key, Title: doc.Title["en"], MinCellSize: minCellSize, Questionnaire: doc}
		if err := json.Unmarshal([]byte(scores), &c.Scores); err != nil {
			t.Fatal(err)
		}
		return c
	}
	r := AnnualReport{Year: 2023, Campaigns: []AnnualCampaign{
		campaign("customs-2023", customsQuestionnaire, customsScores, 7),
		campaign("participants-2023", participantsQuestionnaire, participantsScores, 5),
	}, Order: []AnnualEntry{{0, 1}, {1, 0}, {0, 0}}}
	r.Campaigns[1].Run = &AnnualRun{ID: "run-7", FrozenAt: time.Date(2024, 4, 3, 9, 0, 0, 0, time.UTC), SHA256: "5e3f"}
	// participants-2023 was reopened after it was frozen, and its figures
	// changed since.
	reopened := time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)
	r.Campaigns[0].Status, r.Campaigns[1].Status, r.Campaigns[1].ReopenedAt = survey.StatusClosed, survey.StatusOpen, &reopened
	return r
}

// annualHeader is the header of the Annex table: the targets, previous
// year and change in the order of the scores table.
var annualHeader = []string{"code", "title", "campaign", "method", "value", "n", "excluded", "missing", "not_applicable",
	"ci95_low", "ci95_high", "target", "target_kind", "target_year", "target_status", "end_target", "end_target_year",
	"end_target_status", "previous_year", "previous_value", "change", "change_unit", "comparable", "not_comparable_reason",
	"narrative"}

// annualWants are the Annex's rows, in the report's order.
var annualWants = []map[string]string{
	{"code": "OP 1.4.2", "campaign": "customs-2023", "method": "mean_value", "value": "4.18", "n": "28", "ci95_low": "3.90",
		"ci95_high": "4.46", "target_kind": "target", "target_year": "2023", "target": "4.00", "target_status": "met",
		"end_target": "", "previous_year": "2022", "previous_value": "4.00", "comparable": "true", "change": "0.18",
		"change_unit": "points", "narrative": "'+The value for 2023 meets the target of 4."},
	{"code": "RES 1.1 reasons", "title": "'=SUM(1)", "campaign": "participants-2023", "value": "78.42", "n": "139",
		"not_applicable": "501", "ci95_low": "", "target_kind": "", "target": "", "target_status": "", "previous_value": "80.00",
		"comparable": "false", "change": "", "change_unit": "percentage_points", "not_comparable_reason": "its options changed",
		"narrative": "'-78.42% said so."},
	{"code": "RES 3.2.1", "title": "Contribution of the EES", "value": "67.31", "n": "26", "excluded": "2", "missing": "1",
		"ci95_low": "60.24", "ci95_high": "74.38", "target_kind": "milestone", "target_year": "2024", "target": "70.00",
		"target_status": "not_met", "end_target_year": "2027", "end_target": "80.00", "end_target_status": "not_met",
		"change": "-6.89", "change_unit": "percentage_points", "not_comparable_reason": ""},
}

func TestAnnualCSV(t *testing.T) {
	var b bytes.Buffer
	if err := WriteAnnual(&b, CSV, testAnnual(t)); err != nil {
		t.Fatal(err)
	}
	records, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(records[0], annualHeader) {
		t.Errorf("header %q\nwant   %q", records[0], annualHeader)
	}
	// One row per indicator, none per breakdown row.
	if len(records) != 1+len(annualWants) {
		t.Fatalf("%d rows, want %d", len(records), 1+len(annualWants))
	}
	for i, want := range annualWants {
		for name, value := range want {
			if got := records[i+1][slices.Index(annualHeader, name)]; got != value {
				t.Errorf("row %d (%s) %s = %q, want %q", i+1, want["code"], name, got, value)
			}
		}
	}
}

func TestAnnualJSON(t *testing.T) {
	var b bytes.Buffer
	if err := WriteAnnual(&b, JSON, testAnnual(t)); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Year       int                          `json:"year"`
		Campaigns  []map[string]any             `json:"campaigns"`
		Indicators []map[string]json.RawMessage `json:"indicators"`
		Coverage   []map[string]json.RawMessage `json:"coverage"`
	}
	if err := json.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Year != 2023 || len(doc.Campaigns) != 2 || len(doc.Indicators) != 3 || len(doc.Coverage) != 2 {
		t.Fatalf("year %d, %d campaigns, %d indicators, %d coverage rows", doc.Year, len(doc.Campaigns), len(doc.Indicators), len(doc.Coverage))
	}
	if c := doc.Campaigns[0]; c["figures"] != "live" || c["run"] != nil || c["title"] != "Customs" || c["final"] != true ||
		c["live_figures_match"] != nil || c["campaign_final"] != true || c["campaign_reopened_at"] != nil {
		t.Errorf("customs-2023: %v", c)
	}
	// The frozen figures say final; the campaign, reopened since, is not,
	// and its figures no longer are the run's.
	if c, run := doc.Campaigns[1], doc.Campaigns[1]["run"].(map[string]any); c["figures"] != "frozen" || run["id"] != "run-7" ||
		run["frozen_at"] != "2024-04-03T09:00:00Z" || run["sha256"] != "5e3f" || c["final"] != true ||
		c["live_figures_match"] != false || c["campaign_final"] != false || c["campaign_reopened_at"] != "2024-05-06T07:08:09Z" {
		t.Errorf("participants-2023: %v", c)
	}
	// Every column, texts verbatim, full precision, null for none.
	wants := []map[string]string{
		{"code": `"OP 1.4.2"`, "value": "4.178571428571429", "change_unit": `"points"`, "end_target": "null",
			"narrative": `"+The value for 2023 meets the target of 4."`},
		{"code": `"RES 1.1 reasons"`, "title": `"=SUM(1)"`, "change": "null", "change_unit": `"percentage_points"`,
			"comparable": "false", "not_comparable_reason": `"its options changed"`, "not_applicable": "501"},
		{"code": `"RES 3.2.1"`, "target_year": "2024", "target_kind": `"milestone"`, "change": "-6.8923076923077",
			"not_comparable_reason": "null"},
	}
	for i, want := range wants {
		if len(doc.Indicators[i]) != len(annualHeader) {
			t.Errorf("indicator %d has %d members, want %d", i, len(doc.Indicators[i]), len(annualHeader))
		}
		for name, value := range want {
			if got := string(doc.Indicators[i][name]); got != value {
				t.Errorf("indicator %d %s = %s, want %s", i, name, got, value)
			}
		}
	}
	if got := string(doc.Coverage[0]["missing"]); got != `["CY","DK"]` {
		t.Errorf("coverage missing %s", got)
	}
	for i, want := range []map[string]string{
		{"run_id": "null", "final": "true", "live_figures_match": "null", "campaign_final": "true", "campaign_reopened_at": "null"},
		{"run_id": `"run-7"`, "final": "true", "live_figures_match": "false", "campaign_final": "false",
			"campaign_reopened_at": `"2024-05-06T07:08:09.000000Z"`},
	} {
		for name, value := range want {
			if got := string(doc.Coverage[i][name]); got != value {
				t.Errorf("coverage %d %s = %s, want %s", i, name, got, value)
			}
		}
	}
}

// sheetRows reads a sheet back, each cell as a spreadsheet shows it.
func sheetRows(t *testing.T, f *excelize.File, sheet string) [][]string {
	t.Helper()
	rows, err := f.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func TestAnnualXLSX(t *testing.T) {
	var b bytes.Buffer
	if err := WriteAnnual(&b, XLSX, testAnnual(t)); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&b)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got, want := f.GetSheetList(), []string{"Annex", "Breakdowns", "Coverage", "Notes"}; !slices.Equal(got, want) {
		t.Errorf("sheets %q, want %q", got, want)
	}
	annex := sheetRows(t, f, "Annex")
	if len(annex) != 4 || annex[0][0] != "Indicator" || annex[0][4] != "Value" || annex[0][20] != "Change" ||
		annex[0][23] != "Why not comparable" || annex[2][23] != "its options changed" || annex[2][21] != "percentage_points" {
		t.Fatalf("Annex: %q", annex)
	}
	// Numbers are numbers, shown as the report prints them: a percentage
	// with %, a scale with 2 decimals, changes with their unit.
	for _, tt := range []struct{ cell, shown, raw string }{
		{"E2", "4.18", "4.18"}, {"L2", "4.00", "4"}, {"U2", "+0.18", "0.18"}, {"F2", "28", "28"},
		{"E3", "78.42%", "78.42"}, {"T3", "80.00%", "80"},
		{"E4", "67.31%", "67.31"}, {"J4", "60.24%", "60.24"}, {"U4", "-6.89 pp", "-6.89"}, {"P4", "80.00%", "80"},
	} {
		shown, _ := f.GetCellValue("Annex", tt.cell)
		raw, _ := f.GetCellValue("Annex", tt.cell, excelize.Options{RawCellValue: true})
		typ, _ := f.GetCellType("Annex", tt.cell)
		if shown != tt.shown || raw != tt.raw || typ == excelize.CellTypeSharedString || typ == excelize.CellTypeInlineString {
			t.Errorf("Annex %s: shown %q raw %q (type %v), want %q over the number %s", tt.cell, shown, raw, typ, tt.shown, tt.raw)
		}
	}
	if got, _ := f.GetCellValue("Annex", "B3"); got != "'=SUM(1)" {
		t.Errorf("Annex B3 = %q, want the title neutralised", got)
	}

	breakdowns := sheetRows(t, f, "Breakdowns")
	want := [][]string{
		{"Indicator", "Source campaign", "Level of disaggregation", "Value", "n", "Count", "Excluded", "Missing", "Not applicable"},
		{"RES 3.2.1", "customs-2023", "Option: Fully", "25.00%", "28", "7"},
		{"RES 3.2.1", "customs-2023", "Administration: AT",
			"suppressed: a cell is withheld when fewer than 7 responses have a value, or so that a withheld one cannot be worked out from the total"},
		{"RES 3.2.1", "customs-2023", "Administration: BE", "62.50%", "6", "", "1", "0", "2"},
	}
	if !slices.EqualFunc(breakdowns, want, slices.Equal) {
		t.Errorf("Breakdowns:\n%q\nwant\n%q", breakdowns, want)
	}

	coverage := sheetRows(t, f, "Coverage")
	if len(coverage) != 3 {
		t.Fatalf("Coverage: %q", coverage)
	}
	if got, want := strings.Join(coverage[0][9:], "|"), "Computed at|Last closed at|Reopened at|Live figures match the run|Final now|Campaign reopened at"; got != want {
		t.Errorf("Coverage headings %s\nwant %s", got, want)
	}
	for i, want := range []string{"customs-2023|Customs|30|28|CY;DK|28|TRUE|live||2024-04-02T08:30:00Z|2024-03-31T17:00:00Z|||TRUE",
		"participants-2023|Participants|28|28||640|TRUE|frozen|run-7|2024-04-03T08:00:00Z|2024-03-31T17:00:00Z||FALSE|FALSE|2024-05-06T07:08:09Z"} {
		if got := strings.Join(coverage[i+1], "|"); got != want {
			t.Errorf("Coverage row %d: %s\nwant %s", i+2, got, want)
		}
	}

	notes := sheetRows(t, f, "Notes")
	if len(notes) != 4 || notes[1][0] != "OP 1.4.2" || notes[3][0] != "RES 3.2.1" {
		t.Errorf("Notes: %q", notes)
	}
}

// TestAnnualChangeUnit: every row of the Annex says the unit of a change of
// its indicator, whether or not a change could be computed.
func TestAnnualChangeUnit(t *testing.T) {
	change := -1.5
	tests := []struct {
		name, method string
		previous     *jsonPrevious
		want         string
	}{
		{"a change", survey.MethodShare, &jsonPrevious{Year: 2022, Change: &change, ChangeUnit: "percentage_points", Comparable: true}, "percentage_points"},
		{"not comparable", survey.MethodMeanScore, &jsonPrevious{Year: 2022, ChangeUnit: "percentage_points"}, "percentage_points"},
		{"no previous value", survey.MethodMeanValue, &jsonPrevious{Year: 2022, ChangeUnit: "points", Comparable: true}, "points"},
		{"no previous campaign, a percentage", survey.MethodMeanScore, nil, "percentage_points"},
		{"no previous campaign, a scale", survey.MethodMeanValue, nil, "points"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			row := newAnnualRow(&AnnualCampaign{}, &jsonIndicator{Code: "X", Method: tt.method, Previous: tt.previous})
			i := slices.IndexFunc(annualColumns, func(c annualColumn[annualRow]) bool { return c.name == "change_unit" })
			if got := annualColumns[i].cell(&row).csv(); got != tt.want {
				t.Errorf("change_unit %q, want %q", got, tt.want)
			}
		})
	}
}
