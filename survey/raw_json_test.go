package survey

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// TestPlainJSON: the one pass that clears nearly every request says "not
// sure" whenever scanRawJSON finds a problem, and clears the common
// shapes of a request.
func TestPlainJSON(t *testing.T) {
	names := func(n int, last string) string {
		var b strings.Builder
		for i := range n {
			fmt.Fprintf(&b, `"q%d": %d, `, i, i)
		}
		return "{" + b.String() + `"` + last + `": 0}`
	}
	for _, tt := range []struct {
		name  string
		raw   string
		plain bool
	}{
		{"answers", `{"answers": {"q1": "yes", "q2": ["a", "b"], "q3": 4.5, "q4": null, "q5": {"x": true}}}`, true},
		{"the same names in sibling objects", `[{"a": 1, "b": 2}, {"a": 1, "b": 2}]`, true},
		{"the same name at two depths", `{"a": {"a": {"a": 1}}}`, true},
		{"strings holding what delimits", `{"a": "{\"a\": 1, [", "b": "]}"}`, true},
		{"an escaped backslash before u0000", `{"a": "\\u0000"}`, true},
		{"many names", names(40, "q40"), true},
		{"empty containers", `{"a": {}, "b": [], "c": [[], {}]}`, true},
		{"a duplicate", `{"a": 1, "a": 2}`, false},
		{"a duplicate after an object", `{"a": {"b": 1, "c": 2}, "a": 2}`, false},
		{"a duplicate in an object in an array", `{"x": [1, {"b": 1, "b": 2}]}`, false},
		{"a duplicate past the names looked at one by one", names(40, "q3"), false},
		{"a duplicate among exactly as many as looked at one by one", names(linearNames, "q0"), false},
		{"a NUL in a string", `{"a": "x\u0000y"}`, false},
		{"a NUL in a name", `{"a\u0000": 1}`, false},
		{"a NUL in an array", `["\u0000"]`, false},
		{"an escaped name", `{"\u0061": 1, "b": 2}`, false},
		{"an escaped name equal to another", `{"a": 1, "\u0061": 2}`, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if !json.Valid([]byte(tt.raw)) {
				t.Fatalf("not valid JSON: %s", tt.raw)
			}
			if got := plainJSON([]byte(tt.raw)); got != tt.plain {
				t.Errorf("plainJSON = %v, want %v", got, tt.plain)
			}
			checkPlainAgainstScan(t, []byte(tt.raw))
		})
	}
}

// FuzzPlainJSON: whatever valid JSON it clears, scanRawJSON finds nothing
// wrong with; and nothing makes it panic.
func FuzzPlainJSON(f *testing.F) {
	for _, seed := range []string{`{"a": 1, "a": 2}`, `{"a": "x\u0000"}`, `{"answers": {"q1": ["a", {"b": "\\u0000"}]}}`,
		`[{"a": 1}, {"a": 1}]`, `{"\u0061": 1, "a": 2}`, `{"a": "\`, `}]`, `{"a": [}`, `"\u00`} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		if json.Valid(raw) {
			checkPlainAgainstScan(t, raw)
		} else {
			plainJSON(raw)
		}
	})
}

// checkPlainAgainstScan fails when plainJSON clears raw and scanRawJSON
// finds a problem in it.
func checkPlainAgainstScan(t *testing.T, raw []byte) {
	t.Helper()
	v := &ValidationError{}
	scanRawJSON(raw, v)
	if plainJSON(raw) && len(v.Errors) > 0 {
		t.Errorf("plainJSON clears %s, where scanRawJSON finds %v", raw, v.Err())
	}
}
