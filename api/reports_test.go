package api_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

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
var maskedHeadings = []string{"Computed at", "Last closed at", "Reopened at", "Campaign reopened at"}

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
// four digits), then whether an opened campaign has it (404: a draft,
// never opened, is left out); only admins read it (403), and a download is
// in the audit trail.
func TestAnnualReportRequests(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		e := newEnv(t, url)
		e.world()
		for _, c := range []struct {
			key  string
			year int
		}{{"draft-2023", 2023}, {"draft-2024", 2024}} {
			e.must(http.StatusCreated, "POST", "/api/v1/campaigns", e.tokens["admin"], map[string]any{
				"key": c.key, "year": c.year, "questionnaire": "customs_annual", "version": 1,
				"opens_at": time.Now().Add(-time.Hour).UTC().Format(time.RFC3339), "closes_at": time.Now().Add(24 * time.Hour).UTC().Format(time.RFC3339),
				"administrations": []string{"BE"},
			})
		}
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
		var doc struct {
			Campaigns []struct{ Key string }
			Coverage  []struct{ Campaign string }
		}
		res := e.request("GET", "/api/v1/reports/2023", e.tokens["admin"], nil)
		if err := json.Unmarshal(res.Body, &doc); err != nil || len(doc.Campaigns) != 1 || doc.Campaigns[0].Key != "customs-2023" ||
			len(doc.Coverage) != 1 {
			t.Errorf("2023: %s (%v), want customs-2023 only, not the draft", res.Body, err)
		}
		events := e.list("/api/v1/audit?action=export.annual_report", e.tokens["admin"])
		if len(events) != 4 || events[0].(map[string]any)["target"] != "year=2023" {
			t.Errorf("audit events %v, want the 4 downloads of year=2023", events)
		}
	})
}

// TestAnnualReportUsesTheLatestFrozenRun freezes a closed campaign in
// several languages and finds the annual report taking its figures from
// the latest run frozen in the questionnaire's default language (en),
// without a language or with it, never from one in French; a campaign
// without a run is reported live. Reopened and answered again, the
// campaign's figures no longer match the run, and the report says so and
// that the campaign is no longer final, while the run's figures are still
// those cited.
func TestAnnualReportUsesTheLatestFrozenRun(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		e := newEnv(t, url)
		e.world()
		admin := e.tokens["admin"]
		e.submit(e.tokens["resp_be"], "customs-2023", map[string]any{
			"awareness_level": "advanced", "ees_perf": "large", "ees_union_law": "full", "ees_cooperation": "moderate",
			"ees_innovation": "little", "used_outputs": "yes"})
		type campaign struct {
			Key, Figures       string
			Run                *struct{ ID, SHA256 string }
			Final              bool
			LiveFiguresMatch   *bool   `json:"live_figures_match"`
			CampaignFinal      bool    `json:"campaign_final"`
			CampaignReopenedAt *string `json:"campaign_reopened_at"`
		}
		type coverage struct {
			RunID              *string `json:"run_id"`
			LiveFiguresMatch   *bool   `json:"live_figures_match"`
			CampaignFinal      bool    `json:"campaign_final"`
			CampaignReopenedAt *string `json:"campaign_reopened_at"`
		}
		read := func() (campaign, coverage) {
			t.Helper()
			res := e.request("GET", "/api/v1/reports/2023", admin, nil)
			var body struct {
				Campaigns []campaign
				Coverage  []coverage
			}
			if err := json.Unmarshal(res.Body, &body); err != nil || res.Status != 200 || len(body.Campaigns) != 1 || len(body.Coverage) != 1 {
				t.Fatalf("%d %s: %v", res.Status, res.Body, err)
			}
			return body.Campaigns[0], body.Coverage[0]
		}
		if got, cov := read(); got.Figures != "live" || got.Run != nil || got.LiveFiguresMatch != nil || cov.LiveFiguresMatch != nil ||
			got.Final || got.CampaignFinal {
			t.Fatalf("before any run: %+v, want live figures, not final", got)
		}
		e.must(200, "POST", "/api/v1/campaigns/customs-2023/close", admin, nil)
		freeze := func(lang string) string {
			t.Helper()
			return e.must(201, "POST", "/api/v1/campaigns/customs-2023/scores/freeze"+lang, admin, nil)["id"].(string)
		}
		e.must(201, "POST", "/api/v1/campaigns/customs-2023/scores/freeze", admin, nil)
		latest := e.must(201, "POST", "/api/v1/campaigns/customs-2023/scores/freeze", admin, nil)
		french := freeze("?lang=fr")
		got, cov := read()
		if got.Figures != "frozen" || got.Run == nil || got.Run.ID != latest["id"] || got.Run.SHA256 != latest["sha256"] ||
			got.LiveFiguresMatch == nil || !*got.LiveFiguresMatch || !got.Final || !got.CampaignFinal || got.CampaignReopenedAt != nil {
			t.Errorf("after two runs and one in French (%s): %+v, want the figures of run %v, matching, final", french, got, latest["id"])
		}
		if cov.RunID == nil || *cov.RunID != latest["id"] || cov.LiveFiguresMatch == nil || !*cov.LiveFiguresMatch || !cov.CampaignFinal {
			t.Errorf("coverage %+v, want run %v, matching, final", cov, latest["id"])
		}
		english := freeze("?lang=en")
		if got, _ := read(); got.Run == nil || got.Run.ID != english {
			t.Errorf("after a run in English, the default: %+v, want run %s", got.Run, english)
		}

		e.must(200, "POST", "/api/v1/campaigns/customs-2023/reopen", admin,
			map[string]any{"reason": "late answer", "closes_at": time.Now().Add(48 * time.Hour).UTC().Format(time.RFC3339)})
		e.submit(e.tokens["resp_fr"], "customs-2023", map[string]any{
			"awareness_level": "no_awareness", "ees_perf": "none", "ees_union_law": "none", "ees_cooperation": "none",
			"ees_innovation": "none", "used_outputs": "yes"})
		got, cov = read()
		if got.Run == nil || got.Run.ID != english || !got.Final || got.LiveFiguresMatch == nil || *got.LiveFiguresMatch ||
			got.CampaignFinal || got.CampaignReopenedAt == nil {
			t.Errorf("reopened and answered again: %+v, want run %s, final as frozen, not matching, the campaign not final and reopened", got, english)
		}
		if cov.LiveFiguresMatch == nil || *cov.LiveFiguresMatch || cov.CampaignFinal || cov.CampaignReopenedAt == nil {
			t.Errorf("coverage %+v, want not matching, the campaign not final and reopened", cov)
		}
	})
}
