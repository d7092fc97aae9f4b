// Package scoring computes the indicators of SCORING.md from per-unit
// statistics that the database aggregates: counts, sums and sums of squares
// of respondent values per administration, and option counts. Everything
// here is a pure function of those few rows, so that each published figure
// can be redone by hand, and a campaign of a million responses costs no more
// memory than one of ten.
//
// The package also renders results: narratives in the register of the
// Customs programme's annual progress report, and CSV and XLSX tables.
package scoring
