// Package charts draws the charts of the indicators as SVG, on the server,
// with no library and no script: the charts of the scores page (web), each
// an svg element with its data table, and each indicator's standalone
// document for a report (api, GET /api/v1/campaigns/{key}/scores/{code}.svg),
// which stacks the same charts under a heading. Both come from the same
// code: each kind of chart is one function that turns an indicator's
// result into bars (optionsPanel, administrationsPanel, changePanel);
// placeBars computes every rectangle and text position from the values,
// and writeBars writes them out.
//
// Every chart has a title and a description that says what it shows in
// numbers. The drawing is readable in black and white: bars are labelled
// with their value in text, a suppressed cell is hatched and outlined and
// labelled "suppressed", the previous year is named beside its bar. Every
// colour has a contrast of at least 3:1 against the white background
// (non-text contrast, WCAG 1.4.11) and text is dark on white. A chart of the
// page is 320 units wide, so that at a 320 px wide screen the text is drawn
// at about its nominal size; a document is 640 units wide.
//
// The charts have their own words, in English and French (words.go), and
// write numbers as the exports round them (Figures), which the scores page
// uses for its figures too.
package charts
