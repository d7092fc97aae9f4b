package reports

import (
	"cmp"
	"slices"
	"strings"

	"github.com/customs-survey/surveyd/exports"
	"github.com/customs-survey/surveyd/survey"
)

// Order lists the indicators of every campaign in the report's order:
//
//  1. the indicators whose questionnaire gives them a report_order, by it
//     (one scale for every questionnaire of the year);
//  2. then the others, in the natural order of their codes (CompareCodes);
//
// with ties broken by the natural order of the codes, then by campaign
// key. An indicator is taken with the report_order that its campaign's
// questionnaire gives the indicator of the same code.
func Order(campaigns []exports.AnnualCampaign) []exports.AnnualEntry {
	type item struct {
		entry exports.AnnualEntry
		code  string
		key   string
		order *int
	}
	var items []item
	for i := range campaigns {
		c := &campaigns[i]
		for j, ind := range c.Scores.Indicators {
			items = append(items, item{entry: exports.AnnualEntry{Campaign: i, Indicator: j}, code: ind.Code, key: c.Key,
				order: reportOrder(c.Questionnaire, ind.Code)})
		}
	}
	slices.SortStableFunc(items, func(a, b item) int {
		switch {
		case a.order != nil && b.order == nil:
			return -1
		case a.order == nil && b.order != nil:
			return 1
		case a.order != nil:
			if c := cmp.Compare(*a.order, *b.order); c != 0 {
				return c
			}
		}
		if c := CompareCodes(a.code, b.code); c != 0 {
			return c
		}
		return cmp.Compare(a.key, b.key)
	})
	out := make([]exports.AnnualEntry, len(items))
	for i, it := range items {
		out[i] = it.entry
	}
	return out
}

// reportOrder is the report_order of the indicator of a code, nil when it
// has none (or the document has no such indicator).
func reportOrder(doc *survey.Document, code string) *int {
	if doc == nil {
		return nil
	}
	for _, ind := range doc.Indicators {
		if ind.Code == code {
			return ind.ReportOrder
		}
	}
	return nil
}

// CompareCodes orders indicator codes naturally, as the annual report
// lists them. A code is read as a prefix (what comes before its first
// digit: "RES"), dot-separated numbers ("2.2.1") and a rest ("agreement"),
// and codes compare by
//
//  1. prefix, alphabetically, ignoring case and the spaces around it: the
//     report's outputs (OP) come before its results (RES);
//  2. numbers, one by one, numerically, a code whose numbers are the start
//     of the other's first: RES 1.2 < RES 2.2.1 < RES 10.1, and RES 1.1 <
//     RES 1.1 reasons < RES 1.1.1;
//  3. rest, alphabetically, none first;
//
// and, when all of these are equal, as plain strings. It returns -1, 0 or
// +1.
func CompareCodes(a, b string) int {
	pa, na, ra := splitCode(a)
	pb, nb, rb := splitCode(b)
	if c := compareText(pa, pb); c != 0 {
		return c
	}
	for i := 0; i < len(na) && i < len(nb); i++ {
		if c := compareDigits(na[i], nb[i]); c != 0 {
			return c
		}
	}
	if c := cmp.Compare(len(na), len(nb)); c != 0 {
		return c
	}
	if c := compareText(ra, rb); c != 0 {
		return c
	}
	return strings.Compare(a, b)
}

// splitCode splits a code into its prefix, its dot-separated numbers (runs
// of digits) and the rest, prefix and rest without surrounding spaces.
func splitCode(code string) (prefix string, numbers []string, rest string) {
	i := strings.IndexFunc(code, isDigit)
	if i < 0 {
		return strings.TrimSpace(code), nil, ""
	}
	prefix, rest = strings.TrimSpace(code[:i]), code[i:]
	for {
		end := strings.IndexFunc(rest, func(r rune) bool { return !isDigit(r) })
		if end < 0 {
			end = len(rest)
		}
		numbers = append(numbers, rest[:end])
		rest = rest[end:]
		if len(rest) < 2 || rest[0] != '.' || !isDigit(rune(rest[1])) {
			break
		}
		rest = rest[1:]
	}
	return prefix, numbers, strings.TrimSpace(rest)
}

func isDigit(r rune) bool { return r >= '0' && r <= '9' }

// compareDigits compares two runs of decimal digits as the numbers they
// write, whatever their length: "9" < "10", "010" = "10".
func compareDigits(a, b string) int {
	a, b = strings.TrimLeft(a, "0"), strings.TrimLeft(b, "0")
	if c := cmp.Compare(len(a), len(b)); c != 0 {
		return c
	}
	return strings.Compare(a, b)
}

// compareText compares texts alphabetically, ignoring case first.
func compareText(a, b string) int {
	if c := strings.Compare(strings.ToLower(a), strings.ToLower(b)); c != 0 {
		return c
	}
	return strings.Compare(a, b)
}
