// Package dbtest gives tests a fresh, empty database on each storage backend
// the service supports: a SQLite file, and a PostgreSQL database whenever a
// PostgreSQL server can be found or started. It is imported only by tests.
//
// PostgreSQL is looked for, in order:
//
//  1. the SURVEY_TEST_POSTGRES_URL environment variable: the URL of a
//     maintenance database (postgres://user:pass@host:port/postgres) on a
//     server where that user may CREATE DATABASE;
//  2. initdb and pg_ctl on the PATH, or under /usr/lib/postgresql/*/bin
//     (highest version first): a throwaway cluster is started once per test
//     binary in a temporary directory, listening only on a Unix socket in
//     that directory, with durability switched off for speed. PostgreSQL
//     refuses to run as root, so under root the cluster runs as the
//     "postgres" user (through runuser);
//  3. otherwise the PostgreSQL tests are skipped with a message, unless the
//     CI environment variable is set, in which case they fail.
//
// Every call of [PostgresURL] (and every postgres subtest of [Each]) creates
// its own database with a random name and drops it WITH (FORCE) when the test
// ends, so tests are isolated from one another and may call t.Parallel.
//
// A package whose tests use PostgreSQL should let the harness stop the
// throwaway cluster when its tests are done:
//
//	func TestMain(m *testing.M) { dbtest.Main(m) }
//
// (If it does not, a watchdog process still stops the cluster and removes
// its directory once the test binary has exited.)
package dbtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"github.com/customs-survey/surveyd/internal/testskip"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
)

// PostgresURLEnv names the environment variable that points the tests at an
// existing PostgreSQL server instead of a throwaway cluster. Its value is the
// URL of a maintenance database on which the user may CREATE DATABASE.
const PostgresURLEnv = "SURVEY_TEST_POSTGRES_URL"

// notFoundReason is the skip (or, in CI, failure) message when there is no
// PostgreSQL to test against.
const notFoundReason = "PostgreSQL not found: set " + PostgresURLEnv +
	" or install PostgreSQL (initdb, pg_ctl) to run the PostgreSQL tests"

// Each runs fn twice, as the subtests "sqlite" and "postgres", each time with
// the URL of a fresh, empty database of that kind. fn opens the store itself
// (which applies the migrations). The postgres subtest is skipped, or fails
// in CI, as described in the package documentation; the sqlite subtest
// always runs.
func Each(t *testing.T, fn func(t *testing.T, databaseURL string)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, SQLiteURL(t)) })
	t.Run("postgres", func(t *testing.T) { fn(t, PostgresURL(t)) })
}

// SQLiteURL returns the URL of a SQLite database file, sqlite://<dir>/test.db,
// in a directory of its own that is removed when the test ends. The file does
// not exist yet; opening the store creates it.
func SQLiteURL(t testing.TB) string {
	t.Helper()
	return "sqlite://" + filepath.ToSlash(filepath.Join(t.TempDir(), "test.db"))
}

// PostgresURL creates a new, empty PostgreSQL database for t and returns its
// URL; the database is dropped (closing any connection left open on it) when
// t and its subtests have finished. When no PostgreSQL server can be found or
// started, t is skipped with a message, or fails if the CI environment
// variable is set. It fails t when SURVEY_TEST_POSTGRES_URL is set but
// unusable.
func PostgresURL(t testing.TB) string {
	t.Helper()
	s := getServer()
	if s.err != nil {
		if s.mustFail {
			t.Fatalf("dbtest: %v", s.err)
		}
		ci := isCI()
		if !ci {
			noticeSkip(s.err.Error())
		}
		unavailable(t, ci, s.err.Error())
	}
	if s.cluster != nil && s.cluster.announce() {
		t.Logf("dbtest: started a throwaway PostgreSQL cluster in %s (%s)",
			s.cluster.startup.Round(time.Millisecond), s.cluster.dir)
	}

	name, err := databaseName(t.Name())
	if err != nil {
		t.Fatalf("dbtest: %v", err)
	}
	ident := pgx.Identifier{name}.Sanitize()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	// template0 guarantees an empty database whatever has been added to
	// template1 on a shared server, and nobody is ever connected to it.
	if _, err := s.db.ExecContext(ctx, "CREATE DATABASE "+ident+" TEMPLATE template0 ENCODING 'UTF8'"); err != nil {
		t.Fatalf("dbtest: creating PostgreSQL database %s on %s: %v", name, s.admin.Redacted(), err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if _, err := s.db.ExecContext(ctx, "DROP DATABASE IF EXISTS "+ident+" WITH (FORCE)"); err != nil {
			t.Errorf("dbtest: dropping PostgreSQL database %s: %v", name, err)
		}
	})
	return withDatabase(s.admin, name).String()
}

// Main runs the tests of a package and then stops the throwaway PostgreSQL
// cluster, if one was started, and removes its directory. Call it from
// TestMain:
//
//	func TestMain(m *testing.M) { dbtest.Main(m) }
func Main(m *testing.M) { os.Exit(Run(m)) }

// Run is Main for a TestMain that has its own cleanup to do after the
// tests (os.Exit skips deferred calls): it returns the exit code instead
// of exiting.
func Run(m *testing.M) int {
	code := m.Run()
	shutdown()
	return code
}

// server is the PostgreSQL server the tests create their databases on.
type server struct {
	admin    *url.URL // maintenance database, for CREATE/DROP DATABASE
	db       *sql.DB  // connection pool on admin
	cluster  *cluster // the throwaway cluster, nil when PostgresURLEnv is used
	err      error    // why there is no server
	mustFail bool     // err fails the test even outside CI
}

var (
	serverOnce sync.Once
	theServer  server
)

// getServer finds, starts or connects to the server once per test binary.
func getServer() *server {
	serverOnce.Do(func() { theServer = connect() })
	return &theServer
}

// shutdown releases what getServer set up. It runs after all tests.
func shutdown() {
	// Make sure a later getServer does not start another cluster.
	serverOnce.Do(func() { theServer = server{err: errors.New("dbtest: the tests are over")} })
	if theServer.db != nil {
		theServer.db.Close()
	}
	if theServer.cluster != nil {
		theServer.cluster.stop()
	}
}

func connect() server {
	if raw := os.Getenv(PostgresURLEnv); raw != "" {
		u, err := parsePostgresURL(raw)
		if err != nil {
			return server{err: fmt.Errorf("%s: %w", PostgresURLEnv, err), mustFail: true}
		}
		db, err := openAdmin(u)
		if err != nil {
			return server{err: fmt.Errorf("%s=%s: %w", PostgresURLEnv, u.Redacted(), err), mustFail: true}
		}
		return server{admin: u, db: db}
	}

	bin, err := findPostgres()
	if err != nil {
		return server{err: errors.New(notFoundReason)}
	}
	c, err := startCluster(bin)
	if err != nil {
		return server{err: startFailure(bin, err)}
	}
	u := c.url("postgres")
	db, err := openAdmin(u)
	if err != nil {
		c.stop()
		return server{err: startFailure(bin, err)}
	}
	return server{admin: u, db: db, cluster: c}
}

func startFailure(bin binaries, err error) error {
	return fmt.Errorf("PostgreSQL could not be started (%s): %w; set %s to test against a running server",
		bin.dir, err, PostgresURLEnv)
}

// openAdmin opens and checks a small connection pool on the maintenance
// database.
func openAdmin(u *url.URL) (*sql.DB, error) {
	db, err := sql.Open("pgx", u.String())
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(4)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// parsePostgresURL checks that raw is a postgres:// or postgresql:// URL.
func parsePostgresURL(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, errors.New("not a URL") // the error would echo a password
	}
	if u.Scheme != "postgres" && u.Scheme != "postgresql" {
		return nil, fmt.Errorf("want a postgres:// URL, got scheme %q", u.Scheme)
	}
	return u, nil
}

// withDatabase returns a copy of u naming database db instead.
func withDatabase(u *url.URL, db string) *url.URL {
	c := *u
	c.Path = "/" + db
	c.RawPath = ""
	if q := c.Query(); q.Has("dbname") {
		q.Set("dbname", db)
		c.RawQuery = q.Encode()
	}
	return &c
}

// databaseName returns a new random database name that mentions the test, to
// help whoever finds it left over on a shared server.
func databaseName(testName string) (string, error) {
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	var s strings.Builder
	for _, r := range strings.ToLower(testName) {
		if s.Len() == 30 {
			break
		}
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			s.WriteRune(r)
		} else {
			s.WriteByte('_')
		}
	}
	return "surveyd_" + s.String() + "_" + hex.EncodeToString(b[:]), nil
}

func isCI() bool { return os.Getenv("CI") != "" }

// unavailable skips t because there is no PostgreSQL, or fails it in CI.
func unavailable(t testing.TB, ci bool, reason string) {
	t.Helper()
	testskip.Unavailable(t, ci, "PostgreSQL tests", reason)
}

// noticeSkip tells the developer that the PostgreSQL tests are skipped.
func noticeSkip(reason string) { testskip.Notice("PostgreSQL tests", reason) }
