package store

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/customs-survey/surveyd/auth"
	"github.com/customs-survey/surveyd/internal/dbtest"
	"github.com/customs-survey/surveyd/survey"
)

// TestConcurrentAuditEventsAreAllWritten records events from many
// goroutines at once, which the store writes in groups, and finds every
// one of them in the trail exactly once, each with its actor's e-mail read
// in its group's statement; and an event recorded alone afterwards is
// written too (the writing ended cleanly).
func TestConcurrentAuditEventsAreAllWritten(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		ctx := context.Background()
		s, err := Open(ctx, url, Options{Migrate: true})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		u, err := s.CreateUser(ctx, survey.NewAccount{Email: "staff@commission.example", PasswordHash: auth.NoPassword, Role: "admin"})
		if err != nil {
			t.Fatal(err)
		}
		const n = 300
		var wg sync.WaitGroup
		errs := make(chan error, n)
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs <- s.RecordAudit(ctx, survey.AuditEvent{At: time.Now(), ActorID: u.ID, ActorRole: "admin",
					Action: "response.submit", Target: fmt.Sprintf("key=c%d", i), Status: 200})
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		if err := s.RecordAudit(ctx, survey.AuditEvent{Action: "session.logout", Status: 204}); err != nil {
			t.Fatal(err)
		}
		got, err := s.AuditEvents(ctx, survey.AuditFilter{Action: "response.submit"})
		if err != nil {
			t.Fatal(err)
		}
		seen := map[string]int{}
		for _, ev := range got {
			seen[ev.Target]++
			if ev.ActorEmail != "staff@commission.example" {
				t.Errorf("event %s: actor e-mail %q", ev.Target, ev.ActorEmail)
			}
		}
		for i := range n {
			if k := fmt.Sprintf("key=c%d", i); seen[k] != 1 {
				t.Errorf("event %s written %d times, want once", k, seen[k])
			}
		}
		if alone, err := s.AuditEvents(ctx, survey.AuditFilter{Action: "session.logout"}); err != nil || len(alone) != 1 {
			t.Errorf("the event recorded alone: %d events, %v", len(alone), err)
		}
	})
}
