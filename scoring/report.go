package scoring

import "time"

// Report is every indicator of one campaign, as GET /campaigns/{key}/scores
// returns it.
type Report struct {
	Campaign   string    `json:"campaign"`
	Year       int       `json:"year"`
	ComputedAt time.Time `json:"computed_at"`
	Coverage   Coverage  `json:"coverage"`
	Indicators []Result  `json:"indicators"`
}

// Coverage tells who answered.
type Coverage struct {
	AdministrationsInvited   int      `json:"administrations_invited"`
	AdministrationsResponded int      `json:"administrations_responded"`
	Missing                  []string `json:"missing"`
	Responses                int      `json:"responses"`
}
