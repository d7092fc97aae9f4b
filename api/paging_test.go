package api_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"testing"

	"github.com/customs-survey/surveyd/internal/dbtest"
	"github.com/customs-survey/surveyd/survey"
)

// linkNext is the one form of Link header the paged lists send.
var linkNext = regexp.MustCompile(`^<(/api/v1/[^>]*)>; rel="next"$`)

// nextPage returns the path of the next page that an answer's Link header
// names, "" when it has none (the last page); any other Link fails the
// test.
func nextPage(t *testing.T, res result) string {
	t.Helper()
	link := res.Header.Get("Link")
	if link == "" {
		return ""
	}
	m := linkNext.FindStringSubmatch(link)
	if m == nil {
		t.Fatalf("Link %q is not <path>; rel=\"next\"", link)
	}
	return m[1]
}

// mustQuery returns the query of a path.
func mustQuery(t *testing.T, path string) url.Values {
	t.Helper()
	u, err := url.Parse(path)
	if err != nil {
		t.Fatalf("%q: %v", path, err)
	}
	return u.Query()
}

// walkPages reads a paged list from path to its last page, following the
// Link headers, and returns the items of each page.
func (e *env) walkPages(path, token string) [][]any {
	e.t.Helper()
	var pages [][]any
	for path != "" {
		if len(pages) > 1000 {
			e.t.Fatal("paging does not end")
		}
		res := e.request("GET", path, token, nil)
		var items []any
		if res.Status != http.StatusOK || json.Unmarshal(res.Body, &items) != nil || items == nil {
			e.t.Fatalf("GET %s: %d, want 200 with a JSON array: %s", path, res.Status, res.Body)
		}
		pages = append(pages, items)
		path = nextPage(e.t, res)
	}
	return pages
}

// TestQuestionnairesArePaged: GET /questionnaires in pages of limit,
// by key, every questionnaire once, the last page without a Link; a bad
// limit or cursor is a 422 naming it.
func TestQuestionnairesArePaged(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn)
		admin := e.tokens["admin"]
		keys := []string{"q_e", "q_a", "q_d", "q_b", "q_c"}
		for _, key := range keys {
			e.must(http.StatusCreated, "POST", "/api/v1/questionnaires", admin, miniDoc(key))
		}
		slices.Sort(keys)
		for _, tt := range []struct {
			path  string
			sizes []int
		}{
			{"/api/v1/questionnaires", []int{5}},
			{"/api/v1/questionnaires?limit=2", []int{2, 2, 1}},
			{"/api/v1/questionnaires?limit=5", []int{5}},
			{"/api/v1/questionnaires?limit=1", []int{1, 1, 1, 1, 1}},
			{"/api/v1/questionnaires?cursor=" + survey.EncodeCursor("q_b") + "&limit=2", []int{2, 1}},
		} {
			t.Run(tt.path, func(t *testing.T) {
				var got []string
				var sizes []int
				for _, page := range e.walkPages(tt.path, admin) {
					sizes = append(sizes, len(page))
					for _, item := range page {
						got = append(got, item.(map[string]any)["key"].(string))
					}
				}
				want := keys[len(keys)-sumOf(tt.sizes):]
				if !slices.Equal(sizes, tt.sizes) || !slices.Equal(got, want) {
					t.Errorf("pages of %v holding %v, want %v holding %v", sizes, got, tt.sizes, want)
				}
			})
		}
		t.Run("bad paging parameters", func(t *testing.T) {
			for _, tt := range []struct {
				query  string
				fields []string
			}{
				{"limit=0", []string{"limit:out_of_range"}},
				{"limit=501", []string{"limit:out_of_range"}},
				{"limit=", []string{"limit:out_of_range"}},
				{"limit=1.5", []string{"limit:out_of_range"}},
				{"cursor=q_b", []string{"cursor:invalid_cursor"}},
				{"cursor=" + survey.EncodeCursor("q_b") + "x", []string{"cursor:invalid_cursor"}},
				{"limit=-1&cursor=%3D%3D", []string{"limit:out_of_range", "cursor:invalid_cursor"}},
			} {
				res := e.request("GET", "/api/v1/questionnaires?"+tt.query, admin, nil)
				if res.Status != http.StatusUnprocessableEntity || !slices.Equal(problemFields(t, res), tt.fields) {
					t.Errorf("%s: status %d, fields %v, want 422 %v", tt.query, res.Status, problemFields(t, res), tt.fields)
				}
			}
		})
		t.Run("limit 500 is allowed", func(t *testing.T) {
			res := e.request("GET", "/api/v1/questionnaires?limit=500", admin, nil)
			if res.Status != http.StatusOK || res.Header.Get("Link") != "" {
				t.Errorf("status %d, Link %q", res.Status, res.Header.Get("Link"))
			}
		})
	})
}

func sumOf(ns []int) int {
	total := 0
	for _, n := range ns {
		total += n
	}
	return total
}
