package scoring

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/customs-survey/surveyd/survey"
)

// NotComparable says why the figures of an indicator in two editions of a
// survey cannot be compared, "" when they can: before is the indicator, by
// the same code, in the previous campaign's questionnaire beforeDoc, now
// the one in nowDoc. The figures are comparable when the indicator counts
// the same responses the same way: the same method, unit, counted options
// and where filter, and the same questions, each of the same type, with the
// same options and scores, the same range and the same condition showing
// it. Texts, labels, titles, targets and breakdowns may change.
//
// The answer names every change, in words, separated by "; ", e.g. "the
// options of question ees_perf changed (scores changed: full from 100 to
// 90)". Numbers (scores, bounds) are compared exactly and written in full,
// so that two that differ never read the same.
func NotComparable(before survey.Indicator, beforeDoc *survey.Document, now survey.Indicator, nowDoc *survey.Document) string {
	var changes []string
	add := func(format string, args ...any) { changes = append(changes, fmt.Sprintf(format, args...)) }
	if before.Method != now.Method {
		add("the method changed from %s to %s", before.Method, now.Method)
	}
	if b, n := before.EffectiveUnit(), now.EffectiveUnit(); b != n {
		add("the unit changed from %s to %s", b, n)
	}
	if d := setDiff(before.Questions, now.Questions); d != "" {
		add("the questions changed (%s)", d)
	}
	for _, key := range now.Questions {
		if !slices.Contains(before.Questions, key) {
			continue
		}
		changes = append(changes, questionChanges(key, beforeDoc, nowDoc)...)
	}
	if d := setDiff(before.Options, now.Options); d != "" {
		add("the counted options changed (%s)", d)
	}
	if b, n := conditionText(before.Where), conditionText(now.Where); b != n {
		add("the where filter changed from %s to %s", b, n)
	}
	return strings.Join(changes, "; ")
}

// questionChanges compares the definitions of one question in two
// questionnaires, apart from its texts.
func questionChanges(key string, beforeDoc, nowDoc *survey.Document) []string {
	b, n := beforeDoc.Question(key), nowDoc.Question(key)
	if b == nil || n == nil {
		// A valid questionnaire has every question its indicators name.
		return []string{fmt.Sprintf("question %s is missing from one of the questionnaires", key)}
	}
	var changes []string
	if b.Type != n.Type {
		return []string{fmt.Sprintf("the type of question %s changed from %s to %s", key, b.Type, n.Type)}
	}
	if d := optionsDiff(beforeDoc.OptionsOf(b), nowDoc.OptionsOf(n)); d != "" {
		changes = append(changes, fmt.Sprintf("the options of question %s changed (%s)", key, d))
	}
	if rb, rn := rangeText(b), rangeText(n); rb != rn {
		changes = append(changes, fmt.Sprintf("the range of question %s changed from %s to %s", key, rb, rn))
	}
	if cb, cn := conditionText(b.ShowIf), conditionText(n.ShowIf); cb != cn {
		changes = append(changes, fmt.Sprintf("the condition showing question %s changed from %s to %s", key, cb, cn))
	}
	return changes
}

// optionsDiff names the options added, removed, and those whose score
// changed (absent, null or a number), with the score before and after; ""
// when none did. Labels and order do not count.
func optionsDiff(before, now []survey.Option) string {
	scores := func(opts []survey.Option) map[string]string {
		m := make(map[string]string, len(opts))
		for _, o := range opts {
			m[o.Key] = scoreText(o.Score)
		}
		return m
	}
	b, n := scores(before), scores(now)
	parts := []string{}
	if d := setDiff(slices.Collect(maps.Keys(b)), slices.Collect(maps.Keys(n))); d != "" {
		parts = append(parts, d)
	}
	var rescored []string
	for _, o := range now {
		if s, ok := b[o.Key]; ok && s != n[o.Key] {
			rescored = append(rescored, o.Key+" from "+s+" to "+n[o.Key])
		}
	}
	if len(rescored) > 0 {
		parts = append(parts, "scores changed: "+strings.Join(rescored, ", "))
	}
	return strings.Join(parts, "; ")
}

// setDiff names the keys added to and removed from a set; "" when it is
// the same set. Keys are listed in sorted order.
func setDiff(before, now []string) string {
	var added, removed []string
	for _, k := range now {
		if !slices.Contains(before, k) {
			added = append(added, k)
		}
	}
	for _, k := range before {
		if !slices.Contains(now, k) {
			removed = append(removed, k)
		}
	}
	slices.Sort(added)
	slices.Sort(removed)
	var parts []string
	if len(added) > 0 {
		parts = append(parts, "added: "+strings.Join(added, ", "))
	}
	if len(removed) > 0 {
		parts = append(parts, "removed: "+strings.Join(removed, ", "))
	}
	return strings.Join(parts, "; ")
}

// scoreText writes a score as the comparison sees it: none (absent), null,
// or the number in full.
func scoreText(s survey.Score) string {
	switch {
	case !s.Set:
		return "none"
	case s.Value == nil:
		return "null"
	}
	return exact(*s.Value)
}

// exact writes a number in full: the shortest text that reads back as the
// same number, so that two numbers are written alike only when they are
// equal (0 and -0 are).
func exact(x float64) string {
	if x == 0 {
		x = 0
	}
	return strconv.FormatFloat(x, 'g', -1, 64)
}

// rangeText writes a number question's bounds, "" for another type.
func rangeText(q *survey.Question) string {
	if q.Type != survey.TypeNumber {
		return ""
	}
	bound := func(b *float64, none string) string {
		if b == nil {
			return none
		}
		return exact(*b)
	}
	return bound(q.Min, "no minimum") + " to " + bound(q.Max, "no maximum")
}

// conditionText writes a condition with its options sorted, so that two
// conditions selecting the same answers read the same.
func conditionText(c *survey.Condition) string {
	if c == nil {
		return "none"
	}
	in := slices.Clone(c.In)
	slices.Sort(in)
	in = slices.Compact(in)
	return c.Question + " in [" + strings.Join(in, ", ") + "]"
}
