package dbtest

import (
	"bytes"
	"path/filepath"
	"testing"
)

// Cluster is a PostgreSQL server of one test's own, which the test may stop
// and start again: for fault-injection tests of what the service does while
// its database is away. Other tests share the server behind PostgresURL.
type Cluster struct {
	c *cluster
}

// NewCluster starts a private PostgreSQL server for t, removed when t ends.
// When PostgreSQL cannot be found or started, t is skipped with a message,
// or fails if the CI environment variable is set.
func NewCluster(t testing.TB) *Cluster {
	t.Helper()
	bin, err := findPostgres()
	if err != nil {
		unavailable(t, isCI(), notFoundReason)
	}
	c, err := startCluster(bin)
	if err != nil {
		unavailable(t, isCI(), "PostgreSQL could not start: "+err.Error())
	}
	t.Cleanup(c.stop)
	return &Cluster{c: c}
}

// URL is the URL of the cluster's "postgres" database.
func (k *Cluster) URL() string { return k.c.url("postgres").String() }

// Stop shuts the server down (fast mode: sessions are cut, as in a crash of
// the database host seen from the client).
func (k *Cluster) Stop(t testing.TB) {
	t.Helper()
	out, err := k.c.command(k.c.bin.pgCtl, "-D", filepath.Join(k.c.dir, "data"), "-m", "fast", "-w", "-s", "stop").CombinedOutput()
	if err != nil {
		t.Fatalf("pg_ctl stop: %v: %s", err, bytes.TrimSpace(out))
	}
}

// Start starts the server again on the same data.
func (k *Cluster) Start(t testing.TB) {
	t.Helper()
	data := filepath.Join(k.c.dir, "data")
	out, err := k.c.command(k.c.bin.pgCtl, "-D", data, "-l", filepath.Join(k.c.dir, "server.log"), "-w", "-t", "60", "-s", "start").CombinedOutput()
	if err != nil {
		t.Fatalf("pg_ctl start: %v: %s", err, bytes.TrimSpace(out))
	}
}
