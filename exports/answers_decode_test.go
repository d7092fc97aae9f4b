package exports

import (
	"encoding/json"
	"fmt"
	"reflect"
	"testing"

	"github.com/customs-survey/surveyd/survey"
)

// TestAnswerReadersAgreeWithUnmarshal: whatever the stored answer, the
// readers return what json.Unmarshal returns, value and failure alike,
// for the forms they read themselves and those they hand over.
func TestAnswerReadersAgreeWithUnmarshal(t *testing.T) {
	strs := []string{`"yes"`, `""`, `"élan"`, `"a,b"`, `"say \"hi\"\n\tnow\\ \/ \b\f\r"`, `"\u00e9\u2028"`,
		`"<&>"`, `"bad \x escape"`, `"unterminated`, `"ctrl ` + "\x01" + `"`, "\"\xff\"", `"a"b"`, `"trailing\"`,
		` "spaced" `, `12`, `null`, `["a"]`}
	for _, raw := range strs {
		got, err := decodeString([]byte(raw))
		var want string
		wantErr := json.Unmarshal([]byte(raw), &want)
		if got != want || (err == nil) != (wantErr == nil) {
			t.Errorf("decodeString(%s) = %q, %v; json.Unmarshal: %q, %v", raw, got, err, want, wantErr)
		}
	}
	arrays := []string{`["a","b"]`, `[]`, `["a"]`, `[ "a" , "b" ]`, `["a",]`, `[,"a"]`, `["a""b"]`, `["\"q\""]`,
		`["\u0041"]`, `["a",1]`, `[`, `["a"`, `"a"`, `null`, `["a"]x`}
	for _, raw := range arrays {
		got, err := decodeStrings([]byte(raw))
		var want []string
		wantErr := json.Unmarshal([]byte(raw), &want)
		if !reflect.DeepEqual(got, want) || (err == nil) != (wantErr == nil) {
			t.Errorf("decodeStrings(%s) = %#v, %v; json.Unmarshal: %#v, %v", raw, got, err, want, wantErr)
		}
	}
	numbers := []string{`0`, `-0`, `12`, `-12.5`, `1e9`, `1.5E-3`, `2e+2`, `01`, `1.`, `.5`, `-`, `1e`, `1e+`, `+1`,
		`"12"`, `1 `, `0x10`, `NaN`, `1.5.5`}
	for _, raw := range numbers {
		got, err := decodeNumber([]byte(raw))
		var want json.Number
		wantErr := json.Unmarshal([]byte(raw), &want)
		if got != want || (err == nil) != (wantErr == nil) {
			t.Errorf("decodeNumber(%s) = %q, %v; json.Unmarshal: %q, %v", raw, got, err, want, wantErr)
		}
	}
}

// TestOptionKeys: the key of an option is found by its JSON whatever the
// number of options (compared in turn up to 8, hashed beyond), and
// anything else is not.
func TestOptionKeys(t *testing.T) {
	for _, n := range []int{1, 8, 9, 40} {
		var options []survey.Option
		for i := range n {
			options = append(options, survey.Option{Key: fmt.Sprintf("option_%d", i)})
		}
		key := optionKeys(options)
		for _, o := range options {
			raw, _ := json.Marshal(o.Key)
			if got, ok := key(raw); !ok || got != o.Key {
				t.Errorf("%d options: %s gives %q %v, want %q", n, raw, got, ok, o.Key)
			}
		}
		for _, raw := range []string{`"option_"`, `option_0`, `"option_0 "`, `""`, ``} {
			if got, ok := key([]byte(raw)); ok {
				t.Errorf("%d options: %s gives %q, want none", n, raw, got)
			}
		}
	}
}
