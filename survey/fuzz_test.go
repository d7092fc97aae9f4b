package survey

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"
)

// FuzzParseDocument checks that no input panics, that every rejection is one
// of the two documented error kinds, and that an accepted document survives
// a marshal and parse round trip (the service stores what it accepted).
func FuzzParseDocument(f *testing.F) {
	f.Add(readTestdata(f, customsAnnualPath))
	f.Add([]byte(`{"key":"a","default_language":"en","title":{"en":"T"},"sections":[{"key":"s","title":{"en":"S"},"questions":[{"key":"q","type":"single_choice","text":{"en":"Q"},"options":[{"key":"o","label":{"en":"O"},"score":null}]}]}]}`))
	f.Add([]byte(`{"key":"a","key":"b","sections":[{"questions":[{"requried":true,"options":[{"score":1e400}]}]}]}`))
	f.Add([]byte(`{"title":{"a]b":"x"},"option_sets":{"x]y":[{"key":"K"}]},"indicators":[{"target":{"by_year":{"20x4":1}}}]}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		d, err := ParseDocument(raw)
		if (d == nil) == (err == nil) {
			t.Fatalf("document %v with error %v", d != nil, err)
		}
		if err != nil {
			var ve *ValidationError
			switch {
			case errors.Is(err, ErrMalformed):
			case errors.As(err, &ve):
				if len(ve.Errors) == 0 {
					t.Fatal("empty ValidationError")
				}
				for _, fe := range ve.Errors {
					if fe.Field == "" || fe.Code == (Code{}) || fe.Message == "" {
						t.Fatalf("incomplete problem %+v", fe)
					}
				}
			default:
				t.Fatalf("unexpected error %T %v", err, err)
			}
			return
		}
		again, err := json.Marshal(d)
		if err != nil {
			t.Fatalf("marshal accepted document: %v", err)
		}
		if _, err := ParseDocument(again); err != nil {
			t.Fatalf("accepted document no longer parses after marshalling: %v\n%s", err, again)
		}
		_ = d.Localize("fr")
	})
}

// FuzzAnswers checks that no answers panic, and that what PrepareSubmission
// keeps is itself a valid draft and submission with the same rows.
func FuzzAnswers(f *testing.F) {
	f.Add([]byte(complete))
	f.Add([]byte(`{"used_outputs":"no","why_not":["other","other",3],"support_satisfaction":1e400,"comments":"\ud800"}`))
	f.Add([]byte(`{"why_not_other":"x","support_satisfaction":4.5,"unknown":null}`))
	doc, err := ParseDocument(readTestdata(f, customsAnnualPath))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		var answers Answers
		if json.Unmarshal(raw, &answers) != nil {
			return
		}
		_ = CheckAnswers(doc, answers)
		_ = Visible(doc, answers)
		kept, rows, err := PrepareSubmission(doc, answers)
		if err != nil {
			return
		}
		if err := CheckAnswers(doc, kept); err != nil {
			t.Fatalf("kept answers are not a valid draft: %v", err)
		}
		kept2, rows2, err := PrepareSubmission(doc, kept)
		if err != nil {
			t.Fatalf("kept answers are not a valid submission: %v", err)
		}
		if !reflect.DeepEqual(rows, rows2) || len(kept) != len(kept2) {
			t.Fatalf("submitting the kept answers again changed them")
		}
	})
}
