package api

import (
	"encoding/json"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/customs-survey/surveyd/survey"
)

// amendedResponse is a response with 30 answers amended n times.
func amendedResponse(n int) survey.Response {
	r := survey.Response{ID: "r", Campaign: "c", Administration: "AA", Revision: 2 * n, Answers: survey.Answers{},
		CreatedAt: time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC), UpdatedAt: time.Date(2026, 12, 1, 2, 0, 0, 1, time.UTC)}
	for i := range 30 {
		r.Answers[fmt.Sprintf("q%02d", i)] = json.RawMessage(`"option_` + fmt.Sprint(i%5) + `"`)
	}
	at := time.Date(2026, 12, 1, 2, 0, 0, 123456000, time.UTC)
	var subs []survey.Submission
	for i := range n {
		// Times with and without a fraction of a second, and one whose
		// fraction ends in zeros that RFC 3339 leaves out.
		subs = append(subs, survey.Submission{ID: fmt.Sprint(i), Revision: 2*i + 2,
			SubmittedAt: at.Add(time.Duration(i)*time.Second + time.Duration(i%3)*877_000_000)})
	}
	r.SetSubmissions(subs)
	return r
}

// TestResponseIsWrittenAsEncodingJSONWould: a response, whose list of
// submissions appendResponse writes by hand, reads back as the same JSON
// value that encoding/json makes of it.
func TestResponseIsWrittenAsEncodingJSONWould(t *testing.T) {
	for _, n := range []int{0, 1, 7} {
		r := toResponseResponse(amendedResponse(n))
		got, err := appendResponse(nil, r)
		if err != nil {
			t.Fatal(err)
		}
		// The same fields, the list among them, as encoding/json writes them.
		type full struct {
			responseResponse
			Submissions []submissionResponse `json:"submissions"`
		}
		want, err := json.Marshal(full{r, r.Submissions})
		if err != nil {
			t.Fatal(err)
		}
		var gotValue, wantValue any
		if err := json.Unmarshal(got, &gotValue); err != nil {
			t.Fatalf("%d submissions: %v in %s", n, err, got)
		}
		if err := json.Unmarshal(want, &wantValue); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(gotValue, wantValue) {
			t.Errorf("%d submissions: written\n%s\nwant (encoding/json)\n%s", n, got, want)
		}
	}
}

// BenchmarkResponseEncoding writes a response amended 300 times, as every
// save and submission answers it: the list of its submissions is most of
// the body.
func BenchmarkResponseEncoding(b *testing.B) {
	r := amendedResponse(300)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := appendResponse(nil, toResponseResponse(r)); err != nil {
			b.Fatal(err)
		}
	}
}
