package store

import (
	"slices"

	"github.com/customs-survey/surveyd/survey"
)

// The lists of submissions that changes on PostgreSQL last read or wrote,
// per campaign and respondent, so that the next change of the response
// need not read its list again: every change answers with the response's
// latest submissions (survey.ListedSubmissions), and reading them costs a
// heap page per submission (they lie among the other responses'
// submissions), which a response amended often makes the largest part of
// a change's reads.
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
// trip each time.
//
// With a list is kept the answer rows of its last submission, when known
// (the process made that submission), which an amendment takes away from
// the score cells: a submission is never changed, so they are the current
// submission's whenever the list is. An amendment then reads the
// response alone, not its answer rows too (which, aggregated into one
// string, made the read three times as long for the database).

// submissionListsSize bounds the lists kept: more than the respondents
// who change their responses at the same time. A list holds at most
// survey.ListedSubmissions submissions, so at most 5,120 are kept, under
// 1 MiB; with longestKeptDraft, at most 16 MiB of working copies beside
// them (kept_changes.go).
const submissionListsSize = 256

type listKey struct {
	campaign   string // key
	respondent string // id
}

// keptList is a response's list of submissions, oldest first, and, with
// haveRows, the answer rows of the last one, and, with change, the state
// of the response that goes with them; with aggregate, none: the list is
// to be read with the response.
type keptList struct {
	response    string // id
	submissions []survey.Submission
	rows        []survey.AnswerRow // without their texts, which the cells do not need
	haveRows    bool
	aggregate   bool
	change      *keptChange // the state the last change left, when kept (kept_changes.go)
}

// last returns the id of the list's last submission, "" when it is empty.
func (k keptList) last() string {
	if n := len(k.submissions); n > 0 {
		return k.submissions[n-1].ID
	}
	return ""
}

// keepsSubmissions reports whether a list of the response to the campaign
// with that key of respondent is kept (readChange then reads the response
// without its list), and with it the answer rows of its last submission
// (readChange then reads the response without them).
func (s *Store) keepsSubmissions(campaign, respondent string) (list, rows bool) {
	if s.lists == nil {
		return false, false
	}
	kept, ok := s.lists.get(listKey{campaign, respondent})
	list = ok && !kept.aggregate
	return list, list && kept.haveRows
}

// keptSubmissions returns the list kept of the response to the campaign
// with that key of respondent, when it is still complete: the response's
// id is responseID and its current submission current ("" for none); and
// the answer rows of that submission, when they are kept too (haveRows).
func (s *Store) keptSubmissions(campaign, respondent, responseID, current string) (subs []survey.Submission,
	rows []survey.AnswerRow, haveRows, ok bool) {
	if s.lists == nil {
		return nil, nil, false, false
	}
	k := listKey{campaign, respondent}
	kept, found := s.lists.get(k)
	if !found || kept.aggregate {
		return nil, nil, false, false
	}
	if kept.response != responseID || kept.last() != current {
		s.lists.put(k, keptList{aggregate: true})
		return nil, nil, false, false
	}
	// The caller may append to its copies.
	return slices.Clone(kept.submissions), slices.Clone(kept.rows), kept.haveRows, true
}

// keepSubmissions keeps the list of submissions of a response, as a
// committed change left it (its latest, survey.LatestSubmissions), with the answer rows of its last submission
// when the change made it (submitted); a change that did not submit keeps
// the rows kept before, when its list ends with the same submission. An
// empty list has no rows to keep: its response has no submission.
func (s *Store) keepSubmissions(campaign, respondent, responseID string, subs []survey.Submission,
	submitted bool, rows []survey.AnswerRow) {
	if s.lists == nil {
		return
	}
	k := listKey{campaign, respondent}
	before, found := s.lists.get(k)
	if found && before.aggregate {
		return
	}
	kept := keptList{response: responseID, submissions: slices.Clone(survey.LatestSubmissions(subs))}
	switch {
	case len(subs) == 0:
		kept.haveRows = true // no submission: none to take away
	case submitted:
		kept.rows, kept.haveRows = make([]survey.AnswerRow, len(rows)), true
		for i, r := range rows {
			r.Text = nil
			kept.rows[i] = r
		}
	case found && before.haveRows && before.response == responseID && before.last() == kept.last():
		kept.rows, kept.haveRows = before.rows, true
	}
	s.lists.put(k, kept)
}
