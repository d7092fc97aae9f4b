package store

import (
	"context"
	"sync"
	"testing"

	"github.com/customs-survey/surveyd/internal/dbtest"
)

// TestPoolKeepsItsConnections: once as many requests as the pool allows
// have used the database at once, their connections stay open for the
// next ones. A connection closed on its return and opened again on the
// next request costs PostgreSQL a new server process with cold caches
// (under 32 respondents at once this halved the submissions per second),
// and SQLite a new file handle and schema read.
func TestPoolKeepsItsConnections(t *testing.T) {
	for _, tc := range []struct{ name, url string }{
		{"sqlite", dbtest.SQLiteURL(t)},
		{"postgres", dbtest.PostgresURL(t)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			s, err := Open(ctx, tc.url, Options{Migrate: true})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			max := s.sql.Stats().MaxOpenConnections
			if max == 0 {
				t.Fatal("the pool has no bound on its connections")
			}
			for round := range 3 {
				// Every connection of the pool busy at once, then all
				// handed back.
				var wg sync.WaitGroup
				start := make(chan struct{})
				conns := make(chan error, max)
				var held sync.WaitGroup
				held.Add(max)
				for range max {
					wg.Go(func() {
						conn, err := s.sql.Conn(ctx)
						held.Done()
						if err != nil {
							conns <- err
							return
						}
						<-start
						conns <- conn.PingContext(ctx)
						conn.Close()
					})
				}
				held.Wait()
				close(start)
				wg.Wait()
				close(conns)
				for err := range conns {
					if err != nil {
						t.Fatal(err)
					}
				}
				st := s.sql.Stats()
				if st.MaxIdleClosed != 0 || st.Idle != max {
					t.Fatalf("round %d: %d connections closed on their return, %d idle of %d; want 0 closed and all %d idle",
						round, st.MaxIdleClosed, st.Idle, max, max)
				}
			}
		})
	}
}
