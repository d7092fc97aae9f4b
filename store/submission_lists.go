package store

import (
	"slices"

	"github.com/customs-survey/surveyd/survey"
)

// The lists of submissions that changes on PostgreSQL last read or wrote,
// per campaign and respondent, so that the next change of the response
// need not read its list again: every change answers with the whole list,
// and reading it costs a heap page per submission (they lie among the
// other responses' submissions), which a response amended often makes
// the largest part of a change's reads.
//
// A kept list is used only when it is of the response read and its last
// submission is the response's current one, read with the response in the
// change's own statement. Submissions are never changed nor deleted, and
// each new one becomes its response's current submission; so such a list
// is complete, whatever other processes sharing the database have done.
// Otherwise the list is read again, and from then on with the response
// (aggregated, one round trip), not kept: its response also changes
// through another process, or through two changes at once in this one,
// and a kept list would mostly be out of date, costing a second round
// trip each time. So is a list too long to keep.

// submissionListsSize bounds the lists kept: more than the respondents
// who change their responses at the same time. With longestKeptList, at
// most 128,000 submissions are kept, about 20 MiB.
const submissionListsSize = 256

// longestKeptList bounds the submissions of a list kept: a response
// amended more often than that has its list read every time.
const longestKeptList = 500

type listKey struct {
	campaign   string // key
	respondent string // id
}

// keptList is a response's list of submissions, oldest first; with
// aggregate, none: the list is to be read with the response.
type keptList struct {
	response    string // id
	submissions []survey.Submission
	aggregate   bool
}

// keepsSubmissions reports whether a list of the response to the campaign
// with that key of respondent is kept (readChange then reads the response
// without its list).
func (s *Store) keepsSubmissions(campaign, respondent string) bool {
	if s.lists == nil {
		return false
	}
	kept, ok := s.lists.get(listKey{campaign, respondent})
	return ok && !kept.aggregate
}

// keptSubmissions returns the list kept of the response to the campaign
// with that key of respondent, when it is still complete: the response's
// id is responseID and its current submission current ("" for none).
func (s *Store) keptSubmissions(campaign, respondent, responseID, current string) ([]survey.Submission, bool) {
	if s.lists == nil {
		return nil, false
	}
	k := listKey{campaign, respondent}
	kept, ok := s.lists.get(k)
	if !ok || kept.aggregate {
		return nil, false
	}
	last := ""
	if n := len(kept.submissions); n > 0 {
		last = kept.submissions[n-1].ID
	}
	if kept.response != responseID || last != current {
		s.lists.put(k, keptList{aggregate: true})
		return nil, false
	}
	// The caller may append to its copy.
	return slices.Clone(kept.submissions), true
}

// keepSubmissions keeps the list of submissions of a response, as a
// committed change left it.
func (s *Store) keepSubmissions(campaign, respondent, responseID string, subs []survey.Submission) {
	if s.lists == nil {
		return
	}
	k := listKey{campaign, respondent}
	if kept, ok := s.lists.get(k); ok && kept.aggregate {
		return
	}
	if len(subs) > longestKeptList {
		s.lists.put(k, keptList{aggregate: true})
		return
	}
	s.lists.put(k, keptList{response: responseID, submissions: slices.Clone(subs)})
}
