package memstore

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/google/uuid"

	"github.com/customs-survey/surveyd/auth"
	"github.com/customs-survey/surveyd/survey"
)

// Response returns the response of a respondent to a campaign that sc
// sees; found is false when there is none.
// Errors: ErrNotFound (the campaign).
func (s *Store) Response(ctx context.Context, sc survey.Scope, key, respondentID string) (survey.Response, bool, error) {
	if err := ctx.Err(); err != nil {
		return survey.Response{}, false, fmt.Errorf("get response: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.scopedCampaign(sc, key)
	if err != nil {
		return survey.Response{}, false, err
	}
	r := s.responseOf(c, respondentID)
	if r == nil {
		return survey.Response{}, false, nil
	}
	out, err := r.copy()
	if err != nil {
		return survey.Response{}, false, fmt.Errorf("get response: %w", err)
	}
	return out, true, nil
}

// Submissions returns the submissions of a respondent's response to a
// campaign that sc sees, oldest first, at most limit of those after
// revision after; found is false when there is no response.
// Errors: ErrNotFound (the campaign).
func (s *Store) Submissions(ctx context.Context, sc survey.Scope, key, respondentID string, after, limit int) ([]survey.Submission,
	bool, error) {
	if err := ctx.Err(); err != nil {
		return nil, false, fmt.Errorf("list submissions: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.scopedCampaign(sc, key)
	if err != nil {
		return nil, false, err
	}
	r := s.responseOf(c, respondentID)
	if r == nil {
		return nil, false, nil
	}
	out := []survey.Submission{}
	for _, sub := range r.Submissions {
		if sub.Revision > after && len(out) < limit {
			out = append(out, survey.Submission{ID: sub.ID, Revision: sub.Revision, SubmittedBy: sub.SubmittedBy,
				SubmittedAt: sub.SubmittedAt})
		}
	}
	return out, true, nil
}

// SaveResponse is ChangeResponse: under the store's lock, nothing can
// change between the read and the write.
func (s *Store) SaveResponse(ctx context.Context, sc survey.Scope, key string, who survey.Respondent,
	decide func(survey.ResponseState) (survey.ResponseChange, error)) (survey.Response, error) {
	return s.ChangeResponse(ctx, sc, key, who, decide)
}

// SubmitResponse is ChangeResponse, as SaveResponse is.
func (s *Store) SubmitResponse(ctx context.Context, sc survey.Scope, key string, who survey.Respondent,
	decide func(survey.ResponseState) (survey.ResponseChange, error)) (survey.Response, error) {
	return s.ChangeResponse(ctx, sc, key, who, decide)
}

// ChangeResponse reads the state of who's response to a campaign that sc
// sees (the campaign's status and closing time, a copy of its
// questionnaire document, the response's revision and working copy),
// passes it to decide, and writes what decide returns: a new response at
// revision 1 of who's administration, or the next revision of the existing
// one, with a submission that becomes the current one when the change
// submits. The lock is held throughout, decide included, so that changes
// never interleave and ErrChangedMeanwhile, which the store reports for a
// race it loses, never happens here.
// Errors: ErrNotFound (the campaign), ErrConflict (a new response of a
// respondent that is not an account, or of an administration that does
// not exist, as the database's foreign keys refuse it), and those of
// decide.
func (s *Store) ChangeResponse(ctx context.Context, sc survey.Scope, key string, who survey.Respondent,
	decide func(survey.ResponseState) (survey.ResponseChange, error)) (survey.Response, error) {
	if err := ctx.Err(); err != nil {
		return survey.Response{}, fmt.Errorf("change response: %w", err)
	}
	// The check of the caller's token, when it was left for the change
	// (auth.Deferred): this store carries no condition, so it is made
	// first.
	if err := auth.ConfirmCaller(ctx); err != nil {
		return survey.Response{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.scopedCampaign(sc, key)
	if err != nil {
		return survey.Response{}, err
	}
	doc, err := cloneDocument(c.Questionnaire.Document)
	if err != nil {
		return survey.Response{}, fmt.Errorf("change response: %w", err)
	}
	r := s.responseOf(c, who.ID)
	state := survey.ResponseState{CampaignStatus: c.Status, ClosesAt: c.ClosesAt, Document: doc, Found: r != nil}
	if r != nil {
		state.Revision = r.Revision
		if state.Draft, err = cloneAnswers(r.Draft); err != nil {
			return survey.Response{}, fmt.Errorf("change response: %w", err)
		}
	}
	change, err := decide(state)
	if err != nil {
		return survey.Response{}, passOn("change response", err)
	}
	// What is written is what survives the store's trip through JSON, and
	// is the fake's own; an answer that is not JSON fails here, before
	// anything is written, as it fails the store's transaction.
	draft, err := cloneAnswers(change.Answers)
	if err != nil {
		return survey.Response{}, fmt.Errorf("change response: %w", err)
	}
	var sub *submission
	if change.Submit {
		answers, err := cloneAnswers(change.Answers)
		if err != nil {
			return survey.Response{}, fmt.Errorf("change response: %w", err)
		}
		sub = &submission{ID: uuid.NewString(), SubmittedBy: who.ID, Answers: answers, Rows: importedRows(change.Rows)}
	}
	now := s.clock()
	if r == nil {
		// The foreign keys of the responses table: the respondent is an
		// account, of an administration that exists.
		if _, ok := s.users[who.ID]; !ok {
			return survey.Response{}, fmt.Errorf("change response: %w", survey.ErrConflict)
		}
		if _, ok := s.administrations[who.Administration]; !ok {
			return survey.Response{}, fmt.Errorf("change response: %w", survey.ErrConflict)
		}
		r = &response{ID: uuid.NewString(), Campaign: c, RespondentID: who.ID, Administration: who.Administration,
			CreatedAt: now}
		s.responses = append(s.responses, r)
	}
	r.Revision++
	r.Draft = draft
	r.Pending = !change.Submit
	r.UpdatedAt = now
	if sub != nil {
		sub.Revision, sub.SubmittedAt = r.Revision, now
		r.Submissions = append(r.Submissions, sub)
		r.Current = sub
		if r.FirstSubmittedAt == nil {
			first := now
			r.FirstSubmittedAt = &first
		}
	}
	out, err := r.copy()
	if err != nil {
		return survey.Response{}, fmt.Errorf("change response: %w", err)
	}
	return out, nil
}

// responseOf returns the response of a respondent to c, or nil. The caller
// holds s.mu.
func (s *Store) responseOf(c *campaign, respondentID string) *response {
	for _, r := range s.responses {
		if r.Campaign == c && r.RespondentID == respondentID {
			return r
		}
	}
	return nil
}

// copy returns the response as the store hands it out: the working copy
// (of the caller's own), an amendment pending when it was saved after a
// submission, the submissions in order and the time of the latest.
func (r *response) copy() (survey.Response, error) {
	answers, err := cloneAnswers(r.Draft)
	if err != nil {
		return survey.Response{}, fmt.Errorf("answers of response %s: %w", r.ID, err)
	}
	out := survey.Response{ID: r.ID, Campaign: r.Campaign.Key, RespondentID: r.RespondentID,
		Administration: r.Administration, Revision: r.Revision, Answers: answers,
		AmendmentPending: r.Pending && r.Current != nil, FirstSubmittedAt: clonePtr(r.FirstSubmittedAt),
		CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt}
	var subs []survey.Submission
	for _, sub := range r.Submissions {
		subs = append(subs, survey.Submission{ID: sub.ID, Revision: sub.Revision, SubmittedBy: sub.SubmittedBy, SubmittedAt: sub.SubmittedAt})
	}
	out.SetSubmissions(subs)
	return out, nil
}

// cloneAnswers is a deep copy of answers through JSON, which is how the
// store keeps them: nil stays nil (the store's "null"), and every answer
// comes back compact.
func cloneAnswers(answers survey.Answers) (survey.Answers, error) {
	body, err := json.Marshal(answers)
	if err != nil {
		return nil, err
	}
	var out survey.Answers
	if err := json.Unmarshal(body, &out); err != nil {
		return nil, err
	}
	return out, nil
}

// passOn returns an error of decide as the store does: the service's own
// errors (of a kind, or a validation error) as they are, anything else
// with the name of the operation in front.
func passOn(op string, err error) error {
	if survey.IsDomainError(err) {
		return err
	}
	return fmt.Errorf("%s: %w", op, err)
}
