package scoring

import "time"

// Report is every indicator of one campaign, from which the api builds the
// body of GET /campaigns/{key}/scores and package exports its CSV and XLSX
// tables.
type Report struct {
	Campaign   string
	Year       int
	ComputedAt time.Time // when the figures were computed from the responses
	Coverage   Coverage
	Indicators []Result // one per indicator of the questionnaire, in its order
	// Status is the campaign's (draft, open or closed): the figures are
	// final while it is closed. LastClosedAt is when it was last closed,
	// ReopenedAt when it was reopened after that; nil for never.
	Status       string
	LastClosedAt *time.Time
	ReopenedAt   *time.Time
}

// Coverage tells who answered.
type Coverage struct {
	AdministrationsInvited   int
	AdministrationsResponded int      // invited administrations with a submitted response
	Missing                  []string // codes of the invited administrations without one
	Responses                int      // submitted responses, of every administration
}
