package survey

import (
	"errors"
	"fmt"
	"testing"
)

// TestNotAnOptionNamesTheOptions checks that an answer that is not an option
// says which options there are (their number beyond MaxListedOptions), and
// that every answer problem carries its question's key.
func TestNotAnOptionNamesTheOptions(t *testing.T) {
	doc := customsAnnual(t)
	many := make([]Option, MaxListedOptions+1)
	for i := range many {
		many[i] = Option{Key: fmt.Sprintf("office_%d", i)}
	}
	doc.Sections[0].Questions[0].Options = many // awareness_level
	tests := []struct {
		name    string
		answers string
		want    FieldError
	}{
		{
			name:    "single choice with a few options",
			answers: `{"used_outputs": "maybe"}`,
			want: FieldError{Field: "answers.used_outputs", Code: CodeNotAnOption, Question: "used_outputs",
				Message: "is not an option of this question; the options are: yes, no"},
		},
		{
			name:    "multi choice",
			answers: `{"why_not": ["other", "budget"]}`,
			want: FieldError{Field: "answers.why_not[1]", Code: CodeNotAnOption, Question: "why_not",
				Message: "is not an option of this question; the options are: no_outputs_yet, not_relevant, no_capacity, other"},
		},
		{
			name:    "more options than a message lists",
			answers: `{"awareness_level": "basic"}`,
			want: FieldError{Field: "answers.awareness_level", Code: CodeNotAnOption, Question: "awareness_level",
				Message: "is not one of the 11 options of this question"},
		},
		{
			name:    "an answer to no question",
			answers: `{"trained": "yes"}`,
			want: FieldError{Field: "answers.trained", Code: CodeUnknownQuestion, Question: "trained",
				Message: "the questionnaire has no such question"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckAnswers(doc, answersOf(t, tt.answers))
			var invalid *ValidationError
			if !errors.As(err, &invalid) || len(invalid.Errors) != 1 {
				t.Fatalf("got %v, want one problem", err)
			}
			if got := invalid.Errors[0]; got != tt.want {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}

	// A required question left unanswered at submission names it too.
	_, _, err := PrepareSubmission(doc, answersOf(t, `{}`))
	var invalid *ValidationError
	if !errors.As(err, &invalid) || invalid.Errors[0].Question == "" || invalid.Errors[0].Field != "answers."+invalid.Errors[0].Question {
		t.Errorf("got %v, want required problems naming their question", err)
	}
}
