package scoring

import (
	"fmt"
	"math"
	"strings"

	"github.com/customs-survey/surveyd/survey"
)

// Narrative drafts one or two sentences on a result in the register of the
// annual progress report, built only from the result's own figures and
// always naming the year, e.g. "The value for 2023 is above the target of
// 70% and has increased 6.9 percentage points compared to 2022."
func Narrative(r Result, year int) string {
	if r.Value == nil && r.noValue != "" {
		return fmt.Sprintf("No value can be computed for %d: %s.", year, r.noValue)
	}
	if r.Value == nil {
		return fmt.Sprintf("No value can be computed for %d: no submitted response gave a usable answer.", year)
	}
	unit := "%"
	if r.Method == survey.MethodMeanValue {
		unit = ""
	}
	var b strings.Builder
	fmt.Fprintf(&b, "The value for %d", year)
	change := ""
	if p := r.Previous; p != nil && p.DeltaPP != nil {
		change = changePhrase(*p.DeltaPP, r.Method, p.Year)
	}
	switch {
	case r.Target == nil:
		fmt.Fprintf(&b, " is %s%s", Format(*r.Value), unit)
	case r.Target.Status == TargetMet && Round(*r.Value, 2) == Round(r.Target.Value, 2):
		fmt.Fprintf(&b, " meets the target of %s%s", Format(r.Target.Value), unit)
	case r.Target.Status == TargetMet:
		fmt.Fprintf(&b, " is above the target of %s%s", Format(r.Target.Value), unit)
	case change == "":
		fmt.Fprintf(&b, " is below the %s%s target set", Format(r.Target.Value), unit)
	default:
		fmt.Fprintf(&b, " is below the target of %s%s", Format(r.Target.Value), unit)
	}
	if change != "" {
		b.WriteString(" and " + change)
	}
	b.WriteString(".")
	return b.String()
}

// changePhrase describes a year-on-year change.
func changePhrase(delta float64, method string, previousYear int) string {
	points := "percentage points"
	if method == survey.MethodMeanValue {
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
