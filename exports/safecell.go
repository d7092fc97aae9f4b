package exports

// SafeCell neutralises a text cell against formula injection (CWE-1236):
// spreadsheet programs run a cell that begins with =, +, - or @ (or a tab
// or carriage return, which some of them skip before looking) as a formula,
// so such a text gets a leading single quote, which they show as text and
// hide. Only text goes through SafeCell: numbers are written as numbers (a
// negative one keeps its minus sign). Every export uses it, CSV and XLSX
// alike, so that an XLSX saved again as CSV stays safe.
func SafeCell(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}
