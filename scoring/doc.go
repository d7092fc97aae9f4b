// Package scoring computes the indicators of docs/scoring.md from
// per-unit statistics that the database aggregates: counts, sums and
// centred sums of squares of respondent values per administration, and
// option counts. Everything here is a pure function of those few rows, so
// that each published figure can be redone by hand, and a campaign of a
// million responses costs no more memory than one of ten.
//
// The package also writes each result's narrative, in the register of the
// Customs programme's annual progress report, and rounds figures for
// presentation (Round, Format, Fixed2).
package scoring
