package survey

import (
	"encoding/json"
	"time"
)

// ExportedResponse is one submitted response as the responses export shows
// it: the answers of its latest submission, so that a pending amendment
// (saved, not yet submitted) never appears in an export, just as it never
// counts in scores. The respondent is named by the response's id only, never
// by e-mail.
type ExportedResponse struct {
	ResponseID     string
	Administration string
	SubmittedAt    time.Time // of the latest submission, UTC
	Answers        Answers
	// Values, when not nil, holds the answers by question instead of
	// Answers: Values[i] answers Keys[i], the i-th question of the
	// campaign's questionnaire (Document.Questions), nil when unanswered.
	// The store hands them so, so that an export finds each column's
	// answer by position rather than by key; Keys is one slice shared by
	// every response of an export.
	Values []json.RawMessage
	Keys   []string
}

// Answer returns the answer to the question key, the i-th of the
// questionnaire (Document.Questions), nil when unanswered.
func (r *ExportedResponse) Answer(i int, key string) json.RawMessage {
	if r.Values != nil {
		return r.Values[i]
	}
	return r.Answers[key]
}

// AnswerTo returns the answer to the question key, nil when unanswered,
// however the response holds its answers.
func (r *ExportedResponse) AnswerTo(key string) json.RawMessage {
	for i, k := range r.Keys {
		if k == key && r.Values != nil {
			return r.Values[i]
		}
	}
	return r.Answers[key]
}

// EachExportBatch walks the submitted responses of an export in the order
// of their key (administration code, then response id): next reads the
// batch after the key of the last response passed (empty at first) and says
// whether more may follow, and fn receives each batch. It stops at an empty
// or last batch, or at the first error of next or fn, returned as it is.
//
// It reads one batch ahead: while fn works on a batch, next reads the one
// after it in another goroutine, so that reading the database and writing
// to the client overlap. Calls of next never overlap each other, and at most
// two batches are held at a time. A panic of next is raised again here, in
// the caller's goroutine (where a server recovers it for the one request).
// Whenever EachExportBatch returns or panics, the read under way has
// ended: nothing it started outlives it.
func EachExportBatch(next func(afterAdministration, afterID string) ([]ExportedResponse, bool, error), fn func([]ExportedResponse) error) error {
	type read struct {
		batch    []ExportedResponse
		more     bool
		err      error
		panicked any
	}
	ahead := func(afterAdministration, afterID string) chan read {
		done := make(chan read, 1)
		go func() {
			defer func() {
				if p := recover(); p != nil {
					done <- read{panicked: p}
				}
			}()
			batch, more, err := next(afterAdministration, afterID)
			done <- read{batch: batch, more: more, err: err}
		}()
		return done
	}
	pending := ahead("", "")
	defer func() {
		if pending != nil {
			<-pending // fn failed or panicked while the next batch was read
		}
	}()
	for {
		r := <-pending
		pending = nil
		if r.panicked != nil {
			panic(r.panicked)
		}
		if r.err != nil || len(r.batch) == 0 {
			return r.err
		}
		if !r.more {
			return fn(r.batch)
		}
		last := r.batch[len(r.batch)-1]
		pending = ahead(last.Administration, last.ResponseID)
		if err := fn(r.batch); err != nil {
			return err
		}
	}
}
