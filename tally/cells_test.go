package tally

import (
	"math"
	"testing"

	"github.com/customs-survey/surveyd/survey"
)

// cellOf is the cell of values by the two-pass definition.
func cellOf(values ...float64) survey.Cell {
	c := survey.Cell{N: len(values)}
	for _, v := range values {
		c.Sum += v
	}
	for _, v := range values {
		d := v - c.Sum/float64(c.N)
		c.Deviations += d * d
	}
	return c
}

// TestMergeIsTheCellOfBoth checks Chan's formula against the two-pass
// definition over the values of both cells, empty cells and values far
// from 0 included.
func TestMergeIsTheCellOfBoth(t *testing.T) {
	for _, c := range []struct {
		name string
		a, b []float64
	}{
		{"both empty", nil, nil},
		{"a empty", nil, []float64{25, 75}},
		{"b empty", []float64{0, 100, 50}, nil},
		{"one value each", []float64{25}, []float64{75}},
		{"scores", []float64{0, 25, 50, 75, 100}, []float64{100, 100, 58.333333333333336}},
		{"far from 0, close together", []float64{1e15, 1e15 + 2}, []float64{1e15 + 4, 1e15 + 6, 1e15 + 8}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := Merge(cellOf(c.a...), cellOf(c.b...))
			want := cellOf(append(append([]float64{}, c.a...), c.b...)...)
			if got.N != want.N || math.Abs(got.Sum-want.Sum) > 1e-12*math.Abs(want.Sum) ||
				math.Abs(got.Deviations-want.Deviations) > 1e-9*max(1, want.Deviations) {
				t.Errorf("Merge = %+v, want %+v", got, want)
			}
		})
	}
}
