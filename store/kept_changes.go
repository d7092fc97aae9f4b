package store

import (
	"slices"

	"github.com/customs-survey/surveyd/survey"
)

// The state a change of a response left, kept with the response's list of
// submissions (submission_lists.go), so that the next change of the
// response on PostgreSQL, a save or a submission outside a transaction,
// need not read it first: it is decided on the kept state and written by
// the same conditional write as after a read (saveIfUnchanged,
// submitIfUnchanged). A save or a submission is then one round trip to the
// server instead of two.
//
// The write's condition is what makes this safe: it writes only when the
// response is still at the revision kept and the campaign still at the
// revision kept. Every change of a response moves the response's revision
// on, and every change of a campaign (its status, closing time,
// questionnaire version or administrations) the campaign's. The rest of
// the state follows from those two: the questionnaire's document is of a
// published version, which never changes (a state with a draft's is not
// kept), and the list of submissions and the answer rows of its last one
// are kept only while that one is the kept response's current submission.
// So a write that succeeds was decided on what the database held, whatever
// other processes sharing it did; when another process, or another request
// of this one, changed the response or its campaign, the write changes
// nothing, the kept state is dropped, and the change is made again after a
// read, as it would have been without it.
//
// A state is kept only beside a list of submissions kept with the answer
// rows of its last one, or for a save, beside a list alone: a submission
// on a state whose rows are not kept (another instance made the current
// submission, or the process started since) reads them first. A
// response whose list is read with it every time (submission_lists.go)
// has no state kept either; nor has a working copy longer than
// longestKeptDraft.
//
// A decision refused on a kept state (a closing time passed, an If-Match
// that names another revision, answers the document does not accept) is
// also made again after a read: the kept state may be out of date, and the
// refusal must be the one the state in the database gives.

// longestKeptDraft bounds the working copy (its JSON) of a state kept:
// with submissionListsSize, at most 16 MiB of them are kept, where a
// request may carry up to its body limit (1 MiB by default).
const longestKeptDraft = 64 << 10

// keptChange is the state of a response and its campaign as a change of
// the response, decided in scope, left them.
type keptChange struct {
	scope    survey.Scope
	campaign campaignRow
	doc      *survey.Document // of a published version
	resp     responseRow      // as written
}

// keepChange keeps st, the state of respondent's response to the campaign
// with that key once a change decided in scope sc has written it (st.resp
// as written), beside the list of submissions keepSubmissions kept: only
// when that list is of the same response and ends with its current
// submission, the document is of a published version and the working
// copy is at most longestKeptDraft long.
func (s *Store) keepChange(key, respondent string, sc survey.Scope, st changeState) {
	if s.lists == nil || !st.published || len(st.resp.DraftAnswers) > longestKeptDraft {
		return
	}
	k := listKey{key, respondent}
	kept, found := s.lists.get(k)
	current := ""
	if st.resp.CurrentSubmissionID != nil {
		current = *st.resp.CurrentSubmissionID
	}
	if !found || kept.aggregate || kept.response != st.resp.ID || kept.last() != current {
		return
	}
	kept.change = &keptChange{scope: sc, campaign: st.campaign, doc: st.doc, resp: detached(st.resp)}
	s.lists.put(k, kept)
}

// detached is r with its own copies of what its pointers point to. A
// response as written points into the change's write (its submission's
// id), which holds the submission's answer rows and JSON, and points in
// turn to the submission it replaced: kept as it is, it would keep every
// submission of the response alive. And a kept response is handed to
// changes that run at once: each gets its own copies.
func detached(r responseRow) responseRow {
	if r.CurrentSubmissionID != nil {
		id := *r.CurrentSubmissionID
		r.CurrentSubmissionID = &id
	}
	if r.FirstSubmittedAt != nil {
		at := *r.FirstSubmittedAt
		r.FirstSubmittedAt = &at
	}
	return r
}

// keptChangeState returns the state kept of respondent's response to the
// campaign with that key, for a change decided in scope sc: the campaign,
// its document, the response, its submissions and, with rows, the answer
// rows of its current submission (a submission takes them away from the
// score cells). false when none is kept for that scope, or, with rows,
// the rows are not kept.
func (s *Store) keptChangeState(key, respondent string, sc survey.Scope, rows bool) (changeState, bool) {
	if s.lists == nil {
		return changeState{}, false
	}
	kept, found := s.lists.get(listKey{key, respondent})
	if !found || kept.change == nil || kept.change.scope != sc || rows && !kept.haveRows {
		return changeState{}, false
	}
	c := kept.change
	// Copies: the caller may append to the list, and answers with the
	// response's pointers.
	st := changeState{campaign: c.campaign, doc: c.doc, published: true, resp: detached(c.resp), found: true,
		submissions: slices.Clone(kept.submissions)}
	if rows {
		st.replaced = slices.Clone(kept.rows)
	}
	return st, true
}

// dropChange forgets the state kept of respondent's response to the
// campaign with that key: a write on it found the response or the
// campaign changed.
func (s *Store) dropChange(key, respondent string) {
	if s.lists == nil {
		return
	}
	k := listKey{key, respondent}
	if kept, found := s.lists.get(k); found && kept.change != nil {
		kept.change = nil
		s.lists.put(k, kept)
	}
}
