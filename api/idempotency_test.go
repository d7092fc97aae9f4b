package api_test

import (
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/customs-survey/surveyd/auth"
	"github.com/customs-survey/surveyd/internal/dbtest"
)

// secondProcess serves the same database through another store and router,
// as a second surveyd process behind a load balancer would.
func (e *env) secondProcess(url string) *env {
	e.t.Helper()
	other := &env{t: e.t, tokens: e.tokens}
	other.store, other.handler = newInstance(e.t, url, auth.DefaultThrottle, e.now, 0)
	return other
}

func TestIdempotencyKey(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		e := newEnv(t, url)
		e.world()
		admin := e.tokens["admin"]
		other := e.secondProcess(url)
		pt := map[string]string{"code": "PT", "name": "Portugal"}

		first := e.request("POST", "/api/v1/administrations", admin, pt, "Idempotency-Key", "create-pt")
		if first.Status != 201 || first.Header.Get("Idempotent-Replayed") != "" {
			t.Fatalf("first: %d %v", first.Status, first.Header)
		}
		// The retry reaches the other process: same answer, nothing done twice.
		retry := other.request("POST", "/api/v1/administrations", admin, pt, "Idempotency-Key", "create-pt")
		if retry.Status != 201 || string(retry.Body) != string(first.Body) || retry.Header.Get("Idempotent-Replayed") != "true" ||
			retry.Header.Get("Location") != first.Header.Get("Location") {
			t.Fatalf("retry: %d %s %v", retry.Status, retry.Body, retry.Header)
		}
		// The same key with another body is refused, and creates nothing.
		res := e.request("POST", "/api/v1/administrations", admin, map[string]string{"code": "ES", "name": "Spain"}, "Idempotency-Key", "create-pt")
		if got := problemFields(t, res); res.Status != 422 || !slices.Equal(got, []string{"Idempotency-Key:idempotency_key_reused"}) {
			t.Fatalf("other body: %d %v", res.Status, got)
		}
		e.must(404, "GET", "/api/v1/administrations/ES", admin, nil)
		// Without the header a repeat is a plain duplicate.
		e.must(409, "POST", "/api/v1/administrations", admin, pt)
		// Refusals are replayed too: the answer was decided.
		e.must(409, "POST", "/api/v1/administrations", admin, pt, "Idempotency-Key", "again-pt")
		e.must(409, "POST", "/api/v1/administrations", admin, pt, "Idempotency-Key", "again-pt")
		// Keys belong to their user: another admin's same key is separate.
		e.must(422, "POST", "/api/v1/administrations", admin, map[string]string{"code": "x"}, "Idempotency-Key", "mine")
		e.must(201, "POST", "/api/v1/users", admin, map[string]string{"email": "a2@commission.example", "password": userPassword, "role": "admin"})
		admin2 := e.login("a2@commission.example", userPassword)
		e.must(201, "POST", "/api/v1/administrations", admin2, map[string]string{"code": "LU", "name": "Luxembourg"}, "Idempotency-Key", "mine")
		// Keys are short printable strings.
		e.must(422, "POST", "/api/v1/administrations", admin, pt, "Idempotency-Key", string(make([]byte, 300)))
	})
}

func TestIdempotentSubmissionUnderConcurrency(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		e := newEnv(t, url)
		e.world()
		tok := e.tokens["resp_be"]
		e.must(200, "PUT", responsePath, tok, map[string]any{"answers": fullAnswers()})

		var wg sync.WaitGroup
		statuses := make([]int, 8)
		for i := range statuses {
			wg.Add(1)
			go func() {
				defer wg.Done()
				statuses[i] = e.request("POST", responsePath+"/submit", tok, nil, "Idempotency-Key", "submit-1").Status
			}()
		}
		wg.Wait()
		for _, s := range statuses {
			if s != http.StatusOK && s != http.StatusConflict {
				t.Fatalf("statuses %v: want 200s (first and replays) or 409 (still in progress)", statuses)
			}
		}
		if !slices.Contains(statuses, 200) {
			t.Fatalf("statuses %v: nobody submitted", statuses)
		}
		got := e.must(200, "GET", responsePath, tok, nil)
		if n := len(got["submissions"].([]any)); n != 1 {
			t.Fatalf("%d submissions, want exactly 1", n)
		}
		// A later retry gets the stored answer.
		e.must(200, "POST", responsePath+"/submit", tok, nil, "Idempotency-Key", "submit-1")
		if n := len(e.must(200, "GET", responsePath, tok, nil)["submissions"].([]any)); n != 1 {
			t.Fatalf("%d submissions after a retry, want 1", n)
		}
	})
}

// TestIdempotencyKeyRefusedWhereAnswersHoldSecrets: the routes whose answers
// hold one-time passwords refuse an Idempotency-Key (422 not_allowed), so
// that no such answer is ever kept; the refusal comes before anything is
// claimed or done: nothing changes, and the key stays free for another
// request.
func TestIdempotencyKeyRefusedWhereAnswersHoldSecrets(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		e := newEnv(t, url)
		e.world()
		admin := e.tokens["admin"]
		for _, c := range []struct {
			name string
			send func(key string) result
			// unchanged fails t if the request was carried out.
			unchanged func(t *testing.T)
		}{
			{name: "import", send: func(key string) result {
				return e.importCSV(admin, "email,role,administration\nnew@be.example,respondent,BE\n", "Idempotency-Key", key)
			}, unchanged: func(t *testing.T) {
				if slices.Contains(e.userEmailsOf(), "new@be.example") {
					t.Error("the import created its account")
				}
			}},
			{name: "password reset", send: func(key string) result {
				return e.request("POST", "/api/v1/users/"+e.userID("resp_be@customs.example")+"/password-reset", admin, nil, "Idempotency-Key", key)
			}, unchanged: func(*testing.T) { e.login("resp_be@customs.example", userPassword) }},
		} {
			t.Run(c.name, func(t *testing.T) {
				defer e.useT(t)()
				key := "secret-" + c.name
				res := c.send(key)
				if got := problemFields(t, res); res.Status != http.StatusUnprocessableEntity ||
					!slices.Equal(got, []string{"Idempotency-Key:not_allowed"}) {
					t.Fatalf("with a key: %d %v, want 422 with Idempotency-Key:not_allowed\n%s", res.Status, got, res.Body)
				}
				c.unchanged(t)
				// Nothing was claimed: the key serves another request.
				e.must(http.StatusCreated, "POST", "/api/v1/administrations", admin,
					map[string]string{"code": "K" + strings.ToUpper(c.name[:1]), "name": c.name}, "Idempotency-Key", key)
			})
		}
	})
}
