package store_test

import (
	"context"
	"fmt"
	"github.com/customs-survey/surveyd/auth"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/customs-survey/surveyd/demo"
	"github.com/customs-survey/surveyd/internal/dbtest"
	"github.com/customs-survey/surveyd/scores"
	"github.com/customs-survey/surveyd/scoring"
	"github.com/customs-survey/surveyd/store"
	"github.com/customs-survey/surveyd/survey"
)

// TestAggregateSplitMatchesOneQuery computes the tallies of every campaign
// of the 2023 report's data set from its answers twice: with the service's
// limits, where each questionnaire takes one scan by response (beside the
// read of the measures summed from the answer rows directly), and with
// limits so narrow that the scan is split into one query per measure (an
// options breakdown into parts of two options, and SQLite's direct sums
// into one query per two questions). The tallies must be
// identical: splitting changes how many scans are made, never a figure.
func TestAggregateSplitMatchesOneQuery(t *testing.T) {
	ds, err := demo.Report2023()
	if err != nil {
		t.Fatal(err)
	}
	dbtest.Each(t, func(t *testing.T, url string) {
		dialect := strings.SplitN(url, ":", 2)[0]
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
			// One read for the measures summed from the answer rows
			// directly, one scan by response for the others.
			wide := store.AggregateQueriesForTest(doc, dialect)
			if wide > 2 {
				t.Errorf("%s takes %d aggregate queries with the service's limits, want at most 2", doc.Key, wide)
			}
			restore := store.SetAggregateLimitsForTest(5, 60, 2, 2)
			n := store.AggregateQueriesForTest(doc, dialect)
			restore()
			if n <= wide+1 {
				t.Errorf("%s takes %d queries with narrow limits, %d with the service's: the narrow limits split nothing", doc.Key, n, wide)
			}
		}
		for _, c := range ds.Campaigns {
			one := scan(t, st, c.Key)
			restore := store.SetAggregateLimitsForTest(5, 60, 2, 2)
			split := scan(t, st, c.Key)
			restore()
			if len(one) == 0 {
				t.Errorf("%s: no indicators", c.Key)
			}
			if reflect.DeepEqual(one, split) {
				continue
			}
			diffs := valueDiff("report", reflect.ValueOf(one), reflect.ValueOf(split))
			if len(diffs) == 0 {
				diffs = []string{"the tallies differ"}
			}
			for _, d := range diffs {
				t.Errorf("%s: the split aggregate gives other tallies: %s", c.Key, d)
			}
		}
	})
}

// scan computes a campaign's tallies from its answers.
func scan(t *testing.T, st *store.Store, key string) []survey.Tally {
	t.Helper()
	tallies, err := st.ScanForTest(context.Background(), key)
	if err != nil {
		t.Fatalf("%s: %v", key, err)
	}
	return tallies
}

// report scores a campaign, computed_at zeroed.
func report(t *testing.T, st *store.Store, key string) scoring.Report {
	t.Helper()
	r, err := scores.New(st, time.Now).Report(context.Background(), auth.Operator(), key, "en")
	if err != nil {
		t.Fatalf("%s: %v", key, err)
	}
	r.ComputedAt = time.Time{}
	return r
}

// valueDiff lists where two values of the same type differ, through
// pointers, structs (unexported fields included) and slices, as path: one
// query's value, split's value. Numbers are compared exactly.
func valueDiff(path string, one, split reflect.Value) []string {
	switch one.Kind() {
	case reflect.Pointer:
		if one.IsNil() || split.IsNil() {
			if one.IsNil() != split.IsNil() {
				return []string{fmt.Sprintf("%s: nil %v, split nil %v", path, one.IsNil(), split.IsNil())}
			}
			return nil
		}
		return valueDiff(path, one.Elem(), split.Elem())
	case reflect.Struct:
		var out []string
		for i := range one.NumField() {
			out = append(out, valueDiff(path+"."+one.Type().Field(i).Name, one.Field(i), split.Field(i))...)
		}
		return out
	case reflect.Slice, reflect.Array:
		if one.Len() != split.Len() || one.Kind() == reflect.Slice && one.IsNil() != split.IsNil() {
			return []string{fmt.Sprintf("%s: %d elements (nil %v), split %d (nil %v)",
				path, one.Len(), one.Kind() == reflect.Slice && one.IsNil(), split.Len(), split.Kind() == reflect.Slice && split.IsNil())}
		}
		var out []string
		for i := range one.Len() {
			out = append(out, valueDiff(fmt.Sprintf("%s[%d]", path, i), one.Index(i), split.Index(i))...)
		}
		return out
	case reflect.Float32, reflect.Float64:
		if one.Float() != split.Float() {
			return []string{fmt.Sprintf("%s: %v, split %v", path, one.Float(), split.Float())}
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		if one.Int() != split.Int() {
			return []string{fmt.Sprintf("%s: %d, split %d", path, one.Int(), split.Int())}
		}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		if one.Uint() != split.Uint() {
			return []string{fmt.Sprintf("%s: %d, split %d", path, one.Uint(), split.Uint())}
		}
	case reflect.String:
		if one.String() != split.String() {
			return []string{fmt.Sprintf("%s: %q, split %q", path, one.String(), split.String())}
		}
	case reflect.Bool:
		if one.Bool() != split.Bool() {
			return []string{fmt.Sprintf("%s: %v, split %v", path, one.Bool(), split.Bool())}
		}
	}
	return nil
}
