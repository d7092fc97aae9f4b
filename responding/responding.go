// Package responding holds the rules of answering a campaign: a respondent
// saves drafts of the whole working copy, submits it (answers to hidden
// questions dropped, required questions checked, scores copied from the
// published options), and amends it by saving and submitting again; each
// write may be conditional on the revision the client last saw (If-Match).
// Responses are kept through a Store, which package store implements and
// internal/memstore fakes.
package responding

import (
	"context"
	"errors"
	"time"

	"github.com/customs-survey/surveyd/auth"
	"github.com/customs-survey/surveyd/survey"
)

// Store is the persistence of responses. Every method may also return an
// error of the store (unavailable database, ...).
type Store interface {
	// Response returns the response of a respondent to a campaign that sc
	// sees; found is false when there is none yet.
	// Errors: ErrNotFound (the campaign).
	Response(ctx context.Context, sc survey.Scope, key, respondentID string) (r survey.Response, found bool, err error)
	// Submissions returns the submissions of a respondent's response to a
	// campaign that sc sees, oldest first: at most limit (at least 1) of
	// them, those after revision after; found is false when there is no
	// response.
	// Errors: ErrNotFound (the campaign).
	Submissions(ctx context.Context, sc survey.Scope, key, respondentID string, after, limit int) (subs []survey.Submission,
		found bool, err error)
	// ChangeResponse reads, in one transaction, the state of who's
	// response to a campaign that sc sees (its document, of a published
	// version, may be shared by every call: decide must not change it),
	// passes it to decide, and writes
	// what decide returns: a new response at revision 1, or the next
	// revision of the existing one. The campaign's status is read so that
	// a close waits for every change that read it open, and no change
	// commits once the close has answered.
	// When ctx carries an audit event (survey.PendingAudit), the store
	// may write it with the change, and then marks it Written; otherwise
	// it is the caller's to record.
	// Errors: ErrNotFound (the campaign), ErrChangedMeanwhile (the
	// response changed since it was read), and any error of decide.
	ChangeResponse(ctx context.Context, sc survey.Scope, key string, who survey.Respondent,
		decide func(survey.ResponseState) (survey.ResponseChange, error)) (survey.Response, error)
	// SaveResponse is ChangeResponse for a change that saves the working
	// copy and never submits, with the same outcome; the store may make
	// it without ChangeResponse's locks, on condition that nothing it was
	// decided on has changed when it is written, and decide may then be
	// called more than once. decide may be given no Draft: the save
	// replaces it.
	SaveResponse(ctx context.Context, sc survey.Scope, key string, who survey.Respondent,
		decide func(survey.ResponseState) (survey.ResponseChange, error)) (survey.Response, error)
	// SubmitResponse is ChangeResponse for a change that submits, with
	// the same outcome; as for SaveResponse, the store may make it
	// without ChangeResponse's locks, and decide may then be called more
	// than once.
	SubmitResponse(ctx context.Context, sc survey.Scope, key string, who survey.Respondent,
		decide func(survey.ResponseState) (survey.ResponseChange, error)) (survey.Response, error)
}

// maxSaveAttempts bounds the tries of a save without If-Match that lost a
// race to a concurrent save; each try reads the revision again.
const maxSaveAttempts = 5

// Service is the answering of campaigns on behalf of respondents.
type Service struct {
	store Store
	now   func() time.Time

	observe Observer // told of every submission (WithObserver); nil: none
}

// New returns the service over st with the clock now (time.Now in
// production), against which closing times are checked.
func New(st Store, now func() time.Time) *Service { return &Service{store: st, now: now} }

// Mine returns p's own response to a campaign.
// Errors: ErrNotFound.
func (s *Service) Mine(ctx context.Context, p auth.Principal, key string) (survey.Response, error) {
	r, found, err := s.store.Response(ctx, survey.ScopeOf(p), key, p.UserID)
	if err == nil && !found {
		err = survey.Errorf(survey.ErrNotFound, "you have not answered campaign %s yet", key)
	}
	return r, err
}

// MySubmissions returns the submissions of p's own response to a
// campaign, oldest first: at most limit of them, those after revision
// after (0: from the first). A response lists only its latest ones
// (survey.ListedSubmissions); this is its whole history.
// Errors: ErrNotFound.
func (s *Service) MySubmissions(ctx context.Context, p auth.Principal, key string, after, limit int) ([]survey.Submission, error) {
	subs, found, err := s.store.Submissions(ctx, survey.ScopeOf(p), key, p.UserID, after, limit)
	if err == nil && !found {
		err = survey.Errorf(survey.ErrNotFound, "you have not answered campaign %s yet", key)
	}
	return subs, err
}

// SaveDraft replaces the working copy of p's response to a campaign. With
// ifMatch set, the save happens only if the response is at that revision
// (0: no response yet; survey.AnyRevision: any existing one). Saving after
// a submission starts a pending amendment: the submitted answers keep
// counting until it is submitted. Every answer given is type-checked, also
// those to questions hidden for now.
// Errors: ErrForbidden (not a respondent), ErrNotFound, ErrConflict
// (campaign not accepting answers), ErrPreconditionFailed,
// *ValidationError.
func (s *Service) SaveDraft(ctx context.Context, p auth.Principal, key string, answers survey.Answers, ifMatch *int) (survey.Response, error) {
	if err := mayAnswer(p); err != nil {
		return survey.Response{}, err
	}
	if answers == nil {
		answers = survey.Answers{}
	}
	decide := func(st survey.ResponseState) (survey.ResponseChange, error) {
		if err := s.checkAnswerable(key, st); err != nil {
			return survey.ResponseChange{}, err
		}
		if err := survey.CheckAnswers(st.Document, answers); err != nil {
			return survey.ResponseChange{}, err
		}
		if err := checkRevision(key, st, ifMatch); err != nil {
			return survey.ResponseChange{}, err
		}
		return survey.ResponseChange{Answers: answers}, nil
	}
	for attempt := 1; ; attempt++ {
		r, err := s.store.SaveResponse(ctx, survey.ScopeOf(p), key, respondent(p), decide)
		if errors.Is(err, survey.ErrChangedMeanwhile) && ifMatch == nil && attempt < maxSaveAttempts {
			continue
		}
		return r, err
	}
}

// Submit submits the working copy of p's response: answers to hidden
// questions are dropped, every visible required question must be answered,
// and the submission is kept as an immutable revision. Submitting again,
// even without a change, amends the response.
// Errors: ErrForbidden, ErrNotFound, ErrConflict, ErrPreconditionFailed,
// *ValidationError.
func (s *Service) Submit(ctx context.Context, p auth.Principal, key string, ifMatch *int) (r survey.Response, err error) {
	defer s.submitted(time.Now(), &r, &err)
	if err := mayAnswer(p); err != nil {
		return survey.Response{}, err
	}
	r, err = s.store.SubmitResponse(ctx, survey.ScopeOf(p), key, respondent(p), func(st survey.ResponseState) (survey.ResponseChange, error) {
		if err := s.checkAnswerable(key, st); err != nil {
			return survey.ResponseChange{}, err
		}
		if err := checkRevision(key, st, ifMatch); err != nil {
			return survey.ResponseChange{}, err
		}
		draft := st.Draft
		if draft == nil {
			draft = survey.Answers{}
		}
		cleaned, rows, err := survey.PrepareSubmission(st.Document, draft)
		if err != nil {
			return survey.ResponseChange{}, err
		}
		return survey.ResponseChange{Answers: cleaned, Submit: true, Rows: rows}, nil
	})
	if errors.Is(err, survey.ErrChangedMeanwhile) {
		err = survey.Errorf(survey.ErrPreconditionFailed, "the response changed meanwhile; reload it and submit again")
	}
	return r, err
}

func respondent(p auth.Principal) survey.Respondent {
	return survey.Respondent{ID: p.UserID, Administration: p.Administration}
}

// mayAnswer lets respondents, and only them, answer: a response belongs to
// an account of one administration.
func mayAnswer(p auth.Principal) error {
	if p.Role != auth.RoleRespondent || p.Administration == "" {
		return survey.Errorf(survey.ErrForbidden, "only respondents answer campaigns")
	}
	return nil
}

// checkAnswerable fails with ErrConflict unless the campaign is open and
// before its closing time.
func (s *Service) checkAnswerable(key string, st survey.ResponseState) error {
	return survey.CheckAnswerable(key, st.CampaignStatus, st.ClosesAt, s.now())
}

// checkRevision applies If-Match: no header means no precondition; 0 means
// "no response yet"; AnyRevision any existing response.
func checkRevision(key string, st survey.ResponseState, ifMatch *int) error {
	switch {
	case ifMatch == nil:
		return nil
	case !st.Found && *ifMatch != 0:
		return survey.Errorf(survey.ErrPreconditionFailed, "you have no response to campaign %s yet", key)
	case st.Found && *ifMatch != survey.AnyRevision && *ifMatch != st.Revision:
		return survey.Errorf(survey.ErrPreconditionFailed, "the response is at revision %d, not %d", st.Revision, *ifMatch)
	}
	return nil
}
