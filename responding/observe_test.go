package responding_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/customs-survey/surveyd/responding"
	"github.com/customs-survey/surveyd/survey"
)

// failingStore answers every change with err, as a database that is down
// or broken does.
type failingStore struct {
	responding.Store
	err error
}

func (s failingStore) SaveResponse(context.Context, survey.Scope, string, survey.Respondent,
	func(survey.ResponseState) (survey.ResponseChange, error)) (survey.Response, error) {
	return survey.Response{}, s.err
}

func (s failingStore) SubmitResponse(context.Context, survey.Scope, string, survey.Respondent,
	func(survey.ResponseState) (survey.ResponseChange, error)) (survey.Response, error) {
	return survey.Response{}, s.err
}

func (s failingStore) ChangeResponse(context.Context, survey.Scope, string, survey.Respondent,
	func(survey.ResponseState) (survey.ResponseChange, error)) (survey.Response, error) {
	return survey.Response{}, s.err
}

// TestObserverSeesEveryOutcome checks that the observer is told of every
// submission, once, with the outcome that its result means, and of no save.
// The cases run in order on one fixture: each builds on the previous.
func TestObserverSeesEveryOutcome(t *testing.T) {
	f := newFixture(t)
	var seen []responding.Outcome
	observe := func(o responding.Outcome, took time.Duration) {
		if took < 0 {
			t.Errorf("outcome %s took %v", o, took)
		}
		seen = append(seen, o)
	}
	observed := f.svc.WithObserver(observe)
	down := responding.New(failingStore{f.st, fmt.Errorf("ping: %w", survey.ErrUnavailable)}, func() time.Time { return acted }).
		WithObserver(observe)
	broken := responding.New(failingStore{f.st, errors.New("disk on fire")}, func() time.Time { return acted }).
		WithObserver(observe)
	for _, c := range []struct {
		name    string
		svc     *responding.Service
		who     string
		key     string
		save    string // answers saved first (not observed), if not empty
		ifMatch *int
		want    responding.Outcome
	}{
		{name: "required answers missing", svc: observed, who: "resp", key: "open", save: `{"used": "no"}`, want: responding.OutcomeInvalid},
		{name: "first submission", svc: observed, who: "resp", key: "open", save: complete, want: responding.OutcomeSubmitted},
		{name: "second submission", svc: observed, who: "resp", key: "open", want: responding.OutcomeAmended},
		{name: "If-Match of another revision", svc: observed, who: "resp", key: "open", ifMatch: rev(1), want: responding.OutcomeStale},
		{name: "closed campaign", svc: observed, who: "resp", key: "closed", want: responding.OutcomeClosed},
		{name: "not a respondent", svc: observed, who: "coord", key: "open", want: responding.OutcomeRefused},
		{name: "another administration's campaign", svc: observed, who: "resp", key: "open-bb", want: responding.OutcomeRefused},
		{name: "database unavailable", svc: down, who: "resp2", key: "open", want: responding.OutcomeUnavailable},
		{name: "unknown error", svc: broken, who: "resp2", key: "open", want: responding.OutcomeFailed},
	} {
		p := f.who[c.who]
		if c.save != "" {
			if _, err := c.svc.SaveDraft(t.Context(), p, c.key, answers(t, c.save), nil); err != nil {
				t.Fatalf("%s: save: %v", c.name, err)
			}
		}
		seen = nil
		_, _ = c.svc.Submit(t.Context(), p, c.key, c.ifMatch)
		if len(seen) != 1 || seen[0] != c.want {
			t.Errorf("%s: observed %v, want [%s]", c.name, seen, c.want)
		}
	}
}
