package store

import (
	"context"

	"github.com/customs-survey/surveyd/survey"
)

// SetAggregateLimitsForTest narrows the limits of one aggregate query, so
// that a test can make the scorer split ordinary documents; restore puts
// the service's limits back.
func SetAggregateLimitsForTest(columns, params, options int) (restore func()) {
	saved := aggregateLimits
	aggregateLimits.columns, aggregateLimits.params, aggregateLimits.options = columns, params, options
	return func() { aggregateLimits = saved }
}

// AggregateQueriesForTest is the number of queries that score doc in a
// dialect: on PostgreSQL the read of the answers of its direct measures, if
// it has any, and the scans by response of the others.
func AggregateQueriesForTest(doc *survey.Document, dialect string) int {
	directParts, others := []part(nil), parts(doc)
	if dialect == "postgres" {
		directParts, others = splitDirect(doc, others)
	}
	n := len(plan(doc, others))
	if len(directParts) > 0 {
		n++
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
