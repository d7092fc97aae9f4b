package api_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"testing"

	"github.com/customs-survey/surveyd/auth"
	"github.com/customs-survey/surveyd/internal/dbtest"
	"github.com/customs-survey/surveyd/survey"
)

// TestSubmissionHistory: a response lists its latest submissions, however
// often it was amended and whichever way its list is read (kept by the
// process that made the changes, or read by another sharing the
// database), and GET …/response/submissions pages through every one of
// them, oldest first.
func TestSubmissionHistory(t *testing.T) {
	const submitted = survey.ListedSubmissions + 5
	dbtest.Each(t, func(t *testing.T, databaseURL string) {
		e := newEnv(t, databaseURL)
		e.world()
		tok := e.tokens["resp_be"]
		history := responsePath + "/submissions"
		e.must(http.StatusNotFound, "GET", history, tok, nil)
		e.must(http.StatusForbidden, "GET", history, e.tokens["coord_be"], nil)

		// A save at revision 1, then a submission at each revision from 2.
		e.must(http.StatusOK, "PUT", responsePath, tok, map[string]any{"answers": fullAnswers()})
		var last map[string]any
		for range submitted {
			last = e.must(http.StatusOK, "POST", responsePath+"/submit", tok, nil)
		}
		// The latest submissions are those of revisions 7 to 26.
		latest := make([]int, survey.ListedSubmissions)
		for i := range latest {
			latest[i] = submitted + 1 - survey.ListedSubmissions + 1 + i
		}
		other := &env{t: t, tokens: e.tokens}
		other.store, other.handler = newInstance(t, databaseURL, auth.DefaultThrottle, e.now, 0)
		for _, step := range []struct {
			name string
			env  *env
			call func(e *env) map[string]any
			next int // a submission of the call's own at this revision
		}{
			{name: "the last submission", env: e, call: func(*env) map[string]any { return last }},
			{name: "a read", env: e, call: func(e *env) map[string]any { return e.must(200, "GET", responsePath, tok, nil) }},
			{name: "a save, the list kept", env: e, call: func(e *env) map[string]any {
				return e.must(200, "PUT", responsePath, tok, map[string]any{"answers": fullAnswers()})
			}},
			{name: "a read by another process", env: other, call: func(e *env) map[string]any {
				return e.must(200, "GET", responsePath, tok, nil)
			}},
			{name: "a save by another process", env: other, call: func(e *env) map[string]any {
				return e.must(200, "PUT", responsePath, tok, map[string]any{"answers": fullAnswers()})
			}},
			{name: "a submission by another process", env: other, next: submitted + 4, call: func(e *env) map[string]any {
				return e.must(200, "POST", responsePath+"/submit", tok, nil)
			}},
		} {
			if step.next > 0 {
				latest = append(latest[1:], step.next)
			}
			got := step.call(step.env)
			var revisions []int
			for _, s := range got["submissions"].([]any) {
				revisions = append(revisions, int(s.(map[string]any)["revision"].(float64)))
			}
			if fmt.Sprint(revisions) != fmt.Sprint(latest) {
				t.Errorf("%s lists the submissions of revisions %v, want %v", step.name, revisions, latest)
			}
		}

		// The history, 10 a page: every revision from 2, and the one made
		// by the other process.
		var want []int
		for rev := 2; rev <= submitted+1; rev++ {
			want = append(want, rev)
		}
		want = append(want, submitted+4)
		var pages, all []int
		for path := history + "?limit=10"; path != ""; {
			res := e.request("GET", path, tok, nil)
			var page []struct{ Revision int }
			if res.Status != 200 || json.Unmarshal(res.Body, &page) != nil {
				t.Fatalf("GET %s: %d %s", path, res.Status, res.Body)
			}
			pages = append(pages, len(page))
			for _, s := range page {
				all = append(all, s.Revision)
			}
			path = nextPage(t, res)
		}
		if fmt.Sprint(all) != fmt.Sprint(want) || fmt.Sprint(pages) != "[10 10 6]" {
			t.Errorf("the history lists revisions %v in pages of %v, want %v in pages of [10 10 6]", all, pages, want)
		}

		// Someone else's history is theirs; a cursor not handed out is refused.
		e.must(http.StatusNotFound, "GET", history, e.tokens["resp_be2"], nil)
		for _, cursor := range []string{"nonsense", survey.EncodeCursor("x"), survey.EncodeCursor("0"),
			survey.EncodeCursor("2147483648")} {
			res := e.request("GET", history+"?cursor="+url.QueryEscape(cursor), tok, nil)
			checkOutcome(t, res, 0, []string{"cursor:invalid_cursor"})
		}
	})
}
