package exports

import (
	"bytes"
	"encoding/json"
	"testing"
)

// TestScoresJSONTargetsAndChange: the JSON document gives the kind and year
// of the target or milestone, the end-of-programme target only when one is
// set, and the change with its unit, and a reason only when the figures
// are not comparable.
func TestScoresJSONTargetsAndChange(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteScoresJSON(&buf, testReport()); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Indicators []map[string]json.RawMessage `json:"indicators"`
	}
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	want := []map[string]string{
		{"target": `{"value":70,"kind":"target","year":2023,"status":"not_met"}`, "end_target": "",
			"previous": `{"campaign":"customs-2022","year":2022,"value":74.2,"change":-6.892307692307693,` +
				`"change_unit":"percentage_points","comparable":true}`},
		{"target": `{"value":4,"kind":"target","year":2023,"status":"not_met"}`,
			"end_target": `{"value":4.5,"year":2027,"status":"not_met"}`,
			"previous": `{"campaign":"customs-2022","year":2022,"value":3.9,"change":null,"change_unit":"points",` +
				`"comparable":false,"reason":"=the range of question rating changed from 1 to 5 to 0 to 10"}`},
		{"target": `{"value":50,"kind":"milestone","year":2024,"status":"met"}`, "end_target": "", "previous": ""},
	}
	for i, w := range want {
		for member, text := range w {
			if got := string(doc.Indicators[i][member]); got != text {
				t.Errorf("%s %s: %s, want %s", testReport().Indicators[i].Code, member, got, text)
			}
		}
	}
}
