package exports

import (
	"bytes"
	"encoding/csv"
	"testing"
	"time"
)

// TestAppendersWriteAsBefore: each cell kind, with every text that CSV
// quotes, SafeCell neutralises or JSON escapes, is written by the
// appenders byte for byte as encoding/csv writes cell.csv, and as
// cell.json.
func TestAppendersWriteAsBefore(t *testing.T) {
	texts := []string{"", "plain", "a,b", `say "hi"`, "two\nlines", "cr\rhere", `\.`, " leading space",
		"\u00a0no-break", "\tTab", "=1+1", "+1", "-1", "@x", "\rcr", "élan", "<&>", "\u2028", "\x01ctrl", "\xffbad", "'quoted"}
	var cells []cell
	for _, s := range texts {
		cells = append(cells, textCell(s), choicesCell([]string{s, "b"}), labelsCell([]string{s, "Label B"}))
	}
	at := time.Date(2024, 2, 1, 10, 0, 0, 123456000, time.FixedZone("x", 3600))
	cells = append(cells, cell{}, timeCell(at), cell{kind: kindNumber, text: "-12.50", number: -12.5},
		integerCell(-3), decimalCell(67.305), booleanCell(true), choicesCell(nil), choicesCell([]string{}),
		labelsCell(nil), labelsCell([]string{}))
	for _, c := range cells {
		var want bytes.Buffer
		w := csv.NewWriter(&want)
		if err := w.Write([]string{c.csv(), c.csv()}); err != nil {
			t.Fatal(err)
		}
		w.Flush()
		got := appendCSVCell(nil, &c)
		got = append(appendCSVCell(append(got, ','), &c), '\n')
		if !bytes.Equal(got, want.Bytes()) {
			t.Errorf("CSV of %+v: %q, want %q", c, got, want.Bytes())
		}
		wantJSON, wantErr := c.json()
		gotJSON, err := appendJSONCell([]byte("x"), &c)
		if !bytes.Equal(gotJSON, append([]byte("x"), wantJSON...)) || (err == nil) != (wantErr == nil) {
			t.Errorf("JSON of %+v: %q, %v; want %q, %v", c, gotJSON, err, wantJSON, wantErr)
		}
	}
}
