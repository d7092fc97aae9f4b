// Package faults holds the fault-injection tests of the service: the real
// surveyd binary, killed with SIGKILL in the middle of a submission load,
// and served by a PostgreSQL server that the tests stop and start under
// load or before the service. They run with go test ./... like every other
// test; there is no code here besides the tests.
package faults
