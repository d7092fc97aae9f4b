// Package migrations holds the versioned SQL schema of the service, one
// folder per dialect, embedded in the binary, and the small runner that
// applies the pending files in order.
//
// Files are named NNNN_description.sql and are applied once each, in one
// transaction per file, and recorded in schema_migrations. An applied file
// never changes: a schema change is a new file in both folders.
package migrations

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"
)

//go:embed sqlite/*.sql postgres/*.sql
var files embed.FS

// Dialects the runner knows.
const (
	SQLite   = "sqlite"
	Postgres = "postgres"
)

// Migration is one schema file.
type Migration struct {
	Version int
	Name    string
	SQL     string
}

// List returns the migrations of a dialect in version order.
func List(dialect string) ([]Migration, error) {
	if dialect != SQLite && dialect != Postgres {
		return nil, fmt.Errorf("unknown dialect %q", dialect)
	}
	entries, err := fs.ReadDir(files, dialect)
	if err != nil {
		return nil, err
	}
	var out []Migration
	for _, e := range entries {
		name := e.Name()
		prefix, _, ok := strings.Cut(name, "_")
		if !ok || !strings.HasSuffix(name, ".sql") {
			return nil, fmt.Errorf("migration %s: want NNNN_name.sql", name)
		}
		v, err := strconv.Atoi(prefix)
		if err != nil {
			return nil, fmt.Errorf("migration %s: bad version: %w", name, err)
		}
		body, err := fs.ReadFile(files, path.Join(dialect, name))
		if err != nil {
			return nil, err
		}
		out = append(out, Migration{Version: v, Name: name, SQL: string(body)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	for i := 1; i < len(out); i++ {
		if out[i].Version == out[i-1].Version {
			return nil, fmt.Errorf("migrations %s and %s share a version", out[i-1].Name, out[i].Name)
		}
	}
	return out, nil
}

// Apply applies every pending migration of the dialect and returns the names
// of those it applied. Several processes may call it at once: on PostgreSQL
// an advisory lock serialises them, on SQLite the write lock taken by the
// first statement of each transaction does.
func Apply(ctx context.Context, db *sql.DB, dialect string) ([]string, error) {
	all, err := List(dialect)
	if err != nil {
		return nil, err
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("connect: %w", err)
	}
	defer conn.Close()

	if dialect == Postgres {
		// Any constant works as long as every process uses the same one.
		const lockID = 7215380221
		if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, lockID); err != nil {
			return nil, fmt.Errorf("lock migrations: %w", err)
		}
		defer conn.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, lockID)
	}

	if _, err := conn.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`); err != nil {
		return nil, fmt.Errorf("create schema_migrations: %w", err)
	}

	var applied []string
	for _, m := range all {
		done, err := apply(ctx, conn, dialect, m)
		if err != nil {
			return applied, fmt.Errorf("migration %s: %w", m.Name, err)
		}
		if done {
			applied = append(applied, m.Name)
		}
	}
	return applied, nil
}

// apply runs one migration in its own transaction unless it is already
// recorded, and reports whether it ran.
func apply(ctx context.Context, conn *sql.Conn, dialect string, m Migration) (bool, error) {
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return false, err
	}
	defer tx.Rollback()

	if dialect == SQLite {
		// Take the write lock before reading, so that two processes cannot
		// both decide the same migration is pending.
		if _, err := tx.ExecContext(ctx, `UPDATE schema_migrations SET version = version WHERE 0`); err != nil {
			return false, err
		}
	}
	var n int
	if err := tx.QueryRowContext(ctx, Rebind(dialect, `SELECT COUNT(*) FROM schema_migrations WHERE version = ?`), m.Version).Scan(&n); err != nil {
		return false, err
	}
	if n > 0 {
		return false, nil
	}
	if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
		return false, err
	}
	if _, err := tx.ExecContext(ctx, Rebind(dialect, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`),
		m.Version, m.Name, time.Now().UTC().Format(time.RFC3339)); err != nil {
		return false, err
	}
	return true, tx.Commit()
}

// Pending returns the names of the migrations not yet applied.
func Pending(ctx context.Context, db *sql.DB, dialect string) ([]string, error) {
	all, err := List(dialect)
	if err != nil {
		return nil, err
	}
	done := map[int]bool{}
	rows, err := db.QueryContext(ctx, `SELECT version FROM schema_migrations`)
	if err != nil {
		// No table yet: everything is pending.
		names := make([]string, len(all))
		for i, m := range all {
			names[i] = m.Name
		}
		return names, nil
	}
	defer rows.Close()
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		done[v] = true
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var pending []string
	for _, m := range all {
		if !done[m.Version] {
			pending = append(pending, m.Name)
		}
	}
	return pending, nil
}

// Rebind numbers the ? of a statement ($1, $2, …) for PostgreSQL, and
// leaves it as it is for SQLite; the statements it is given hold no ?
// inside a literal.
func Rebind(dialect, query string) string {
	if dialect != Postgres {
		return query
	}
	var b strings.Builder
	n := 0
	for _, r := range query {
		if r == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}
