package api_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/customs-survey/surveyd/internal/dbtest"
)

// future is an RFC 3339 time d from now.
func future(d time.Duration) string { return time.Now().Add(d).UTC().Format(time.RFC3339) }

// TestCorrectCampaign walks the corrections of a campaign in order on one
// database: each step sees what the ones before it did.
func TestCorrectCampaign(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		e := newEnv(t, url)
		e.world() // customs-2023, open for BE and FR, at revision 2
		const c = "/api/v1/campaigns/customs-2023"
		later := future(72 * time.Hour)
		for _, step := range []struct {
			name, token, method, path string
			body                      any
			ifMatch                   string // "" for none
			want                      int
			fields                    []string
			check                     func(t *testing.T, res result)
		}{
			{name: "without If-Match", token: "admin", method: "PATCH", path: c, body: map[string]any{"title": "Customs 2023"},
				want: http.StatusPreconditionRequired},
			{name: "a stale revision", token: "admin", method: "PATCH", path: c, body: map[string]any{"title": "Customs 2023"},
				ifMatch: `"1"`, want: http.StatusPreconditionFailed},
			{name: "no revision at all", token: "admin", method: "PATCH", path: c, body: map[string]any{"title": "Customs 2023"},
				ifMatch: `W/"2"`, want: http.StatusPreconditionFailed},
			{name: "a coordinator may not", token: "coord_be", method: "PATCH", path: c, body: map[string]any{"title": "x"},
				ifMatch: `"2"`, want: http.StatusForbidden},
			{name: "a closing date in the past", token: "admin", method: "PATCH", path: c, body: map[string]any{"closes_at": "2020-01-01T00:00:00Z"},
				ifMatch: `"2"`, want: http.StatusUnprocessableEntity, fields: []string{"closes_at:out_of_range"}},
			{name: "title, later closing, an administration added", token: "admin", method: "PATCH", path: c, ifMatch: `"2"`,
				body: map[string]any{"title": "Customs 2023", "closes_at": later, "administrations": []string{"BE", "FR", "DE"}},
				want: http.StatusOK, check: func(t *testing.T, res result) {
					wantMembers(t, res.JSON(t), map[string]any{"title": "Customs 2023", "closes_at": later, "revision": 3,
						"administrations": []string{"BE", "DE", "FR"}})
					if tag := res.Header.Get("ETag"); tag != `"3"` {
						t.Errorf("ETag %q", tag)
					}
				}},
			{name: "the new administration's respondent sees it", token: "resp_de", method: "GET", path: "/api/v1/campaigns", want: http.StatusOK,
				check: wantCampaignKeys("customs-2023")},
			{name: "BE answers", token: "resp_be", method: "PUT", path: c + "/response", body: map[string]any{"answers": campaignAnswers},
				want: http.StatusOK},
			{name: "the values it has already change nothing", token: "admin", method: "PATCH", path: c, ifMatch: "3",
				body: map[string]any{"version": 1, "questionnaire": "customs_annual", "administrations": []string{"FR", "DE", "BE"}},
				want: http.StatusOK, check: func(t *testing.T, res result) {
					if tag := res.Header.Get("ETag"); tag != `"3"` {
						t.Errorf("ETag %q after a correction that changes nothing", tag)
					}
				}},
			{name: "a version 2", token: "admin", method: "POST", path: "/api/v1/questionnaires/customs_annual/versions", want: http.StatusCreated},
			{name: "version 2 published", token: "admin", method: "POST", path: "/api/v1/questionnaires/customs_annual/versions/2/publish", want: http.StatusOK},
			{name: "the questionnaire of an answered campaign", token: "admin", method: "PATCH", path: c, ifMatch: "3",
				body: map[string]any{"version": 2}, want: http.StatusConflict},
			{name: "BE removed after answering", token: "admin", method: "PATCH", path: c, ifMatch: `"3"`,
				body: map[string]any{"administrations": []string{"FR"}}, want: http.StatusConflict},
			{name: "a version that does not exist", token: "admin", method: "PATCH", path: c, ifMatch: `"3"`,
				body: map[string]any{"version": 9}, want: http.StatusUnprocessableEntity, fields: []string{"version:unknown_questionnaire"}},
			{name: "reopen an open campaign", token: "admin", method: "POST", path: c + "/reopen",
				body: map[string]any{"reason": "late", "closes_at": later}, want: http.StatusConflict},
			{name: "close", token: "admin", method: "POST", path: c + "/close", want: http.StatusOK, check: func(t *testing.T, res result) {
				wantTime(t, res.JSON(t), "last_closed_at")
			}},
			{name: "a closed campaign's closing date", token: "admin", method: "PATCH", path: c, ifMatch: `"4"`,
				body: map[string]any{"closes_at": future(96 * time.Hour)}, want: http.StatusConflict},
			{name: "reopen without a reason", token: "admin", method: "POST", path: c + "/reopen",
				body: map[string]any{"reason": " ", "closes_at": "2020-01-01T00:00:00Z"}, want: http.StatusUnprocessableEntity,
				fields: []string{"reason:required", "closes_at:out_of_range"}},
			{name: "reopen with too long a reason", token: "admin", method: "POST", path: c + "/reopen",
				body: map[string]any{"reason": strings.Repeat("r", 301), "closes_at": later}, want: http.StatusUnprocessableEntity,
				fields: []string{"reason:out_of_range"}},
			{name: "a coordinator may not reopen", token: "coord_be", method: "POST", path: c + "/reopen",
				body: map[string]any{"reason": "late", "closes_at": later}, want: http.StatusForbidden},
			{name: "reopen", token: "admin", method: "POST", path: c + "/reopen",
				body: map[string]any{"reason": "FR answered late", "closes_at": later}, want: http.StatusOK,
				check: func(t *testing.T, res result) {
					body := res.JSON(t)
					wantMembers(t, body, map[string]any{"status": "open", "accepting_answers": true, "reopen_reason": "FR answered late",
						"revision": 5})
					wantTime(t, body, "reopened_at")
					wantTime(t, body, "last_closed_at")
				}},
			{name: "the reason is in the audit trail", token: "admin", method: "GET", path: "/api/v1/audit?action=campaign.reopen", want: http.StatusOK,
				check: func(t *testing.T, res result) {
					if !strings.Contains(string(res.Body), `"target":"key=customs-2023,reason=FR answered late"`) {
						t.Errorf("no reopen event with its reason: %s", res.Body)
					}
				}},
		} {
			t.Run(step.name, func(t *testing.T) {
				defer e.useT(t)()
				var headers []string
				if step.ifMatch != "" {
					headers = []string{"If-Match", step.ifMatch}
				}
				res := e.request(step.method, step.path, e.tokens[step.token], step.body, headers...)
				if res.Status != step.want {
					t.Fatalf("status %d, want %d: %s", res.Status, step.want, res.Body)
				}
				if res.Status >= 400 {
					if got := problemFields(t, res); !slices.Equal(got, step.fields) {
						t.Errorf("fields %v, want %v", got, step.fields)
					}
				}
				if step.check != nil {
					step.check(t, res)
				}
			})
		}
	})
}

func TestDeleteCampaign(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		e := newEnv(t, url)
		e.world()
		const path = "/api/v1/campaigns"
		e.runCases(t, []apiCase{
			{name: "create a draft", token: "admin", method: "POST", path: path, body: newCampaign("customs-2024", 2024),
				wantStatus: http.StatusCreated},
			{name: "a coordinator may not delete", token: "coord_be", method: "DELETE", path: path + "/customs-2024", wantStatus: http.StatusForbidden},
			{name: "delete the draft", token: "admin", method: "DELETE", path: path + "/customs-2024", wantStatus: http.StatusNoContent},
			{name: "it is gone", token: "admin", method: "GET", path: path + "/customs-2024", wantStatus: http.StatusNotFound},
			{name: "delete it again", token: "admin", method: "DELETE", path: path + "/customs-2024", wantStatus: http.StatusNotFound},
			{name: "an opened campaign stays", token: "admin", method: "DELETE", path: path + "/customs-2023", wantStatus: http.StatusConflict},
			{name: "the list", token: "admin", method: "GET", path: path, wantStatus: http.StatusOK, check: wantCampaignKeys("customs-2023")},
			{name: "a draft closing soon", token: "admin", method: "POST", path: path, wantStatus: http.StatusCreated,
				body: newCampaign("soon-2024", 2024, withMember("closes_at", future(time.Hour)))},
		})
		e.advance(2 * time.Hour)
		e.runCases(t, []apiCase{
			{name: "is not opened once its closing date has passed", token: "admin", method: "POST", path: path + "/soon-2024/open",
				wantStatus: http.StatusUnprocessableEntity, wantFields: []string{"closes_at:out_of_range"}},
			{name: "and stays a draft", token: "admin", method: "GET", path: path + "/soon-2024", wantStatus: http.StatusOK,
				check: wantStatusMember("draft", false)},
		})
	})
}

// TestRespondentCampaignList checks that a respondent lists what they can
// still answer and what they answered, and nothing else.
func TestRespondentCampaignList(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		e := newEnv(t, url)
		e.world() // customs-2023, open for BE and FR for a day
		const c = "/api/v1/campaigns/customs-2023"
		e.must(http.StatusOK, "PUT", c+"/response", e.tokens["resp_be"], map[string]any{"answers": campaignAnswers})
		e.must(http.StatusOK, "POST", c+"/response/submit", e.tokens["resp_be"], nil)
		e.must(http.StatusOK, "PUT", c+"/response", e.tokens["resp_be2"], map[string]any{"answers": campaignAnswers})
		yours := func(t *testing.T, res result) map[string]any {
			items := listOf(t, res, "campaigns")
			if len(items) != 1 {
				t.Fatalf("campaigns %s", res.Body)
			}
			y, _ := items[0]["your_response"].(map[string]any)
			return y
		}
		e.runCases(t, []apiCase{
			{name: "open: the one who submitted", token: "resp_be", method: "GET", path: "/api/v1/campaigns", wantStatus: http.StatusOK,
				check: func(t *testing.T, res result) {
					if y := yours(t, res); y == nil || y["submitted_at"] == nil {
						t.Errorf("your_response %v", y)
					}
				}},
			{name: "open: the one with a draft", token: "resp_be2", method: "GET", path: "/api/v1/campaigns", wantStatus: http.StatusOK,
				check: func(t *testing.T, res result) {
					if y := yours(t, res); y != nil || !strings.Contains(string(res.Body), `"your_response":null`) {
						t.Errorf("your_response %v in %s", y, res.Body)
					}
				}},
			{name: "staff lists have no your_response", token: "admin", method: "GET", path: "/api/v1/campaigns", wantStatus: http.StatusOK,
				check: func(t *testing.T, res result) {
					if strings.Contains(string(res.Body), "your_response") {
						t.Errorf("your_response in %s", res.Body)
					}
				}},
		})
		e.advance(48 * time.Hour) // past closes_at, still open
		e.runCases(t, []apiCase{
			{name: "past closing: the one who submitted keeps it", token: "resp_be", method: "GET", path: "/api/v1/campaigns",
				wantStatus: http.StatusOK, check: wantCampaignKeys("customs-2023")},
			{name: "past closing: a draft only is not listed", token: "resp_be2", method: "GET", path: "/api/v1/campaigns",
				wantStatus: http.StatusOK, check: wantCampaignKeys()},
			{name: "past closing: FR never answered", token: "resp_fr", method: "GET", path: "/api/v1/campaigns",
				wantStatus: http.StatusOK, check: wantCampaignKeys()},
			{name: "close", token: "admin", method: "POST", path: c + "/close", wantStatus: http.StatusOK},
			{name: "closed: still listed for the one who submitted", token: "resp_be", method: "GET", path: "/api/v1/campaigns",
				wantStatus: http.StatusOK, check: wantCampaignKeys("customs-2023")},
			{name: "and the receipt can be read", token: "resp_be", method: "GET", path: c + "/response", wantStatus: http.StatusOK},
			{name: "progress has the last submission", token: "admin", method: "GET", path: c + "/progress", wantStatus: http.StatusOK,
				check: func(t *testing.T, res result) {
					body := res.JSON(t)
					rows, _ := body["administrations"].([]any)
					be, _ := rows[0].(map[string]any)
					fr, _ := rows[1].(map[string]any)
					totals, _ := body["totals"].(map[string]any)
					if be["last_submitted_at"] == nil || fr["last_submitted_at"] != nil || totals["last_submitted_at"] != be["last_submitted_at"] {
						t.Errorf("last_submitted_at: %s", res.Body)
					}
				}},
		})
	})
}

// TestCampaignPages follows the Link headers of GET /campaigns: every
// campaign once, in the list's order (latest year first, then by key).
func TestCampaignPages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		e := newEnv(t, url)
		e.world()
		for _, c := range []struct {
			key  string
			year int
		}{{"b-2024", 2024}, {"a-2024", 2024}, {"c-2022", 2022}, {"z-2025", 2025}} {
			e.must(http.StatusCreated, "POST", "/api/v1/campaigns", e.tokens["admin"], newCampaign(c.key, c.year))
		}
		want := []string{"z-2025", "a-2024", "b-2024", "customs-2023", "c-2022"}
		var got []string
		pages := 0
		for next := "/api/v1/campaigns?limit=2"; next != ""; pages++ {
			res := e.request("GET", next, e.tokens["admin"], nil)
			if res.Status != http.StatusOK {
				t.Fatalf("%s: %d %s", next, res.Status, res.Body)
			}
			got = append(got, memberValues(listOf(t, res, "campaigns"), "key")...)
			next = ""
			if link := res.Header.Get("Link"); link != "" {
				next = strings.TrimSuffix(strings.TrimPrefix(link, "<"), `>; rel="next"`)
			}
		}
		if !slices.Equal(got, want) || pages != 3 {
			t.Errorf("pages %d: %v, want %v in 3", pages, got, want)
		}
		for _, bad := range []string{"?limit=0", "?cursor=nope"} {
			if res := e.request("GET", "/api/v1/campaigns"+bad, e.tokens["resp_be"], nil); res.Status != http.StatusUnprocessableEntity {
				t.Errorf("%s: %d, want 422", bad, res.Status)
			}
		}
	})
}
