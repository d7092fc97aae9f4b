package store

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand"
	"runtime"
	"runtime/metrics"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/customs-survey/surveyd/exports"
	"github.com/customs-survey/surveyd/internal/dbtest"
	"github.com/customs-survey/surveyd/internal/gcconfig"
	"github.com/customs-survey/surveyd/survey"
)

// BenchmarkExport exports a campaign of 100,000 (and, opt-in with
// SURVEY_BENCH_MILLION, 1,000,000) submitted responses of a 30-question
// questionnaire, on SQLite and PostgreSQL, in CSV and JSON, to a writer
// that discards them, as the responses export does (EachSubmittedBatch
// into exports.Responses). Beside it, in the same run, the baseline: the
// same rows read by one plain query, scanned into reused variables and
// written to io.Discard. Each reports responses/s and the peak of the heap
// in use during the run (sampled every millisecond): a flat export keeps
// the same peak at 100,000 and 1,000,000 responses. The collector runs
// as surveyd serve runs it (gcconfig), unless GOGC is set:
//
//	go test ./store -run '^$' -bench Export -benchtime 3x
//	SURVEY_BENCH_MILLION=1 go test ./store -run '^$' -bench Export -benchtime 2x -timeout 2h
func BenchmarkExport(b *testing.B) {
	defer gcconfig.AsServed()()
	for _, size := range benchSizes() {
		for _, dialect := range []string{"sqlite", "postgres"} {
			b.Run(fmt.Sprintf("%s/%d", dialect, size), func(b *testing.B) { benchExport(b, dialect, size) })
		}
	}
}

// benchExport seeds one campaign and runs the sub-benchmarks of one
// database and size: the baseline, then each format.
func benchExport(b *testing.B, dialect string, size int) {
	s := openCells(b, benchURL(b, dialect)).s
	start := time.Now()
	campaignID, doc, bytes := seedExportCampaign(b, s, size)
	b.Logf("seeded %d responses (%d bytes of answers on average) in %s", size, bytes,
		time.Since(start).Round(time.Millisecond))
	if dialect == "postgres" {
		// As autovacuum has long done for a campaign that grew over
		// weeks; left to itself now, it would vacuum the new rows in
		// the middle of the measurements.
		start = time.Now()
		if err := s.db.Exec("VACUUM ANALYZE responses, submissions").Error; err != nil {
			b.Fatal(err)
		}
		b.Logf("vacuumed and analysed in %s", time.Since(start).Round(time.Millisecond))
	}
	ctx := context.Background()
	run := func(name string, export func() (int, error)) {
		b.Run(name, func(b *testing.B) {
			var peak uint64
			rows := 0
			b.ResetTimer()
			for range b.N {
				runtime.GC()
				stop := sampleHeap()
				n, err := export()
				peak = max(peak, stop())
				if err != nil {
					b.Fatal(err)
				}
				if n != size {
					b.Fatalf("%d responses exported, want %d", n, size)
				}
				rows += n
			}
			b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "responses/s")
			b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
			b.ReportMetric(0, "ns/op") // the figures above say it better
		})
	}
	run("baseline", func() (int, error) { return baselineExport(s, campaignID) })
	for _, format := range []exports.Format{exports.CSV, exports.JSON} {
		run(string(format), func() (int, error) {
			out, err := exports.NewResponses(discard{}, format, doc)
			if err != nil {
				return 0, err
			}
			defer out.Close()
			if err := s.EachSubmittedBatch(ctx, survey.Everything, doc.Key, out.Write); err != nil {
				return 0, err
			}
			return out.Rows(), out.Finish()
		})
	}
}

// benchURL is a new database of the dialect.
func benchURL(b *testing.B, dialect string) string {
	if dialect == "postgres" {
		return dbtest.PostgresURL(b)
	}
	return dbtest.SQLiteURL(b)
}

// discard is a client that reads everything at once.
type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
func (discard) Flush() error                { return nil }

// sampleHeap samples the bytes of live and not yet swept heap objects every
// millisecond until the returned function is called, which returns the
// largest sample.
func sampleHeap() func() uint64 {
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	read := func() uint64 {
		metrics.Read(sample)
		return sample[0].Value.Uint64()
	}
	var peak uint64
	done, stopped := make(chan struct{}), make(chan struct{})
	var once sync.Once
	go func() {
		defer close(stopped)
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for {
			peak = max(peak, read())
			select {
			case <-done:
				return
			case <-tick.C:
			}
		}
	}()
	return func() uint64 {
		once.Do(func() { close(done) })
		<-stopped
		return max(peak, read())
	}
}

// baselineExport reads the export's rows with one plain query, in the
// export's order, scanned into reused variables, and writes them to
// io.Discard: what the database and its driver cost, whatever the service
// does with the rows.
func baselineExport(s *Store, campaignID int64) (int, error) {
	sqlDB, err := s.scanDB.DB() // as the exports read: on SQLite, through the map of their pool
	if err != nil {
		return 0, err
	}
	query := `SELECT r.id, r.administration_code, sub.submitted_at, sub.answers
FROM responses r JOIN submissions sub ON sub.id = r.current_submission_id
WHERE r.campaign_id = ` + fmt.Sprint(campaignID) + ` ORDER BY r.administration_code, r.id`
	rows, err := sqlDB.Query(query)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	var id, administration string
	var answers []byte
	var at time.Time
	n := 0
	for rows.Next() {
		if err := rows.Scan(&id, &administration, &at, &answers); err != nil {
			return n, err
		}
		io.WriteString(io.Discard, id)
		io.WriteString(io.Discard, administration)
		io.Discard.Write(answers)
		n++
	}
	return n, rows.Err()
}

// exportQuestions is the questionnaire of the benchmark: 30 questions, as
// many as a large survey of the programme, of every type.
func exportQuestionnaire(b testing.TB) *survey.Document {
	var questions []string
	for i := range 30 {
		q := fmt.Sprintf(`{"key": "q%02d", "text": {"en": "Question %d"}, `, i, i)
		switch {
		case i < 22:
			q += `"type": "single_choice", "options_ref": "contribution5"}`
		case i < 25:
			q += `"type": "multi_choice", "options": [{"key": "a", "label": {"en": "A"}}, {"key": "b", "label": {"en": "B"}},
			 {"key": "c", "label": {"en": "C"}}, {"key": "d", "label": {"en": "D"}}]}`
		case i < 28:
			q += `"type": "number", "min": 0, "max": 1000}`
		default:
			q += `"type": "text", "max_length": 500}`
		}
		questions = append(questions, q)
	}
	var options []string
	for k, key := range []string{"none", "little", "moderate", "large", "full"} {
		options = append(options, fmt.Sprintf(`{"key": %q, "label": {"en": %q}, "score": %d}`, key, key, 25*k))
	}
	raw := `{"key": "exportbench", "default_language": "en", "title": {"en": "Export benchmark"},
	 "option_sets": {"contribution5": [` + strings.Join(options, ", ") + `]},
	 "sections": [{"key": "all", "title": {"en": "All"}, "questions": [` + strings.Join(questions, ",\n") + `]}]}`
	doc, err := survey.ParseDocument([]byte(raw))
	if err != nil {
		b.Fatalf("questionnaire: %v", err)
	}
	return doc
}

// exportAnswers are answers to every question of doc, drawn by rng: texts
// of 20 to 200 characters, some with commas, quotes, line breaks and a
// leading "=" (what CSV quotes and SafeCell neutralises).
func exportAnswers(rng *rand.Rand, doc *survey.Document) survey.Answers {
	answers := survey.Answers{}
	for _, q := range doc.Questions() {
		var v any
		options := doc.OptionsOf(q)
		switch q.Type {
		case survey.TypeSingleChoice:
			v = options[rng.Intn(len(options))].Key
		case survey.TypeMultiChoice:
			v = []string{options[3].Key, options[rng.Intn(3)].Key}
		case survey.TypeNumber:
			v = json.Number(fmt.Sprintf("%d.%d", rng.Intn(1000), rng.Intn(10)))
		default:
			var t strings.Builder
			for t.Len() < 20+rng.Intn(180) {
				t.WriteString([]string{"the ", "programme ", "helped, ", `"really" `, "customs\n", "=sum "}[rng.Intn(6)])
			}
			v = strings.TrimSpace(t.String())
		}
		answers[q.Key], _ = json.Marshal(v)
	}
	return answers
}

// seedExportCampaign creates the campaign "exportbench" of
// exportQuestionnaire and its size submitted responses, from 4
// administrations, inside the database (recursive CTEs), each submission
// with one of 64 answer bodies drawn once. It returns the campaign's id,
// its document and the average length of the bodies.
func seedExportCampaign(b testing.TB, s *Store, size int) (int64, *survey.Document, int) {
	ctx := context.Background()
	doc := exportQuestionnaire(b)
	codes := []string{"EA", "EB", "EC", "ED"}
	for _, code := range codes {
		if _, err := s.CreateAdministration(ctx, code, code); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := s.CreateQuestionnaire(ctx, "", doc); err != nil {
		b.Fatal(err)
	}
	if _, err := s.PublishQuestionnaire(ctx, doc.Key, 1); err != nil {
		b.Fatal(err)
	}
	if _, err := s.CreateCampaign(ctx, survey.NewCampaign{Key: doc.Key, Year: 2024, Questionnaire: doc.Key, Version: 1,
		OpensAt: time.Now().Add(-time.Hour), ClosesAt: time.Now().Add(time.Hour), Administrations: codes, MinCellSize: 5}); err != nil {
		b.Fatal(err)
	}
	c, err := s.campaignRow(s.db, survey.Everything, doc.Key)
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewSource(1))
	var body strings.Builder
	body.WriteString("CASE i % 64")
	total := 0
	for k := range 64 {
		raw, err := json.Marshal(exportAnswers(rng, doc))
		if err != nil {
			b.Fatal(err)
		}
		total += len(raw)
		fmt.Fprintf(&body, " WHEN %d THEN '%s'", k, strings.ReplaceAll(string(raw), "'", "''"))
	}
	body.WriteString(" END")
	// Submission times differ by a second and keep their microseconds.
	at := `'2024-02-01 10:00:00.123456+00:00'`
	adm := `('E' || CASE i % 4 WHEN 0 THEN 'A' WHEN 1 THEN 'B' WHEN 2 THEN 'C' ELSE 'D' END)`
	seq := fmt.Sprintf(`WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < %d) `, size)
	for _, stmt := range []string{
		seq + `INSERT INTO users (id, email, password_hash, role, administration_code, password_changed_at, created_at)
		 SELECT 'x' || i, 'x' || i || '@bench.invalid', '!', 'respondent', ` + adm + `, ` + at + `, ` + at + ` FROM seq`,
		seq + `INSERT INTO responses (id, campaign_id, respondent_id, administration_code, revision, draft_answers, pending,
		   current_submission_id, first_submitted_at, created_at, updated_at)
		 SELECT 'xr' || i, ` + fmt.Sprint(c.ID) + `, 'x' || i, ` + adm + `, 1, '{}', (1 = 0), 'xs' || i, ` + at + `, ` + at + `, ` + at + ` FROM seq`,
		seq + `INSERT INTO submissions (id, response_id, revision, submitted_by, submitted_at, answers)
		 SELECT 'xs' || i, 'xr' || i, 1, 'x' || i, ` + at + `, ` + body.String() + ` FROM seq`,
	} {
		if err := s.db.Exec(stmt).Error; err != nil {
			b.Fatalf("seed: %v", err)
		}
	}
	return c.ID, doc, total / 64
}
