package api_test

import (
	"fmt"
	"net/http"
	"slices"
	"testing"

	"github.com/customs-survey/surveyd/internal/dbtest"
)

// TestLargeMultiChoiceAnswer: a multi-choice question with the largest
// number of options a questionnaire may have, every one selected, is saved,
// submitted, read back and scored exactly; an unknown or repeated key among
// them is reported at its own index. (survey's
// BenchmarkCheckAnswersMultiChoice shows the time per answer.)
func TestLargeMultiChoiceAnswer(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		e := newEnv(t, url)
		e.world()
		big := e.secondProcess(url) // default body limit
		var options []any
		var all []string
		for i := range limitOptions {
			key := fmt.Sprintf("opt_%d", i)
			all = append(all, key)
			options = append(options, map[string]any{"key": key, "label": map[string]any{"en": "Option"}})
		}
		doc := map[string]any{"key": "wide", "default_language": "en", "title": map[string]any{"en": "Wide"},
			"sections": []any{map[string]any{"key": "main", "title": map[string]any{"en": "Main"}, "questions": []any{
				map[string]any{"key": "offices", "type": "multi_choice", "required": true, "text": map[string]any{"en": "Offices"}, "options": options},
			}}},
			"indicators": []any{map[string]any{"code": "LAST", "method": "share", "questions": []string{"offices"},
				"options": []string{all[len(all)-1]}, "breakdown": []string{"options"}}},
		}
		big.openCampaign(doc, "wide", "wide", 2023, nil)
		path := "/api/v1/campaigns/wide/response"

		// Reversed, so that the order sent is not the option order.
		reversed := slices.Clone(all)
		slices.Reverse(reversed)
		bad := slices.Clone(reversed)
		bad[400] = "no_such_office"
		bad[700] = bad[10]

		cases := []struct {
			name   string
			answer []string
			want   []string // field:code; none means 200
		}{
			{"an unknown key and a repeated key among a thousand", bad, []string{"answers.offices[400]:not_an_option", "answers.offices[700]:duplicate_option"}},
			{"every option", reversed, nil},
		}
		for _, tt := range cases {
			t.Run(tt.name, func(t *testing.T) {
				res := big.request("PUT", path, e.tokens["resp_be"], map[string]any{"answers": map[string]any{"offices": tt.answer}})
				checkOutcome(t, res, http.StatusOK, tt.want)
			})
		}
		big.must(http.StatusOK, "POST", path+"/submit", e.tokens["resp_be"], nil)
		saved := big.must(http.StatusOK, "GET", path, e.tokens["resp_be"], nil)
		got, _ := saved["answers"].(map[string]any)["offices"].([]any)
		if len(got) != limitOptions {
			t.Fatalf("%d options read back, want %d", len(got), limitOptions)
		}
		big.submit(e.tokens["resp_fr"], "wide", map[string]any{"offices": []string{"opt_0"}})

		report := checkScoresAllFormats(t, big, "wide")
		if v := indicatorValue(t, report, "LAST"); v == nil || *v != 50 {
			t.Errorf("LAST = %v, want 50 (one of two respondents chose the last option)", v)
		}
		rows := breakdownRows(t, report, "LAST", "options")
		for key, want := range map[string]string{"opt_0": "2", "opt_1": "1", "opt_999": "1"} {
			if got := fmt.Sprint(rows[key]["count"]); got != want {
				t.Errorf("option %s count %s, want %s", key, got, want)
			}
		}
	})
}
