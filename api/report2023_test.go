package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/customs-survey/surveyd/demo"
	"github.com/customs-survey/surveyd/internal/dbtest"
)

// update rewrites the golden scores of testdata/report2023 instead of
// comparing with them: go test ./api -run TestReport2023Golden -update.
var update = flag.Bool("update", false, "rewrite the golden scores in testdata/report2023")

// report2023Dir holds the 2023 report's data set and the scores computed
// from it.
const report2023Dir = "../testdata/report2023"

// eachWith2023 runs fn on each backend (url its database) with the 2023
// report's data set (package demo) loaded into a fresh service.
func eachWith2023(t *testing.T, fn func(t *testing.T, e *env, url string)) {
	t.Helper()
	ds, err := demo.Report2023()
	if err != nil {
		t.Fatal(err)
	}
	dbtest.Each(t, func(t *testing.T, url string) {
		e := newEnv(t, url)
		if err := demo.Load(context.Background(), e.store, ds); err != nil {
			t.Fatalf("load the data set: %v", err)
		}
		fn(t, e, url)
	})
}

// TestReport2023Golden loads the data set of the 2023 report (package demo)
// on each backend and compares GET /campaigns/{key}/scores of its two 2023
// campaigns, computed_at zeroed, with testdata/report2023/scores-<key>.json,
// numbers to within 1e-9. demo.TestReport2023 checks the report's figures
// one by one; this test holds the whole body. With -update the SQLite run
// rewrites the files (the body indented by two spaces), and the PostgreSQL
// run is compared with them.
func TestReport2023Golden(t *testing.T) {
	eachWith2023(t, func(t *testing.T, e *env, url string) {
		for _, key := range []string{"customs-2023", "participants-2023"} {
			res := e.request("GET", "/api/v1/campaigns/"+key+"/scores", e.tokens["admin"], nil)
			if res.Status != 200 {
				t.Fatalf("%s: status %d, want 200: %s", key, res.Status, res.Body)
			}
			body := zeroComputedAt(t, key, res.Body)
			checkGolden(t, filepath.Join(report2023Dir, "scores-"+key+".json"), body, strings.HasPrefix(url, "sqlite:"))
		}
	})
}

// zeroComputedAt returns a scores body indented by two spaces, its
// computed_at (which must be a time of the last hour) replaced by the zero
// time, every other byte as the service wrote it.
func zeroComputedAt(t *testing.T, key string, body []byte) []byte {
	t.Helper()
	var head struct {
		ComputedAt *string `json:"computed_at"`
	}
	if err := json.Unmarshal(body, &head); err != nil || head.ComputedAt == nil {
		t.Fatalf("%s: no computed_at (%v): %.300s", key, err, body)
	}
	at, err := time.Parse(time.RFC3339Nano, *head.ComputedAt)
	if err != nil || time.Since(at).Abs() > time.Hour {
		t.Errorf("%s: computed_at %q, want the time of the request (%v)", key, *head.ComputedAt, err)
	}
	member := func(v string) []byte {
		b, _ := json.Marshal(v)
		return append([]byte(`"computed_at":`), b...)
	}
	from, to := member(*head.ComputedAt), member(time.Time{}.Format(time.RFC3339Nano))
	if n := bytes.Count(body, from); n != 1 {
		t.Fatalf("%s: %s occurs %d times in the body, want once", key, from, n)
	}
	var out bytes.Buffer
	if err := json.Indent(&out, bytes.Replace(body, from, to, 1), "", "  "); err != nil {
		t.Fatal(err)
	}
	out.WriteByte('\n')
	return out.Bytes()
}

// checkGolden compares a JSON body with the golden file at path, numbers to
// within 1e-9; with -update and write, it first rewrites the file.
func checkGolden(t *testing.T, path string, got []byte, write bool) {
	t.Helper()
	if *update && write {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./api -run TestReport2023Golden -update to write it)", err)
	}
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(want, &w); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	for _, d := range jsonDiff("", w, g) {
		t.Errorf("%s: %s", path, d)
	}
}

// jsonDiff lists the differences between two decoded JSON values, numbers
// being equal within 1e-9.
func jsonDiff(path string, want, got any) []string {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return []string{fmt.Sprintf("%s: got %v, want an object", path, got)}
		}
		keys := map[string]bool{}
		for k := range w {
			keys[k] = true
		}
		for k := range g {
			keys[k] = true
		}
		sorted := make([]string, 0, len(keys))
		for k := range keys {
			sorted = append(sorted, k)
		}
		slices.Sort(sorted)
		var diffs []string
		for _, k := range sorted {
			wv, inW := w[k]
			gv, inG := g[k]
			switch {
			case !inW:
				diffs = append(diffs, fmt.Sprintf("%s.%s: unexpected %v", path, k, gv))
			case !inG:
				diffs = append(diffs, fmt.Sprintf("%s.%s: missing, want %v", path, k, wv))
			default:
				diffs = append(diffs, jsonDiff(path+"."+k, wv, gv)...)
			}
		}
		return diffs
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			return []string{fmt.Sprintf("%s: got %v, want %v", path, got, want)}
		}
		var diffs []string
		for i := range w {
			diffs = append(diffs, jsonDiff(fmt.Sprintf("%s[%d]", path, i), w[i], g[i])...)
		}
		return diffs
	case float64:
		g, ok := got.(float64)
		if !ok || math.Abs(g-w) > 1e-9 {
			return []string{fmt.Sprintf("%s: got %v, want %v", path, got, want)}
		}
		return nil
	default:
		if want != got {
			return []string{fmt.Sprintf("%s: got %v, want %v", path, got, want)}
		}
		return nil
	}
}
