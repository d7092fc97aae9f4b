package store

import "github.com/customs-survey/surveyd/survey"

// SetAggregateLimitsForTest narrows the limits of one aggregate query, so
// that a test can make the scorer split ordinary documents; restore puts
// the service's limits back.
func SetAggregateLimitsForTest(columns, params, options int) (restore func()) {
	saved := aggregateLimits
	aggregateLimits.columns, aggregateLimits.params, aggregateLimits.options = columns, params, options
	return func() { aggregateLimits = saved }
}

// AggregateQueriesForTest is the number of queries that score doc.
func AggregateQueriesForTest(doc *survey.Document) int { return len(plan(doc)) }
