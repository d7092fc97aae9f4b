package scoring

import "testing"

func TestRound(t *testing.T) {
	tests := []struct {
		x    float64
		want float64
	}{
		{1750.0 / 26, 67.31}, // the report truncates to 67.30
		{1575.0 / 26, 60.58}, // the report truncates to 60.57
		{1775.0 / 28, 63.39},
		{1.005, 1.01},
		{2.675, 2.68},
		{-2.675, -2.68},
		{0.125, 0.13},
		{-0.125, -0.13},
		{99.995, 100},
		{9.999, 10},
		{0, 0},
		{100, 100},
		{4.1785714, 4.18},
		{1e-9, 0},
		{1.0049999999, 1},
		{0.1249999999, 0.12},
		{8.124999999, 8.12},
		{0.30000000000000004, 0.3},
		{1e21, 1e21},
	}
	for _, tt := range tests {
		if got := Round(tt.x, 2); got != tt.want {
			t.Errorf("Round(%v, 2) = %v, want %v", tt.x, got, tt.want)
		}
	}
	for x, want := range map[float64]string{-0.004: "0.00", -0.005: "-0.01", -0.0: "0.00"} {
		if got := Fixed2(x); got != want {
			t.Errorf("Fixed2(%v) = %q, want %q", x, got, want)
		}
	}
	if got := Format(-0.001); got != "0" {
		t.Errorf("Format(-0.001) = %q", got)
	}
	if got := Fixed2(70); got != "70.00" {
		t.Errorf("Fixed2(70) = %q", got)
	}
	if got := Format(6.9000000001); got != "6.9" {
		t.Errorf("Format(6.9000000001) = %q", got)
	}
}
