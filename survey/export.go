package survey

import "time"

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
}

// EachExportBatch walks the submitted responses of an export in the order
// of their key (administration code, then response id): next reads the
// batch after the key of the last response passed (empty at first) and says
// whether more may follow, and fn receives each batch. It stops at an empty
// or last batch, or at the first error of next or fn, returned as it is.
func EachExportBatch(next func(afterAdministration, afterID string) ([]ExportedResponse, bool, error), fn func([]ExportedResponse) error) error {
	var afterAdministration, afterID string
	for {
		batch, more, err := next(afterAdministration, afterID)
		if err != nil || len(batch) == 0 {
			return err
		}
		last := batch[len(batch)-1]
		afterAdministration, afterID = last.Administration, last.ResponseID
		if err := fn(batch); err != nil || !more {
			return err
		}
	}
}
