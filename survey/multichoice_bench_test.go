package survey

import (
	"encoding/json"
	"fmt"
	"testing"
)

// wideDocument has a multi-choice question of n options and a text
// question shown when any of them is selected (a show_if listing all n).
// It is built in Go, so that it may pass the document limits and show how
// the cost grows with n.
func wideDocument(n int) (*Document, Answers) {
	options := make([]Option, n)
	keys := make([]string, n)
	for i := range options {
		keys[i] = fmt.Sprintf("opt_%d", i)
		options[i] = Option{Key: keys[i], Label: Text{"en": "Option"}}
	}
	d := &Document{Key: "wide", DefaultLanguage: "en", Title: Text{"en": "Wide"}, Sections: []Section{{
		Key: "main", Title: Text{"en": "Main"}, Questions: []Question{
			{Key: "offices", Type: TypeMultiChoice, Text: Text{"en": "Offices"}, Options: options},
			{Key: "why", Type: TypeText, Text: Text{"en": "Why?"}, ShowIf: &Condition{Question: "offices", In: keys}},
		},
	}}}
	// Every option selected, last first.
	selected := make([]string, n)
	for i := range selected {
		selected[i] = keys[n-1-i]
	}
	raw, _ := json.Marshal(selected)
	return d, Answers{"offices": raw, "why": json.RawMessage(`"because"`)}
}

// BenchmarkCheckAnswersMultiChoice times the checks of a save
// (CheckAnswers) and of a submission (PrepareSubmission) of one answer that
// selects every option of a multi-choice question, at the largest question
// a document may have (MaxOptions) and at 25 times that:
//
//	go test ./survey -run '^$' -bench MultiChoice
//
// Linear checking keeps ns/option about the same at both sizes; a lookup
// of each selected key in the option list made it grow with n.
func BenchmarkCheckAnswersMultiChoice(b *testing.B) {
	for _, n := range []int{MaxOptions, 25 * MaxOptions} {
		d, answers := wideDocument(n)
		b.Run(fmt.Sprintf("save/options=%d", n), func(b *testing.B) {
			for b.Loop() {
				if err := CheckAnswers(d, answers); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/option")
		})
		b.Run(fmt.Sprintf("submit/options=%d", n), func(b *testing.B) {
			for b.Loop() {
				if _, rows, err := PrepareSubmission(d, answers); err != nil || len(rows) != n+1 {
					b.Fatal(err, len(rows))
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/option")
		})
	}
}

// TestWideMultiChoiceAnswer checks what the benchmark times: every option
// selected is accepted and stored as one row each, in option order, and
// the question shown by it is kept.
func TestWideMultiChoiceAnswer(t *testing.T) {
	d, answers := wideDocument(MaxOptions)
	if err := CheckAnswers(d, answers); err != nil {
		t.Fatal(err)
	}
	kept, rows, err := PrepareSubmission(d, answers)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != MaxOptions+1 || string(kept["why"]) != `"because"` {
		t.Fatalf("%d rows, why %s; want %d rows and the shown text kept", len(rows), kept["why"], MaxOptions+1)
	}
	for i, r := range rows[:MaxOptions] {
		if want := fmt.Sprintf("opt_%d", i); r.Option == nil || *r.Option != want {
			t.Fatalf("row %d is %v, want %s", i, r.Option, want)
		}
	}
}
