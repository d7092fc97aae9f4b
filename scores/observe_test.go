package scores_test

import (
	"testing"
	"time"

	"github.com/customs-survey/surveyd/auth"
)

// TestObserverTimesEveryReport checks that the observer is told of each
// report computed, and of no request refused or unanswered.
func TestObserverTimesEveryReport(t *testing.T) {
	var seen []time.Duration
	svc := newService(t).WithObserver(func(took time.Duration) { seen = append(seen, took) })
	admin := auth.Principal{UserID: "admin", Role: auth.RoleAdmin}
	for _, c := range []struct {
		name     string
		by       auth.Principal
		key      string
		observed int
	}{
		{name: "a report", by: admin, key: "c2024", observed: 1},
		{name: "a report without a previous campaign", by: admin, key: "c2023", observed: 1},
		{name: "an unknown campaign", by: admin, key: "c1999", observed: 0},
		{name: "a coordinator", by: auth.Principal{UserID: "c", Role: auth.RoleCoordinator, Administration: "AA"}, key: "c2024", observed: 0},
	} {
		seen = nil
		_, _ = svc.Report(t.Context(), c.by, c.key, "")
		if len(seen) != c.observed {
			t.Errorf("%s: observed %d times, want %d", c.name, len(seen), c.observed)
		}
		for _, took := range seen {
			if took <= 0 {
				t.Errorf("%s: took %v, want a positive duration", c.name, took)
			}
		}
	}
}
