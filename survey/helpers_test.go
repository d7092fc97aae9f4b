package survey

import (
	"encoding/json"
	"errors"
	"os"
	"slices"
	"strings"
	"testing"
)

const customsAnnualPath = "../testdata/questionnaires/customs_annual.json"

// readTestdata returns the bytes of a file under testdata.
func readTestdata(t testing.TB, path string) []byte {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	return raw
}

// customsAnnual parses the example questionnaire, failing the test when it
// does not parse cleanly.
func customsAnnual(t *testing.T) *Document {
	t.Helper()
	d, err := ParseDocument(readTestdata(t, customsAnnualPath))
	if err != nil {
		t.Fatalf("parse %s: %v", customsAnnualPath, err)
	}
	return d
}

// problems returns the "field code" pairs of a *ValidationError, sorted, or
// fails the test when err is another kind of error.
func problems(t *testing.T, err error) []string {
	t.Helper()
	if err == nil {
		return nil
	}
	var ve *ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("got %T %v, want *ValidationError", err, err)
	}
	var got []string
	for _, fe := range ve.Errors {
		if fe.Message == "" {
			t.Errorf("%s %s has no message", fe.Field, fe.Code)
		}
		got = append(got, fe.Field+" "+fe.Code.String())
	}
	slices.Sort(got)
	return got
}

// assertProblems compares the problems of err with want, ignoring order.
func assertProblems(t *testing.T, err error, want []string) {
	t.Helper()
	got := problems(t, err)
	want = slices.Clone(want)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("problems:\n got  %s\n want %s", strings.Join(got, "\n      "), strings.Join(want, "\n      "))
	}
}

// mustJSON marshals v, failing the test on error.
func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("marshal: %v", err)
	}
	return b
}
