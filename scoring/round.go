package scoring

import (
	"math"
	"strconv"
	"strings"
)

// Round rounds x half away from zero to the given number of decimals, as
// people do by hand: the decision is taken on the decimal expansion of x
// (so 1.005 rounds to 1.01), not on the binary float closest to x·10^d.
func Round(x float64, decimals int) float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return x
	}
	// The shortest decimal form that reads back as x is what people see
	// (1.005, not 1.00499999999999989...): round that, once. Rounding a
	// longer expansion first would round twice (1.0049999999 → 1.01).
	s := strconv.FormatFloat(math.Abs(x), 'f', -1, 64)
	intPart, frac, _ := strings.Cut(s, ".")
	for len(frac) <= decimals {
		frac += "0"
	}
	keep, next := frac[:decimals], frac[decimals]
	digits := []byte(intPart + keep)
	if next >= '5' {
		i := len(digits) - 1
		for ; i >= 0; i-- {
			if digits[i] == '9' {
				digits[i] = '0'
				continue
			}
			digits[i]++
			break
		}
		if i < 0 {
			digits = append([]byte{'1'}, digits...)
		}
	}
	// Put the point back and parse, rather than divide by 10^decimals,
	// which would be inexact for large numbers.
	cut := len(digits) - decimals
	r, _ := strconv.ParseFloat(string(digits[:cut])+"."+string(digits[cut:]), 64)
	if x < 0 && r != 0 {
		// A negative number that rounds to zero is zero, not -0, which
		// would be written "-0.00".
		r = -r
	}
	return r
}

// Format writes x rounded to 2 decimals, without trailing zeros ("70",
// "6.9", "67.31"), as the report writes figures in prose.
func Format(x float64) string {
	return strconv.FormatFloat(Round(x, 2), 'f', -1, 64)
}

// Fixed2 writes x rounded to exactly 2 decimals ("67.31", "70.00"), as the
// exports show values.
func Fixed2(x float64) string {
	return strconv.FormatFloat(Round(x, 2), 'f', 2, 64)
}
