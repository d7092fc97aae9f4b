package scores

import "time"

// Observer is told how long each report took to read and compute, for the
// service's metrics. It must be quick and safe for concurrent use.
type Observer func(took time.Duration)

// WithObserver returns the service, telling o of every report it computes
// (not of the requests it refuses or cannot answer).
func (s *Service) WithObserver(o Observer) *Service {
	c := *s
	c.observe = o
	return &c
}

// computed tells the observer, if any, of a report started at start.
func (s *Service) computed(start time.Time) {
	if s.observe != nil {
		s.observe(time.Since(start))
	}
}
