package store_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/customs-survey/surveyd/demo"
	"github.com/customs-survey/surveyd/internal/dbtest"
	"github.com/customs-survey/surveyd/scores"
	"github.com/customs-survey/surveyd/store"
	"github.com/customs-survey/surveyd/survey"
)

// TestAggregateSplitMatchesOneQuery scores every campaign of the 2023
// report's data set twice: with the service's limits, where each
// questionnaire takes one aggregate query, and with limits so narrow that
// the scorer splits it into one query per measure (an options breakdown
// into parts of two options). The reports must be identical: splitting changes how many
// scans are made, never a figure.
func TestAggregateSplitMatchesOneQuery(t *testing.T) {
	ds, err := demo.Report2023()
	if err != nil {
		t.Fatal(err)
	}
	dbtest.Each(t, func(t *testing.T, url string) {
		ctx := context.Background()
		st, err := store.Open(ctx, url, store.Options{Migrate: true})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		if err := demo.Load(ctx, st, ds); err != nil {
			t.Fatal(err)
		}
		for _, raw := range ds.Questionnaires {
			doc, err := survey.ParseDocument(raw)
			if err != nil {
				t.Fatal(err)
			}
			if n := store.AggregateQueriesForTest(doc); n != 1 {
				t.Errorf("%s takes %d aggregate queries with the service's limits, want 1", doc.Key, n)
			}
			restore := store.SetAggregateLimitsForTest(8, 60, 2)
			n := store.AggregateQueriesForTest(doc)
			restore()
			if n < len(doc.Indicators) {
				t.Errorf("%s takes %d queries with narrow limits, want at least one per indicator (%d)", doc.Key, n, len(doc.Indicators))
			}
		}
		for _, c := range ds.Campaigns {
			one := scoresJSON(t, st, c.Key)
			restore := store.SetAggregateLimitsForTest(8, 60, 2)
			split := scoresJSON(t, st, c.Key)
			restore()
			if one != split {
				t.Errorf("%s: the split aggregate gives another report\none query: %s\nsplit:     %s", c.Key, one, split)
			}
		}
	})
}

func scoresJSON(t *testing.T, st *store.Store, key string) string {
	t.Helper()
	r, err := scores.New(st, nil).Report(context.Background(), key, "en")
	if err != nil {
		t.Fatalf("%s: %v", key, err)
	}
	r.ComputedAt = time.Time{}
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
