package exports

import (
	"bytes"
	"encoding/csv"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/customs-survey/surveyd/survey"
)

// flushBuffer is a FlushWriter that keeps everything.
type flushBuffer struct{ bytes.Buffer }

func (*flushBuffer) Flush() error { return nil }

// exportLabels writes labelsResponses in two batches, with labels in lang
// (none when empty).
func exportLabels(t *testing.T, format Format, lang string) []byte {
	t.Helper()
	rs := labelsResponses()
	return writeResponses(t, labelsDoc(t), format, lang, rs[:2], rs[2:])
}

// writeResponses exports doc's responses in format with labels in lang
// (none when empty), a batch at a time, and returns the file.
func writeResponses(t *testing.T, doc *survey.Document, format Format, lang string, batches ...[]survey.ExportedResponse) []byte {
	t.Helper()
	var buf flushBuffer
	x, err := NewLabelledResponses(&buf, format, doc, lang)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	for _, batch := range batches {
		if err := x.Write(batch); err != nil {
			t.Fatal(err)
		}
	}
	if err := x.Finish(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// Without labels, CSV and JSON are byte for byte what the export wrote
// before it could carry labels.
const (
	plainCSV = `response_id,administration,submitted_at,level,used,why,staff,note
r1,BE,2024-03-01T09:30:00.123456Z,low,yes,a;c,12,"fine, thanks"
r2,BE,2024-03-01T09:31:00.123456Z,,no,,,
r3,FR,2024-03-01T09:32:00.123456Z,high,,a;b;c,3.5,'-1
`
	plainJSON = `[
{"response_id":"r1","administration":"BE","submitted_at":"2024-03-01T09:30:00.123456Z","level":"low","used":"yes","why":["a","c"],"staff":12,"note":"fine, thanks"},
{"response_id":"r2","administration":"BE","submitted_at":"2024-03-01T09:31:00.123456Z","level":null,"used":"no","why":null,"staff":null,"note":null},
{"response_id":"r3","administration":"FR","submitted_at":"2024-03-01T09:32:00.123456Z","level":"high","used":null,"why":["a","b","c"],"staff":3.5,"note":"-1"}
]
`
	frenchJSON = `[
{"response_id":"r1","administration":"BE","submitted_at":"2024-03-01T09:30:00.123456Z","level":"low","level.label":"Bas","used":"yes","used.label":"Oui","why":["a","c"],"why.label":["Raison A","Reason C"],"staff":12,"note":"fine, thanks"},
{"response_id":"r2","administration":"BE","submitted_at":"2024-03-01T09:31:00.123456Z","level":null,"level.label":null,"used":"no","used.label":"Non","why":null,"why.label":null,"staff":null,"note":null},
{"response_id":"r3","administration":"FR","submitted_at":"2024-03-01T09:32:00.123456Z","level":"high","level.label":"Élevé","used":null,"used.label":null,"why":["a","b","c"],"why.label":["Raison A","=Reason B","Reason C"],"staff":3.5,"note":"-1"}
]
`
)

// labelsWants are the records of CSV with labels in each language, the
// header first: French texts fall back to English where the questionnaire
// has none ("Reason C"); a label is neutralised like any text ("'-Low")
// only where it starts the cell.
var labelsWants = map[string][][]string{
	"en": {
		{"response_id", "administration", "submitted_at", "level", "level.label", "used", "used.label", "why", "why.label", "staff", "note"},
		{"r1", "BE", "2024-03-01T09:30:00.123456Z", "low", `'-Low, "very"`, "yes", "Yes", "a;c", "Reason A; Reason C", "12", "fine, thanks"},
		{"r2", "BE", "2024-03-01T09:31:00.123456Z", "", "", "no", "No", "", "", "", ""},
		{"r3", "FR", "2024-03-01T09:32:00.123456Z", "high", "High", "", "", "a;b;c", "Reason A; =Reason B; Reason C", "3.5", "'-1"},
	},
	"fr": {
		{"response_id", "administration", "submitted_at", "level", "level.label", "used", "used.label", "why", "why.label", "staff", "note"},
		{"r1", "BE", "2024-03-01T09:30:00.123456Z", "low", "Bas", "yes", "Oui", "a;c", "Raison A; Reason C", "12", "fine, thanks"},
		{"r2", "BE", "2024-03-01T09:31:00.123456Z", "", "", "no", "Non", "", "", "", ""},
		{"r3", "FR", "2024-03-01T09:32:00.123456Z", "high", "Élevé", "", "", "a;b;c", "Raison A; =Reason B; Reason C", "3.5", "'-1"},
	},
}

// labelsTitles are the workbook's first row with labels in each language,
// and without labels (""): nothing over the fixed columns, each question's
// text (French, else English; English, the default language, without
// labels) over its column, merged with its label column's if any.
var labelsTitles = map[string][]string{
	"":   {"", "", "", "Your level?", "Used?", "Why?", "Staff?", "'=Note"},
	"en": {"", "", "", "Your level?", "", "Used?", "", "Why?", "", "Staff?", "'=Note"},
	"fr": {"", "", "", "Votre niveau ?", "", "Used?", "", "Pourquoi ?", "", "Personnel ?", "'=Note"},
}

func TestResponsesWithoutLabelsAreUnchanged(t *testing.T) {
	for _, tt := range []struct {
		format Format
		want   string
	}{{CSV, plainCSV}, {JSON, plainJSON}} {
		t.Run(string(tt.format), func(t *testing.T) {
			if got := exportLabels(t, tt.format, ""); string(got) != tt.want {
				t.Errorf("got\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

// TestResponsesWorkbook: the workbook has the question texts (in the
// language of the labels, else the default language) above the column
// names of CSV, both rows frozen, each choice question's text merged over
// its key and label columns when there are labels, and nothing merged
// without; with no response, the two header rows alone.
func TestResponsesWorkbook(t *testing.T) {
	plain, err := csv.NewReader(strings.NewReader(plainCSV)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	rs := labelsResponses()
	for _, tt := range []struct {
		name, lang string
		batches    [][]survey.ExportedResponse
		records    [][]string
		merged     []string
	}{
		{"no labels", "", [][]survey.ExportedResponse{rs[:2], rs[2:]}, plain, nil},
		{"no labels, no response", "", nil, plain[:1], nil},
		{"en", "en", [][]survey.ExportedResponse{rs[:2], rs[2:]}, labelsWants["en"], []string{"D1:E1", "F1:G1", "H1:I1"}},
		{"fr", "fr", [][]survey.ExportedResponse{rs[:2], rs[2:]}, labelsWants["fr"], []string{"D1:E1", "F1:G1", "H1:I1"}},
		{"fr, no response", "fr", nil, labelsWants["fr"][:1], []string{"D1:E1", "F1:G1", "H1:I1"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := openResponses(t, writeResponses(t, labelsDoc(t), XLSX, tt.lang, tt.batches...))
			checkSheet(t, f, labelsTitles[tt.lang], tt.records)
			merged, err := f.GetMergeCells(SheetResponses)
			if err != nil {
				t.Fatal(err)
			}
			var ranges []string
			for _, m := range merged {
				ranges = append(ranges, m.GetStartAxis()+":"+m.GetEndAxis())
			}
			slices.Sort(ranges)
			if !slices.Equal(ranges, tt.merged) {
				t.Errorf("merged %v, want each choice question's text over its key and label columns %v", ranges, tt.merged)
			}
		})
	}
}

// TestResponsesTitlesInTheDefaultLanguage: without labels, the question
// texts are in the questionnaire's default language, whichever it is, and
// the row is high enough for the longest of them, wrapped in its column.
func TestResponsesTitlesInTheDefaultLanguage(t *testing.T) {
	long := "Avez-vous d'autres commentaires sur le programme ?" // 50 characters
	doc, err := survey.ParseDocument([]byte(`{"key": "titles", "default_language": "fr",
	 "title": {"en": "Titles", "fr": "Titres"},
	 "sections": [{"key": "s", "title": {"fr": "S"}, "questions": [
	  {"key": "staff", "type": "number", "text": {"en": "Staff?", "fr": "Personnel ?"}},
	  {"key": "note", "type": "text", "text": {"fr": "` + long + `", "en": "Note?"}}]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	f := openResponses(t, writeResponses(t, doc, XLSX, ""))
	checkSheet(t, f, []string{"", "", "", "Personnel ?", long},
		[][]string{{"response_id", "administration", "submitted_at", "staff", "note"}})
	// 50 characters over a question column's 16, a character or so
	// unused per line: 4 lines.
	if height, _ := f.GetRowHeight(SheetResponses, 1); height != 4*lineHeight {
		t.Errorf("row of question texts %v points high, want 4 lines of %d", height, lineHeight)
	}
}

func TestResponsesWithLabels(t *testing.T) {
	for _, lang := range []string{"en", "fr"} {
		t.Run(lang+"/csv", func(t *testing.T) {
			records, err := csv.NewReader(bytes.NewReader(exportLabels(t, CSV, lang))).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			if !slices.EqualFunc(records, labelsWants[lang], slices.Equal) {
				t.Errorf("got\n%q\nwant\n%q", records, labelsWants[lang])
			}
		})
	}
	t.Run("fr/json", func(t *testing.T) {
		if got := exportLabels(t, JSON, "fr"); string(got) != frenchJSON {
			t.Errorf("got\n%s\nwant\n%s", got, frenchJSON)
		}
	})
}

// openResponses opens a responses workbook.
func openResponses(t *testing.T, body []byte) *excelize.File {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// checkSheet compares the Responses sheet with the row of question texts
// (titles) followed by records, as CSV has them (submitted_at shown to the
// second in the workbook), and checks that the two header rows stay in
// view and that staff answers are numbers.
func checkSheet(t *testing.T, f *excelize.File, titles []string, records [][]string) {
	t.Helper()
	rows, err := f.GetRows(SheetResponses)
	if err != nil {
		t.Fatal(err)
	}
	want := append([][]string{titles}, records...)
	for i := 2; i < len(want); i++ {
		want[i] = slices.Clone(want[i])
		want[i][2] = strings.Replace(want[i][2], ".123456Z", "Z", 1)
	}
	if len(rows) != len(want) {
		t.Fatalf("%d rows, want %d: %q", len(rows), len(want), rows)
	}
	for i := range want {
		got := rows[i]
		for len(got) < len(want[i]) {
			got = append(got, "") // readers drop trailing empty cells
		}
		if !slices.Equal(got, want[i]) {
			t.Errorf("row %d %q, want %q", i+1, got, want[i])
		}
	}
	panes, err := f.GetPanes(SheetResponses)
	if err != nil {
		t.Fatal(err)
	}
	if !panes.Freeze || panes.YSplit != 2 || panes.TopLeftCell != "A3" {
		t.Errorf("panes %+v, want the two header rows frozen", panes)
	}
	staff := slices.Index(want[1], "staff") + 1
	ref, _ := excelize.CoordinatesToCellName(staff, 3)
	if typ, _ := f.GetCellType(SheetResponses, ref); typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
		t.Errorf("%s is of type %v, want a number", ref, typ)
	}
}

func TestLabelLanguages(t *testing.T) {
	doc := labelsDoc(t)
	if got := LabelLanguages(doc); !slices.Equal(got, []string{"en", "fr"}) {
		t.Errorf("LabelLanguages = %v, want [en fr]", got)
	}
	for _, lang := range []string{"de", "EN", "english"} {
		if _, err := NewLabelledResponses(&flushBuffer{}, CSV, doc, lang); err == nil {
			t.Errorf("labels in %q: no error", lang)
		}
	}
}

// TestLabelOfAnUnknownKey: a stored key that is not an option of its
// question (only data stored before answers were checked could hold one)
// is shown as it is in the label column, not as an empty cell.
func TestLabelOfAnUnknownKey(t *testing.T) {
	doc := labelsDoc(t)
	var row []cell
	cols := responseColumns(doc, "fr", &row)
	for _, tt := range []struct {
		question string
		keys     cell
		want     string
	}{
		{"level", textCell("gone"), "gone"},
		{"level", textCell("high"), "Élevé"},
		{"why", choicesCell([]string{"a", "gone"}), "Raison A; gone"},
		{"why", choicesCell([]string{}), ""},
		{"why", cell{}, ""},
	} {
		at := slices.IndexFunc(cols, func(c responseColumn) bool { return c.name == tt.question+labelSuffix })
		row = make([]cell, len(cols))
		row[at-1] = tt.keys
		got, err := cols[at].cell(nil)
		if err != nil || got.csv() != tt.want {
			t.Errorf("%s label of %+v: %q, %v; want %q", tt.question, tt.keys, got.csv(), err, tt.want)
		}
	}
}
