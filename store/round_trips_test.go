package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/customs-survey/surveyd/auth"
	"github.com/customs-survey/surveyd/internal/dbtest"
	"github.com/customs-survey/surveyd/responding"
	"github.com/customs-survey/surveyd/survey"
)

// statementLog records the statements the store sends to PostgreSQL, one
// per round trip (BEGIN and COMMIT included), through pgx's tracer.
type statementLog struct {
	mu   sync.Mutex
	sent []string
}

func (l *statementLog) TraceQueryStart(ctx context.Context, _ *pgx.Conn, data pgx.TraceQueryStartData) context.Context {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.sent = append(l.sent, strings.Join(strings.Fields(data.SQL), " "))
	return ctx
}

func (*statementLog) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

// take returns the statements sent since the last call.
func (l *statementLog) take() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	sent := l.sent
	l.sent = nil
	return sent
}

// TestChangeRoundTrips counts the statements a save and a submission
// send to PostgreSQL. Each is a round trip that both the service and the
// server pay for, and under 32 respondents at once on two cores they,
// not the work inside them, bound the submissions per second. A
// save or a submission of an existing response is one conditional write,
// with no transaction around it (SaveResponse, SubmitResponse), decided on
// the state the process's last change of the response left
// (kept_changes.go): a save's writes the working copy, a submission's the
// submission, its answers, the response and the score cells. Without a
// kept state, one read of everything the change is decided on (campaign,
// response, its submissions) comes first, without locks. A first save
// reads, and its write creates the response. A submission reads no answer
// rows: those it takes away from the score cells are the ones the process
// wrote (submission_lists.go). The audit event of each change is written
// by the change's own write (survey.PendingAudit). A submission of a
// response never saved is made in a transaction: its BEGIN and COMMIT, the
// read under locks, the response, then the submission, its answers and
// the replaced answers in one statement, and its score cells in another.
func TestChangeRoundTrips(t *testing.T) {
	ctx := context.Background()
	s, trace := openTraced(t, dbtest.PostgresURL(t))
	p := seedOpenCampaign(t, s)
	answers := annualAnswers()
	r := responding.New(s, time.Now)
	// The first save also reads the questionnaire, once per process.
	steps := []struct {
		name string
		do   func() error
		max  int
	}{
		{"first save", func() error { _, err := r.SaveDraft(ctx, p, "c-2023", answers, nil); return err }, 3},
		{"save", func() error { _, err := r.SaveDraft(ctx, p, "c-2023", answers, nil); return err }, 1},
		{"first submission", func() error { _, err := r.Submit(ctx, p, "c-2023", nil); return err }, 1},
		{"save after submission", func() error { _, err := r.SaveDraft(ctx, p, "c-2023", answers, nil); return err }, 1},
		{"amendment", func() error { _, err := r.Submit(ctx, p, "c-2023", nil); return err }, 1},
		{"save after a read", func() error {
			s.dropChange("c-2023", p.UserID)
			_, err := r.SaveDraft(ctx, p, "c-2023", answers, nil)
			return err
		}, 2},
		{"amendment after a read", func() error {
			s.dropChange("c-2023", p.UserID)
			_, err := r.Submit(ctx, p, "c-2023", nil)
			return err
		}, 2},
	}
	for i, step := range steps {
		trace.take()
		pending := &survey.PendingAudit{Event: survey.AuditEvent{ActorID: p.UserID, ActorRole: string(p.Role),
			Action: "response.change", Target: "key=c-2023", Status: 200, RequestID: step.name}}
		ctx = survey.WithPendingAudit(context.Background(), pending)
		if err := step.do(); err != nil {
			t.Fatalf("%s: %v", step.name, err)
		}
		sent := trace.take()
		var events []survey.AuditEvent
		if err := s.db.Raw("SELECT request_id, actor_email FROM audit_events ORDER BY id").Scan(&events).Error; err != nil {
			t.Fatal(err)
		}
		if !pending.Written || len(events) != i+1 || events[i].RequestID != step.name || events[i].ActorEmail != "r@be.example" {
			t.Errorf("%s: event written %v; events %+v, want one more, by r@be.example", step.name, pending.Written, events)
		}
		if len(sent) > step.max {
			t.Errorf("%s: %d statements, want at most %d:\n%s", step.name, len(sent), step.max, strings.Join(sent, "\n"))
		}
		for _, q := range sent {
			if strings.Contains(q, "FROM answers") {
				t.Errorf("%s: reads answer rows:\n%s", step.name, q)
			}
		}
	}
}

// openTraced opens a store on url whose statements to PostgreSQL trace
// records.
func openTraced(t testing.TB, url string) (s *Store, trace *statementLog) {
	t.Helper()
	trace = &statementLog{}
	s, err := Open(context.Background(), url, Options{Migrate: true, tracer: trace})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, trace
}

// seedOpenCampaign opens the campaign c-2023 of customs_annual.json for BE
// in s, and returns a respondent of BE.
func seedOpenCampaign(t testing.TB, s *Store) auth.Principal {
	t.Helper()
	return openCampaignIn(t, s, readTestdata(t, "../testdata/questionnaires/customs_annual.json"))
}

// TestChangeThatWaitedSeesTheSubmissionBeforeIt: a change of a response
// that waits for the response's lock while another change submits it
// answers with that submission in its list. On PostgreSQL the list is read
// in the same statement as the response, in a snapshot taken before the
// wait; the response then read is the other change's, and so must the
// list be. So it must when the list the process kept is read instead.
func TestChangeThatWaitedSeesTheSubmissionBeforeIt(t *testing.T) {
	for _, listKept := range []bool{false, true} {
		t.Run(map[bool]string{false: "list read with the response", true: "list kept"}[listKept], func(t *testing.T) {
			testChangeThatWaited(t, listKept)
		})
	}
}

func testChangeThatWaited(t *testing.T, listKept bool) {
	s, p := openCampaign(t, dbtest.PostgresURL(t))
	ctx := context.Background()
	who := survey.Respondent{ID: p.UserID, Administration: p.Administration}
	sc := survey.Scope{Administration: p.Administration, HideDrafts: true}
	answers := survey.Answers{
		"awareness_level": raw(`"basic"`), "ees_perf": raw(`"dont_know"`), "ees_union_law": raw(`"full"`),
		"ees_cooperation": raw(`"none"`), "ees_innovation": raw(`"little"`), "used_outputs": raw(`"yes"`),
	}
	doc, err := survey.ParseDocument(readTestdata(t, "../testdata/questionnaires/customs_annual.json"))
	if err != nil {
		t.Fatal(err)
	}
	kept, rows, err := survey.PrepareSubmission(doc, answers)
	if err != nil {
		t.Fatal(err)
	}
	submit := func(survey.ResponseState) (survey.ResponseChange, error) {
		return survey.ResponseChange{Answers: kept, Submit: true, Rows: rows}, nil
	}
	if _, err := s.ChangeResponse(ctx, sc, "c-2023", who, submit); err != nil {
		t.Fatal(err)
	}
	if !listKept {
		s.lists = newBoundedCache[listKey, keptList](submissionListsSize)
	}
	if list, _ := s.keepsSubmissions("c-2023", who.ID); list != listKept {
		t.Fatalf("a list kept: %v, want %v", !listKept, listKept)
	}

	// The first change holds the response's lock until release is closed.
	locked, release := make(chan struct{}), make(chan struct{})
	first := make(chan error, 1)
	go func() {
		_, err := s.ChangeResponse(ctx, sc, "c-2023", who, func(st survey.ResponseState) (survey.ResponseChange, error) {
			close(locked)
			<-release
			return submit(st)
		})
		first <- err
	}()
	<-locked
	second := make(chan survey.Response, 1)
	go func() {
		r, err := s.ChangeResponse(ctx, sc, "c-2023", who, func(survey.ResponseState) (survey.ResponseChange, error) {
			return survey.ResponseChange{Answers: kept}, nil
		})
		if err != nil {
			t.Error(err)
		}
		second <- r
	}()
	// Until the second change waits for the response's lock.
	for waiting := false; !waiting; {
		if err := s.db.Raw(`SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE datname = current_database()
  AND wait_event_type = 'Lock')`).Scan(&waiting).Error; err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Millisecond)
	}
	close(release)
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	r := <-second
	if len(r.Submissions) != 2 || r.Revision != 3 {
		t.Fatalf("the change after a submission: revision %d, %d submissions %v; want revision 3 and 2 submissions",
			r.Revision, len(r.Submissions), r.Submissions)
	}
	got, _, err := s.Response(ctx, sc, "c-2023", p.UserID)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got.Submissions, r.Submissions) {
		t.Errorf("the change answered submissions %v, the response has %v", r.Submissions, got.Submissions)
	}
}

// TestParseSubmissions reads the list of submissions changeQuery
// aggregates, and refuses one it cannot read whole.
func TestParseSubmissions(t *testing.T) {
	at := time.Date(2026, 3, 1, 9, 30, 0, 123456000, time.UTC)
	for _, tt := range []struct {
		list string
		want []survey.Submission
		err  bool
	}{
		{list: "", want: nil},
		{list: fmt.Sprintf("s1 2 u1 %d", at.UnixMicro()), want: []survey.Submission{{ID: "s1", Revision: 2, SubmittedBy: "u1", SubmittedAt: at}}},
		{list: fmt.Sprintf("s1 2 u1 %d s2 5 u2 %d", at.UnixMicro(), at.UnixMicro()+1), want: []survey.Submission{
			{ID: "s1", Revision: 2, SubmittedBy: "u1", SubmittedAt: at},
			{ID: "s2", Revision: 5, SubmittedBy: "u2", SubmittedAt: at.Add(time.Microsecond)}}},
		{list: "s1 2 u1", err: true},
		{list: "s1 two u1 1", err: true},
		{list: "s1 2 u1 soon", err: true},
	} {
		got, err := parseSubmissions(tt.list)
		if (err != nil) != tt.err || !slices.Equal(got, tt.want) {
			t.Errorf("parseSubmissions(%q) = %v, %v; want %v, error %v", tt.list, got, err, tt.want, tt.err)
		}
	}
}

// TestChangeListsSubmissionsItCannotParse: a list of submissions that
// parseSubmissions cannot read (here, a submitter whose id has a space,
// which the service never makes) is read again row by row.
func TestChangeListsSubmissionsItCannotParse(t *testing.T) {
	s, p := openCampaign(t, dbtest.PostgresURL(t))
	ctx := context.Background()
	u, err := s.CreateUser(ctx, survey.NewAccount{Email: "spaces@be.example", PasswordHash: auth.NoPassword,
		Role: string(auth.RoleRespondent), Administration: p.Administration})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.db.Exec("UPDATE users SET id = ? WHERE id = ?", "an id with spaces", u.ID).Error; err != nil {
		t.Fatal(err)
	}
	p.UserID = "an id with spaces"
	answers := survey.Answers{
		"awareness_level": raw(`"basic"`), "ees_perf": raw(`"dont_know"`), "ees_union_law": raw(`"full"`),
		"ees_cooperation": raw(`"none"`), "ees_innovation": raw(`"little"`), "used_outputs": raw(`"yes"`),
	}
	r := responding.New(s, time.Now)
	for range 2 {
		if _, err := r.SaveDraft(ctx, p, "c-2023", answers, nil); err != nil {
			t.Fatal(err)
		}
		if _, err := r.Submit(ctx, p, "c-2023", nil); err != nil {
			t.Fatal(err)
		}
	}
	got, err := r.SaveDraft(ctx, p, "c-2023", answers, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Submissions) != 2 || got.Submissions[1].SubmittedBy != p.UserID {
		t.Errorf("submissions %v, want 2 by %q", got.Submissions, p.UserID)
	}
}

// TestExportBatchRoundTrips counts the statements a batch of the responses
// export sends to PostgreSQL: its transaction's BEGIN and COMMIT, one for
// both planner settings (exportSettings), and the batch's query.
func TestExportBatchRoundTrips(t *testing.T) {
	s, trace := openTraced(t, dbtest.PostgresURL(t))
	_, doc, _ := seedExportCampaign(t, s, 250) // a batch of 100, then one of 150
	trace.take()
	if err := s.EachSubmittedBatch(context.Background(), survey.Everything, doc.Key, func([]survey.ExportedResponse) error { return nil }); err != nil {
		t.Fatal(err)
	}
	sent := trace.take()
	batches := 0
	for _, q := range sent {
		if strings.Contains(q, "JOIN submissions sub ON sub.id = r.current_submission_id") {
			batches++
		}
	}
	// Before the batches: the campaign, and its questionnaire when the
	// process has not read it yet.
	if batches != 2 || len(sent) > 2+4*batches {
		t.Errorf("%d statements for %d batches, want 2 batches of at most 4 statements each, after at most 2:\n%s",
			len(sent), batches, strings.Join(sent, "\n"))
	}
}
