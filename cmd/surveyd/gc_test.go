package main

import (
	"cmp"
	"math"
	"runtime/debug"
	"testing"

	"github.com/customs-survey/surveyd/internal/gcconfig"
)

// TestTuneGC: serve sets the collector's target and soft memory limit
// unless GOGC or GOMEMLIMIT is set, in which case the runtime's own
// reading of the variable stands.
func TestTuneGC(t *testing.T) {
	percent, limit := debug.SetGCPercent(100), debug.SetMemoryLimit(math.MaxInt64)
	defer func() {
		debug.SetGCPercent(percent)
		debug.SetMemoryLimit(limit)
	}()
	const budget = 64 << 20
	for _, tt := range []struct {
		name        string
		env         map[string]string
		runtime     int // the runtime's GOGC before, as it read the variable; 0: 100
		wantPercent int
		wantLimit   int64
	}{
		{name: "neither set", wantPercent: gcconfig.Percent, wantLimit: budget + gcconfig.OverBudget},
		{name: "GOGC set", env: map[string]string{"GOGC": "50"}, wantPercent: 100, wantLimit: budget + gcconfig.OverBudget},
		{name: "GOMEMLIMIT set", env: map[string]string{"GOMEMLIMIT": "1GiB"}, wantPercent: gcconfig.Percent, wantLimit: math.MaxInt64},
		{name: "GOGC=off", env: map[string]string{"GOGC": "off"}, runtime: -1, wantPercent: -1, wantLimit: budget + gcconfig.OverBudget},
	} {
		t.Run(tt.name, func(t *testing.T) {
			// As the runtime left them, having read the variables.
			debug.SetGCPercent(cmp.Or(tt.runtime, 100))
			debug.SetMemoryLimit(math.MaxInt64)
			gotPercent, gotLimit := tuneGC(func(k string) string { return tt.env[k] }, budget)
			if gotPercent != tt.wantPercent || gotLimit != tt.wantLimit {
				t.Errorf("tuneGC = %d%%, %d bytes; want %d%%, %d", gotPercent, gotLimit, tt.wantPercent, tt.wantLimit)
			}
			if p := debug.SetGCPercent(-1); p != tt.wantPercent {
				t.Errorf("the runtime's GOGC is %d, want %d", p, tt.wantPercent)
			}
			if l := debug.SetMemoryLimit(-1); l != tt.wantLimit {
				t.Errorf("the runtime's memory limit is %d, want %d", l, tt.wantLimit)
			}
		})
	}
}
