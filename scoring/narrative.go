package scoring

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Narrative drafts a few sentences on a result in the register of the
// annual progress report, built only from the result's own figures and
// always naming the year: the value; the target or milestone that applies
// to the year and whether the value meets it; the change on the previous
// year in the indicator's unit, or why there is none; the end-of-programme
// target when one is set. E.g. "The value for 2023 is 70.96%, above the
// 2024 milestone of 50%, and has increased 3.57 percentage points compared
// to 2022."
func Narrative(r Result, year int) string {
	if r.Value == nil && r.noValue != "" {
		return fmt.Sprintf("No value can be computed for %d: %s.", year, r.noValue)
	}
	if r.Value == nil {
		return fmt.Sprintf("No value can be computed for %d: no submitted response gave a usable answer.", year)
	}
	v, unit := *r.Value, "%"
	if !IsPercentage(r.Method) {
		unit = ""
	}
	var b strings.Builder
	fmt.Fprintf(&b, "The value for %d is %s%s", year, shown(v, r.Target, r.EndTarget), unit)
	target := ""
	if t := r.Target; t != nil {
		name := "the target of "
		if t.Kind == TargetKindMilestone {
			name = fmt.Sprintf("the %d milestone of ", t.Year)
		}
		target = comparison(v, *t) + " " + name + Format(t.Value) + unit
	}
	change := ""
	if p := r.Previous; p != nil && p.Comparable && p.Change != nil {
		change = changePhrase(*p.Change, p.ChangeUnit, p.Year)
	}
	switch {
	case target != "" && change != "":
		b.WriteString(", " + target + ", and " + change)
	case target != "":
		b.WriteString(", " + target)
	case change != "":
		b.WriteString(" and " + change)
	}
	b.WriteString(".")
	if p := r.Previous; p != nil && !p.Comparable {
		fmt.Fprintf(&b, " The figures of %d and %d are not comparable: %s.", year, p.Year, p.Reason)
	} else if p != nil && p.Value == nil {
		fmt.Fprintf(&b, " There is no %d value to compare with.", p.Year)
	}
	if e := r.EndTarget; e != nil {
		b.WriteString(" " + endSentence(*e, year, unit))
	}
	return b.String()
}

// comparison places a value against a target: above, equal to (met, and
// the same at 2 decimals) or below.
func comparison(v float64, t Target) string {
	switch {
	case t.Status != TargetMet:
		return "below"
	case Round(v, 2) == Round(t.Value, 2):
		return "equal to"
	}
	return "above"
}

// shown writes a value as the narrative gives it: to 2 decimals, unless
// that would show a value below one of its targets (that of the year or
// that of the end of the programme) as the target itself (3.995 against
// 4), which it then writes in full.
func shown(v float64, targets ...*Target) string {
	for _, t := range targets {
		if t != nil && t.Status != TargetMet && Round(v, 2) >= Round(t.Value, 2) {
			return strconv.FormatFloat(v, 'f', -1, 64)
		}
	}
	return Format(v)
}

// endSentence tells the end-of-programme target and, once it is reached or
// its year has come, whether the value meets it.
func endSentence(e Target, year int, unit string) string {
	goal := Format(e.Value) + unit + " (" + strconv.Itoa(e.Year) + ")"
	switch {
	case year < e.Year && e.Status == TargetMet:
		return "The end-of-programme target of " + goal + " is already reached."
	case year < e.Year:
		return "The end-of-programme target is " + goal + "."
	case e.Status == TargetMet:
		return "The end-of-programme target of " + goal + " is met."
	}
	return "The end-of-programme target of " + goal + " is not met."
}

// changePhrase describes a year-on-year change in its unit.
func changePhrase(delta float64, unit string, previousYear int) string {
	points := "percentage points"
	if unit == ChangePoints {
		points = "points"
	}
	if Round(delta, 2) == 0 {
		return fmt.Sprintf("is unchanged compared to %d", previousYear)
	}
	if Format(math.Abs(delta)) == "1" {
		points = strings.TrimSuffix(points, "s")
	}
	verb := "increased"
	if delta < 0 {
		verb = "decreased"
	}
	return fmt.Sprintf("has %s %s %s compared to %d", verb, Format(math.Abs(delta)), points, previousYear)
}
