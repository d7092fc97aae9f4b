package api_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"maps"
	"testing"

	"github.com/customs-survey/surveyd/internal/dbtest"
)

// TestScoresTellNotApplicableFromMissing submits, to a questionnaire that
// asks how useful an action was only of those who took part in one
// (testdata/questionnaires/routed.json), one response routed past that
// question by its show_if, one shown it that left it blank, one that
// answered and one that answered nothing (so was never shown it), and
// reads the counts in JSON and CSV; an amendment that makes the question
// apply moves its response from not applicable to a value.
func TestScoresTellNotApplicableFromMissing(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		e := newEnv(t, url)
		e.world()
		e.openCampaign(json.RawMessage(readFile(t, "../testdata/questionnaires/routed.json")), "routed", "routed-2023", 2023,
			map[string]any{"administrations": []string{"BE", "FR", "DE"}})
		e.submit(e.tokens["resp_be"], "routed-2023", map[string]any{"took_part": "no", "overall": "good"})
		e.submit(e.tokens["resp_be2"], "routed-2023", map[string]any{"took_part": "yes"})
		e.submit(e.tokens["resp_fr"], "routed-2023", map[string]any{"took_part": "yes", "quality": "good", "overall": "bad"})
		e.submit(e.tokens["resp_de"], "routed-2023", map[string]any{}) // answered nothing: was shown no quality question

		type counts struct{ N, Excluded, Missing, NotApplicable int }
		read := func() map[string]counts {
			res := e.request("GET", "/api/v1/campaigns/routed-2023/scores", e.tokens["admin"], nil)
			var body struct {
				Indicators []struct {
					Code string
					counts
					NotApplicable int `json:"not_applicable"`
					Breakdown     *struct {
						Questions []struct {
							Key           string
							NotApplicable *int `json:"not_applicable"`
							Missing       *int
						}
					}
				}
			}
			if err := json.Unmarshal(res.Body, &body); err != nil {
				t.Fatal(err)
			}
			out := map[string]counts{}
			for _, ind := range body.Indicators {
				c := ind.counts
				c.NotApplicable = ind.NotApplicable
				out[ind.Code] = c
				if ind.Breakdown != nil {
					q := ind.Breakdown.Questions[0]
					out[ind.Code+" "+q.Key] = counts{Missing: *q.Missing, NotApplicable: *q.NotApplicable, N: -1}
				}
			}
			return out
		}
		want := map[string]counts{
			"Q":         {N: 1, Missing: 1, NotApplicable: 2},
			"Q quality": {N: -1, Missing: 1, NotApplicable: 2},
			"QO":        {N: 2, Missing: 2},
		}
		if got := read(); !maps.Equal(got, want) {
			t.Fatalf("counts %+v, want %+v", got, want)
		}

		res := e.request("GET", "/api/v1/campaigns/routed-2023/scores?format=csv", e.tokens["admin"], nil)
		table, err := csv.NewReader(bytes.NewReader(res.Body)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		column := map[string]int{}
		for i, name := range table[0] {
			column[name] = i
		}
		if got := table[1][column["not_applicable"]]; table[1][column["code"]] != "Q" || got != "2" {
			t.Errorf("CSV row %v: not_applicable %q, want 2", table[1], got)
		}

		path := "/api/v1/campaigns/routed-2023/response"
		e.must(200, "PUT", path, e.tokens["resp_be"], map[string]any{"answers": map[string]any{"took_part": "yes", "quality": "bad", "overall": "good"}})
		e.must(200, "POST", path+"/submit", e.tokens["resp_be"], nil)
		want = map[string]counts{
			"Q":         {N: 2, Missing: 1, NotApplicable: 1},
			"Q quality": {N: -1, Missing: 1, NotApplicable: 1},
			"QO":        {N: 2, Missing: 2},
		}
		if got := read(); !maps.Equal(got, want) {
			t.Errorf("after the amendment: counts %+v, want %+v", got, want)
		}
	})
}
