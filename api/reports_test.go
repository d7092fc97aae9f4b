package api_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/customs-survey/surveyd/internal/dbtest"
)

// annual2023Golden holds the cell values of the 2023 demo's annual
// workbook: go test ./api -run TestAnnualReport2023Golden -update rewrites
// it (from the SQLite run; the PostgreSQL run is compared with it).
const annual2023Golden = "testdata/annual-report-2023.txt"

// report2023Order is the order of the survey-based indicators in Annex 4
// of the 2023 report, under the codes of the demo's questionnaires.
var report2023Order = []string{"OP 1.4.2", "OP 2.1.4", "OP 2.2.3", "OP 3.1", "RES 1.1", "RES 1.1 reasons", "RES 1.2",
	"RES 2.2.1", "RES 2.2.5", "RES 2.2.6 agreement", "RES 2.2.6 contacts", "RES 3.2.1", "RES 3.2.2", "RES 4.1", "RES 4.2"}

const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// TestAnnualReport2023Golden loads the 2023 report's data set on each
// backend: the annual workbook for 2023 has both surveys in one Annex
// sheet, one row per indicator in the report's order and no other row,
// and every cell of every sheet as the golden file holds it; the CSV and
// JSON list the same indicators in the same order.
func TestAnnualReport2023Golden(t *testing.T) {
	eachWith2023(t, func(t *testing.T, e *env, url string) {
		res := e.request("GET", "/api/v1/reports/2023?format=xlsx", e.tokens["admin"], nil)
		checkDownload(t, res, xlsxType, "annual-report-2023.xlsx")
		f, err := excelize.OpenReader(bytes.NewReader(res.Body))
		if err != nil {
			t.Fatalf("not a workbook: %v", err)
		}
		defer f.Close()
		annex, err := f.GetRows("Annex")
		if err != nil {
			t.Fatal(err)
		}
		var codes []string
		campaigns := map[string]int{}
		for _, row := range annex[1:] {
			codes, campaigns[row[2]] = append(codes, row[0]), campaigns[row[2]]+1
		}
		if !slices.Equal(codes, report2023Order) {
			t.Errorf("Annex rows %q\nwant the report's %q", codes, report2023Order)
		}
		if campaigns["customs-2023"] != 8 || campaigns["participants-2023"] != 7 {
			t.Errorf("Annex rows by campaign: %v, want 8 of customs-2023 and 7 of participants-2023", campaigns)
		}
		checkGoldenText(t, annual2023Golden, workbookText(t, f), strings.HasPrefix(url, "sqlite:"))

		res = e.request("GET", "/api/v1/reports/2023?format=csv", e.tokens["admin"], nil)
		checkDownload(t, res, "text/csv; charset=utf-8", "annual-report-2023.csv")
		records, err := csv.NewReader(bytes.NewReader(res.Body)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		codes = nil
		for _, r := range records[1:] {
			codes = append(codes, r[0])
		}
		if records[0][0] != "code" || !slices.Equal(codes, report2023Order) {
			t.Errorf("CSV: header %q, codes %q", records[0], codes)
		}

		var doc struct {
			Campaigns  []struct{ Key, Figures string }
			Indicators []struct{ Code string }
		}
		res = e.request("GET", "/api/v1/reports/2023", e.tokens["admin"], nil)
		if err := json.Unmarshal(res.Body, &doc); err != nil || res.Status != 200 {
			t.Fatalf("JSON: %d %v", res.Status, err)
		}
		codes = nil
		for _, ind := range doc.Indicators {
			codes = append(codes, ind.Code)
		}
		if !slices.Equal(codes, report2023Order) || len(doc.Campaigns) != 2 || doc.Campaigns[0].Key != "customs-2023" ||
			doc.Campaigns[1].Figures != "live" {
			t.Errorf("JSON: campaigns %+v, codes %q", doc.Campaigns, codes)
		}
	})
}

// maskedHeadings are the workbook's columns of times of the run (when the
// figures were computed, when the data set closed its campaigns), which the
// golden file does not hold.
var maskedHeadings = []string{"Computed at", "Last closed at", "Reopened at"}

// workbookText writes every sheet of a workbook as text, one line per
// row: each cell as a spreadsheet shows it, a text quoted, a number or a
// boolean bare, an empty cell as nothing, cells separated by " | ".
func workbookText(t *testing.T, f *excelize.File) []byte {
	t.Helper()
	var b bytes.Buffer
	for _, sheet := range f.GetSheetList() {
		rows, err := f.GetRows(sheet)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "== %s\n", sheet)
		for i, row := range rows {
			cells := make([]string, len(row))
			for j, shown := range row {
				ref, _ := excelize.CoordinatesToCellName(j+1, i+1)
				typ, err := f.GetCellType(sheet, ref)
				if err != nil {
					t.Fatal(err)
				}
				switch {
				case shown == "":
				case i > 0 && slices.Contains(maskedHeadings, rows[0][j]):
					cells[j] = "<time>"
				case typ == excelize.CellTypeSharedString || typ == excelize.CellTypeInlineString:
					cells[j] = strconv.Quote(shown)
				default:
					cells[j] = shown
				}
			}
			fmt.Fprintf(&b, "%d: %s\n", i+1, strings.Join(cells, " | "))
		}
	}
	return b.Bytes()
}

// checkGoldenText compares got with the golden file at path, line by line;
// with -update and write, it first rewrites the file.
func checkGoldenText(t *testing.T, path string, got []byte, write bool) {
	t.Helper()
	if *update && write {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test ./api -run TestAnnualReport2023Golden -update writes it)", err)
	}
	g, w := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
	for i := range max(len(g), len(w)) {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			t.Errorf("%s:%d:\n got %s\nwant %s", path, i+1, gl, wl)
		}
	}
}

// TestAnnualReportRequests holds what GET /reports/{year} answers besides
// the report: the format is checked first (422), then the year (400 unless
// four digits), then whether a campaign has it (404); only admins read it
// (403), and a download is in the audit trail.
func TestAnnualReportRequests(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		e := newEnv(t, url)
		e.world()
		tests := []struct {
			path, token string
			status      int
		}{
			{"/api/v1/reports/2023", "admin", 200},
			{"/api/v1/reports/2023?format=", "admin", 200},
			{"/api/v1/reports/2023?format=xlsx", "admin", 200},
			{"/api/v1/reports/2024", "admin", 404},
			{"/api/v1/reports/1999", "admin", 404},
			{"/api/v1/reports/23", "admin", 400},
			{"/api/v1/reports/20233", "admin", 400},
			{"/api/v1/reports/0999", "admin", 400},
			{"/api/v1/reports/%2B023", "admin", 400},
			{"/api/v1/reports/2O23", "admin", 400},
			{"/api/v1/reports/2023?format=pdf", "admin", 422},
			{"/api/v1/reports/x?format=pdf", "admin", 422},
			{"/api/v1/reports/2023", "coord_be", 403},
			{"/api/v1/reports/2023", "resp_be", 403},
			{"/api/v1/reports/x", "coord_be", 403},
		}
		for _, tt := range tests {
			if res := e.request("GET", tt.path, e.tokens[tt.token], nil); res.Status != tt.status {
				t.Errorf("GET %s as %s: %d, want %d: %s", tt.path, tt.token, res.Status, tt.status, res.Body)
			}
		}
		events := e.list("/api/v1/audit?action=export.annual_report", e.tokens["admin"])
		if len(events) != 3 || events[0].(map[string]any)["target"] != "year=2023" {
			t.Errorf("audit events %v, want the 3 downloads of year=2023", events)
		}
	})
}

// TestAnnualReportUsesTheLatestFrozenRun freezes a closed campaign twice
// and finds the annual report taking its figures from the latest run,
// saying which; a campaign without a run is reported live.
func TestAnnualReportUsesTheLatestFrozenRun(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		e := newEnv(t, url)
		e.world()
		admin := e.tokens["admin"]
		e.submit(e.tokens["resp_be"], "customs-2023", map[string]any{
			"awareness_level": "advanced", "ees_perf": "large", "ees_union_law": "full", "ees_cooperation": "moderate",
			"ees_innovation": "little", "used_outputs": "yes"})
		type campaign struct {
			Key, Figures string
			Run          *struct{ ID, SHA256 string }
		}
		read := func() []campaign {
			res := e.request("GET", "/api/v1/reports/2023", admin, nil)
			var body struct{ Campaigns []campaign }
			if err := json.Unmarshal(res.Body, &body); err != nil || res.Status != 200 {
				t.Fatalf("%d %s: %v", res.Status, res.Body, err)
			}
			return body.Campaigns
		}
		if got := read(); len(got) != 1 || got[0].Figures != "live" || got[0].Run != nil {
			t.Fatalf("before any run: %+v, want live figures", got)
		}
		e.must(200, "POST", "/api/v1/campaigns/customs-2023/close", admin, nil)
		e.must(201, "POST", "/api/v1/campaigns/customs-2023/scores/freeze", admin, nil)
		latest := e.must(201, "POST", "/api/v1/campaigns/customs-2023/scores/freeze", admin, nil)
		got := read()
		if len(got) != 1 || got[0].Figures != "frozen" || got[0].Run == nil ||
			got[0].Run.ID != latest["id"] || got[0].Run.SHA256 != latest["sha256"] {
			t.Errorf("after two runs: %+v, want the figures of run %v", got, latest["id"])
		}
	})
}
