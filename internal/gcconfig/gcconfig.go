// Package gcconfig holds the garbage collector's settings that surveyd
// serve runs with (cmd/surveyd, tuneGC), so that the benchmarks of what
// it serves measure the code as it runs.
//
// With Go's defaults (GOGC=100, no limit) the server spends a fifth of its
// time collecting under a load of submissions, whose garbage is a few MiB
// a second over a live heap of 10–20 MiB; and a burst of password checks
// leaves up to twice their memory budget uncollected. A collection after
// the heap triples (Percent), bounded by a soft limit of the budget plus
// the rest of the server's needs (OverBudget), collects less often under
// load and sooner after a burst.
package gcconfig

import (
	"os"
	"runtime/debug"
)

const (
	// Percent is the collector's target (GOGC) of surveyd serve.
	Percent = 200
	// OverBudget is what surveyd serve's soft memory limit (GOMEMLIMIT)
	// allows beyond the password hashing budget.
	OverBudget = 40 << 20
)

// AsServed sets the collector's target to Percent, as surveyd serve does,
// unless GOGC is set, and returns what puts the one before back. A
// benchmark of what the server serves calls it. It leaves the soft memory
// limit alone: serve's is sized for the password hashing budget, which a
// benchmark's heap (tens of MiB) stays well under.
func AsServed() (restore func()) {
	if os.Getenv("GOGC") != "" {
		return func() {}
	}
	before := debug.SetGCPercent(Percent)
	return func() { debug.SetGCPercent(before) }
}
