package api_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/customs-survey/surveyd/exports"
	"github.com/customs-survey/surveyd/internal/dbtest"
)

// choiceQuestions are the choice questions of customs_annual.json, each
// followed by a label column when the export carries labels.
var choiceQuestions = []string{"awareness_level", "ees_perf", "ees_union_law", "ees_cooperation", "ees_innovation",
	"used_outputs", "why_not", "networking_contacts"}

// labelledColumns are the export's columns with labels: each choice
// question's column followed by "<question>.label".
func labelledColumns() []string {
	var cols []string
	for _, col := range exportColumns {
		cols = append(cols, col)
		if slices.Contains(choiceQuestions, col) {
			cols = append(cols, col+".label")
		}
	}
	return cols
}

// wantLabels are the label cells of exportWorld's responses by language,
// as CSV writes them: those of fullAnswers, then each respondent's own.
// French falls back to English where the questionnaire has no French
// (why_not, networking_contacts); a multi choice's labels are joined by
// "; " in questionnaire order.
var wantLabels = map[string]map[string]exportRow{
	"en": {
		"": {"awareness_level.label": "Basic", "ees_perf.label": "To a large extent", "ees_union_law.label": "Fully",
			"ees_cooperation.label": "To a moderate extent", "ees_innovation.label": "To a small extent",
			"used_outputs.label": "Yes", "why_not.label": "", "networking_contacts.label": "Frequently"},
		"resp_be": {"used_outputs.label": "No",
			"why_not.label": "The activities have not yet produced recommendations; Another reason"},
		"resp_be2": {"ees_perf.label": "Not at all"},
	},
	"fr": {
		"": {"awareness_level.label": "De base", "ees_perf.label": "Dans une large mesure", "ees_union_law.label": "Entièrement",
			"ees_cooperation.label": "Dans une mesure modérée", "ees_innovation.label": "Dans une faible mesure",
			"used_outputs.label": "Oui", "why_not.label": "", "networking_contacts.label": "Frequently"},
		"resp_be": {"used_outputs.label": "Non",
			"why_not.label": "The activities have not yet produced recommendations; Another reason"},
		"resp_be2": {"ees_perf.label": "Pas du tout"},
	},
}

// TestExportResponsesLabels exports exportWorld's responses in every format
// without labels and with labels in each language of the questionnaire,
// and compares every cell (but submitted_at, TestExportResponses's) with
// the expected rows; the workbook also has the question texts above the
// column names (TestExportResponsesTitles).
func TestExportResponsesLabels(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		e := newEnv(t, url)
		ids := exportWorld(e)
		want, who := exportOrder(wantRows(ids), []string{"resp_be", "resp_be2", "resp_fr"})
		for _, format := range []string{"csv", "xlsx", "json"} {
			for _, lang := range []string{"", "en", "fr"} {
				t.Run(format+"/labels="+lang, func(t *testing.T) {
					path := exportPath + "?format=" + format
					columns := exportColumns
					if lang != "" {
						path += "&labels=" + lang
						columns = labelledColumns()
					}
					res := e.request("GET", path, e.tokens["admin"], nil)
					checkDownload(t, res, exports.Format(format).ContentType(), "customs-2023-responses."+format)
					records := exportRecords(t, format, res.Body)
					if !slices.Equal(records[0], columns) {
						t.Fatalf("header %q, want %q", records[0], columns)
					}
					if len(records)-1 != len(want) {
						t.Fatalf("%d rows, want %d", len(records)-1, len(want))
					}
					for i, row := range want {
						cells := map[string]string{}
						for k, v := range row {
							cells[k] = v
						}
						if lang != "" {
							for _, labels := range []exportRow{wantLabels[lang][""], wantLabels[lang][who[i]]} {
								for k, v := range labels {
									cells[k] = v
								}
							}
						}
						got := records[i+1]
						for j, col := range columns {
							if j >= len(got) {
								got = append(got, "") // readers drop trailing empty cells
							}
							if col != "submitted_at" && got[j] != cells[col] {
								t.Errorf("%s's %s = %q, want %q", who[i], col, got[j], cells[col])
							}
						}
					}
				})
			}
		}
	})
}

// exportRecords reads a responses export as CSV records, the column names
// first: a workbook's rows below its question texts, and each
// JSON element's members in order, a text as CSV writes it (SafeCell), a
// list of keys or labels joined as CSV joins them, a number as written,
// null as an empty cell.
func exportRecords(t *testing.T, format string, body []byte) [][]string {
	t.Helper()
	switch format {
	case "csv":
		records, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
		if err != nil {
			t.Fatalf("not CSV: %v\n%s", err, body)
		}
		return records
	case "xlsx":
		f, err := excelize.OpenReader(bytes.NewReader(body))
		if err != nil {
			t.Fatalf("not a workbook: %v", err)
		}
		defer f.Close()
		rows, err := f.GetRows(exports.SheetResponses)
		if err != nil || len(rows) < 2 {
			t.Fatalf("rows %q, %v", rows, err)
		}
		return rows[1:]
	}
	var elements []json.RawMessage
	if err := json.Unmarshal(body, &elements); err != nil {
		t.Fatalf("not a JSON array: %v\n%s", err, body)
	}
	var records [][]string
	for _, raw := range elements {
		names, values := jsonMembers(t, raw)
		if records == nil {
			records = [][]string{names}
		}
		if !slices.Equal(names, records[0]) {
			t.Errorf("members %q, want those of the first element %q", names, records[0])
		}
		records = append(records, values)
	}
	return records
}

// jsonMembers lists the members of a JSON object in order, with their
// values as exportRecords writes them.
func jsonMembers(t *testing.T, raw json.RawMessage) (names, values []string) {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		t.Fatalf("not an object: %s", raw)
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		name := tok.(string)
		var v any
		if err := dec.Decode(&v); err != nil {
			t.Fatal(err)
		}
		var cell string
		switch v := v.(type) {
		case nil:
		case string:
			cell = exports.SafeCell(v)
		case json.Number:
			cell = v.String()
		case []any:
			sep := ";"
			if strings.HasSuffix(name, ".label") {
				sep = "; "
			}
			parts := make([]string, len(v))
			for i, p := range v {
				parts[i] = p.(string)
			}
			cell = exports.SafeCell(strings.Join(parts, sep))
		default:
			t.Fatalf("member %s is %T", name, v)
		}
		names, values = append(names, name), append(values, cell)
	}
	return names, values
}

// TestExportResponsesTitles: the workbook's first row holds each
// question's text in the language of the labels (else the default
// language's), nothing over the fixed columns, wrapped over several lines;
// with labels each text spans its question's key and label columns. Below
// come the column names; both rows stay in view.
func TestExportResponsesTitles(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		e := newEnv(t, url)
		exportWorld(e)
		english := maps.Clone(exportTitles)
		english["response_id"], english["submitted_at"] = "", ""
		var frenchSpans []string
		for _, q := range choiceQuestions {
			i := slices.Index(labelledColumns(), q) + 1
			first, _ := excelize.CoordinatesToCellName(i, 1)
			last, _ := excelize.CoordinatesToCellName(i+1, 1)
			frenchSpans = append(frenchSpans, first+":"+last)
		}
		slices.Sort(frenchSpans)
		tests := []struct {
			name, query string
			columns     []string
			titles      map[string]string // by column, some or all
			spans       []string
		}{
			{"no labels: the default language", "", exportColumns, english, nil},
			{"labels in French", "&labels=fr", labelledColumns(), map[string]string{
				"response_id":     "",
				"awareness_level": "Comment décririez-vous le niveau de connaissance du programme Douane parmi le personnel de votre administration ?",
				"ees_union_law":   "To what extent did new common components of the EES contribute to a coherent implementation of Union customs law?",
				"staff_trained":   "How many officials of your administration took part in programme training this year?",
				"comments":        "Avez-vous d'autres commentaires sur le programme ?",
			}, frenchSpans},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				res := e.request("GET", exportPath+"?format=xlsx"+tt.query, e.tokens["admin"], nil)
				f, err := excelize.OpenReader(bytes.NewReader(res.Body))
				if err != nil {
					t.Fatalf("not a workbook: %v", err)
				}
				defer f.Close()
				sheet := exports.SheetResponses
				cellOf := func(col string, row int) string {
					ref, _ := excelize.CoordinatesToCellName(slices.Index(tt.columns, col)+1, row)
					v, _ := f.GetCellValue(sheet, ref)
					return v
				}
				for col, want := range tt.titles {
					if got := cellOf(col, 1); got != want {
						t.Errorf("title over %s = %q, want %q", col, got, want)
					}
					if got := cellOf(col, 2); got != col {
						t.Errorf("column name %q below its title, want %q", got, col)
					}
				}
				merged, err := f.GetMergeCells(sheet)
				if err != nil {
					t.Fatal(err)
				}
				var spans []string
				for _, m := range merged {
					spans = append(spans, m.GetStartAxis()+":"+m.GetEndAxis())
				}
				slices.Sort(spans)
				if !slices.Equal(spans, tt.spans) {
					t.Errorf("merged %v, want %v", spans, tt.spans)
				}
				if height, err := f.GetRowHeight(sheet, 1); err != nil || height <= 15 {
					t.Errorf("row of question texts %v points high (%v), want several lines", height, err)
				}
				if panes, err := f.GetPanes(sheet); err != nil || !panes.Freeze || panes.YSplit != 2 || panes.TopLeftCell != "A3" {
					t.Errorf("panes %+v, %v: want the two header rows frozen", panes, err)
				}
			})
		}
	})
}

// TestExportResponsesLabelsParameter: labels must be a language of the
// questionnaire (en or fr for customs_annual.json), else 400 naming the
// parameter and those languages; empty means none. The format and the
// campaign are checked first.
func TestExportResponsesLabelsParameter(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		e := newEnv(t, url)
		exportWorld(e)
		tests := []struct {
			name, token, query string
			status             int
		}{
			{"a language the questionnaire lacks", "admin", "?format=csv&labels=de", 400},
			{"upper case", "admin", "?format=csv&labels=FR", 400},
			{"not a language", "admin", "?labels=french", 400},
			{"a coordinator too", "coord_be", "?format=xlsx&labels=es", 400},
			{"empty means none", "admin", "?format=csv&labels=", 200},
			{"a coordinator in French", "coord_be", "?format=csv&labels=fr", 200},
			{"the format first", "admin", "?format=pdf&labels=de", 422},
			{"access first", "coord_de", "?labels=de", 404},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				res := e.request("GET", exportPath+tt.query, e.tokens[tt.token], nil)
				if res.Status != tt.status {
					t.Fatalf("status %d, want %d: %s", res.Status, tt.status, res.Body)
				}
				if tt.status != 400 {
					return
				}
				if cd := res.Header.Get("Content-Disposition"); cd != "" {
					t.Errorf("a problem is sent as an attachment: %q", cd)
				}
				p := res.JSON(t)
				detail := fmt.Sprint(p["detail"])
				if !strings.HasSuffix(fmt.Sprint(p["type"]), "#malformed") || !strings.Contains(detail, "labels") ||
					!strings.Contains(detail, "en, fr") {
					t.Errorf("problem %v, want malformed naming labels and en, fr", p)
				}
			})
		}
		res := e.request("GET", "/api/v1/campaigns/nope/responses?labels=de", e.tokens["admin"], nil)
		if res.Status != 404 {
			t.Errorf("unknown campaign: %d, want 404", res.Status)
		}
	})
}
