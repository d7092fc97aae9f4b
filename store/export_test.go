package store

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/customs-survey/surveyd/auth"
	"github.com/customs-survey/surveyd/internal/dbtest"
	"github.com/customs-survey/surveyd/survey"
)

// TestEachSubmittedBatchPassesEachResponseOnce amends responses, and
// submits a new one, between the batches of an export: every response
// submitted before the export is passed exactly once, in the documented
// order (administration, then response id), an amended response not yet
// passed with its amendment, and the new one at most once.
func TestEachSubmittedBatchPassesEachResponseOnce(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		s, newcomer := openCampaign(t, url)
		ctx := context.Background()
		answers := func(comment string) survey.Answers {
			return survey.Answers{
				"awareness_level": raw(`"basic"`), "ees_perf": raw(`"large"`), "ees_union_law": raw(`"full"`),
				"ees_cooperation": raw(`"none"`), "ees_innovation": raw(`"little"`), "used_outputs": raw(`"yes"`),
				"comments": raw(fmt.Sprintf("%q", comment)),
			}
		}
		const n = 2*exportBatchRows + 50
		in := make([]survey.ImportedResponse, n)
		for i := range in {
			in[i] = survey.ImportedResponse{Administration: "BE", Respondent: fmt.Sprintf("r%03d", i), Answers: answers("imported")}
		}
		if err := s.ImportResponses(ctx, "c-2023", in); err != nil {
			t.Fatal(err)
		}
		var existing []struct{ ID, RespondentID string }
		if err := s.db.Raw(`SELECT id, respondent_id FROM responses ORDER BY administration_code, id`).Scan(&existing).Error; err != nil {
			t.Fatal(err)
		}
		amend := func(respondent string) {
			t.Helper()
			p := auth.Principal{UserID: respondent, Role: auth.RoleRespondent, Administration: "BE"}
			if _, err := s.SaveDraft(ctx, p, "c-2023", answers("amended"), nil); err != nil {
				t.Fatal(err)
			}
			if _, err := s.Submit(ctx, p, "c-2023", nil); err != nil {
				t.Fatal(err)
			}
		}
		first, last := existing[0], existing[len(existing)-1]

		seen := map[string]int{}
		var order []string
		comments := map[string]string{}
		batches := 0
		err := s.EachSubmittedBatch(ctx, auth.Principal{Role: auth.RoleAdmin}, "c-2023", func(batch []survey.ExportedResponse) error {
			batches++
			if len(batch) > exportBatchRows {
				t.Errorf("a batch of %d responses", len(batch))
			}
			for _, r := range batch {
				seen[r.ResponseID]++
				order = append(order, r.ResponseID)
				var c string
				_ = json.Unmarshal(r.Answers["comments"], &c)
				comments[r.ResponseID] = c
			}
			if batches == 1 {
				// Amendments move a response's latest submission time
				// past every other; a new response appears.
				amend(first.RespondentID)
				amend(last.RespondentID)
				amend(newcomer.UserID)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if batches < 3 {
			t.Errorf("%d batches for %d responses", batches, n)
		}
		for _, r := range existing {
			if seen[r.ID] != 1 {
				t.Errorf("response %s passed %d times", r.ID, seen[r.ID])
			}
			delete(seen, r.ID)
		}
		// What is left is the newcomer's response, if it was passed.
		if len(seen) > 1 {
			t.Errorf("%d responses passed that were not submitted before the export, want at most 1", len(seen))
		}
		for id, k := range seen {
			if k > 1 {
				t.Errorf("the new response %s passed %d times", id, k)
			}
		}
		if got := comments[first.ID]; got != "imported" {
			t.Errorf("the first response, passed before its amendment, shows %q", got)
		}
		if got := comments[last.ID]; got != "amended" {
			t.Errorf("the last response, amended before its batch, shows %q, want its amendment", got)
		}
		if !slices.IsSortedFunc(order, strings.Compare) { // one administration: by id
			t.Errorf("responses are not passed in order of id")
		}
	})
}

func TestNextBatchRows(t *testing.T) {
	tests := []struct{ size, rows, want int }{
		{0, 1, exportBatchRows},                                // empty answers
		{100 * 2 << 10, 100, exportBatchRows},                  // 2 KiB each
		{10 * 100 << 10, 10, exportBatchBytes / (100<<10 + 1)}, // 100 KiB each: fewer
		{1 << 30, 1, 1},                                        // one huge response: one at a time
	}
	for _, tt := range tests {
		if got := nextBatchRows(tt.size, tt.rows); got != tt.want {
			t.Errorf("nextBatchRows(%d, %d) = %d, want %d", tt.size, tt.rows, got, tt.want)
		}
	}
}
