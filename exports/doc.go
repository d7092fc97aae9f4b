// Package exports writes the service's downloads: the scores report of a
// campaign as the API's JSON document (ScoresDocument), as CSV and as an
// Excel workbook, and the responses of a campaign as CSV, JSON or an Excel
// workbook.
//
// Each table is described once, as a list of columns (a header and how to
// get a row's cell), and every format writes that same list: CSV and XLSX
// cannot disagree on which value goes in which column. A cell is typed
// (text, integer, decimal, boolean, time, number as submitted, list of
// choices) and each format writes each type its own way: in CSV and XLSX
// every text goes through SafeCell, numbers stay numbers; in JSON texts are
// verbatim.
//
// The responses export is streamed: rows are encoded batch by batch as they
// come, CSV and JSON reach the writer after each batch, and the workbook is
// built in excelize's StreamWriter and written once complete. Nothing here
// knows about HTTP: the caller chooses the format, provides the writer and
// sets the headers.
package exports
