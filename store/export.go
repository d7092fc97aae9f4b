package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"gorm.io/gorm"

	"github.com/customs-survey/surveyd/migrations"
	"github.com/customs-survey/surveyd/survey"
)

// Bounds of one batch of EachSubmittedBatch: the first holds at most
// exportFirstRows responses, so that the export's first bytes leave soon,
// and each next one twice as many as the one before, up to exportBatchRows,
// so that the query of a batch costs little beside its rows. Whatever its
// rows, a batch ends with the response that brings its answers to
// exportBatchBytes or more: a batch holds at most exportBatchBytes plus
// one response (itself at most the body limit), and an export holds two
// at a time (survey.EachExportBatch reads one ahead).
const (
	exportFirstRows  = 100
	exportBatchRows  = 1600
	exportBatchBytes = 4 << 20
)

// exportQuery reads one batch of a responses export: the row comparison
// walks the index responses_export (campaign_id, administration_code, id)
// from the last key passed, so that each batch costs its own rows,
// whatever the size of the campaign.
const exportQuery = `
SELECT r.id AS response_id, r.administration_code AS administration, sub.submitted_at AS submitted_at, sub.answers AS answers
FROM responses r
JOIN submissions sub ON sub.id = r.current_submission_id
WHERE r.campaign_id = ? AND (? = '' OR r.administration_code = ?)
  AND (r.administration_code, r.id) > (?, ?)
ORDER BY r.administration_code, r.id
LIMIT ?`

// exportSettings are set, on PostgreSQL, for exportQuery's transaction,
// so that a batch costs its own rows whatever the planner believes:
//   - No sort. Until the table's statistics are gathered again, as after a
//     large import or a fast-growing campaign, the planner may believe that
//     only a few responses follow the key, and sort them all to keep the
//     first batch: every batch then costs the rest of the campaign
//     (100,000 responses exported at 11,000 a second instead of over
//     100,000). Without sorting, the only plan left walks the index in
//     order and stops at the batch's end.
//   - No parallel workers. For keys after which it expects many responses,
//     the planner may start workers to walk the index in parallel, which
//     takes longer than reading the batch itself (90 ms a batch instead of
//     10, in a campaign of 1,000,000 responses).
//
// Both are set by one statement: a batch is then 4 round trips (begin,
// settings, query, commit).
const exportSettings = "SELECT set_config('enable_sort', 'off', true), set_config('max_parallel_workers_per_gather', '0', true)"

// EachSubmittedBatch calls fn with the submitted responses of a campaign
// that sc sees, with the answers of their latest submission, a batch at a
// time, ordered by administration code, then response id: every
// administration's responses for a scope of everything, else those of the
// scope's administration only.
//
// Each batch is one query (keyset pagination on administration code and
// response id), read completely before fn receives it: a connection is
// held only while a batch is read (the next one while fn works on this
// one), never while fn waits, however long it takes, so that fn may write
// to a slow client. That key never changes once a response exists (neither its
// administration nor its id do), so every response submitted before the
// call is passed exactly once, even when it is amended meanwhile: with its
// latest submission as of the query of its batch. A response first
// submitted during the call is passed at most once. An error of fn stops
// the iteration and is returned as it is.
// Only the responses of the administrations sc sees are passed.
// Errors: ErrNotFound (no such campaign, or one that sc does not see), and
// fn's errors.
func (s *Store) EachSubmittedBatch(ctx context.Context, sc survey.Scope, key string, fn func([]survey.ExportedResponse) error) error {
	db := s.db.WithContext(ctx)
	campaign, err := s.campaignRow(db, sc, key)
	if err != nil {
		return s.translate(ctx, "export responses", err)
	}
	scope := "" // every administration
	if !sc.All {
		scope = sc.Administration
	}
	q, err := s.questionnaireOf(db, campaign)
	if err != nil {
		return s.translate(ctx, "export responses", err)
	}
	r := exportReader{administrations: map[string]string{}}
	for _, question := range q.Document.Questions() {
		r.keys = append(r.keys, question.Key)
	}
	r.index = newQuestionIndex(r.keys)
	limit := exportFirstRows
	return survey.EachExportBatch(func(afterAdministration, afterID string) ([]survey.ExportedResponse, bool, error) {
		batch, more, err := s.exportBatch(db, &r, campaign.ID, scope, afterAdministration, afterID, limit)
		if err != nil {
			return nil, false, s.translate(ctx, "export responses", err)
		}
		limit = min(2*limit, exportBatchRows)
		return batch, more, nil
	}, fn)
}

// exportReader reads the batches of one export. Question keys and
// administration codes recur in every response: each is allocated once per
// export.
type exportReader struct {
	administrations map[string]string
	// keys lists the questions of the campaign's questionnaire
	// (Document.Questions), and index numbers them: the answers of a
	// response are handed out in that order (survey.ExportedResponse.Values).
	index *questionIndex
	keys  []string
}

// exportBatch is r.batch, in a transaction of its own on PostgreSQL with
// exportSettings, on a connection of the exports' pool on SQLite, which
// maps the database file (sqliteMmapSize).
func (s *Store) exportBatch(db *gorm.DB, r *exportReader, campaignID int64, scope, afterAdministration, afterID string, limit int) (
	batch []survey.ExportedResponse, more bool, err error) {
	if s.dialect != migrations.Postgres {
		return r.batch(s.scanDB.WithContext(db.Statement.Context), campaignID, scope, afterAdministration, afterID, limit)
	}
	err = db.Transaction(func(tx *gorm.DB) error {
		if err := tx.Exec(exportSettings).Error; err != nil {
			return err
		}
		batch, more, err = r.batch(tx, campaignID, scope, afterAdministration, afterID, limit)
		return err
	}, &sql.TxOptions{ReadOnly: true})
	return batch, more, err
}

// batch reads the responses after the given key, up to limit of them and
// the bounds of a batch, and returns them with whether more may follow. Its
// rows are closed, and its connection back in the pool, when it returns.
// The rows are scanned into plain variables, and the answers of each are
// split by splitValues: the values share the memory of the row's answers,
// read once.
func (r *exportReader) batch(db *gorm.DB, campaignID int64, scope, afterAdministration, afterID string, limit int) ([]survey.ExportedResponse, bool, error) {
	rows, err := db.Raw(exportQuery, campaignID, scope, scope, afterAdministration, afterID, limit).Rows()
	if err != nil {
		return nil, false, err
	}
	defer rows.Close()
	batch := make([]survey.ExportedResponse, 0, min(limit, exportFirstRows))
	size := 0
	var (
		id             string
		administration sql.RawBytes
		submittedAt    time.Time
		answers        []byte
		spare          []json.RawMessage
	)
	for rows.Next() {
		// Scanning into a []byte copies into a new array, which the
		// answers of this row keep.
		if err := rows.Scan(&id, &administration, &submittedAt, &answers); err != nil {
			return nil, false, err
		}
		out := survey.ExportedResponse{ResponseID: id, Administration: intern(r.administrations, administration),
			SubmittedAt: submittedAt.UTC(), Keys: r.keys}
		if len(spare) < len(r.keys) {
			// The values of the batch's next responses, in one
			// allocation.
			spare = make([]json.RawMessage, len(r.keys)*min(limit, exportFirstRows))
		}
		values := spare[:len(r.keys):len(r.keys)]
		spare = spare[len(r.keys):]
		if out.Values, err = splitValues(answers, r.index, values); err != nil {
			return nil, false, fmt.Errorf("answers of response %s: %w", id, err)
		}
		batch = append(batch, out)
		if size += len(answers); size >= exportBatchBytes {
			return batch, true, nil // the rest in the next batch
		}
	}
	return batch, len(batch) == limit, rows.Err()
}

// intern is the string of b, allocated the first time only.
func intern(known map[string]string, b []byte) string {
	if s, ok := known[string(b)]; ok {
		return s
	}
	s := string(b)
	known[s] = s
	return s
}

// questionIndex numbers the questions of a questionnaire, so that the
// answers of a response are placed in question order (splitValues).
// json.Marshal writes the keys of an object sorted, so a key is first
// compared with the few that follow, in that order, the key found before
// it (answers skip the questions left unanswered), and looked up only when
// none of them is it.
type questionIndex struct {
	sorted []string       // the question keys, sorted
	places []int          // places[i] is the place of sorted[i] in question order
	rank   map[string]int // a key's index in sorted
}

func newQuestionIndex(keys []string) *questionIndex {
	x := &questionIndex{sorted: slices.Sorted(slices.Values(keys)), rank: make(map[string]int, len(keys))}
	place := make(map[string]int, len(keys))
	for i, k := range keys {
		place[k] = i
	}
	for i, k := range x.sorted {
		x.rank[k] = i
		x.places = append(x.places, place[k])
	}
	return x
}

// find returns the place of key in question order, and the rank of the
// key expected next; from is the rank expected for key. ok is false for
// a key the questionnaire does not have.
func (x *questionIndex) find(key []byte, from int) (place, next int, ok bool) {
	for i := from; i < len(x.sorted) && i < from+4; i++ {
		if x.sorted[i] == string(key) {
			return x.places[i], i + 1, true
		}
	}
	i, ok := x.rank[string(key)]
	if !ok {
		return 0, from, false
	}
	return x.places[i], i + 1, true
}

// splitValues decodes a stored answers object as json.Unmarshal would
// into survey.Answers, without its cost, into the answers in question
// order (a key the questionnaire does not have is left out, as the export
// has no column for it), and each value is the slice of body that holds
// it. It takes the object as the store writes it (json.Marshal: keys
// without escapes); any other form, or a value it cannot delimit, goes to
// json.Unmarshal, which also names the fault of malformed data. Values are
// delimited, not checked: whoever reads one decodes it, and fails on a
// malformed one. values is where they go, as long as the questionnaire
// has questions.
func splitValues(body []byte, index *questionIndex, values []json.RawMessage) ([]json.RawMessage, error) {
	if splitObject(body, index, values) {
		return values, nil
	}
	clear(values)
	var answers survey.Answers
	if err := json.Unmarshal(body, &answers); err != nil {
		return nil, err
	}
	for key, v := range answers {
		if place, _, ok := index.find([]byte(key), 0); ok {
			values[place] = v
		}
	}
	return values, nil
}

// splitObject is splitValues' own reading: false when body is not an
// object of plain keys and delimited values.
func splitObject(body []byte, index *questionIndex, values []json.RawMessage) bool {
	i := skipSpace(body, 0)
	if i == len(body) || body[i] != '{' {
		return false
	}
	i = skipSpace(body, i+1)
	if i < len(body) && body[i] == '}' {
		return skipSpace(body, i+1) == len(body)
	}
	rank := 0 // of the key expected next
	for i < len(body) && body[i] == '"' {
		end := i + 1
		for end < len(body) && body[end] != '"' {
			if c := body[end]; c == '\\' || c < 0x20 || c >= 0x80 {
				return false // escaped or not ASCII: json.Unmarshal's to read
			}
			end++
		}
		if end == len(body) {
			return false
		}
		var (
			position int
			known    bool
		)
		position, rank, known = index.find(body[i+1:end], rank)
		if i = skipSpace(body, end+1); i == len(body) || body[i] != ':' {
			return false
		}
		start := skipSpace(body, i+1)
		if end = skipValue(body, start); end <= start {
			return false
		}
		if known {
			values[position] = json.RawMessage(body[start:end:end])
		}
		switch i = skipSpace(body, end); {
		case i < len(body) && body[i] == ',':
			i = skipSpace(body, i+1)
		case i < len(body) && body[i] == '}':
			return skipSpace(body, i+1) == len(body)
		default:
			return false
		}
	}
	return false
}

// skipSpace is the index of the first byte from i that is not JSON white
// space.
func skipSpace(body []byte, i int) int {
	for i < len(body) && isSpace(body[i]) {
		i++
	}
	return i
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// skipValue is the index just after the JSON value that starts at i: a
// string, an array or object (strings inside skipped whole, brackets
// counted), or a literal (up to the next delimiter); -1 when it does not
// end.
func skipValue(body []byte, i int) int {
	depth := 0
	for i < len(body) {
		switch c := body[i]; {
		case c == '"':
			if i = skipString(body, i); i < 0 || depth == 0 {
				return i
			}
		case c == '[' || c == '{':
			depth++
			i++
		case c == ']' || c == '}':
			if depth == 0 {
				return i // the end of the enclosing object
			}
			if depth--; depth == 0 {
				return i + 1
			}
			i++
		case depth == 0 && (c == ',' || isSpace(c)):
			return i
		default:
			i++
		}
	}
	if depth > 0 {
		return -1
	}
	return i
}

// skipString is the index just after the string that starts at i, escapes
// skipped; -1 when it does not end.
func skipString(body []byte, i int) int {
	for i++; i < len(body); i++ {
		switch body[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
	return -1
}
