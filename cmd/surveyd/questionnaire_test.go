package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"strings"
	"testing"
)

// TestCheckQuestionnaire runs `surveyd questionnaire check` on the files of
// testdata: a valid document gets a summary and no error (exit 0); an
// invalid one gets each problem on a line, with the API's messages, and an
// error (exit 1); --help prints the usage and returns flag.ErrHelp.
func TestCheckQuestionnaire(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		stdout  string
		err     string // "" for none; else a substring of the error
		errHelp bool
	}{
		{
			name:   "valid",
			args:   []string{"testdata/questionnaire_valid.json"},
			stdout: "testdata/questionnaire_valid.json: valid questionnaire training_survey: 1 section, 2 questions, 1 indicator\n",
		},
		{
			// The wrong type of trained is reported once: not again for
			// its options, the show_if or the share indicator naming it.
			name: "invalid: every problem, each once, with its question",
			args: []string{"testdata/questionnaire_invalid.json"},
			stdout: "indicators[0].unit: must be one of: respondent, administration [not_allowed]\n" +
				"sections[0].questions[0].type (question trained): must be one of: single_choice, multi_choice, number, text [not_allowed]\n" +
				"sections[0].questions[1].requried (question staff_trained): is not a member of this object; did you mean \"required\"? [unknown_field]\n",
			err: "testdata/questionnaire_invalid.json: 3 problems",
		},
		{
			name:   "not JSON: the place of the mistake",
			args:   []string{"testdata/questionnaire_syntax.json"},
			stdout: "the questionnaire is not valid JSON: line 4, column 3: invalid character '\"' after object key:value pair, at: \"title\": {\"en\": \"Training surv…\n",
			err:    "testdata/questionnaire_syntax.json: 1 problem",
		},
		{name: "no such file", args: []string{"testdata/none.json"}, err: "none.json: no such file"},
		{name: "no file", args: nil, err: "give one file"},
		{name: "two files", args: []string{"a.json", "b.json"}, err: "give one file"},
		{name: "unknown flag", args: []string{"--strict", "a.json"}, err: "flag provided but not defined: -strict"},
		{name: "help", args: []string{"--help"}, stdout: questionnaireCheckUsage, errHelp: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout bytes.Buffer
			err := checkQuestionnaire(context.Background(), tt.args, &stdout)
			switch {
			case tt.errHelp:
				if !errors.Is(err, flag.ErrHelp) {
					t.Errorf("error %v, want flag.ErrHelp", err)
				}
			case tt.err == "":
				if err != nil {
					t.Errorf("error %v, want none", err)
				}
			case err == nil || !strings.Contains(err.Error(), tt.err):
				t.Errorf("error %v, want one containing %q", err, tt.err)
			}
			if got := stdout.String(); got != tt.stdout {
				t.Errorf("stdout\n got  %q\n want %q", got, tt.stdout)
			}
		})
	}
}
