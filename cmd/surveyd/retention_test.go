package main

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/customs-survey/surveyd/internal/dbtest"
	"github.com/customs-survey/surveyd/store"
	"github.com/customs-survey/surveyd/survey"
)

func TestParseRetention(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"1095d", 1095 * 24 * time.Hour, true},
		{"720h", 720 * time.Hour, true},
		{"0", 0, true},
		{"30m", 0, false}, // shorter than an hour: surely a mistake
		{"-5d", 0, false},
		{"0d", 0, false},
		{"d", 0, false},
		{"forever", 0, false},
	}
	for _, tt := range tests {
		got, err := parseRetention(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("parseRetention(%q) = %v, %v; want %v, ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

// TestPruneAudit runs the retention loop of serve: events older than the
// retention period go, the others stay; a retention of 0 keeps everything.
func TestPruneAudit(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		ctx := context.Background()
		st, err := store.Open(ctx, url, store.Options{Migrate: true})
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		now := time.Now()
		for _, age := range []time.Duration{400 * 24 * time.Hour, 40 * 24 * time.Hour, time.Hour} {
			if err := st.RecordAudit(ctx, survey.AuditEvent{At: now.Add(-age), Action: "session.login", Status: 401}); err != nil {
				t.Fatal(err)
			}
		}
		count := func() int {
			events, err := st.AuditEvents(ctx, survey.AuditFilter{})
			if err != nil {
				t.Fatal(err)
			}
			return len(events)
		}
		log := slog.New(slog.DiscardHandler)

		pruneAudit(ctx, st, 0, time.Millisecond, log) // returns at once
		if n := count(); n != 3 {
			t.Fatalf("retention 0 deleted events: %d left", n)
		}

		loopCtx, cancel := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() { pruneAudit(loopCtx, st, 30*24*time.Hour, 10*time.Millisecond, log); close(done) }()
		deadline := time.Now().Add(10 * time.Second)
		for count() != 1 && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
		cancel()
		<-done
		if n := count(); n != 1 {
			t.Errorf("%d events left, want the one within 30 days", n)
		}
	})
}
