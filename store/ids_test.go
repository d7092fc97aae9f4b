package store

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/customs-survey/surveyd/internal/dbtest"
	"github.com/customs-survey/surveyd/responding"
	"github.com/customs-survey/surveyd/survey"
)

// TestSubmissionIDsFollowTheirOrder: the ids of submissions (and of
// responses) sort in the order they were made, so that the answers of a
// new submission go at the end of the index by submission id (newRowID).
func TestSubmissionIDsFollowTheirOrder(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		s, p := openCampaign(t, url)
		ctx := context.Background()
		r := responding.New(s, time.Now)
		answers := survey.Answers{"awareness_level": raw(`"basic"`), "ees_perf": raw(`"dont_know"`), "ees_union_law": raw(`"full"`),
			"ees_cooperation": raw(`"none"`), "ees_innovation": raw(`"little"`), "used_outputs": raw(`"yes"`)}
		const n = 12
		for range n {
			if _, err := r.SaveDraft(ctx, p, "c-2023", answers, nil); err != nil {
				t.Fatal(err)
			}
			if _, err := r.Submit(ctx, p, "c-2023", nil); err != nil {
				t.Fatal(err)
			}
		}
		var ids []string
		if err := s.db.Raw(`SELECT id FROM submissions ORDER BY revision`).Scan(&ids).Error; err != nil {
			t.Fatal(err)
		}
		var response string
		if err := s.db.Raw(`SELECT id FROM responses`).Scan(&response).Error; err != nil {
			t.Fatal(err)
		}
		if len(ids) != n {
			t.Fatalf("%d submissions, want %d", len(ids), n)
		}
		for i, id := range append([]string{response}, ids...) {
			if u, err := uuid.Parse(id); err != nil || u.Version() != 7 {
				t.Errorf("id %s: not a UUID of version 7 (%v)", id, err)
			}
			if i > 1 && id <= ids[i-2] {
				t.Errorf("submission %d has id %s, not after %s, the id of the one before", i, id, ids[i-2])
			}
		}
	})
}
