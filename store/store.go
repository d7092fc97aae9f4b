// Package store keeps the service's state in a relational database through
// GORM: an embedded SQLite file by default, PostgreSQL in production. It is
// persistence only: it implements the storage interfaces that the use cases
// define (auth.Store, users.Store, questionnaires.Store, campaigns.Store,
// responding.Store, scores.Store), reads and writes by the explicit scope
// they pass, runs each write that changes more than one row in one
// transaction, aggregates answers for scoring in SQL, and translates driver errors into the domain's sentinels. Where a
// rule must be decided inside a transaction, the use case passes it in as
// a function (decide) and the store writes what it returns.
//
// GORM row types stay in this package; every crossing to the domain goes
// through a named converter (toUser, toCampaign, ...), or is scanned
// straight into a survey type where the query's columns are the type's
// (progress rows, coverage counts).
package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net"
	"net/url"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/glebarez/sqlite"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
	"gorm.io/gorm/logger"

	"github.com/customs-survey/surveyd/auth"
	"github.com/customs-survey/surveyd/migrations"
	"github.com/customs-survey/surveyd/survey"
)

// Store is the database of the service. It is safe for concurrent use.
type Store struct {
	db       *gorm.DB
	sql      *sql.DB
	auditDB  *gorm.DB // the audit trail's writes: on PostgreSQL, a pool whose commits do not wait for the disk (leaveToTheLog)
	auditSQL *sql.DB  // that pool; nil on SQLite, where auditDB is db
	dialect  string
	now      func() time.Time
	log      *slog.Logger
	audit    *auditBatch                      // audit events recorded at the same time, written together
	upsert   string                           // the ON CONFLICT clause of the score cells' updates (cellUpsert)
	lists    *boundedCache[listKey, keptList] // on PostgreSQL, the lists of submissions kept (submission_lists.go)
	scanDB   *gorm.DB                         // exports' reads: on SQLite, a pool that maps the database file (sqliteMmapSize)
	scanSQL  *sql.DB                          // that pool; nil where scanDB is db
}

// Options tune Open.
type Options struct {
	// Migrate applies pending migrations while opening (serve and migrate
	// do; tools that only read may not).
	Migrate bool
	// Logger receives slow-query and error lines; nil discards them.
	Logger *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// tracer sees every statement sent to PostgreSQL (the store's tests
	// count round trips with it).
	tracer pgx.QueryTracer
}

// Open connects to the database named by databaseURL ("sqlite://PATH" or
// "postgres://...") and checks that it answers (GORM pings it on opening):
// it fails while the server is down, and serve retries it until it
// succeeds. opts.Migrate applies the pending migrations too.
func Open(ctx context.Context, databaseURL string, opts Options) (*Store, error) {
	db, sqlDB, dialect, err := openPool(databaseURL, opts.tracer, waitForDisk)
	if err != nil {
		return nil, err
	}
	// Writers queue on SQLite's lock (busy_timeout, immediate
	// transactions); readers run beside them in WAL mode.
	open := 8
	if dialect == migrations.Postgres {
		open = 20
	}
	sqlDB.SetMaxOpenConns(open)
	// Every connection stays open once made, until unused for a while: a
	// connection closed when handed back while more than a few others are
	// idle, and opened again for the next request, costs PostgreSQL a new
	// server process with cold caches on every busy moment (it halved the
	// submissions per second under 32 respondents at once).
	sqlDB.SetMaxIdleConns(open)
	sqlDB.SetConnMaxIdleTime(5 * time.Minute)
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	// Times are kept to the microsecond, the precision PostgreSQL stores, so
	// that both databases give back exactly what was written.
	s := &Store{db: db, sql: sqlDB, auditDB: db, dialect: dialect, now: func() time.Time { return now().UTC().Truncate(time.Microsecond) }, log: log,
		audit: &auditBatch{}, upsert: cellUpsert(dialect)}
	// On SQLite, exports read through connections of their own that map
	// the database file (sqliteMmapSize), unless the URL sets its own map.
	s.scanDB = db
	if dialect == migrations.SQLite && !setsMmapSize(databaseURL) {
		scanDB, scanSQL, _, err := openPool(withPragma(databaseURL, fmt.Sprintf("mmap_size(%d)", sqliteMmapSize)), nil, waitForDisk)
		if err != nil {
			sqlDB.Close()
			return nil, err
		}
		scanSQL.SetMaxOpenConns(scanConns)
		// The connection that opening pinged with has mapped the file
		// already: close it until an export needs one.
		scanSQL.SetMaxIdleConns(0)
		scanSQL.SetMaxIdleConns(scanConns)
		scanSQL.SetConnMaxIdleTime(scanIdle)
		s.scanDB, s.scanSQL = scanDB, scanSQL
	}
	if dialect == migrations.Postgres {
		s.lists = newBoundedCache[listKey, keptList](submissionListsSize)
		// The audit trail's writes go through a connection of their own,
		// whose commits do not wait for the disk (leaveToTheLog). One is
		// enough: auditBatch writes one group of events at a time. On
		// SQLite they go through the store's pool and wait: there, a
		// connection of their own (whether its commits waited or not)
		// cost 10-15% of the submissions per second under the load
		// test, every write queueing on the database's one lock.
		auditDB, auditSQL, _, err := openPool(databaseURL, opts.tracer, leaveToTheLog)
		if err != nil {
			sqlDB.Close()
			return nil, err
		}
		auditSQL.SetMaxOpenConns(1)
		auditSQL.SetConnMaxIdleTime(5 * time.Minute)
		s.auditDB, s.auditSQL = auditDB, auditSQL
	}
	if opts.Migrate {
		if _, err := s.Migrate(ctx); err != nil {
			s.Close()
			return nil, err
		}
	}
	return s, nil
}

// sqliteSynchronous is SQLite's synchronous setting. FULL makes every commit
// reach the disk (an fsync of the write-ahead log) before it returns, so
// that an acknowledged write survives a power cut or an operating-system
// crash; NORMAL, the usual companion of WAL mode, may lose the last commits
// then. A variable only so that a benchmark can measure the difference.
var sqliteSynchronous = "FULL"

// sqliteMmapSize is how much of the database file an export's reads map
// into memory (PRAGMA mmap_size; the most its build allows, just under 2
// GiB) instead of a read system call for every page missing from SQLite's
// own small cache of 2 MB per connection. Exporting 100,000 responses reads
// the whole campaign: with the map, the plain read went from 94,000 to
// 171,000-181,000 responses a second, the CSV export from 71,000-73,000 to
// 115,000-120,000. Mapped pages count as the server's resident memory for
// as long as a connection maps them: with a map on every connection, the
// server's resident memory grew with the database (111 MiB of mapped pages
// after the load test, beside 39 MiB of its own). So only the connections
// of exports map the file (Store.scanDB: at most scanConns, each closed,
// its map with it, once unused for scanIdle), and the cells' full
// computation while it scans (Store.whileMapped: a scores request for a
// campaign whose cells are not built yet, surveyd rescore). A map made and
// undone for each batch of an export gained next to nothing (77,000/s),
// every page being faulted in again. Writes go through the write-ahead
// log. The price, during those reads: a read error of the disk under the
// map (or the file cut short by a copy over it while the server runs)
// stops the process instead of failing one request. A URL that sets its
// own mmap_size keeps it, on every connection:
// sqlite:///srv/surveyd.db?_pragma=mmap_size(0) never maps, as on a
// network file system.
const sqliteMmapSize = 0x7fff0000

const (
	// scanConns is how many exports read a batch at once on SQLite; more
	// wait for a connection.
	scanConns = 2
	// scanIdle is how long an export's connection, and its map, stays
	// open unused: across the batches of an export that writes to a slow
	// client, not much longer.
	scanIdle = 10 * time.Second
)

// setsMmapSize reports whether a SQLite URL sets its own mmap_size
// pragma (sqliteMmapSize).
func setsMmapSize(databaseURL string) bool {
	_, query, err := splitSQLiteURL(databaseURL)
	return err == nil && slices.ContainsFunc(query["_pragma"], func(p string) bool {
		return strings.HasPrefix(strings.ToLower(strings.TrimSpace(p)), "mmap_size")
	})
}

// splitSQLiteURL splits a sqlite:// URL into the file's path and the
// parameters after it.
func splitSQLiteURL(databaseURL string) (path string, query url.Values, err error) {
	path, raw, ok := strings.Cut(strings.TrimPrefix(databaseURL, "sqlite://"), "?")
	if !ok {
		return path, url.Values{}, nil
	}
	query, err = url.ParseQuery(raw)
	return path, query, err
}

// withPragma adds a pragma to a SQLite URL.
func withPragma(databaseURL, pragma string) string {
	sep := "?"
	if strings.Contains(databaseURL, "?") {
		sep = "&"
	}
	return databaseURL + sep + "_pragma=" + url.QueryEscape(pragma)
}

// whileMapped runs fn, a scan of a whole campaign inside the transaction
// tx, with tx's connection mapping the database file as the exports' do
// (sqliteMmapSize), and undoes the map after it, so that the connection
// goes back to the store's pool without it. Where the exports have no
// pool of their own (PostgreSQL, a URL that sets its own map), it runs fn
// as it is. When the map cannot be undone, the error rolls the
// transaction back. database/sql then discards the connection with the
// SQLite driver of today (its connections say nothing of being reusable);
// one that went back to the pool mapped would read correctly all the
// same, its mapped pages counting as resident until it closes.
func (s *Store) whileMapped(tx *gorm.DB, fn func() error) error {
	if s.scanSQL == nil {
		return fn()
	}
	if err := tx.Exec(fmt.Sprintf("PRAGMA mmap_size = %d", sqliteMmapSize)).Error; err != nil {
		return err
	}
	err := fn()
	if unmap := tx.WithContext(context.WithoutCancel(tx.Statement.Context)).Exec("PRAGMA mmap_size = 0").Error; err == nil {
		err = unmap
	}
	return err
}

// DialectOf checks a database URL and names its dialect, so that a
// misconfigured URL fails at start-up instead of being retried.
func DialectOf(databaseURL string) (string, error) {
	_, dialect, err := dialectorFor(databaseURL, nil, waitForDisk)
	return dialect, err
}

// commitMode is whether a pool's commits wait for the disk.
type commitMode bool

const (
	// waitForDisk: a commit returns as the database is set to, once it
	// is on the disk by default (PostgreSQL's synchronous_commit=on,
	// SQLite's synchronous=FULL): every write of the service, but the
	// audit trail's on PostgreSQL.
	waitForDisk commitMode = true
	// leaveToTheLog (PostgreSQL only: synchronous_commit=off): a commit
	// returns once it is in the write-ahead log's buffers in memory, which
	// reach the disk with the next commit that writes and waits (of any
	// connection: the log is written in order) or within three times
	// wal_writer_delay (600 ms by default). A crash of the database's
	// server or machine in between, or a failover to a standby, loses
	// those commits, and nothing else: the database is not left
	// inconsistent. The audit trail's events are written so. Each is
	// written after its request's own transaction, and waiting for the
	// disk a second time held every write's answer for a second flush of
	// the log (docs/design.md, "Audit trail").
	leaveToTheLog commitMode = false
)

// openPool opens a pool of connections to the database named by
// databaseURL, committing as commits says, and GORM on it.
func openPool(databaseURL string, tracer pgx.QueryTracer, commits commitMode) (*gorm.DB, *sql.DB, string, error) {
	dialector, dialect, err := dialectorFor(databaseURL, tracer, commits)
	if err != nil {
		return nil, nil, "", err
	}
	db, err := gorm.Open(dialector, &gorm.Config{
		TranslateError:         true,
		SkipDefaultTransaction: true,
		Logger:                 logger.Discard,
		NowFunc:                func() time.Time { return time.Now().UTC() },
	})
	if err != nil {
		return nil, nil, "", fmt.Errorf("open %s database: %w", dialect, redactErr(err))
	}
	sqlDB, err := db.DB()
	if err != nil {
		return nil, nil, "", fmt.Errorf("open %s database: %w", dialect, err)
	}
	return db, sqlDB, dialect, nil
}

// dialectorFor picks the GORM driver for a database URL, its connections
// committing as commits says; tracer, if not nil, sees the statements sent
// to PostgreSQL.
func dialectorFor(databaseURL string, tracer pgx.QueryTracer, commits commitMode) (gorm.Dialector, string, error) {
	switch {
	case strings.HasPrefix(databaseURL, "sqlite://"):
		path, query, err := splitSQLiteURL(databaseURL)
		// Without a path, even with parameters, SQLite would open a
		// temporary database, lost when its connection closes.
		if path == "" {
			return nil, "", errors.New("database URL: sqlite:// needs a file path, e.g. sqlite://surveyd.db")
		}
		if err != nil {
			return nil, "", fmt.Errorf("database URL: %w", err)
		}
		if commits == leaveToTheLog {
			return nil, "", errors.New("database URL: SQLite's connections all wait for the disk")
		}
		pragmas := []string{"busy_timeout(10000)", "journal_mode(WAL)", "foreign_keys(1)", "synchronous(" + sqliteSynchronous + ")"}
		for _, p := range pragmas {
			query.Add("_pragma", p)
		}
		// Every write transaction takes the lock at BEGIN, so that it waits
		// (busy_timeout) instead of failing when it upgrades a stale read
		// snapshot. Do not add _time_format: glebarez/go-sqlite v1.21 stops
		// reading parameters after it, which silently drops _txlock. Its
		// default time format is already SQLite's own.
		query.Set("_txlock", "immediate")
		return sqlite.Open("file:" + path + "?" + query.Encode()), migrations.SQLite, nil
	case strings.HasPrefix(databaseURL, "postgres://"), strings.HasPrefix(databaseURL, "postgresql://"):
		// Parsed now, so that a URL that can never work (a host without
		// its closing bracket, a bad port, a bad sslmode) fails at
		// start-up instead of being retried as if the server were down.
		if _, err := pgconn.ParseConfig(databaseURL); err != nil {
			return nil, "", fmt.Errorf("database URL: %w", redactErr(err))
		}
		config := postgres.Config{DSN: databaseURL}
		if tracer != nil || commits == leaveToTheLog {
			config.OptionOpenDB = append(config.OptionOpenDB, stdlib.OptionBeforeConnect(func(_ context.Context, c *pgx.ConnConfig) error {
				if tracer != nil {
					c.Tracer = tracer
				}
				if commits == leaveToTheLog {
					// c is a shallow copy of the pool's configuration:
					// its map is the pool's, shared by every connection.
					params := maps.Clone(c.RuntimeParams)
					if params == nil {
						params = map[string]string{}
					}
					params["synchronous_commit"] = "off"
					c.RuntimeParams = params
				}
				return nil
			}))
		}
		return postgres.New(config), migrations.Postgres, nil
	default:
		return nil, "", errors.New("database URL: want sqlite://PATH or postgres://...")
	}
}

// Migrate applies the pending migrations and returns their names.
func (s *Store) Migrate(ctx context.Context) ([]string, error) {
	applied, err := migrations.Apply(ctx, s.sql, s.dialect)
	if err != nil {
		return applied, fmt.Errorf("migrate: %w", redactErr(err))
	}
	return applied, nil
}

// Dialect is "sqlite" or "postgres".
func (s *Store) Dialect() string { return s.dialect }

// Close releases the connections.
func (s *Store) Close() error {
	err := s.sql.Close()
	for _, pool := range []*sql.DB{s.auditSQL, s.scanSQL} {
		if pool != nil {
			err = errors.Join(err, pool.Close())
		}
	}
	return err
}

// Pool is the store's connection pool, handed out only for its statistics
// (sql.DB.Stats: connections in use, idle, waits), which the service's
// metrics report. Nothing outside the store queries through it.
func (s *Store) Pool() *sql.DB { return s.sql }

// ExportPool is the pool that exports read through when they have one of
// their own (SQLite, whose connections there map the database file), for
// its statistics; nil otherwise.
func (s *Store) ExportPool() *sql.DB { return s.scanSQL }

// Ready reports whether the database answers and every migration is applied.
func (s *Store) Ready(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	if err := s.sql.PingContext(ctx); err != nil {
		return fmt.Errorf("%w: database: %v", survey.ErrUnavailable, redactErr(err))
	}
	pending, err := migrations.Pending(ctx, s.sql, s.dialect)
	if err != nil {
		return fmt.Errorf("%w: migrations: %v", survey.ErrUnavailable, redactErr(err))
	}
	if len(pending) > 0 {
		return fmt.Errorf("%w: %d migrations pending", survey.ErrUnavailable, len(pending))
	}
	return nil
}

// forUpdate locks the rows a query reads until the transaction ends, so that
// concurrent read-modify-write transactions queue instead of failing.
// SQLite needs nothing: its transactions take the database lock at BEGIN.
func (s *Store) forUpdate(tx *gorm.DB) *gorm.DB {
	if s.dialect == migrations.Postgres {
		return tx.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	return tx
}

// transaction runs fn in one transaction; fn's error rolls it back.
//
// On PostgreSQL it asks for READ COMMITTED whatever the server's default:
// the locks the service takes (the throttle's advisory locks, the share lock
// on a campaign, FOR UPDATE on rows) make a statement that waited for one
// see what the holder committed, which a snapshot taken at the first
// statement (REPEATABLE READ, SERIALIZABLE) would hide. SQLite transactions
// hold the database's write lock from BEGIN and need nothing.
func (s *Store) transaction(ctx context.Context, fn func(tx *gorm.DB) error) error {
	if s.dialect == migrations.Postgres {
		return s.db.WithContext(ctx).Transaction(fn, &sql.TxOptions{Isolation: sql.LevelReadCommitted})
	}
	return s.db.WithContext(ctx).Transaction(fn)
}

// driverError is err as GORM translates it (gorm.ErrDuplicatedKey,
// gorm.ErrForeignKeyViolated), for the statements the store sends to the
// connection itself, without GORM.
func (s *Store) driverError(err error) error {
	if t, ok := s.db.Dialector.(gorm.ErrorTranslator); ok && err != nil {
		return t.Translate(err)
	}
	return err
}

// rebind numbers the ? of a statement for the store's dialect
// (migrations.Rebind).
func (s *Store) rebind(query string) string { return migrations.Rebind(s.dialect, query) }

// translate maps driver errors to domain sentinels, keeping domain errors as
// they are. Anything unknown is checked against the database's health so
// that an outage answers 503 rather than 500.
func (s *Store) translate(ctx context.Context, op string, err error) error {
	if err == nil {
		return nil
	}
	switch {
	case survey.IsDomainError(err), errors.Is(err, auth.ErrInvalidToken):
		return err
	case errors.Is(err, gorm.ErrRecordNotFound):
		return fmt.Errorf("%s: %w", op, survey.ErrNotFound)
	case errors.Is(err, gorm.ErrDuplicatedKey), errors.Is(err, gorm.ErrForeignKeyViolated):
		// Both mean the request collides with the data as it is now (a
		// row that exists, or one still referred to).
		return fmt.Errorf("%s: %w", op, survey.ErrConflict)
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return fmt.Errorf("%s: %w", op, err)
	case connectionLost(err):
		return fmt.Errorf("%s: %w: %v", op, survey.ErrUnavailable, redactErr(err))
	}
	pingCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Second)
	defer cancel()
	if perr := s.sql.PingContext(pingCtx); perr != nil {
		return fmt.Errorf("%s: %w: %v", op, survey.ErrUnavailable, redactErr(err))
	}
	return fmt.Errorf("%s: %w", op, err)
}

// connectionLost reports whether err says the database went away or is
// refusing work for now (shut down, restarting, busy), as opposed to a
// fault of the request or of the service. A pooled connection that died
// with its server fails like this even after the server is back, when a
// ping on a fresh connection would succeed.
func connectionLost(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		// Class 08: connection exception; 57P01-57P03: admin shutdown,
		// crash shutdown, cannot connect now; 53300: too many connections.
		return strings.HasPrefix(pgErr.Code, "08") || pgErr.Code == "57P01" || pgErr.Code == "57P02" ||
			pgErr.Code == "57P03" || pgErr.Code == "53300"
	}
	var connectErr *pgconn.ConnectError
	var netErr net.Error
	if errors.As(err, &connectErr) || errors.As(err, &netErr) ||
		errors.Is(err, driver.ErrBadConn) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) {
		return true
	}
	msg := err.Error()
	for _, s := range []string{"conn closed", "connection reset", "broken pipe", "database is locked", "SQLITE_BUSY"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}

// redactErr drops anything that looks like a connection string from a
// driver error, so that passwords in URLs never reach the logs.
func redactErr(err error) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	if i := strings.Index(msg, "://"); i >= 0 {
		if j := strings.IndexByte(msg[i:], '@'); j >= 0 {
			msg = msg[:i+3] + "…" + msg[i+j:]
		}
	}
	return errors.New(msg)
}
