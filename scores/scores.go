// Package scores assembles the scores report of a campaign: it reads what
// the database aggregates (survey.CampaignTally, for the campaign and its
// previous one) through a Store and has package scoring compute every
// indicator, its coverage and its change on the previous year. Package
// store implements the Store and internal/memstore fakes it.
package scores

import (
	"context"
	"time"

	"github.com/customs-survey/surveyd/auth"
	"github.com/customs-survey/surveyd/scoring"
	"github.com/customs-survey/surveyd/survey"
)

// Store is what scoring reads. It may also return an error of the store
// (unavailable database, ...).
type Store interface {
	// Tallies reads, in one snapshot, a campaign's tally and that of its
	// previous campaign (nil if it names none).
	// Errors: ErrNotFound.
	// The campaign must be one that sc sees; its tally covers every
	// administration.
	Tallies(ctx context.Context, sc survey.Scope, key string) (current survey.CampaignTally, previous *survey.CampaignTally, err error)
}

// Service computes scores reports.
type Service struct {
	store Store
	now   func() time.Time

	observe Observer // told how long every report took (WithObserver); nil: none
}

// New returns the service over st with the clock now (time.Now in
// production), which dates the reports.
func New(st Store, now func() time.Time) *Service { return &Service{store: st, now: now} }

// Report computes every indicator of a campaign (docs/scoring.md), with
// labels and narratives in lang (the document's default language if
// empty), and the change on the previous campaign where it has one.
// The indicators are the programme's, over every administration: only
// admins, Commission staff, read them.
// Errors: ErrForbidden, ErrNotFound.
func (s *Service) Report(ctx context.Context, by auth.Principal, key, lang string) (scoring.Report, error) {
	if by.Role != auth.RoleAdmin {
		return scoring.Report{}, survey.Errorf(survey.ErrForbidden, "only admins read the scores")
	}
	start := time.Now()
	current, previous, err := s.store.Tallies(ctx, survey.ScopeOf(by), key)
	if err != nil {
		return scoring.Report{}, err
	}
	if lang == "" {
		lang = current.Document.DefaultLanguage
	}
	report := compute(current, lang, pairing(current, previous, lang))
	report.ComputedAt = s.now().UTC().Truncate(time.Microsecond)
	report.Status, report.LastClosedAt, report.ReopenedAt = current.Campaign.Status, current.Campaign.LastClosedAt, current.Campaign.ReopenedAt
	s.computed(start)
	return report, nil
}

// pairing pairs each indicator of the current campaign with the indicator
// of the same code in the previous one, if any: its value there, and what
// changed in its definition between the two questionnaires
// (scoring.NotComparable). It is nil without a previous campaign.
func pairing(current survey.CampaignTally, previous *survey.CampaignTally, lang string) func(survey.Indicator) *scoring.PreviousInput {
	if previous == nil {
		return nil
	}
	values := map[string]*float64{}
	for _, r := range compute(*previous, lang, nil).Indicators {
		values[r.Code] = r.Value
	}
	definitions := map[string]survey.Indicator{}
	for _, ind := range previous.Document.Indicators {
		definitions[ind.Code] = ind
	}
	return func(ind survey.Indicator) *scoring.PreviousInput {
		v, ok := values[ind.Code]
		if !ok {
			return nil
		}
		return &scoring.PreviousInput{Campaign: previous.Campaign.Key, Year: previous.Campaign.Year, Value: v,
			Incomparable: scoring.NotComparable(definitions[ind.Code], previous.Document, ind, current.Document)}
	}
}

// compute scores every indicator of one campaign's tally; before, if not
// nil, gives an indicator's value in the previous campaign.
func compute(t survey.CampaignTally, lang string, before func(survey.Indicator) *scoring.PreviousInput) scoring.Report {
	report := scoring.Report{Campaign: t.Campaign.Key, Year: t.Campaign.Year, Coverage: coverage(t),
		Indicators: make([]scoring.Result, 0, len(t.Document.Indicators))}
	for i, ind := range t.Document.Indicators {
		tally := t.Tallies[i]
		in := scoring.Input{Indicator: ind, Document: t.Document, Language: lang, Year: t.Campaign.Year,
			MinCellSize: t.Campaign.MinCellSize, Cells: tally.Cells, QuestionCells: tally.QuestionCells,
			Options: tally.Options, Answering: tally.Answering}
		if before != nil {
			in.Previous = before(ind)
		}
		report.Indicators = append(report.Indicators, scoring.Compute(in))
	}
	return report
}

// coverage counts the invited administrations, those with at least one
// submitted response, and the submitted responses.
func coverage(t survey.CampaignTally) scoring.Coverage {
	cov := scoring.Coverage{Missing: []string{}, Responses: t.Responses}
	for _, a := range t.Invited {
		cov.AdministrationsInvited++
		if a.Responses > 0 {
			cov.AdministrationsResponded++
		} else {
			cov.Missing = append(cov.Missing, a.Administration)
		}
	}
	return cov
}
