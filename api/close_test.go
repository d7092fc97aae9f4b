package api_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/customs-survey/surveyd/internal/dbtest"
)

// TestNothingCommitsAfterClose closes a campaign while its respondents save
// and submit as fast as they can. Once the close has answered, nothing more
// may commit: the responses export taken at once is final, and no
// respondent's response moves on afterwards.
func TestNothingCommitsAfterClose(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		e := newEnv(t, url)
		e.world()
		admin := e.tokens["admin"]
		const n = 12
		tokens := make([]string, n)
		for i := range tokens {
			email := fmt.Sprintf("load%02d@customs.example", i)
			e.must(http.StatusCreated, "POST", "/api/v1/users", admin,
				map[string]string{"email": email, "password": userPassword, "role": "respondent", "administration": "BE"})
			tokens[i] = e.login(email, userPassword)
			e.must(http.StatusOK, "PUT", responsePath, tokens[i], map[string]any{"answers": fullAnswers()})
		}

		// Each respondent saves and submits until the campaign refuses.
		var acknowledged atomic.Int64
		started := make(chan struct{})
		var once sync.Once
		var wg sync.WaitGroup
		for i, tok := range tokens {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for round := 0; ; round++ {
					var res result
					if round%2 == 0 {
						res = e.request("POST", responsePath+"/submit", tok, nil)
					} else {
						res = e.request("PUT", responsePath, tok, map[string]any{"answers": with(fullAnswers(), "staff_trained", i*1000+round)})
					}
					switch res.Status {
					case http.StatusOK:
						if acknowledged.Add(1) >= 2*n {
							once.Do(func() { close(started) })
						}
					case http.StatusConflict:
						return // closed
					default:
						t.Errorf("respondent %d: status %d: %s", i, res.Status, res.Body)
						return
					}
				}
			}()
		}
		<-started
		e.must(http.StatusOK, "POST", "/api/v1/campaigns/customs-2023/close", admin, nil)

		// Right after the close: the export and every response's revision.
		atClose := e.request("GET", "/api/v1/campaigns/customs-2023/responses", admin, nil)
		revisions := make([]any, n)
		for i, tok := range tokens {
			revisions[i] = e.must(http.StatusOK, "GET", responsePath, tok, nil)["revision"]
		}
		wg.Wait()

		later := e.request("GET", "/api/v1/campaigns/customs-2023/responses", admin, nil)
		if atClose.Status != http.StatusOK || later.Status != http.StatusOK {
			t.Fatalf("exports: %d, %d", atClose.Status, later.Status)
		}
		if !sameJSON(t, atClose.Body, later.Body) {
			t.Errorf("the export taken right after the close differs from a later one: a submission committed after the close answered\nat close: %s\nlater:    %s",
				atClose.Body, later.Body)
		}
		for i, tok := range tokens {
			if got := e.must(http.StatusOK, "GET", responsePath, tok, nil)["revision"]; got != revisions[i] {
				t.Errorf("respondent %d: revision %v after the close answered, %v later", i, revisions[i], got)
			}
		}
		t.Logf("%d saves and submits acknowledged before the close", acknowledged.Load())
	})
}

// sameJSON compares two JSON documents by value.
func sameJSON(t *testing.T, a, b []byte) bool {
	t.Helper()
	var x, y any
	if err := json.Unmarshal(a, &x); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	if err := json.Unmarshal(b, &y); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	xs, _ := json.Marshal(x)
	ys, _ := json.Marshal(y)
	return string(xs) == string(ys)
}
