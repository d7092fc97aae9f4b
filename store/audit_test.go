package store

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/customs-survey/surveyd/auth"
	"github.com/customs-survey/surveyd/internal/dbtest"
	"github.com/customs-survey/surveyd/survey"
)

func TestAuditEvents(t *testing.T) {
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

		base := time.Date(2024, 3, 1, 12, 0, 0, 123456789, time.UTC)
		events := []survey.AuditEvent{
			// An actor known by id only: the store adds the e-mail.
			{At: base, ActorID: u.ID, ActorRole: "admin", Action: "questionnaire.create", Target: "key=customs_annual,version=1", Status: 201},
			{At: base.Add(time.Minute), ActorEmail: "staff@commission.example", Action: "session.login", Status: 401},
			{At: base.Add(2 * time.Minute), Action: "session.refresh", Status: 200, ClientIP: "192.0.2.7", RequestID: "r-3"},
			{At: base.Add(3 * time.Minute), ActorID: u.ID, ActorRole: "admin", Action: "questionnaire.publish", Target: "key=customs_annual2,version=1", Status: 200},
			{At: base.Add(4 * time.Minute), ActorID: "gone", ActorRole: "respondent", Action: "response.save", Target: "key=customs", Status: 200},
		}
		for _, ev := range events {
			if err := s.RecordAudit(ctx, ev); err != nil {
				t.Fatal(err)
			}
		}

		all, err := s.AuditEvents(ctx, survey.AuditFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if len(all) != len(events) {
			t.Fatalf("%d events, want %d", len(all), len(events))
		}
		first := all[len(all)-1]
		want := events[0]
		want.ID, want.ActorEmail, want.At = first.ID, "staff@commission.example", base.Truncate(time.Microsecond)
		if first != want {
			t.Errorf("oldest event %+v, want %+v", first, want)
		}
		if all[0].ActorEmail != "" || all[2].ActorID != "" || all[2].ClientIP != "192.0.2.7" || all[2].RequestID != "r-3" {
			t.Errorf("unknown actor or anonymous event: %+v, %+v", all[0], all[2])
		}

		// The ids of the events of a filter, newest first, as indexes of events.
		index := func(list []survey.AuditEvent) []int {
			out := []int{}
			for _, ev := range list {
				out = append(out, len(all)-1-slices.IndexFunc(all, func(e survey.AuditEvent) bool { return e.ID == ev.ID }))
			}
			return out
		}
		tests := []struct {
			name   string
			filter survey.AuditFilter
			want   []int
		}{
			{"all, newest first", survey.AuditFilter{}, []int{4, 3, 2, 1, 0}},
			{"actor id", survey.AuditFilter{Actor: u.ID}, []int{3, 0}},
			{"actor e-mail, any case", survey.AuditFilter{Actor: " STAFF@commission.example"}, []int{3, 1, 0}},
			{"action", survey.AuditFilter{Action: "session.login"}, []int{1}},
			{"whole target", survey.AuditFilter{Target: "key=customs_annual,version=1"}, []int{0}},
			{"leading key", survey.AuditFilter{Target: "key=customs_annual"}, []int{0}},
			{"key is not a prefix", survey.AuditFilter{Target: "key=customs"}, []int{4}},
			{"underscore is no wildcard", survey.AuditFilter{Target: "key=customs_annua_"}, []int{}},
			{"from inclusive", survey.AuditFilter{From: base.Add(3 * time.Minute)}, []int{4, 3}},
			{"to exclusive", survey.AuditFilter{To: base.Add(time.Minute)}, []int{0}},
			{"window in another zone", survey.AuditFilter{From: base.Add(time.Minute).In(time.FixedZone("CET", 3600)), To: base.Add(3 * time.Minute)}, []int{2, 1}},
			{"before", survey.AuditFilter{Before: all[1].ID}, []int{2, 1, 0}},
			{"limit", survey.AuditFilter{Limit: 2}, []int{4, 3}},
			{"before and limit", survey.AuditFilter{Before: all[1].ID, Limit: 2}, []int{2, 1}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				got, err := s.AuditEvents(ctx, tt.filter)
				if err != nil {
					t.Fatal(err)
				}
				if g := index(got); !slices.Equal(g, tt.want) {
					t.Errorf("events %v, want %v", g, tt.want)
				}
			})
		}
	})
}

func TestPruneAuditEvents(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		ctx := context.Background()
		s, err := Open(ctx, url, Options{Migrate: true})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		cut := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
		// More old events than one batch deletes, and a few recent ones.
		old := pruneBatch + 7
		if err := s.db.Exec(`INSERT INTO audit_events (at, action, target, status, client_ip, request_id)
			SELECT ?, 'session.refresh', '', 401, '192.0.2.1', '' FROM (
			  WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?) SELECT i FROM n) AS seq`,
			cut.Add(-time.Hour), old).Error; err != nil {
			t.Fatal(err)
		}
		for _, at := range []time.Time{cut, cut.Add(time.Second)} {
			if err := s.RecordAudit(ctx, survey.AuditEvent{At: at, Action: "session.login", Status: 200}); err != nil {
				t.Fatal(err)
			}
		}
		n, err := s.PruneAuditEvents(ctx, cut)
		if err != nil || n != int64(old) {
			t.Fatalf("pruned %d (%v), want %d", n, err, old)
		}
		left, err := s.AuditEvents(ctx, survey.AuditFilter{})
		if err != nil || len(left) != 2 || left[1].At != cut {
			t.Errorf("left %+v (%v), want the two events from the cut on", left, err)
		}
	})
}
