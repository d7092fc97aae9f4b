package charts

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/customs-survey/surveyd/scoring"
	"github.com/customs-survey/surveyd/survey"
)

// Languages are the languages the charts speak, the first the default.
var Languages = []string{"en", "fr"}

// Speaks reports whether the charts have their words in lang.
func Speaks(lang string) bool { return slices.Contains(Languages, lang) }

// Figures writes numbers, and the words around them, in one language of the
// charts (English for a language they do not speak). Values are rounded
// half away from zero to two decimals, as the exports show them
// (scoring.Fixed2), percentages followed by "%". The scores page writes its
// figures with it too, so that a chart and the page say the same.
type Figures struct{ Lang string }

// lang is the language the words are written in.
func (f Figures) lang() string {
	if Speaks(f.Lang) {
		return f.Lang
	}
	return Languages[0]
}

// word is the text of key in the figures' language, formatted with args.
// An unknown key shows as itself, so that a missing word is visible
// (TestChartWordsAreTranslated keeps both languages complete).
func (f Figures) word(key string, args ...any) string {
	w, ok := words[f.lang()][key]
	if !ok {
		return key
	}
	if len(args) > 0 {
		return fmt.Sprintf(w, args...)
	}
	return w
}

// number is x with two decimals, in the language's decimal notation.
func (f Figures) number(x float64) string {
	r := scoring.Round(x, 2)
	if r == 0 {
		r = 0 // a small negative x is written "0.00", not "-0.00"
	}
	return strings.Replace(scoring.Fixed2(r), ".", f.word("decimal_mark"), 1)
}

// Value is a value of an indicator: a percentage, or a value of its
// question's scale.
func (f Figures) Value(x float64, percent bool) string {
	if percent {
		return f.word("percent", f.number(x))
	}
	return f.number(x)
}

// Optional is a value, or "no value".
func (f Figures) Optional(x *float64, percent bool) string {
	if x == nil {
		return f.word("no_value")
	}
	return f.Value(*x, percent)
}

// axisValue is the value at an end of a chart's axis, without trailing
// zeros ("0%", "100%", "5").
func (f Figures) axisValue(x float64, percent bool) string {
	s := strings.Replace(scoring.Format(x), ".", f.word("decimal_mark"), 1)
	if percent {
		return f.word("percent", s)
	}
	return s
}

// Change is a year-on-year change, signed, in its unit: percentage points
// for percentages, points of the scale otherwise (scoring.ChangeUnitOf).
func (f Figures) Change(d float64, unit string) string {
	s := f.number(d)
	if scoring.Round(d, 2) > 0 {
		s = "+" + s
	}
	if unit == scoring.ChangePercentagePoints {
		return f.word("change_pp", s)
	}
	return f.word("change_points", s)
}

// Units is n with its unit: administrations or responses.
func (f Figures) Units(unit string, n int) string {
	key := "n_responses"
	if unit == survey.UnitAdministration {
		key = "n_administrations"
	}
	if n == 1 {
		key += "_one"
	}
	return f.word(key, n)
}

// OptionalCount is a count, or "not shown" when withheld.
func (f Figures) OptionalCount(n *int) string {
	if n == nil {
		return f.word("not_shown")
	}
	return strconv.Itoa(*n)
}

// Percent reports whether an indicator's values are percentages (all but
// mean_value, which is on its question's own scale), as the exports show
// them.
func Percent(res scoring.Result) bool { return scoring.IsPercentage(res.Method) }
