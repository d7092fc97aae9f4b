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
)

// TestLiveScoresSayWhichRunWasFrozen: a report computed now says, in every
// format, which run of the campaign was last frozen and whether its
// figures still match it; what a run keeps (WriteScores) says none of it.
func TestLiveScoresSayWhichRunWasFrozen(t *testing.T) {
	at := time.Date(2024, 3, 2, 10, 0, 0, 0, time.FixedZone("CET", 3600))
	sum := strings.Repeat("ab", 32)
	for _, c := range []struct {
		name   string
		frozen *FrozenRun
		want   map[string]string // the frozen lines of the Coverage sheet; frozen_run and frozen_matches are also columns
	}{
		{"no run", nil, map[string]string{"frozen_run": "", "frozen_at": "", "frozen_sha256": "", "frozen_matches": ""}},
		{"the run's figures", &FrozenRun{ID: "run-1", FrozenAt: at, SHA256: sum, Matches: true},
			map[string]string{"frozen_run": "run-1", "frozen_at": "2024-03-02T09:00:00Z", "frozen_sha256": sum, "frozen_matches": "true"}},
		{"figures that differ", &FrozenRun{ID: "run-2", FrozenAt: at, SHA256: sum, Matches: false},
			map[string]string{"frozen_run": "run-2", "frozen_at": "2024-03-02T09:00:00Z", "frozen_sha256": sum, "frozen_matches": "false"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			// CSV: the table of the document, then the two columns on every row.
			records := csvRecords(t, func(b *bytes.Buffer) error { return WriteLiveScores(b, CSV, testReport(), c.frozen) })
			kept := csvRecords(t, func(b *bytes.Buffer) error { return WriteScores(b, CSV, testReport()) })
			if want := append(scoreHeader(scoreColumns), "frozen_run", "frozen_matches"); !slices.Equal(records[0], want) {
				t.Fatalf("header %v, want %v", records[0], want)
			}
			if len(records) != len(kept) {
				t.Fatalf("%d rows, the document has %d", len(records), len(kept))
			}
			n := len(scoreColumns)
			for i, rec := range records[1:] {
				if !slices.Equal(rec[:n], kept[i+1]) || rec[n] != c.want["frozen_run"] || rec[n+1] != c.want["frozen_matches"] {
					t.Errorf("row %d ends with %q, want %q and %q (or differs from the document's)", i+1, rec[n:],
						c.want["frozen_run"], c.want["frozen_matches"])
				}
			}
			// XLSX: the Breakdowns sheet is the same table; the Coverage
			// sheet names the run.
			var buf bytes.Buffer
			if err := WriteLiveScores(&buf, XLSX, testReport(), c.frozen); err != nil {
				t.Fatal(err)
			}
			f, err := excelize.OpenReader(&buf)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			rows, _ := f.GetRows(SheetBreakdowns)
			if len(rows) != len(records) || !slices.Equal(rows[0], records[0]) {
				t.Fatalf("Breakdowns has %d rows and header %v", len(rows), rows[0])
			}
			for i, row := range rows[1:] {
				for len(row) < n+2 {
					row = append(row, "") // a row ends at its last cell with a value
				}
				got := row[n : n+2]
				if got[0] != c.want["frozen_run"] || strings.ToLower(got[1]) != c.want["frozen_matches"] {
					t.Errorf("Breakdowns row %d: %q", i+2, got)
				}
			}
			if got := coverageOf(t, f); !mapsInclude(got, c.want) {
				t.Errorf("Coverage %v, want %v", got, c.want)
			}
			// JSON: the member frozen, with the address of the run.
			buf.Reset()
			if err := WriteLiveScores(&buf, JSON, testReport(), c.frozen); err != nil {
				t.Fatal(err)
			}
			var doc struct {
				Frozen *struct {
					ID, SHA256, Href string
					FrozenAt         time.Time `json:"frozen_at"`
					Matches          bool
				}
			}
			if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
				t.Fatal(err)
			}
			switch f := doc.Frozen; {
			case c.frozen == nil && f != nil:
				t.Errorf("frozen %+v without a run", f)
			case c.frozen != nil && (f == nil || f.ID != c.frozen.ID || f.SHA256 != sum || !f.FrozenAt.Equal(at) ||
				f.Matches != c.frozen.Matches || f.Href != "/api/v1/campaigns/customs-2023/scores/runs/"+c.frozen.ID):
				t.Errorf("frozen %+v, want %+v", f, c.frozen)
			}
		})
	}
}

// TestKeptScoresNameNoRun: the renderings a run keeps are the frozen
// document itself, without the columns, lines and member that cite a run.
func TestKeptScoresNameNoRun(t *testing.T) {
	var body bytes.Buffer
	if err := WriteScores(&body, CSV, testReport()); err != nil {
		t.Fatal(err)
	}
	if header, _, _ := strings.Cut(body.String(), "\n"); strings.Contains(header, "frozen") {
		t.Errorf("CSV header %q", header)
	}
	body.Reset()
	if err := WriteScores(&body, JSON, testReport()); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(body.String(), `"frozen"`) {
		t.Errorf("JSON %s", body.String())
	}
	for k := range coverageOf(t, openXLSX(t, testReport())) {
		if strings.HasPrefix(k, "frozen") {
			t.Errorf("Coverage has %s", k)
		}
	}
}

// coverageOf reads the Coverage sheet of a workbook, field by field.
func coverageOf(t *testing.T, f *excelize.File) map[string]string {
	t.Helper()
	rows, err := f.GetRows(SheetCoverage)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, r := range rows[1:] {
		got[r[0]] = ""
		if len(r) > 1 {
			got[r[0]] = r[1]
		}
	}
	return got
}

// mapsInclude reports whether got has every entry of want.
func mapsInclude(got, want map[string]string) bool {
	for k, v := range want {
		if value, ok := got[k]; !ok || value != v {
			return false
		}
	}
	return true
}

// csvRecords are the records of the CSV that write writes.
func csvRecords(t *testing.T, write func(*bytes.Buffer) error) [][]string {
	t.Helper()
	var buf bytes.Buffer
	if err := write(&buf); err != nil {
		t.Fatal(err)
	}
	records, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return records
}
