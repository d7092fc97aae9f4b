package gcconfig

import (
	"runtime/debug"
	"testing"
)

// TestAsServed: without GOGC, a benchmark's collector runs at serve's
// target until it restores the one before; with GOGC, it stays as set.
func TestAsServed(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	for _, c := range []struct {
		gogc       string
		wantDuring int
	}{{"", Percent}, {"50", 100}} {
		t.Run("GOGC="+c.gogc, func(t *testing.T) {
			t.Setenv("GOGC", c.gogc)
			restore := AsServed()
			during := debug.SetGCPercent(-1)
			debug.SetGCPercent(during)
			restore()
			after := debug.SetGCPercent(-1)
			debug.SetGCPercent(after)
			if during != c.wantDuring || after != 100 {
				t.Errorf("GOGC during %d, after %d; want %d, 100", during, after, c.wantDuring)
			}
		})
	}
}
