package store

import (
	"context"

	"github.com/customs-survey/surveyd/survey"
)

// SetAggregateLimitsForTest narrows the limits of one aggregate query, so
// that a test can make the scorer split ordinary documents; restore puts
// the service's limits back.
func SetAggregateLimitsForTest(columns, params, options, joins int) (restore func()) {
	saved := aggregateLimits
	aggregateLimits.columns, aggregateLimits.params, aggregateLimits.options, aggregateLimits.joins = columns, params, options, joins
	return func() { aggregateLimits = saved }
}

// AggregateQueriesForTest is the number of queries that score a whole
// campaign of doc in a dialect: those of its direct measures, if it has
// any (on PostgreSQL one grouped read; on SQLite one per
// aggregateLimits.joins of their questions), and the scans by response of
// the others.
func AggregateQueriesForTest(doc *survey.Document, dialect string) int {
	directParts, others := splitDirect(doc, parts(doc))
	n := len(plan(doc, others))
	switch {
	case len(directParts) == 0:
	case dialect == "postgres":
		n++
	default:
		questions := map[string]bool{}
		for _, p := range directParts {
			questions[p.questions[0]] = true
		}
		n += (len(questions) + aggregateLimits.joins - 1) / aggregateLimits.joins
	}
	return n
}

// ScanForTest is the full computation of a campaign's tallies from its
// answers (the aggregate scan), which the cells Tallies reads must equal.
func (s *Store) ScanForTest(ctx context.Context, key string) ([]survey.Tally, error) {
	db := s.db.WithContext(ctx)
	row, err := s.campaignRow(db, survey.Everything, key)
	if err != nil {
		return nil, err
	}
	q, err := s.questionnaireOf(db, row)
	if err != nil {
		return nil, err
	}
	return aggregate(db, row.ID, q.Document)
}
