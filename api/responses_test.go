package api_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/customs-survey/surveyd/internal/dbtest"
)

const responsePath = "/api/v1/campaigns/customs-2023/response"

// fullAnswers is a complete, valid answer set for customs_annual.json.
func fullAnswers() map[string]any {
	return map[string]any{
		"awareness_level": "basic", "ees_perf": "large", "ees_union_law": "full", "ees_cooperation": "moderate",
		"ees_innovation": "little", "used_outputs": "yes", "support_satisfaction": 4,
		"networking_contacts": "frequently", "staff_trained": 12, "comments": "Useful programme.",
	}
}

func with(base map[string]any, kv ...any) map[string]any {
	out := map[string]any{}
	for k, v := range base {
		out[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == nil {
			delete(out, kv[i].(string))
			continue
		}
		out[kv[i].(string)] = kv[i+1]
	}
	return out
}

func TestSaveDraftValidatesEachAnswer(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		e := newEnv(t, url)
		e.world()
		tok := e.tokens["resp_be"]
		tests := []struct {
			name    string
			answers any
			want    []string
		}{
			{"partial answers are fine", map[string]any{"ees_perf": "large"}, nil},
			{"empty", map[string]any{}, nil},
			{"hidden answers are kept in drafts", map[string]any{"used_outputs": "yes", "why_not": []string{"other"}}, nil},
			{"unknown question", map[string]any{"ees_perff": "large"}, []string{"answers.ees_perff:unknown_question"}},
			{"not an option", map[string]any{"ees_perf": "huge"}, []string{"answers.ees_perf:not_an_option"}},
			{"option of another question", map[string]any{"awareness_level": "large"}, []string{"answers.awareness_level:not_an_option"}},
			{"number for a choice", map[string]any{"ees_perf": 3}, []string{"answers.ees_perf:wrong_type"}},
			{"string for a multi choice", map[string]any{"why_not": "other"}, []string{"answers.why_not:wrong_type"}},
			{"multi choice option", map[string]any{"why_not": []string{"other", "bogus"}}, []string{"answers.why_not[1]:not_an_option"}},
			{"out of range", map[string]any{"support_satisfaction": 6}, []string{"answers.support_satisfaction:out_of_range"}},
			{"not an integer", map[string]any{"support_satisfaction": 3.5}, []string{"answers.support_satisfaction:not_an_integer"}},
			{"string for a number", map[string]any{"support_satisfaction": "4"}, []string{"answers.support_satisfaction:wrong_type"}},
			{"too long", map[string]any{"comments": strings.Repeat("é", 4001)}, []string{"answers.comments:too_long"}},
			{"several at once", map[string]any{"ees_perf": "huge", "support_satisfaction": 0, "nope": 1},
				[]string{"answers.ees_perf:not_an_option", "answers.nope:unknown_question", "answers.support_satisfaction:out_of_range"}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				before := e.request("GET", responsePath, tok, nil)
				res := e.request("PUT", responsePath, tok, map[string]any{"answers": tt.answers})
				if tt.want == nil {
					if res.Status != 200 {
						t.Fatalf("status %d: %s", res.Status, res.Body)
					}
					return
				}
				if res.Status != http.StatusUnprocessableEntity {
					t.Fatalf("status %d, want 422: %s", res.Status, res.Body)
				}
				got := problemFields(t, res)
				slices.Sort(got)
				if !slices.Equal(got, tt.want) {
					t.Errorf("errors %v, want %v", got, tt.want)
				}
				// A rejected save changes nothing.
				after := e.request("GET", responsePath, tok, nil)
				if after.Status != before.Status || after.Header.Get("ETag") != before.Header.Get("ETag") {
					t.Errorf("a rejected save changed the response: %s -> %s", before.Header.Get("ETag"), after.Header.Get("ETag"))
				}
			})
		}
	})
}

func TestDraftSubmitAmend(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		e := newEnv(t, url)
		e.world()
		tok := e.tokens["resp_be"]
		e.must(404, "GET", responsePath, tok, nil)

		// Save a draft: revision 1, ETag "1".
		res := e.request("PUT", responsePath, tok, map[string]any{"answers": map[string]any{"ees_perf": "large"}})
		if res.Status != 200 || res.Header.Get("ETag") != `"1"` {
			t.Fatalf("save: %d ETag %q %s", res.Status, res.Header.Get("ETag"), res.Body)
		}
		if b := res.JSON(t); b["status"] != "draft" || b["revision"] != float64(1) {
			t.Fatalf("save: %s", res.Body)
		}

		// A stale If-Match is refused and saves nothing.
		e.must(412, "PUT", responsePath, tok, map[string]any{"answers": fullAnswers()}, "If-Match", `"7"`)
		if b := e.must(200, "GET", responsePath, tok, nil); b["revision"] != float64(1) {
			t.Fatalf("412 changed the response: %v", b)
		}

		// Submitting an incomplete response names every missing question.
		res = e.request("POST", responsePath+"/submit", tok, nil)
		got := problemFields(t, res)
		slices.Sort(got)
		want := []string{"answers.awareness_level:required", "answers.ees_cooperation:required", "answers.ees_innovation:required",
			"answers.ees_union_law:required", "answers.used_outputs:required"}
		if res.Status != 422 || !slices.Equal(got, want) {
			t.Fatalf("submit incomplete: %d %v, want 422 %v", res.Status, got, want)
		}

		// The matching If-Match saves; hidden answers are kept in the draft
		// but dropped at submission.
		e.must(200, "PUT", responsePath, tok, map[string]any{"answers": with(fullAnswers(), "why_not", []string{"other"})}, "If-Match", `"1"`)
		sub := e.must(200, "POST", responsePath+"/submit", tok, nil)
		if sub["status"] != "submitted" || sub["submitted_at"] == nil || sub["revision"] != float64(3) {
			t.Fatalf("submit: %v", sub)
		}
		if _, ok := sub["answers"].(map[string]any)["why_not"]; ok {
			t.Errorf("the answer to a hidden question was kept: %v", sub["answers"])
		}

		// An amendment stays pending: the submission still counts.
		e.must(200, "PUT", responsePath, tok, map[string]any{"answers": with(fullAnswers(), "ees_perf", "none")})
		got2 := e.must(200, "GET", responsePath, tok, nil)
		if got2["status"] != "draft" || got2["amendment_pending"] != true || len(got2["submissions"].([]any)) != 1 {
			t.Fatalf("pending amendment: %v", got2)
		}
		progress := e.must(200, "GET", "/api/v1/campaigns/customs-2023/progress", e.tokens["admin"], nil)
		if tot := progress["totals"].(map[string]any); tot["submitted"] != float64(1) || tot["drafts"] != float64(0) {
			t.Errorf("a pending amendment changed the progress: %v", tot)
		}

		// Submitting the amendment keeps both submissions.
		amended := e.must(200, "POST", responsePath+"/submit", tok, nil)
		subs := amended["submissions"].([]any)
		if amended["status"] != "submitted" || len(subs) != 2 || amended["answers"].(map[string]any)["ees_perf"] != "none" {
			t.Fatalf("amend: %v", amended)
		}

		// Another respondent's response is separate.
		e.must(404, "GET", responsePath, e.tokens["resp_be2"], nil)
	})
}

func TestAnsweringClosedCampaign(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		e := newEnv(t, url)
		e.world()
		tok := e.tokens["resp_fr"]
		e.must(200, "PUT", responsePath, tok, map[string]any{"answers": fullAnswers()})

		// Past closes_at the campaign is still "open" but accepts nothing.
		e.advance(25 * time.Hour)
		e.must(409, "PUT", responsePath, tok, map[string]any{"answers": fullAnswers()})
		e.must(409, "POST", responsePath+"/submit", tok, nil)
		e.advance(-25 * time.Hour)

		e.must(200, "POST", "/api/v1/campaigns/customs-2023/close", e.tokens["admin"], nil)
		e.must(409, "PUT", responsePath, tok, map[string]any{"answers": fullAnswers()})
		e.must(409, "POST", responsePath+"/submit", tok, nil)
		if b := e.must(200, "GET", responsePath, tok, nil); b["revision"] != float64(1) {
			t.Errorf("a refused answer changed the response: %v", b)
		}
		// Closed campaigns drop out of the respondents' list.
		if list := e.list("/api/v1/campaigns", tok); len(list) != 0 {
			t.Errorf("closed campaign still listed: %v", list)
		}
	})
}

func TestRespondingAccess(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		e := newEnv(t, url)
		e.world()
		tests := []struct {
			name, token, method, path string
			body                      any
			status                    int
		}{
			{"another administration's campaign", "resp_de", "PUT", responsePath, map[string]any{"answers": map[string]any{}}, 404},
			{"another administration's questionnaire", "resp_de", "GET", "/api/v1/campaigns/customs-2023/questionnaire", nil, 404},
			{"coordinators do not answer", "coord_be", "PUT", responsePath, map[string]any{"answers": map[string]any{}}, 403},
			{"admins do not answer", "admin", "POST", responsePath + "/submit", nil, 403},
			{"anonymous", "", "GET", responsePath, nil, 401},
			{"unknown campaign", "resp_be", "PUT", "/api/v1/campaigns/nope/response", map[string]any{"answers": map[string]any{}}, 404},
			{"answers missing", "resp_be", "PUT", responsePath, map[string]any{}, 422},
			{"answers of the wrong type", "resp_be", "PUT", responsePath, map[string]any{"answers": []int{1}}, 422},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				res := e.request(tt.method, tt.path, e.tokens[tt.token], tt.body)
				if res.Status != tt.status {
					t.Fatalf("status %d, want %d: %s", res.Status, tt.status, res.Body)
				}
			})
		}
	})
}

func TestConcurrentSaves(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		e := newEnv(t, url)
		e.world()
		tok := e.tokens["resp_be"]
		e.must(200, "PUT", responsePath, tok, map[string]any{"answers": map[string]any{}})

		const n = 12
		run := func(headers ...string) []result {
			var wg sync.WaitGroup
			out := make([]result, n)
			for i := range n {
				wg.Add(1)
				go func() {
					defer wg.Done()
					out[i] = e.request("PUT", responsePath, tok, map[string]any{"answers": map[string]any{"staff_trained": i}}, headers...)
				}()
			}
			wg.Wait()
			return out
		}

		// With the same If-Match, exactly one save wins; the others get 412.
		won := 0
		for _, r := range run("If-Match", `"1"`) {
			switch r.Status {
			case 200:
				won++
			case 412:
			default:
				t.Errorf("status %d: %s", r.Status, r.Body)
			}
		}
		if won != 1 {
			t.Fatalf("%d saves won the same If-Match, want exactly 1", won)
		}

		// Without If-Match every save lands, each at its own revision.
		var revisions []int
		for _, r := range run() {
			if r.Status != 200 {
				t.Fatalf("status %d: %s", r.Status, r.Body)
			}
			var b struct{ Revision int }
			json.Unmarshal(r.Body, &b)
			revisions = append(revisions, b.Revision)
		}
		slices.Sort(revisions)
		for i, rev := range revisions {
			if rev != 3+i {
				t.Fatalf("revisions %v, want %d..%d each once", revisions, 3, 2+n)
			}
		}
	})
}

func TestIfMatchStar(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		e := newEnv(t, url)
		e.world()
		tok := e.tokens["resp_be"]
		// "*" requires a current response (RFC 9110): none yet.
		e.must(412, "PUT", responsePath, tok, map[string]any{"answers": map[string]any{}}, "If-Match", "*")
		e.must(412, "POST", responsePath+"/submit", tok, nil, "If-Match", "*")
		e.must(404, "GET", responsePath, tok, nil)
		e.must(200, "PUT", responsePath, tok, map[string]any{"answers": map[string]any{}})
		e.must(200, "PUT", responsePath, tok, map[string]any{"answers": map[string]any{}}, "If-Match", "*")
		for _, h := range []string{`W/"2"`, `"two"`, `"1"`, `"-1"`} {
			e.must(412, "PUT", responsePath, tok, map[string]any{"answers": map[string]any{}}, "If-Match", h)
		}
		e.must(200, "PUT", responsePath, tok, map[string]any{"answers": map[string]any{}}, "If-Match", `"2"`)
	})
}

func TestDuplicateAnswersAreRefused(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		e := newEnv(t, url)
		e.world()
		res := e.request("PUT", responsePath, e.tokens["resp_be"], `{"answers":{"ees_perf":"large","ees_perf":"none"}}`)
		if got := problemFields(t, res); res.Status != 422 || !slices.Equal(got, []string{"answers.ees_perf:duplicate_key"}) {
			t.Fatalf("%d %v", res.Status, got)
		}
	})
}

// TestConcurrentSavesAndSubmits mixes saves and submissions of one response
// from many goroutines: every 2xx gets its own revision, the revisions of
// the submissions kept are exactly the submissions acknowledged, and the
// final revision counts every acknowledged write.
func TestConcurrentSavesAndSubmits(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		e := newEnv(t, url)
		e.world()
		tok := e.tokens["resp_be"]
		e.must(200, "PUT", responsePath, tok, map[string]any{"answers": fullAnswers()})

		const n = 16
		var wg sync.WaitGroup
		type outcome struct {
			submit   bool
			status   int
			revision int
		}
		out := make([]outcome, n)
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				var res result
				if i%2 == 0 {
					res = e.request("POST", responsePath+"/submit", tok, nil)
				} else {
					res = e.request("PUT", responsePath, tok, map[string]any{"answers": with(fullAnswers(), "staff_trained", i)})
				}
				var b struct{ Revision int }
				json.Unmarshal(res.Body, &b)
				out[i] = outcome{submit: i%2 == 0, status: res.Status, revision: b.Revision}
			}()
		}
		wg.Wait()
		seen := map[int]bool{}
		var submitted []int
		for _, o := range out {
			if o.status != 200 {
				t.Fatalf("status %d: concurrent writes without If-Match must all land", o.status)
			}
			if seen[o.revision] {
				t.Fatalf("revision %d answered twice: %+v", o.revision, out)
			}
			seen[o.revision] = true
			if o.submit {
				submitted = append(submitted, o.revision)
			}
		}
		final := e.must(200, "GET", responsePath, tok, nil)
		if int(final["revision"].(float64)) != 1+n {
			t.Errorf("final revision %v, want %d (one per write)", final["revision"], 1+n)
		}
		var kept []int
		for _, s := range final["submissions"].([]any) {
			kept = append(kept, int(s.(map[string]any)["revision"].(float64)))
		}
		slices.Sort(submitted)
		if !slices.Equal(kept, submitted) {
			t.Errorf("submissions kept %v, acknowledged %v", kept, submitted)
		}
	})
}

// TestSubmitTakesNoAnswers checks that a submission carrying answers is
// refused, and submits nothing, where it used to submit the saved draft and
// ignore them; no body and {} still submit.
func TestSubmitTakesNoAnswers(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		e := newEnv(t, url)
		e.world()
		tok := e.tokens["resp_be"]
		// An answer that is not an option names the options and its question.
		res := e.request("PUT", responsePath, tok, map[string]any{"answers": with(fullAnswers(), "used_outputs", "maybe")})
		var p struct {
			Errors []struct{ Field, Message, Question string }
		}
		if err := json.Unmarshal(res.Body, &p); err != nil || res.Status != 422 || len(p.Errors) != 1 ||
			p.Errors[0].Message != "is not an option of this question; the options are: yes, no" || p.Errors[0].Question != "used_outputs" {
			t.Errorf("save with a bad option: %d %s", res.Status, res.Body)
		}
		e.must(200, "PUT", responsePath, tok, map[string]any{"answers": fullAnswers()})
		const detail = "submit takes no body: it submits the saved answers; save the answers first with PUT /api/v1/campaigns/customs-2023/response, then submit with an empty body"
		for _, body := range []any{
			map[string]any{"answers": with(fullAnswers(), "ees_perf", "none")},
			map[string]any{"ees_perf": "none"},
			`null`, `[]`, `{"answers"`, " \n",
		} {
			res := e.request("POST", responsePath+"/submit", tok, body)
			if got, _ := res.JSON(t)["detail"].(string); res.Status != http.StatusBadRequest || got != detail {
				t.Errorf("submit with %v: %d %s, want 400 %q", body, res.Status, res.Body, detail)
			}
		}
		if b := e.must(200, "GET", responsePath, tok, nil); b["status"] != "draft" || b["revision"] != float64(1) {
			t.Fatalf("a refused submission changed the response: %v", b)
		}
		for i, body := range []any{nil, map[string]any{}, " {\n} "} {
			b := e.must(200, "POST", responsePath+"/submit", tok, body)
			if b["status"] != "submitted" || b["revision"] != float64(i+2) || b["answers"].(map[string]any)["ees_perf"] != "large" {
				t.Errorf("submit with %q: %v", body, b)
			}
		}
	})
}
