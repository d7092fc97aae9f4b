package store

import (
	"context"
	"database/sql"
	"fmt"
	"testing"
	"time"

	"github.com/customs-survey/surveyd/internal/dbtest"
	"github.com/customs-survey/surveyd/responding"
	"github.com/customs-survey/surveyd/survey"
)

// TestSQLiteCommitsReachTheDisk: a 2xx means the data is durable, so every
// connection runs with synchronous=FULL (2): a commit returns only once
// the write-ahead log is on disk. That holds for the connections of the
// exports' pool too, which read the database through a memory map
// (sqliteMmapSize), where the store's connections do not.
func TestSQLiteCommitsReachTheDisk(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, dbtest.SQLiteURL(t), Options{Migrate: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, pool := range []struct {
		name  string
		db    *sql.DB
		conns int
		mmap  int
	}{{"store", s.sql, 4, 0}, {"exports", s.scanSQL, scanConns, sqliteMmapSize}} {
		// Hold several connections at once, so that each is a different one.
		for i := range pool.conns {
			conn, err := pool.db.Conn(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			var mode, mmap int
			var journal string
			if err := conn.QueryRowContext(ctx, "PRAGMA synchronous").Scan(&mode); err != nil {
				t.Fatal(err)
			}
			if err := conn.QueryRowContext(ctx, "PRAGMA mmap_size").Scan(&mmap); err != nil {
				t.Fatal(err)
			}
			if mmap != pool.mmap {
				t.Errorf("%s connection %d: mmap_size=%d, want %d", pool.name, i, mmap, pool.mmap)
			}
			if err := conn.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&journal); err != nil {
				t.Fatal(err)
			}
			if mode != 2 || journal != "wal" {
				t.Errorf("%s connection %d: synchronous=%d journal_mode=%s, want 2 (FULL) and wal", pool.name, i, mode, journal)
			}
		}
	}
}

// TestAuditCommitsLeaveTheDiskToTheLog: on PostgreSQL every write of the
// service waits for the disk but the audit trail's, whose connection
// commits into the write-ahead log and lets the next commit that waits (or
// the WAL writer) carry the events to the disk; an event is readable at
// once through the store's pool all the same. On SQLite the audit trail
// writes through the store's pool, whose commits wait.
func TestAuditCommitsLeaveTheDiskToTheLog(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		ctx := context.Background()
		s, _ := openTraced(t, url)
		ev := survey.AuditEvent{Action: "test.commit", Target: "key=t", Status: 200, ClientIP: "192.0.2.1", RequestID: "r-1"}
		if err := s.RecordAudit(ctx, ev); err != nil {
			t.Fatal(err)
		}
		got, err := s.AuditEvents(ctx, survey.AuditFilter{Action: "test.commit"})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || got[0].RequestID != "r-1" {
			t.Fatalf("the event read back through the store's pool: %+v, want the one recorded", got)
		}
		if s.dialect == "sqlite" {
			if s.auditDB != s.db || s.auditSQL != nil {
				t.Error("on SQLite the audit trail has a pool of its own, want the store's")
			}
			return
		}
		// The event went through the audit trail's connection: the
		// server process that ran the INSERT last is that connection's.
		var wrote, audit int
		if err := s.sql.QueryRowContext(ctx, `SELECT pid FROM pg_stat_activity
  WHERE datname = current_database() AND query LIKE 'INSERT INTO audit_events%'`).Scan(&wrote); err != nil {
			t.Fatal(err)
		}
		if err := s.auditSQL.QueryRowContext(ctx, "SELECT pg_backend_pid()").Scan(&audit); err != nil {
			t.Fatal(err)
		}
		if wrote != audit {
			t.Errorf("the event was written by server process %d, the audit trail's connection is %d", wrote, audit)
		}
		// The setting of each pool's connections, and where it comes
		// from (the audit trail has one connection, the one that wrote
		// the event): the audit trail's sets it off when it connects
		// ("client"); the store's keeps the server's, whatever that is
		// (the test servers run with synchronous_commit off throughout).
		for _, pool := range []struct {
			name   string
			db     *sql.DB
			client bool
		}{{"store's", s.sql, false}, {"audit trail's", s.auditSQL, true}} {
			var setting, source string
			if err := pool.db.QueryRowContext(ctx,
				"SELECT setting, source FROM pg_settings WHERE name = 'synchronous_commit'").Scan(&setting, &source); err != nil {
				t.Fatal(err)
			}
			if (source == "client") != pool.client || pool.client && setting != "off" {
				t.Errorf("synchronous_commit on the %s pool: %s, set by %s; want it set off by the client: %v",
					pool.name, setting, source, pool.client)
			}
		}
		if n := s.auditSQL.Stats().MaxOpenConnections; n != 1 {
			t.Errorf("the audit trail's pool opens up to %d connections, want 1", n)
		}
	})
}

// TestSQLiteMmapFromTheURL: a database URL that sets its own mmap_size
// keeps it (mmap_size(0): no map, for a network file system).
func TestSQLiteMmapFromTheURL(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, dbtest.SQLiteURL(t)+"?_pragma=mmap_size(0)", Options{Migrate: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var mmap int
	if err := s.sql.QueryRowContext(ctx, "PRAGMA mmap_size").Scan(&mmap); err != nil {
		t.Fatal(err)
	}
	if mmap != 0 {
		t.Errorf("mmap_size=%d, want the URL's 0", mmap)
	}
}

// BenchmarkSQLiteSynchronous measures what durability costs: a draft saved
// and submitted, one after the other, with synchronous=FULL (the service's
// setting) and NORMAL (which may lose the last commits on a power cut).
//
//	go test ./store -run '^$' -bench SQLiteSynchronous -benchtime 200x
func BenchmarkSQLiteSynchronous(b *testing.B) {
	defer func(v string) { sqliteSynchronous = v }(sqliteSynchronous)
	for _, mode := range []string{"FULL", "NORMAL"} {
		b.Run(mode, func(b *testing.B) {
			sqliteSynchronous = mode
			s, p := openCampaign(b, dbtest.SQLiteURL(b))
			ctx := context.Background()
			answers := survey.Answers{
				"awareness_level": raw(`"basic"`), "ees_perf": raw(`"large"`), "ees_union_law": raw(`"full"`),
				"ees_cooperation": raw(`"none"`), "ees_innovation": raw(`"little"`), "used_outputs": raw(`"yes"`),
				"support_satisfaction": raw(`4`),
			}
			respond := responding.New(s, time.Now)
			b.ResetTimer()
			for i := range b.N {
				answers["comments"] = raw(fmt.Sprintf(`"run %d"`, i))
				if _, err := respond.SaveDraft(ctx, p, "c-2023", answers, nil); err != nil {
					b.Fatal(err)
				}
				if _, err := respond.Submit(ctx, p, "c-2023", nil); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "submissions/s")
		})
	}
}
