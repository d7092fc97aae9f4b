package api

import "testing"

// TestChartFileSafe: an indicator's code in the name of its chart's file.
func TestChartFileSafe(t *testing.T) {
	for _, tt := range []struct{ code, want string }{
		{"OP 3.1", "OP-3.1"},
		{"RES 2.2.6 agreement", "RES-2.2.6-agreement"},
		{"RES-1", "RES-1"},
		{"a  /\\:*?\"<>|b", "a-b"},
		{"Évaluation_2", "valuation_2"},
		{" x ", "x"},
		{"..", "indicator"},
		{"../etc", "etc"},
		{"é", "indicator"},
	} {
		if got := fileSafe(tt.code); got != tt.want {
			t.Errorf("%q: %q, want %q", tt.code, got, tt.want)
		}
	}
}
