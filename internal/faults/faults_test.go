package faults

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/customs-survey/surveyd/internal/dbtest"
)

// ack is a submission the server confirmed with a 2xx.
type ack struct {
	revision int
	value    int // the staff_trained answer it carried
}

// TestAcknowledgedSubmissionsSurviveSIGKILL submits from many respondents at
// once, kills the server with SIGKILL in the middle, restarts it on the same
// database and checks that every submission answered 2xx is there, intact.
func TestAcknowledgedSubmissionsSurviveSIGKILL(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		s := start(t, url)
		s.waitFor("/readyz", 200, 30*time.Second)
		admin, tokens := s.world(16)

		acks := make([][]ack, len(tokens))
		inFlight := make([]atomic.Bool, len(tokens))
		var stop atomic.Bool
		var wg sync.WaitGroup
		var submitted atomic.Int64
		for w, token := range tokens {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 1; !stop.Load(); i++ {
					inFlight[w].Store(true)
					put := s.call("PUT", "/api/v1/campaigns/c-2023/response", token, answers(i))
					if put.err != nil || put.status != 200 {
						return // the server is gone
					}
					sub := s.call("POST", "/api/v1/campaigns/c-2023/response/submit", token, nil)
					if sub.err != nil || sub.status != 200 {
						return
					}
					inFlight[w].Store(false)
					acks[w] = append(acks[w], ack{revision: int(sub.body["revision"].(float64)), value: i})
					submitted.Add(1)
				}
			}()
		}
		// Kill once the load is well under way.
		deadline := time.Now().Add(20 * time.Second)
		for submitted.Load() < 100 && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
		s.kill()
		stop.Store(true)
		wg.Wait()
		t.Logf("killed after %d acknowledged submissions", submitted.Load())
		if submitted.Load() == 0 {
			t.Fatal("no submission was acknowledged before the kill")
		}

		s = start(t, url)
		s.waitFor("/readyz", 200, 30*time.Second)
		latest := map[string]float64{}
		for _, row := range s.exportJSON(admin) {
			latest[row.id] = row.staffTrained
		}
		for w, token := range tokens {
			if len(acks[w]) == 0 {
				continue
			}
			got := s.must(200, "GET", "/api/v1/campaigns/c-2023/response", token, nil)
			revisions := map[int]bool{}
			for _, rev := range s.submissionHistory(token, "c-2023") {
				revisions[rev] = true
			}
			for _, a := range acks[w] {
				if !revisions[a.revision] {
					t.Errorf("respondent %d: acknowledged submission revision %d is lost", w, a.revision)
				}
			}
			last := acks[w][len(acks[w])-1]
			maxRevision := 0
			for r := range revisions {
				maxRevision = max(maxRevision, r)
			}
			switch {
			case maxRevision == last.revision:
				// Nothing newer was submitted: the submitted answers are
				// exactly the acknowledged ones.
				if v, ok := latest[got["id"].(string)]; !ok || int(v) != last.value {
					t.Errorf("respondent %d: latest submission carries %v, want %d", w, v, last.value)
				}
			case !inFlight[w].Load():
				t.Errorf("respondent %d: revision %d exists beyond the last acknowledged %d with no request in flight", w, maxRevision, last.revision)
			}
		}
	})
}

type exportedRow struct {
	id           string
	staffTrained float64
}

// exportJSON reads the JSON export of submitted responses.
func (s *server) exportJSON(token string) []exportedRow {
	s.t.Helper()
	var rows []map[string]any // response_id, administration, submitted_at, then one member per question
	s.getJSON("/api/v1/campaigns/c-2023/responses?format=json", token, &rows)
	out := make([]exportedRow, len(rows))
	for i, r := range rows {
		id, _ := r["response_id"].(string)
		v, _ := r["staff_trained"].(float64)
		out[i] = exportedRow{id: id, staffTrained: v}
	}
	return out
}

// TestPostgresOutageUnderLoad stops PostgreSQL under load and starts it
// again: meanwhile the service answers 503 problems (never a 500), /readyz
// says 503, and afterwards it recovers by itself, without a restart.
func TestPostgresOutageUnderLoad(t *testing.T) {
	cluster := dbtest.NewCluster(t)
	s := start(t, cluster.URL())
	s.waitFor("/readyz", 200, 30*time.Second)
	admin, tokens := s.world(4)

	var mu sync.Mutex
	counts := map[int]int{}
	var stop atomic.Bool
	var wg sync.WaitGroup
	for w, token := range tokens {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; !stop.Load(); i++ {
				a := s.call("PUT", "/api/v1/campaigns/c-2023/response", token, answers(w*100000+i))
				mu.Lock()
				counts[a.status]++
				mu.Unlock()
				if a.err == nil && a.status >= 500 && !isProblem(a) {
					t.Errorf("status %d without a problem document", a.status)
				}
				time.Sleep(5 * time.Millisecond)
			}
		}()
	}
	time.Sleep(500 * time.Millisecond)
	cluster.Stop(t)
	s.waitFor("/readyz", 503, 10*time.Second)
	if a := s.call("GET", "/api/v1/campaigns", admin, nil); a.status != 503 || !isProblem(a) {
		t.Errorf("during the outage: %d %v, want a 503 problem", a.status, a.body)
	}
	time.Sleep(time.Second)
	cluster.Start(t)
	s.waitFor("/readyz", 200, 30*time.Second)
	deadline := time.Now().Add(15 * time.Second)
	for {
		if a := s.call("PUT", "/api/v1/campaigns/c-2023/response", tokens[0], answers(7)); a.status == 200 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the service did not recover after PostgreSQL came back")
		}
		time.Sleep(100 * time.Millisecond)
	}
	stop.Store(true)
	wg.Wait()
	t.Logf("answers during the run: %v", counts)
	if counts[500] > 0 {
		t.Errorf("%d answers were 500 internal errors; an outage must answer 503", counts[500])
	}
	if counts[503] == 0 {
		t.Errorf("no 503 during the outage: %v", counts)
	}
}

// TestStartsBeforeItsDatabase starts the service while PostgreSQL is down:
// it is alive (/healthz) but not ready, answers 503, and becomes ready by
// itself once the database appears.
func TestStartsBeforeItsDatabase(t *testing.T) {
	cluster := dbtest.NewCluster(t)
	cluster.Stop(t)
	s := start(t, cluster.URL())
	s.waitFor("/readyz", 503, 5*time.Second)
	if a := s.call("POST", "/api/v1/auth/login", "", map[string]string{"email": adminEmail, "password": adminPassword}); a.status != 503 || !isProblem(a) {
		t.Errorf("before the database: %d, want a 503 problem", a.status)
	}
	cluster.Start(t)
	s.waitFor("/readyz", 200, 30*time.Second)
	s.login(adminEmail, adminPassword)
}
