package dbtest

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	_ "github.com/glebarez/go-sqlite" // registers the "sqlite" database/sql driver
)

func TestMain(m *testing.M) { Main(m) }

// TestEach checks that Each gives both subtests a working URL of the right
// kind, each on its own database.
func TestEach(t *testing.T) {
	var mu sync.Mutex
	urls := map[string]string{}
	Each(t, func(t *testing.T, databaseURL string) {
		kind := t.Name()[strings.LastIndexByte(t.Name(), '/')+1:]
		mu.Lock()
		urls[kind] = databaseURL
		mu.Unlock()

		var db *sql.DB
		switch kind {
		case "sqlite":
			path, ok := strings.CutPrefix(databaseURL, "sqlite://")
			if !ok || !filepath.IsAbs(filepath.FromSlash(path)) || filepath.Base(path) != "test.db" {
				t.Fatalf("SQLite URL = %q, want sqlite://<absolute dir>/test.db", databaseURL)
			}
			if _, err := os.Stat(path); !os.IsNotExist(err) {
				t.Fatalf("SQLite file %s exists before the test opens it (stat: %v)", path, err)
			}
			db = open(t, "sqlite", path)
		case "postgres":
			if !strings.HasPrefix(databaseURL, "postgres://") && !strings.HasPrefix(databaseURL, "postgresql://") {
				t.Fatalf("PostgreSQL URL = %q, want postgres://...", databaseURL)
			}
			db = open(t, "pgx", databaseURL)
		default:
			t.Fatalf("unexpected subtest %q", t.Name())
		}
		if n := countTables(t, db, kind); n != 0 {
			t.Errorf("fresh %s database has %d tables, want 0", kind, n)
		}
		mustExec(t, db, "CREATE TABLE probe (id INTEGER PRIMARY KEY, name TEXT NOT NULL)")
		mustExec(t, db, "INSERT INTO probe (id, name) VALUES (1, 'x')")
		var name string
		if err := db.QueryRow("SELECT name FROM probe WHERE id = 1").Scan(&name); err != nil || name != "x" {
			t.Fatalf("reading back the probe row: %q, %v", name, err)
		}
	})
	if urls["sqlite"] == "" {
		t.Error("the sqlite subtest did not run")
	}
	if _, ok := urls["postgres"]; !ok && getServer().err == nil {
		t.Error("the postgres subtest did not run although PostgreSQL is available")
	}
}

// TestPostgresURL checks that every call creates a distinct, empty database,
// that tests can use them in parallel, and that each is dropped when its test
// ends, even with connections still open on it.
func TestPostgresURL(t *testing.T) {
	const n = 4
	names := make([]string, n)
	leftOpen := make([]*sql.DB, n)
	t.Run("group", func(t *testing.T) {
		for i := range n {
			t.Run(fmt.Sprint(i), func(t *testing.T) {
				t.Parallel()
				databaseURL := PostgresURL(t)
				db := open(t, "pgx", databaseURL)
				if n := countTables(t, db, "postgres"); n != 0 {
					t.Errorf("fresh database has %d tables, want 0", n)
				}
				mustExec(t, db, "CREATE TABLE probe (id integer PRIMARY KEY)")
				if err := db.QueryRow("SELECT current_database()").Scan(&names[i]); err != nil {
					t.Fatal(err)
				}
				if u, err := url.Parse(databaseURL); err != nil || u.Path != "/"+names[i] {
					t.Errorf("URL %q does not name its database %q", databaseURL, names[i])
				}
				// A connection the test forgets to close must not stop the
				// database from being dropped.
				other, err := sql.Open("pgx", databaseURL)
				if err != nil {
					t.Fatal(err)
				}
				if err := other.Ping(); err != nil {
					t.Fatal(err)
				}
				leftOpen[i] = other
			})
		}
	})
	defer func() {
		for _, db := range leftOpen {
			if db != nil {
				db.Close()
			}
		}
	}()
	if names[0] == "" {
		return // skipped: no PostgreSQL
	}

	seen := map[string]bool{}
	for _, name := range names {
		if name == "" || seen[name] {
			t.Fatalf("databases %q are not all distinct", names)
		}
		seen[name] = true
	}
	s := getServer()
	for _, name := range names {
		var exists bool
		if err := s.db.QueryRow("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&exists); err != nil {
			t.Fatal(err)
		}
		if exists {
			t.Errorf("database %s still exists after its test ended", name)
		}
	}
}

// TestPostgresFindsServer checks, where PostgreSQL should be available, that
// it is: in CI, or wherever initdb and pg_ctl are installed.
func TestPostgresFindsServer(t *testing.T) {
	_, binErr := findPostgres()
	if os.Getenv(PostgresURLEnv) == "" && binErr != nil && !isCI() {
		t.Skip(notFoundReason)
	}
	if err := getServer().err; err != nil {
		t.Fatalf("no PostgreSQL server: %v", err)
	}
	var version string
	if err := getServer().db.QueryRow("SHOW server_version").Scan(&version); err != nil {
		t.Fatal(err)
	}
	t.Logf("PostgreSQL %s at %s", version, getServer().admin.Redacted())
}

// fakeTB records what unavailable does with a test. Like the real ones, its
// Skip and Fatalf do not return.
type fakeTB struct {
	testing.TB
	skipped, failed string
}

type stopped struct{}

func (f *fakeTB) Helper() {}
func (f *fakeTB) Skip(args ...any) {
	f.skipped = fmt.Sprint(args...)
	panic(stopped{})
}
func (f *fakeTB) Fatalf(format string, args ...any) {
	f.failed = fmt.Sprintf(format, args...)
	panic(stopped{})
}

func (f *fakeTB) unavailable(ci bool, reason string) {
	defer func() {
		if r := recover(); r != (stopped{}) {
			panic(r)
		}
	}()
	unavailable(f, ci, reason)
}

func TestUnavailableSkipsOrFailsInCI(t *testing.T) {
	var dev, ci fakeTB
	dev.unavailable(false, notFoundReason)
	ci.unavailable(true, notFoundReason)
	if dev.skipped != notFoundReason || dev.failed != "" {
		t.Errorf("outside CI: skipped %q, failed %q; want a skip with the reason", dev.skipped, dev.failed)
	}
	if ci.skipped != "" || !strings.Contains(ci.failed, notFoundReason) {
		t.Errorf("in CI: skipped %q, failed %q; want a failure with the reason", ci.skipped, ci.failed)
	}
}

func TestWithDatabase(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"postgres://u:p%40ss@db.example:5433/postgres?sslmode=require", "postgres://u:p%40ss@db.example:5433/t1?sslmode=require"},
		{"postgresql://u@localhost", "postgresql://u@localhost/t1"},
		{"postgres://u@/postgres?host=/tmp/x y&sslmode=disable", "postgres://u@/t1?host=/tmp/x y&sslmode=disable"},
		{"postgres://u@h/?dbname=postgres", "postgres://u@h/t1?dbname=t1"},
	} {
		u, err := parsePostgresURL(tc.in)
		if err != nil {
			t.Fatalf("parsePostgresURL(%q): %v", tc.in, err)
		}
		if got := withDatabase(u, "t1").String(); got != tc.want {
			t.Errorf("withDatabase(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	if _, err := parsePostgresURL("mysql://u@h/db"); err == nil {
		t.Error("parsePostgresURL accepted a mysql:// URL")
	}
}

func TestDatabaseName(t *testing.T) {
	a, _ := databaseName("TestStore/postgres/Ünïcode & a very long name indeed, longer than 30")
	b, _ := databaseName("TestStore/postgres/Ünïcode & a very long name indeed, longer than 30")
	if a == b {
		t.Errorf("two names are equal: %q", a)
	}
	if len(a) > 63 || strings.Trim(a, "abcdefghijklmnopqrstuvwxyz0123456789_") != "" {
		t.Errorf("name %q is not a short lower-case identifier", a)
	}
}

func TestSortByVersionDesc(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Unix paths")
	}
	dirs := []string{"/usr/lib/postgresql/9.6/bin", "/usr/lib/postgresql/16/bin", "/usr/lib/postgresql/10/bin", "/usr/pgsql-17/bin"}
	sortByVersionDesc(dirs)
	want := []string{"/usr/pgsql-17/bin", "/usr/lib/postgresql/16/bin", "/usr/lib/postgresql/10/bin", "/usr/lib/postgresql/9.6/bin"}
	if strings.Join(dirs, " ") != strings.Join(want, " ") {
		t.Errorf("sorted = %q, want %q", dirs, want)
	}
}

func open(t *testing.T, driver, dsn string) *sql.DB {
	t.Helper()
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.PingContext(context.Background()); err != nil {
		t.Fatalf("connecting to %s: %v", dsn, err)
	}
	return db
}

func mustExec(t *testing.T, db *sql.DB, query string) {
	t.Helper()
	if _, err := db.Exec(query); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}

// countTables counts the tables a test could have left behind in a database
// of the given kind.
func countTables(t *testing.T, db *sql.DB, kind string) int {
	t.Helper()
	query := "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
	if kind == "postgres" {
		query = "SELECT count(*) FROM information_schema.tables WHERE table_schema NOT IN ('pg_catalog', 'information_schema')"
	}
	var n int
	if err := db.QueryRow(query).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
