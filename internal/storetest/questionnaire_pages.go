package storetest

import (
	"slices"
	"testing"

	"github.com/customs-survey/surveyd/survey"
)

// testQuestionnairePages: the list of questionnaires is paged on the key,
// compared byte by byte ("a1" < "a_b" < "ab": digits, then "_", then
// letters, which a locale's collation would order otherwise), one entry per
// key, its latest version.
func testQuestionnairePages(t *testing.T, open Open) {
	clock := newSteppedClock()
	st := open(t, clock.now)
	author := questionnaireAuthor(t, st)
	// Created out of order, "ab" in two versions.
	for _, key := range []string{"zz", "ab", "a_b", "b", "a1"} {
		seedQuestionnaireVersions(t, st, clock, author, key, false, "Title "+key)
	}
	seedQuestionnaireVersions(t, st, clock, author, "abc", true, "Abc", "Abc 2")
	for _, c := range []struct {
		name string
		page survey.PageRequest
		want []string
	}{
		{"the whole list", survey.PageRequest{}, []string{"a1/1", "a_b/1", "ab/1", "abc/2", "b/1", "zz/1"}},
		{"the first page", survey.PageRequest{Limit: 2}, []string{"a1/1", "a_b/1"}},
		{"after a key", survey.PageRequest{After: "a_b", Limit: 2}, []string{"ab/1", "abc/2"}},
		{"after a key that is not there", survey.PageRequest{After: "aa", Limit: 3}, []string{"ab/1", "abc/2", "b/1"}},
		{"the last page, shorter", survey.PageRequest{After: "abc", Limit: 5}, []string{"b/1", "zz/1"}},
		{"after the last key", survey.PageRequest{After: "zz", Limit: 5}, []string{}},
	} {
		t.Run(c.name, func(t *testing.T) {
			list, err := st.Questionnaires(t.Context(), c.page)
			if err != nil {
				t.Fatal(err)
			}
			if got := questionnaireKeys(list); !slices.Equal(got, c.want) {
				t.Fatalf("Questionnaires(%+v) = %v, want %v", c.page, got, c.want)
			}
		})
	}
}
