package survey

import "time"

// ScoreRunInfo describes a frozen scores run: a campaign's complete scores
// report as it was when an admin froze it, kept so that a figure cited in a
// published report can be shown later to be the same one.
type ScoreRunInfo struct {
	ID       string    // opaque, names the run in the API
	Campaign string    // the campaign's key
	FrozenAt time.Time // when it was frozen: the computed_at of its document
	FrozenBy string    // the user id of the admin who froze it
	Lang     string    // the language asked for; empty: the questionnaire's default
	SHA256   string    // the lower-case hex SHA-256 of JSON
}

// ScoreRun is a frozen run with its renderings, made at freeze time and
// served byte for byte ever after: JSON is the API's scores document, CSV
// and XLSX its table and workbook.
type ScoreRun struct {
	ScoreRunInfo
	JSON, CSV, XLSX []byte
}
