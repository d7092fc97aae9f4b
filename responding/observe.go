package responding

import (
	"errors"
	"time"

	"github.com/customs-survey/surveyd/survey"
)

// Outcome is how a submission ended, in a few words that the service's
// metrics count by: a fixed set, whatever the campaign or the respondent.
type Outcome string

// The outcomes of Submit.
const (
	// OutcomeSubmitted is a response's first submission.
	OutcomeSubmitted Outcome = "submitted"
	// OutcomeAmended is a later submission of a response, an amendment.
	OutcomeAmended Outcome = "amended"
	// OutcomeInvalid is a submission refused for its answers (a required
	// question unanswered, ...): a *survey.ValidationError.
	OutcomeInvalid Outcome = "invalid"
	// OutcomeClosed is a submission to a campaign that does not accept
	// answers (not open, or past its closing time).
	OutcomeClosed Outcome = "closed"
	// OutcomeStale is a submission whose If-Match named another revision,
	// or whose response changed meanwhile.
	OutcomeStale Outcome = "stale"
	// OutcomeRefused is a submission by someone who may not answer that
	// campaign, or to a campaign they do not see.
	OutcomeRefused Outcome = "refused"
	// OutcomeUnavailable is a submission that the database could not take
	// for now.
	OutcomeUnavailable Outcome = "unavailable"
	// OutcomeFailed is any other error.
	OutcomeFailed Outcome = "failed"
)

// Outcomes lists every Outcome, so that a count can start at zero.
var Outcomes = []Outcome{OutcomeSubmitted, OutcomeAmended, OutcomeInvalid, OutcomeClosed, OutcomeStale,
	OutcomeRefused, OutcomeUnavailable, OutcomeFailed}

// Observer is told the outcome of every submission and how long it took,
// for the service's metrics. It must be quick and safe for concurrent use.
type Observer func(outcome Outcome, took time.Duration)

// WithObserver returns the service, telling o of every submission.
func (s *Service) WithObserver(o Observer) *Service {
	c := *s
	c.observe = o
	return &c
}

// submitted tells the observer, if any, of a submission that started at
// start and returned r and err.
func (s *Service) submitted(start time.Time, r *survey.Response, err *error) {
	if s.observe != nil {
		s.observe(outcomeOf(*r, *err), time.Since(start))
	}
}

// outcomeOf names the outcome of a submission that returned r and err.
func outcomeOf(r survey.Response, err error) Outcome {
	var invalid *survey.ValidationError
	switch {
	case err == nil && len(r.Submissions) > 1:
		return OutcomeAmended
	case err == nil:
		return OutcomeSubmitted
	case errors.As(err, &invalid):
		return OutcomeInvalid
	case errors.Is(err, survey.ErrConflict):
		return OutcomeClosed
	case errors.Is(err, survey.ErrPreconditionFailed):
		return OutcomeStale
	case errors.Is(err, survey.ErrForbidden), errors.Is(err, survey.ErrNotFound):
		return OutcomeRefused
	case errors.Is(err, survey.ErrUnavailable):
		return OutcomeUnavailable
	}
	return OutcomeFailed
}
