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
