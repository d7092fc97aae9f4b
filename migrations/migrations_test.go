package migrations_test

import (
	"context"
	"database/sql"
	"strings"
	"sync"
	"testing"

	_ "github.com/glebarez/go-sqlite"
	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/customs-survey/surveyd/internal/dbtest"
	"github.com/customs-survey/surveyd/migrations"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// TestEveryDialectHasTheSameMigrations keeps the two folders in step: a
// schema change is a file in each.
func TestEveryDialectHasTheSameMigrations(t *testing.T) {
	lite, err := migrations.List(migrations.SQLite)
	if err != nil {
		t.Fatal(err)
	}
	pg, err := migrations.List(migrations.Postgres)
	if err != nil {
		t.Fatal(err)
	}
	if len(lite) == 0 || len(lite) != len(pg) {
		t.Fatalf("%d sqlite and %d postgres migrations", len(lite), len(pg))
	}
	for i := range lite {
		if lite[i].Name != pg[i].Name {
			t.Errorf("migration %d: %s vs %s", i, lite[i].Name, pg[i].Name)
		}
	}
}

// TestApplyIsIdempotentAndSafeConcurrently applies the migrations from
// several connections at once, then again: each file runs exactly once.
func TestApplyIsIdempotentAndSafeConcurrently(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		driver, dsn, dialect := "sqlite", "file:"+strings.TrimPrefix(url, "sqlite://")+"?_pragma=busy_timeout(10000)&_txlock=immediate", migrations.SQLite
		if strings.HasPrefix(url, "postgres") {
			driver, dsn, dialect = "pgx", url, migrations.Postgres
		}
		all, _ := migrations.List(dialect)
		var wg sync.WaitGroup
		applied := make([][]string, 4)
		errs := make([]error, 4)
		for i := range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				db, err := sql.Open(driver, dsn)
				if err != nil {
					errs[i] = err
					return
				}
				defer db.Close()
				applied[i], errs[i] = migrations.Apply(context.Background(), db, dialect)
			}()
		}
		wg.Wait()
		total := 0
		for i := range 4 {
			if errs[i] != nil {
				t.Fatalf("apply %d: %v", i, errs[i])
			}
			total += len(applied[i])
		}
		if total != len(all) {
			t.Errorf("%d migrations applied in all, want %d (each once)", total, len(all))
		}
		db, _ := sql.Open(driver, dsn)
		defer db.Close()
		again, err := migrations.Apply(context.Background(), db, dialect)
		if err != nil || len(again) != 0 {
			t.Errorf("second apply: %v %v", again, err)
		}
		pending, err := migrations.Pending(context.Background(), db, dialect)
		if err != nil || len(pending) != 0 {
			t.Errorf("pending after apply: %v %v", pending, err)
		}
	})
}
