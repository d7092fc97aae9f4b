package survey

import "time"

// CampaignState is what a correction of a campaign is decided on, read in
// the transaction that writes it: the campaign as it is, and the invited
// administrations that have at least one response (a draft or a
// submission), by code.
type CampaignState struct {
	Campaign Campaign
	Answered []string
}

// CampaignChange is what a correction of a campaign writes: every field a
// correction may change, as it is to be (the unchanged ones copied from
// the state), at the next revision. Questionnaire and Version name an
// existing version; Administrations is the whole new list.
type CampaignChange struct {
	Title           string
	Questionnaire   string
	Version         int
	ClosesAt        time.Time
	Administrations []string
	Status          string
	LastClosedAt    *time.Time
	ReopenedAt      *time.Time
	ReopenReason    string
}

// ChangeOf is the change that leaves c as it is, for a decision to edit.
func ChangeOf(c Campaign) CampaignChange {
	return CampaignChange{Title: c.Title, Questionnaire: c.Questionnaire, Version: c.Version, ClosesAt: c.ClosesAt,
		Administrations: append([]string{}, c.Administrations...), Status: c.Status, LastClosedAt: c.LastClosedAt, ReopenedAt: c.ReopenedAt, ReopenReason: c.ReopenReason}
}
