package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/customs-survey/surveyd/internal/dbtest"
	"github.com/customs-survey/surveyd/internal/storetest"
	"github.com/customs-survey/surveyd/store"
)

// TestContract runs the storage contract of the use cases on both
// databases: what internal/memstore fakes in the use cases' tests is what
// the store does.
func TestContract(t *testing.T) {
	for _, db := range []struct {
		name string
		url  func(testing.TB) string
	}{{"sqlite", dbtest.SQLiteURL}, {"postgres", dbtest.PostgresURL}} {
		t.Run(db.name, func(t *testing.T) {
			storetest.Run(t, func(t *testing.T, now func() time.Time) storetest.Store {
				st, err := store.Open(context.Background(), db.url(t), store.Options{Migrate: true, Now: now})
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { st.Close() })
				return st
			})
		})
	}
}
