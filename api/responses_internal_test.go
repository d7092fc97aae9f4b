package api

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/customs-survey/surveyd/survey"
)

// amendedResponse is a response submitted n times, with a draft of a few
// answers.
func amendedResponse(n int) survey.Response {
	at := time.Date(2026, 3, 4, 10, 0, 0, 123456000, time.UTC)
	r := survey.Response{ID: "r1", Campaign: "customs_2026", Administration: "AT", Revision: 2 * n,
		Answers: survey.Answers{"q1": json.RawMessage(`"yes"`)}, CreatedAt: at, UpdatedAt: at}
	for i := range n {
		r.Submissions = append(r.Submissions, survey.Submission{ID: "s", Revision: 2*i + 2, SubmittedAt: at.Add(time.Duration(i) * time.Second)})
	}
	first, last := r.Submissions[0].SubmittedAt, r.Submissions[n-1].SubmittedAt
	r.FirstSubmittedAt, r.SubmittedAt = &first, &last
	return r
}

// TestSubmissionTimesEncodeAsTimes: the submissions' times read as
// RFC 3339 times in UTC, to the microsecond, whatever the zone they come
// in, as every other time of the API.
func TestSubmissionTimesEncodeAsTimes(t *testing.T) {
	r := amendedResponse(2)
	paris := time.FixedZone("CET", 3600)
	r.Submissions[1].SubmittedAt = time.Date(2026, 3, 4, 11, 0, 1, 5000, paris)
	body, err := json.Marshal(toResponseResponse(r))
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Submissions []struct {
			Revision    int    `json:"revision"`
			SubmittedAt string `json:"submitted_at"`
		} `json:"submissions"`
	}
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatal(err)
	}
	want := []string{"2026-03-04T10:00:00.123456Z", "2026-03-04T10:00:01.000005Z"}
	if len(got.Submissions) != len(want) {
		t.Fatalf("%d submissions, want %d: %s", len(got.Submissions), len(want), body)
	}
	for i, w := range want {
		if got.Submissions[i].SubmittedAt != w || got.Submissions[i].Revision != 2*i+2 {
			t.Errorf("submission %d: %+v, want revision %d at %s", i, got.Submissions[i], 2*i+2, w)
		}
	}
}

// BenchmarkResponseBody: encoding the answer of a save or a submission
// of a response amended often enough to list as many submissions as a
// response lists (survey.ListedSubmissions).
func BenchmarkResponseBody(b *testing.B) {
	r := amendedResponse(survey.ListedSubmissions)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := json.Marshal(toResponseResponse(r)); err != nil {
			b.Fatal(err)
		}
	}
}
