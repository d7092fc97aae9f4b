package api_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/customs-survey/surveyd/internal/dbtest"
)

// TestScoresNotComparableAcrossVersions: the 2024 campaign runs version 2
// of customs_annual, in which the score of one awareness option, the unit
// of RES 1.2 and the wording of a question changed. Each indicator is
// compared with the 2023 campaign's own version: OP 3.1 and RES 1.2 are
// not comparable (no change, and the reason in JSON, CSV and the
// narrative); RES 4.1, whose question was only reworded, is.
func TestScoresNotComparableAcrossVersions(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		e := newEnv(t, url)
		e.world()
		admin := e.tokens["admin"]
		answers := map[string]any{"awareness_level": "basic", "ees_perf": "full", "ees_union_law": "moderate",
			"ees_cooperation": "full", "ees_innovation": "large", "used_outputs": "yes"}
		e.submit(e.tokens["resp_fr"], "customs-2023", answers)
		e.must(200, "POST", "/api/v1/campaigns/customs-2023/close", admin, nil)

		var doc map[string]any
		if err := json.Unmarshal(readFile(t, "../testdata/questionnaires/customs_annual.json"), &doc); err != nil {
			t.Fatal(err)
		}
		awareness := doc["sections"].([]any)[0].(map[string]any)["questions"].([]any)[0].(map[string]any)
		awareness["options"].([]any)[1].(map[string]any)["score"] = 50 // basic: 67 before
		for _, s := range doc["sections"].([]any) {
			for _, q := range s.(map[string]any)["questions"].([]any) {
				if q := q.(map[string]any); q["key"] == "ees_innovation" {
					q["text"] = map[string]any{"en": "To what extent did the EES help innovation?"}
				}
			}
		}
		for _, ind := range doc["indicators"].([]any) {
			if ind := ind.(map[string]any); ind["code"] == "RES 1.2" {
				ind["unit"] = "respondent"
			}
		}
		e.must(201, "POST", "/api/v1/questionnaires/customs_annual/versions", admin, nil)
		e.must(200, "PUT", "/api/v1/questionnaires/customs_annual/versions/2", admin, doc)
		e.must(200, "POST", "/api/v1/questionnaires/customs_annual/versions/2/publish", admin, nil)
		e.must(201, "POST", "/api/v1/campaigns", admin, map[string]any{
			"key": "customs-2024", "year": 2024, "questionnaire": "customs_annual", "version": 2,
			"opens_at": time.Now().Add(-time.Hour).UTC().Format(time.RFC3339), "closes_at": time.Now().Add(time.Hour).UTC().Format(time.RFC3339),
			"administrations": []string{"BE", "FR"}, "previous_campaign": "customs-2023"})
		e.must(200, "POST", "/api/v1/campaigns/customs-2024/open", admin, nil)
		e.submit(e.tokens["resp_fr"], "customs-2024", answers)

		wants := map[string]struct {
			comparable bool
			reason     string
		}{
			"OP 3.1":  {reason: "the options of question awareness_level changed (scores changed: basic from 67 to 50)"},
			"RES 1.2": {reason: "the unit changed from administration to respondent"},
			"RES 4.1": {comparable: true},
		}
		r := e.scores("customs-2024")
		for _, got := range r.Indicators {
			w, ok := wants[got.Code]
			if !ok {
				continue
			}
			p := got.Previous
			switch {
			case p == nil || p.Campaign != "customs-2023" || p.Value == nil:
				t.Errorf("%s: previous %+v, want customs-2023 with a value", got.Code, p)
			case p.Comparable != w.comparable || p.Reason != w.reason || (p.Change != nil) != w.comparable:
				t.Errorf("%s: comparable %v %q, change %v; want %v %q", got.Code, p.Comparable, p.Reason, deref(p.Change), w.comparable, w.reason)
			case !w.comparable && !strings.Contains(got.Narrative, "The figures of 2024 and 2023 are not comparable: "+w.reason+"."):
				t.Errorf("%s: the narrative %q does not say why the figures are not comparable", got.Code, got.Narrative)
			case w.comparable && *p.Change != 0:
				t.Errorf("%s: change %v, want 0 (the same answer)", got.Code, *p.Change)
			}
		}

		res := e.request("GET", "/api/v1/campaigns/customs-2024/scores?format=csv", admin, nil)
		records, err := csv.NewReader(bytes.NewReader(res.Body)).ReadAll()
		if err != nil || res.Status != 200 {
			t.Fatalf("CSV: %d %v", res.Status, err)
		}
		column := map[string]int{}
		for i, name := range records[0] {
			column[name] = i
		}
		for _, rec := range records[1:] {
			w, ok := wants[rec[column["code"]]]
			if !ok || rec[column["level"]] != "Total" {
				continue
			}
			want := []string{map[bool]string{true: "true", false: "false"}[w.comparable], w.reason, "percentage_points"}
			if w.comparable {
				want = append(want, "0.00")
			} else {
				want = append(want, "")
			}
			got := []string{rec[column["comparable"]], rec[column["not_comparable_reason"]], rec[column["change_unit"]], rec[column["change"]]}
			if strings.Join(got, "|") != strings.Join(want, "|") {
				t.Errorf("CSV %s: comparable, reason, change unit, change %q, want %q", rec[column["code"]], got, want)
			}
		}
	})
}
