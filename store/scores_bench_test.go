package store

import (
	"context"
	"fmt"
	"github.com/customs-survey/surveyd/auth"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/customs-survey/surveyd/internal/dbtest"
	"github.com/customs-survey/surveyd/scores"
	"github.com/customs-survey/surveyd/survey"
)

// benchSizes are the sizes of the campaigns the benchmarks score: 100,000
// responses, and 1,000,000 too when SURVEY_BENCH_MILLION is set (loading
// them takes minutes).
func benchSizes() []int {
	if os.Getenv("SURVEY_BENCH_MILLION") != "" {
		return []int{100_000, 1_000_000}
	}
	return []int{100_000}
}

// BenchmarkScores scores a campaign of 100,000 (and, opt-in, 1,000,000)
// submitted responses from 28 administrations on SQLite and PostgreSQL. It
// reports, per run, the milliseconds of a scores report (read from the
// score cells), of a plain SQL scan of the same answers written by hand
// (the baseline), and of the full computation from the answers (the
// aggregate scan, what surveyd rescore runs), with the ratio of the full
// computation to the baseline:
//
//	go test ./store -run '^$' -bench Scores -benchtime 5x
//	SURVEY_BENCH_MILLION=1 go test ./store -run '^$' -bench Scores -benchtime 3x -timeout 2h
//
// The questionnaire is testdata's customs_annual.json restricted to the
// indicators the baseline computes (five mean_score indicators by
// administration and one mean_value), without breakdowns, so that all do
// the same arithmetic. The responses are written by SQL, as data stored
// before the cells existed: the first report builds the cells (its time is
// logged).
func BenchmarkScores(b *testing.B) {
	for _, size := range benchSizes() {
		for _, dialect := range []string{"sqlite", "postgres"} {
			benchScores(b, dialect, size)
		}
	}
}

// benchScores seeds one campaign and runs the sub-benchmark of one database
// and size.
func benchScores(b *testing.B, dialect string, size int) {
	url := dbtest.SQLiteURL(b)
	if dialect == "postgres" {
		url = dbtest.PostgresURL(b)
	}
	ctx := context.Background()
	s, err := Open(ctx, url, Options{Migrate: true})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	start := time.Now()
	campaignID, doc := seedBenchCampaign(b, s, size)
	b.Logf("%s: seeded %d responses in %s", dialect, size, time.Since(start).Round(time.Millisecond))
	if dialect == "postgres" {
		// As autovacuum has long done for a campaign that grew over
		// weeks; left to itself now, it would run in the middle of the
		// measurements.
		if err := s.db.Exec("VACUUM ANALYZE responses, submissions, answers").Error; err != nil {
			b.Fatal(err)
		}
	}
	if err := s.db.Exec("INSERT INTO score_cells_unbuilt (campaign_id) VALUES (?)", campaignID).Error; err != nil {
		b.Fatal(err)
	}

	// The first report builds the cells; then every path must agree
	// before their speed means anything.
	start = time.Now()
	report, err := scores.New(s, time.Now).Report(ctx, auth.Operator(), "bench", "en")
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("%s: built the cells of %d responses in %s", dialect, size, time.Since(start).Round(time.Millisecond))
	baseline := baselineScores(b, s, campaignID)
	for _, r := range report.Indicators {
		if r.Value == nil || fmt.Sprintf("%.9f", *r.Value) != fmt.Sprintf("%.9f", baseline[r.Code]) {
			b.Fatalf("%s: service %v, baseline %v", r.Code, r.Value, baseline[r.Code])
		}
	}

	b.Run(fmt.Sprintf("%s/%d", dialect, size), func(b *testing.B) {
		var service, plain, full time.Duration
		b.ResetTimer()
		for range b.N {
			t0 := time.Now()
			if _, err := scores.New(s, time.Now).Report(ctx, auth.Operator(), "bench", "en"); err != nil {
				b.Fatal(err)
			}
			t1 := time.Now()
			baselineScores(b, s, campaignID)
			t2 := time.Now()
			if _, err := aggregate(s.scanDB, campaignID, doc); err != nil {
				b.Fatal(err)
			}
			service, plain, full = service+t1.Sub(t0), plain+t2.Sub(t1), full+time.Since(t2)
		}
		ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 / float64(b.N) }
		b.ReportMetric(ms(service), "ms/scores-read")
		b.ReportMetric(ms(plain), "ms/baseline-scan")
		b.ReportMetric(ms(full), "ms/full-scan")
		b.ReportMetric(float64(full)/float64(plain), "full/baseline")
		b.ReportMetric(0, "ns/op") // the figures above say it better
	})
}

// benchIndicators are the indicators of customs_annual.json that the
// baseline query computes.
var benchIndicators = map[string]bool{"OP 3.1": true, "RES 1.2": true, "RES 2.2.1": true, "RES 3.2.1": true, "RES 4.1": true, "OP 1.4.2": true}

// baselineScores is the hand-written query: one scan of the answers the
// full computation reads (those of the six questions), conditional
// aggregation per administration, then the mean of the administrations'
// means (and, for the rating, the mean over respondents).
func baselineScores(b *testing.B, s *Store, campaignID int64) map[string]float64 {
	b.Helper()
	var row struct {
		Awareness, Union, Cooperation, Performance, Innovation, RatingSum, RatingN float64
	}
	// Through the exports' pool, which maps the database file on SQLite,
	// as surveyd rescore's scan does (Store.whileMapped).
	err := s.scanDB.Raw(`
SELECT AVG(awareness) AS awareness, AVG(union_law) AS "union", AVG(cooperation) AS cooperation,
       AVG(performance) AS performance, AVG(innovation) AS innovation,
       SUM(rating_sum) AS rating_sum, SUM(rating_n) AS rating_n
FROM (
  SELECT r.administration_code,
    AVG(CASE WHEN a.question_key = 'awareness_level' THEN a.score END) AS awareness,
    AVG(CASE WHEN a.question_key = 'ees_union_law' THEN a.score END) AS union_law,
    AVG(CASE WHEN a.question_key = 'ees_cooperation' THEN a.score END) AS cooperation,
    AVG(CASE WHEN a.question_key = 'ees_perf' THEN a.score END) AS performance,
    AVG(CASE WHEN a.question_key = 'ees_innovation' THEN a.score END) AS innovation,
    SUM(CASE WHEN a.question_key = 'support_satisfaction' THEN a.number_value END) AS rating_sum,
    COUNT(CASE WHEN a.question_key = 'support_satisfaction' THEN a.number_value END) AS rating_n
  FROM responses r JOIN answers a ON a.submission_id = r.current_submission_id
    AND a.question_key IN ('awareness_level', 'ees_union_law', 'ees_cooperation', 'ees_perf', 'ees_innovation', 'support_satisfaction')
  WHERE r.campaign_id = ?
  GROUP BY r.administration_code
) per_administration`, campaignID).Scan(&row).Error
	if err != nil {
		b.Fatal(err)
	}
	return map[string]float64{"OP 3.1": row.Awareness, "RES 1.2": row.Union, "RES 2.2.1": row.Cooperation,
		"RES 3.2.1": row.Performance, "RES 4.1": row.Innovation, "OP 1.4.2": row.RatingSum / row.RatingN}
}

// seedBenchCampaign creates the campaign "bench" and generates its size
// responses inside the database (recursive CTEs, valid on both dialects),
// since inserting a million answer rows from Go would take longer than the
// benchmark itself. Answers cycle deterministically through the options,
// "don't know" included.
func seedBenchCampaign(b *testing.B, s *Store, size int) (int64, *survey.Document) {
	b.Helper()
	ctx := context.Background()
	raw, err := os.ReadFile("../testdata/questionnaires/customs_annual.json")
	if err != nil {
		b.Fatal(err)
	}
	doc, err := survey.ParseDocument(raw)
	if err != nil {
		b.Fatal(err)
	}
	var kept []survey.Indicator
	for _, ind := range doc.Indicators {
		if benchIndicators[ind.Code] {
			ind.Breakdown = nil
			kept = append(kept, ind)
		}
	}
	doc.Key, doc.Indicators = "bench", kept
	var codes []string
	for i := range 28 {
		code := fmt.Sprintf("AD%02d", i)
		codes = append(codes, code)
		if _, err := s.CreateAdministration(ctx, code, code); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := s.CreateQuestionnaire(ctx, "", doc); err != nil {
		b.Fatal(err)
	}
	if _, err := s.PublishQuestionnaire(ctx, "bench", 1); err != nil {
		b.Fatal(err)
	}
	if _, err := s.CreateCampaign(ctx, survey.NewCampaign{Key: "bench", Year: 2023, Questionnaire: "bench", Version: 1,
		OpensAt: time.Now().Add(-time.Hour), ClosesAt: time.Now().Add(time.Hour), Administrations: codes, MinCellSize: 5}); err != nil {
		b.Fatal(err)
	}
	c, err := s.campaignRow(s.db, survey.Everything, "bench")
	if err != nil {
		b.Fatal(err)
	}

	const ts = "'2024-02-01 10:00:00+00:00'"
	seq := fmt.Sprintf(`WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < %d) `, size)
	adm := `('AD' || CASE WHEN i % 28 < 10 THEN '0' ELSE '' END || (i % 28))`
	statements := []string{
		seq + `INSERT INTO users (id, email, password_hash, role, administration_code, password_changed_at, created_at)
		 SELECT 'u' || i, 'u' || i || '@bench.invalid', '!', 'respondent', ` + adm + `, ` + ts + `, ` + ts + ` FROM seq`,
		seq + `INSERT INTO responses (id, campaign_id, respondent_id, administration_code, revision, draft_answers, pending,
		   current_submission_id, first_submitted_at, created_at, updated_at)
		 SELECT 'r' || i, ` + fmt.Sprint(c.ID) + `, 'u' || i, ` + adm + `, 1, '{}', (1 = 0), 's' || i, ` + ts + `, ` + ts + `, ` + ts + ` FROM seq`,
		seq + `INSERT INTO submissions (id, response_id, revision, submitted_by, submitted_at, answers)
		 SELECT 's' || i, 'r' || i, 1, 'u' || i, ` + ts + `, '{}' FROM seq`,
	}
	// One statement per choice question: option k = f(i) among its
	// options, with the option's score (or the null-score flag).
	for qi, key := range []string{"awareness_level", "ees_perf", "ees_union_law", "ees_cooperation", "ees_innovation", "used_outputs", "networking_contacts"} {
		q := doc.Question(key)
		opts := doc.OptionsOf(q)
		pick := fmt.Sprintf("((i * %d + i / 7) %% %d)", 3+2*qi, len(opts))
		var option, score, null strings.Builder
		option.WriteString("CASE " + pick)
		score.WriteString("CASE " + pick + " WHEN -1 THEN CAST(NULL AS DOUBLE PRECISION)")
		null.WriteString("(" + pick + " IN (-1")
		for k, o := range opts {
			fmt.Fprintf(&option, " WHEN %d THEN '%s'", k, o.Key)
			if o.Score.Value != nil {
				fmt.Fprintf(&score, " WHEN %d THEN %g", k, *o.Score.Value)
			}
			if o.Score.IsNull() {
				fmt.Fprintf(&null, ", %d", k)
			}
		}
		option.WriteString(" END")
		score.WriteString(" ELSE NULL END")
		null.WriteString("))")
		statements = append(statements, seq+`INSERT INTO answers (submission_id, question_key, option_key, score, null_score)
		 SELECT 's' || i, '`+key+`', `+option.String()+`, `+score.String()+`, `+null.String()+` FROM seq`)
	}
	statements = append(statements, seq+`INSERT INTO answers (submission_id, question_key, number_value, null_score)
	 SELECT 's' || i, 'support_satisfaction', 1 + (i * 13 + i / 5) % 5, (1 = 0) FROM seq`)
	for _, stmt := range statements {
		if err := s.db.Exec(stmt).Error; err != nil {
			b.Fatalf("seed: %v\n%s", err, stmt)
		}
	}
	return c.ID, doc
}
