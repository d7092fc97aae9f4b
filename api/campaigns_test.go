package api_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/customs-survey/surveyd/internal/dbtest"
)

// campaignAnswers is a valid, complete answer set for customs_annual.
var campaignAnswers = map[string]any{
	"awareness_level": "basic", "ees_perf": "large", "ees_union_law": "full", "ees_cooperation": "moderate",
	"ees_innovation": "little", "used_outputs": "yes", "support_satisfaction": 4, "networking_contacts": "frequently",
	"staff_trained": 12, "comments": "ok",
}

// newCampaign is the body of POST /campaigns for customs_annual v1, BE and
// FR, open for the coming two days; edits change it before it is sent.
func newCampaign(key string, year int, edits ...func(c map[string]any)) map[string]any {
	c := map[string]any{
		"key": key, "year": year, "questionnaire": "customs_annual", "version": 1,
		"opens_at":        time.Now().Add(-time.Hour).UTC().Format(time.RFC3339),
		"closes_at":       time.Now().Add(48 * time.Hour).UTC().Format(time.RFC3339),
		"administrations": []string{"BE", "FR"},
	}
	for _, edit := range edits {
		edit(c)
	}
	return c
}

// withMember returns an edit of newCampaign setting one member.
func withMember(name string, value any) func(c map[string]any) {
	return func(c map[string]any) { c[name] = value }
}

// wantCampaignKeys checks the keys of GET /campaigns, in order.
func wantCampaignKeys(want ...string) func(t *testing.T, res result) {
	return func(t *testing.T, res result) {
		items := listOf(t, res, "campaigns")
		if got := memberValues(items, "key"); !slices.Equal(got, want) {
			t.Errorf("campaigns %q, want %q", got, want)
		}
		if len(want) == 0 && !bytes.Equal(bytes.TrimSpace(res.Body), []byte(`[]`)) {
			t.Errorf("an empty list must be [], not null: %s", res.Body)
		}
	}
}

// wantStatusMember checks the status member of a campaign answer.
func wantStatusMember(status string, accepting bool) func(t *testing.T, res result) {
	return func(t *testing.T, res result) {
		wantMembers(t, res.JSON(t), map[string]any{"status": status, "accepting_answers": accepting})
	}
}

func TestCreateCampaign(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		e := newEnv(t, url)
		e.world()
		const path = "/api/v1/campaigns"
		const unprocessable = http.StatusUnprocessableEntity
		e.runCases(t, []apiCase{
			{name: "create", token: "admin", method: "POST", path: path, wantStatus: http.StatusCreated,
				body: newCampaign("customs-2024", 2024, withMember("opens_at", "2094-03-01T00:00:00Z"), withMember("closes_at", "2094-06-30T23:59:59Z")),
				check: func(t *testing.T, res result) {
					body := res.JSON(t)
					wantMembers(t, body, map[string]any{
						"key": "customs-2024", "year": 2024, "questionnaire": "customs_annual", "version": 1,
						"opens_at": "2094-03-01T00:00:00Z", "closes_at": "2094-06-30T23:59:59Z",
						"administrations": []string{"BE", "FR"}, "previous_campaign": nil,
						"status": "draft", "min_cell_size": 5, "accepting_answers": false,
					})
					wantTime(t, body, "created_at")
					if loc := res.Header.Get("Location"); loc != path+"/customs-2024" {
						t.Errorf("Location %q", loc)
					}
				}},
			{name: "it can be read back", token: "admin", method: "GET", path: path + "/customs-2024", wantStatus: http.StatusOK,
				check: func(t *testing.T, res result) {
					wantMembers(t, res.JSON(t), map[string]any{"key": "customs-2024", "status": "draft", "min_cell_size": 5,
						"opens_at": "2094-03-01T00:00:00Z", "administrations": []string{"BE", "FR"}})
				}},
			{name: "with previous campaign, cell size and a time offset", token: "admin", method: "POST", path: path, wantStatus: http.StatusCreated,
				body: newCampaign("customs-2025", 2025, withMember("previous_campaign", "customs-2023"), withMember("min_cell_size", 3),
					withMember("opens_at", "2095-03-01T02:00:00+02:00"), withMember("closes_at", "2095-07-01T00:00:00-01:00"),
					withMember("administrations", []string{"FR", "DE"})),
				check: func(t *testing.T, res result) {
					wantMembers(t, res.JSON(t), map[string]any{"previous_campaign": "customs-2023", "min_cell_size": 3,
						"opens_at": "2095-03-01T00:00:00Z", "closes_at": "2095-07-01T01:00:00Z",
						"administrations": []string{"DE", "FR"}, "status": "draft"})
				}},
			{name: "make a version 2 draft", token: "admin", method: "POST", path: "/api/v1/questionnaires/customs_annual/versions",
				wantStatus: http.StatusCreated},
			{name: "from an unpublished version", token: "admin", method: "POST", path: path, wantStatus: http.StatusConflict,
				body: newCampaign("customs-2026", 2026, withMember("version", 2))},
			{name: "unknown questionnaire version", token: "admin", method: "POST", path: path, wantStatus: unprocessable,
				body: newCampaign("customs-2026", 2026, withMember("version", 7)), wantFields: []string{"version:unknown_questionnaire"}},
			{name: "unknown questionnaire", token: "admin", method: "POST", path: path, wantStatus: unprocessable,
				body: newCampaign("customs-2026", 2026, withMember("questionnaire", "excise_annual")), wantFields: []string{"version:unknown_questionnaire"}},
			{name: "unknown administration", token: "admin", method: "POST", path: path, wantStatus: unprocessable,
				body:       newCampaign("customs-2026", 2026, withMember("administrations", []string{"BE", "XX", "FR"})),
				wantFields: []string{"administrations[1]:unknown_administration"}},
			{name: "duplicate administrations", token: "admin", method: "POST", path: path, wantStatus: unprocessable,
				body:       newCampaign("customs-2026", 2026, withMember("administrations", []string{"BE", "FR", "BE"})),
				wantFields: []string{"administrations[2]:duplicate"}},
			{name: "malformed administration code", token: "admin", method: "POST", path: path, wantStatus: unprocessable,
				body:       newCampaign("customs-2026", 2026, withMember("administrations", []string{"BE", "fr"})),
				wantFields: []string{"administrations[1]:invalid_code"}},
			{name: "no administrations", token: "admin", method: "POST", path: path, wantStatus: unprocessable,
				body:       newCampaign("customs-2026", 2026, func(c map[string]any) { delete(c, "administrations") }),
				wantFields: []string{"administrations:required"}},
			{name: "64-character key", token: "admin", method: "POST", path: path, wantStatus: http.StatusCreated,
				body: newCampaign("c"+strings.Repeat("-2026", 12)+"abc", 2026)},
			{name: "65-character key", token: "admin", method: "POST", path: path, wantStatus: unprocessable,
				body: newCampaign("c"+strings.Repeat("-2026", 12)+"abcd", 2026), wantFields: []string{"key:invalid_key"}},
			{name: "upper-case key", token: "admin", method: "POST", path: path, wantStatus: unprocessable,
				body: newCampaign("Customs-2026", 2026), wantFields: []string{"key:invalid_key"}},
			{name: "key starting with a hyphen", token: "admin", method: "POST", path: path, wantStatus: unprocessable,
				body: newCampaign("-customs-2026", 2026), wantFields: []string{"key:invalid_key"}},
			{name: "closes_at before opens_at", token: "admin", method: "POST", path: path, wantStatus: unprocessable,
				body:       newCampaign("customs-2026", 2026, withMember("opens_at", "2096-06-01T00:00:00Z"), withMember("closes_at", "2096-03-01T00:00:00Z")),
				wantFields: []string{"closes_at:out_of_range"}},
			{name: "closes_at equal to opens_at", token: "admin", method: "POST", path: path, wantStatus: unprocessable,
				body:       newCampaign("customs-2026", 2026, withMember("opens_at", "2096-06-01T00:00:00Z"), withMember("closes_at", "2096-06-01T02:00:00+02:00")),
				wantFields: []string{"closes_at:out_of_range"}},
			{name: "date without time", token: "admin", method: "POST", path: path, wantStatus: unprocessable,
				body: newCampaign("customs-2026", 2026, withMember("opens_at", "2096-03-01")), wantFields: []string{"opens_at:invalid_time"}},
			{name: "two bad times", token: "admin", method: "POST", path: path, wantStatus: unprocessable,
				body:       newCampaign("customs-2026", 2026, withMember("opens_at", "01/03/2026"), withMember("closes_at", "tomorrow")),
				wantFields: []string{"opens_at:invalid_time", "closes_at:invalid_time"}},
			{name: "duplicate key", token: "admin", method: "POST", path: path, wantStatus: http.StatusConflict,
				body: newCampaign("customs-2023", 2023)},
			{name: "unknown previous campaign", token: "admin", method: "POST", path: path, wantStatus: unprocessable,
				body: newCampaign("customs-2026", 2026, withMember("previous_campaign", "customs-2019")), wantFields: []string{"previous_campaign:unknown_campaign"}},
			{name: "previous campaign of a later year", token: "admin", method: "POST", path: path, wantStatus: unprocessable,
				body: newCampaign("customs-2022", 2022, withMember("previous_campaign", "customs-2023")), wantFields: []string{"previous_campaign:out_of_range"}},
			{name: "missing year", token: "admin", method: "POST", path: path, wantStatus: unprocessable,
				body: newCampaign("customs-2026", 2026, func(c map[string]any) { delete(c, "year") }), wantFields: []string{"year:required"}},
			{name: "zero min_cell_size", token: "admin", method: "POST", path: path, wantStatus: unprocessable,
				body: newCampaign("customs-2026", 2026, withMember("min_cell_size", 0)), wantFields: []string{"min_cell_size:out_of_range"}},
			{name: "several problems at once", token: "admin", method: "POST", path: path, wantStatus: unprocessable,
				body: newCampaign("customs-2026", 2026, withMember("opens_at", "2096-06-01T00:00:00Z"), withMember("closes_at", "2096-03-01T00:00:00Z"),
					withMember("administrations", []string{"BE", "XX"}), withMember("previous_campaign", "customs-2019")),
				wantFields: []string{"closes_at:out_of_range", "administrations[1]:unknown_administration", "previous_campaign:unknown_campaign"}},
			{name: "extra member", token: "admin", method: "POST", path: path, wantStatus: unprocessable,
				body: newCampaign("customs-2026", 2026, withMember("subtitle", "2026")), wantFields: []string{"subtitle:unknown_field"}},
			{name: "closing in the past", token: "admin", method: "POST", path: path, wantStatus: unprocessable,
				body:       newCampaign("customs-2026", 2026, withMember("opens_at", "2020-01-01T00:00:00Z"), withMember("closes_at", "2020-06-01T00:00:00Z")),
				wantFields: []string{"closes_at:out_of_range"}},
			{name: "every problem in one answer", token: "admin", method: "POST", path: path, wantStatus: unprocessable,
				body: newCampaign("Customs-2026", 2026, withMember("opens_at", "yesterday"), withMember("closes_at", "2020-06-01T00:00:00Z"),
					withMember("version", 7), withMember("administrations", []string{"BE", "XX"}), withMember("title", strings.Repeat("t", 201))),
				wantFields: []string{"key:invalid_key", "opens_at:invalid_time", "closes_at:out_of_range", "title:out_of_range",
					"version:unknown_questionnaire", "administrations[1]:unknown_administration"}},
			{name: "a title", token: "admin", method: "POST", path: path, wantStatus: http.StatusCreated,
				body: newCampaign("titled-2026", 2026, withMember("title", "Customs survey 2026")),
				check: func(t *testing.T, res result) {
					wantMembers(t, res.JSON(t), map[string]any{"title": "Customs survey 2026", "revision": 1,
						"last_closed_at": nil, "reopened_at": nil, "reopen_reason": nil})
					if tag := res.Header.Get("ETag"); tag != `"1"` {
						t.Errorf("ETag %q, want \"1\"", tag)
					}
				}},
			{name: "array", token: "admin", method: "POST", path: path, body: `[]`, wantStatus: http.StatusBadRequest},
			{name: "coordinator may not create", token: "coord_be", method: "POST", path: path,
				body: newCampaign("customs-2026", 2026), wantStatus: http.StatusForbidden},
			{name: "respondent may not create", token: "resp_fr", method: "POST", path: path,
				body: newCampaign("customs-2026", 2026), wantStatus: http.StatusForbidden},
			{name: "anonymous may not create", method: "POST", path: path,
				body: newCampaign("customs-2026", 2026), wantStatus: http.StatusUnauthorized},
			{name: "refused campaigns were not created", token: "admin", method: "GET", path: path, wantStatus: http.StatusOK,
				check: wantCampaignKeys("c"+strings.Repeat("-2026", 12)+"abc", "titled-2026", "customs-2025", "customs-2024", "customs-2023")},
		})
	})
}

func TestCampaignTransitions(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		e := newEnv(t, url)
		e.world()
		const c = "/api/v1/campaigns/customs-2024"
		save := map[string]any{"answers": map[string]any{"ees_perf": "large"}}
		e.runCases(t, []apiCase{
			{name: "create", token: "admin", method: "POST", path: "/api/v1/campaigns", body: newCampaign("customs-2024", 2024),
				wantStatus: http.StatusCreated, check: wantStatusMember("draft", false)},
			{name: "a draft accepts no answers", token: "resp_be", method: "PUT", path: c + "/response", body: save,
				wantStatus: http.StatusNotFound},
			{name: "close a draft", token: "admin", method: "POST", path: c + "/close", wantStatus: http.StatusConflict},
			{name: "coordinator may not open", token: "coord_be", method: "POST", path: c + "/open", wantStatus: http.StatusForbidden},
			{name: "respondent may not open", token: "resp_be", method: "POST", path: c + "/open", wantStatus: http.StatusForbidden},
			{name: "anonymous may not open", method: "POST", path: c + "/open", wantStatus: http.StatusUnauthorized},
			{name: "open", token: "admin", method: "POST", path: c + "/open", wantStatus: http.StatusOK,
				check: wantStatusMember("open", true)},
			{name: "open again", token: "admin", method: "POST", path: c + "/open", wantStatus: http.StatusConflict},
			{name: "an open campaign accepts answers", token: "resp_be", method: "PUT", path: c + "/response", body: save,
				wantStatus: http.StatusOK},
			{name: "coordinator may not close", token: "coord_be", method: "POST", path: c + "/close", wantStatus: http.StatusForbidden},
			{name: "respondent may not close", token: "resp_be", method: "POST", path: c + "/close", wantStatus: http.StatusForbidden},
			{name: "close", token: "admin", method: "POST", path: c + "/close", wantStatus: http.StatusOK,
				check: wantStatusMember("closed", false)},
			{name: "close again", token: "admin", method: "POST", path: c + "/close", wantStatus: http.StatusConflict},
			{name: "open a closed campaign", token: "admin", method: "POST", path: c + "/open", wantStatus: http.StatusConflict},
			{name: "a closed campaign accepts no answers", token: "resp_be", method: "PUT", path: c + "/response", body: save,
				wantStatus: http.StatusConflict},
			{name: "a closed campaign accepts no submission", token: "resp_be", method: "POST", path: c + "/response/submit",
				wantStatus: http.StatusConflict},
			{name: "it stays closed", token: "admin", method: "GET", path: c, wantStatus: http.StatusOK,
				check: wantStatusMember("closed", false)},
			{name: "open an unknown campaign", token: "admin", method: "POST", path: "/api/v1/campaigns/customs-1999/open", wantStatus: http.StatusNotFound},
			{name: "close an unknown campaign", token: "admin", method: "POST", path: "/api/v1/campaigns/customs-1999/close", wantStatus: http.StatusNotFound},
			{name: "get an unknown campaign", token: "admin", method: "GET", path: "/api/v1/campaigns/customs-1999", wantStatus: http.StatusNotFound},
		})
	})
}

// TestCampaignTransitionsAreExclusive sends the same transition many times
// at once: exactly one request makes it, the others are told 409.
func TestCampaignTransitionsAreExclusive(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		e := newEnv(t, url)
		e.world()
		// The race is won or lost by timing; a few rounds make a lost one
		// show reliably.
		for round := range 3 {
			key := fmt.Sprintf("race-%d", round)
			e.must(http.StatusCreated, "POST", "/api/v1/campaigns", e.tokens["admin"], newCampaign(key, 2024))
			for _, transition := range []string{"open", "close"} {
				t.Run(key+"/"+transition, func(t *testing.T) {
					defer e.useT(t)()
					const n = 8
					statuses := make([]int, n)
					var wg sync.WaitGroup
					for i := range n {
						wg.Add(1)
						go func() {
							defer wg.Done()
							statuses[i] = e.request("POST", "/api/v1/campaigns/"+key+"/"+transition, e.tokens["admin"], nil).Status
						}()
					}
					wg.Wait()
					ok, conflicts := 0, 0
					for _, s := range statuses {
						switch s {
						case http.StatusOK:
							ok++
						case http.StatusConflict:
							conflicts++
						}
					}
					if ok != 1 || conflicts != n-1 {
						t.Errorf("statuses %v, want one 200 and %d 409", statuses, n-1)
					}
				})
			}
		}
	})
}

func TestCampaignVisibility(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		e := newEnv(t, url)
		e.world()
		const path = "/api/v1/campaigns"
		e.runCases(t, []apiCase{
			// A draft for BE and FR, and an open campaign for FR alone.
			{name: "create a draft", token: "admin", method: "POST", path: path, body: newCampaign("customs-2024", 2024),
				wantStatus: http.StatusCreated},
			{name: "create one for FR", token: "admin", method: "POST", path: path,
				body: newCampaign("fr-only-2024", 2024, withMember("administrations", []string{"FR"})), wantStatus: http.StatusCreated},
			{name: "open it", token: "admin", method: "POST", path: path + "/fr-only-2024/open", wantStatus: http.StatusOK},

			{name: "admin sees all", token: "admin", method: "GET", path: path, wantStatus: http.StatusOK,
				check: wantCampaignKeys("customs-2024", "fr-only-2024", "customs-2023")},
			{name: "respondent sees the open ones of own administration", token: "resp_be", method: "GET", path: path, wantStatus: http.StatusOK,
				check: wantCampaignKeys("customs-2023")},
			{name: "other respondent of the same administration", token: "resp_be2", method: "GET", path: path, wantStatus: http.StatusOK,
				check: wantCampaignKeys("customs-2023")},
			{name: "respondent of FR", token: "resp_fr", method: "GET", path: path, wantStatus: http.StatusOK,
				check: wantCampaignKeys("fr-only-2024", "customs-2023")},
			{name: "respondent of an administration not invited", token: "resp_de", method: "GET", path: path, wantStatus: http.StatusOK,
				check: wantCampaignKeys()},
			{name: "coordinator of an administration not invited", token: "coord_de", method: "GET", path: path, wantStatus: http.StatusOK,
				check: wantCampaignKeys()},
			{name: "coordinator sees own administration's", token: "coord_be", method: "GET", path: path, wantStatus: http.StatusOK,
				check: wantCampaignKeys("customs-2024", "customs-2023")},
			{name: "anonymous may not list", method: "GET", path: path, wantStatus: http.StatusUnauthorized},

			{name: "admin reads it", token: "admin", method: "GET", path: path + "/customs-2023", wantStatus: http.StatusOK,
				check: wantStatusMember("open", true)},
			{name: "invited respondent reads it", token: "resp_be", method: "GET", path: path + "/customs-2023", wantStatus: http.StatusOK,
				check: func(t *testing.T, res result) {
					wantMembers(t, res.JSON(t), map[string]any{"key": "customs-2023", "status": "open", "administrations": []string{"BE", "FR"}})
				}},
			{name: "invited coordinator reads it", token: "coord_be", method: "GET", path: path + "/customs-2023", wantStatus: http.StatusOK},
			{name: "respondent not invited gets 404", token: "resp_de", method: "GET", path: path + "/customs-2023", wantStatus: http.StatusNotFound},
			{name: "coordinator not invited gets 404", token: "coord_de", method: "GET", path: path + "/customs-2023", wantStatus: http.StatusNotFound},
			{name: "respondent does not see a draft", token: "resp_be", method: "GET", path: path + "/customs-2024", wantStatus: http.StatusNotFound},
			{name: "respondent does not see another administration's", token: "resp_be", method: "GET", path: path + "/fr-only-2024", wantStatus: http.StatusNotFound},
			{name: "coordinator does not see another administration's", token: "coord_be", method: "GET", path: path + "/fr-only-2024", wantStatus: http.StatusNotFound},
			{name: "unknown campaign", token: "resp_be", method: "GET", path: path + "/customs-1999", wantStatus: http.StatusNotFound},
			{name: "anonymous may not read", method: "GET", path: path + "/customs-2023", wantStatus: http.StatusUnauthorized},
		})

		t.Run("404 for a hidden campaign equals 404 for a missing one", func(t *testing.T) {
			defer e.useT(t)()
			hidden := e.request("GET", path+"/customs-2023", e.tokens["resp_de"], nil)
			missing := e.request("GET", path+"/customs-1999", e.tokens["resp_de"], nil)
			strip := func(b []byte) any {
				m := plainJSON(t, b).(map[string]any)
				delete(m, "detail") // names the key asked for
				return m
			}
			if !reflect.DeepEqual(strip(hidden.Body), strip(missing.Body)) {
				t.Errorf("hidden: %s\nmissing: %s", hidden.Body, missing.Body)
			}
		})
	})
}

// wantProgress checks the expected body of GET /campaigns/customs-2023/progress.
// Each row is the administration, its respondents, drafts, submitted
// responses and pending amendments.
func wantProgress(rows ...[5]any) func(t *testing.T, res result) {
	return func(t *testing.T, res result) {
		adms := []any{}
		var totals [4]int
		for _, r := range rows {
			adms = append(adms, map[string]any{"administration": r[0], "respondents": r[1], "drafts": r[2], "submitted": r[3],
				"pending_amendments": r[4]})
			for i := range totals {
				totals[i] += r[i+1].(int)
			}
		}
		want := map[string]any{"campaign": "customs-2023", "administrations": adms,
			"totals": map[string]any{"respondents": totals[0], "drafts": totals[1], "submitted": totals[2],
				"pending_amendments": totals[3]}}
		got, _ := plainJSON(t, res.Body).(map[string]any)
		// last_submitted_at is a time where something was submitted,
		// else null; the times themselves are the requests'.
		gotRows, _ := got["administrations"].([]any)
		for _, row := range append(gotRows, got["totals"]) {
			r, _ := row.(map[string]any)
			if (r["last_submitted_at"] != nil) != (r["submitted"] != float64(0)) {
				t.Errorf("last_submitted_at %v with %v submitted", r["last_submitted_at"], r["submitted"])
			}
			delete(r, "last_submitted_at")
		}
		if !reflect.DeepEqual(any(got), plainJSON(t, []byte(jsonText(t, want)))) {
			t.Errorf("progress %s\nwant %s", res.Body, jsonText(t, want))
		}
	}
}

func TestCampaignProgress(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		e := newEnv(t, url)
		e.world()
		const (
			c = "/api/v1/campaigns/customs-2023"
			p = c + "/progress"
		)
		e.runCases(t, []apiCase{
			{name: "nobody answered yet", token: "admin", method: "GET", path: p, wantStatus: http.StatusOK,
				check: wantProgress([5]any{"BE", 2, 0, 0, 0}, [5]any{"FR", 1, 0, 0, 0})},
			{name: "resp_be saves a draft", token: "resp_be", method: "PUT", path: c + "/response",
				body: map[string]any{"answers": map[string]any{"ees_perf": "large"}}, wantStatus: http.StatusOK},
			{name: "one draft", token: "admin", method: "GET", path: p, wantStatus: http.StatusOK,
				check: wantProgress([5]any{"BE", 2, 1, 0, 0}, [5]any{"FR", 1, 0, 0, 0})},
			{name: "resp_be completes the draft", token: "resp_be", method: "PUT", path: c + "/response",
				body: map[string]any{"answers": campaignAnswers}, wantStatus: http.StatusOK},
			{name: "resp_be submits", token: "resp_be", method: "POST", path: c + "/response/submit", wantStatus: http.StatusOK,
				check: func(t *testing.T, res result) {
					body := res.JSON(t)
					wantMembers(t, body, map[string]any{"status": "submitted"})
					wantTime(t, body, "submitted_at")
				}},
			{name: "one submitted, no draft", token: "admin", method: "GET", path: p, wantStatus: http.StatusOK,
				check: wantProgress([5]any{"BE", 2, 0, 1, 0}, [5]any{"FR", 1, 0, 0, 0})},
			{name: "resp_be2 saves a draft", token: "resp_be2", method: "PUT", path: c + "/response",
				body: map[string]any{"answers": map[string]any{"comments": "later"}}, wantStatus: http.StatusOK},
			{name: "resp_be starts an amendment", token: "resp_be", method: "PUT", path: c + "/response",
				body: map[string]any{"answers": map[string]any{"ees_perf": "full"}}, wantStatus: http.StatusOK},
			{name: "an amendment keeps the submission counted", token: "admin", method: "GET", path: p, wantStatus: http.StatusOK,
				check: wantProgress([5]any{"BE", 2, 1, 1, 1}, [5]any{"FR", 1, 0, 0, 0})},
			{name: "resp_fr saves a full draft", token: "resp_fr", method: "PUT", path: c + "/response",
				body: map[string]any{"answers": campaignAnswers}, wantStatus: http.StatusOK},
			{name: "resp_fr submits", token: "resp_fr", method: "POST", path: c + "/response/submit", wantStatus: http.StatusOK},
			{name: "totals add up", token: "admin", method: "GET", path: p, wantStatus: http.StatusOK,
				check: wantProgress([5]any{"BE", 2, 1, 1, 1}, [5]any{"FR", 1, 0, 1, 0})},
			{name: "coordinator sees own row only", token: "coord_be", method: "GET", path: p, wantStatus: http.StatusOK,
				check: wantProgress([5]any{"BE", 2, 1, 1, 1})},
			{name: "coordinator not invited gets 404", token: "coord_de", method: "GET", path: p, wantStatus: http.StatusNotFound},
			{name: "respondent may not", token: "resp_be", method: "GET", path: p, wantStatus: http.StatusForbidden},
			{name: "respondent not invited may not", token: "resp_de", method: "GET", path: p, wantStatus: http.StatusForbidden},
			{name: "anonymous may not", method: "GET", path: p, wantStatus: http.StatusUnauthorized},
			{name: "unknown campaign", token: "admin", method: "GET", path: "/api/v1/campaigns/customs-1999/progress", wantStatus: http.StatusNotFound},
		})
	})
}

func TestCampaignQuestionnaire(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		e := newEnv(t, url)
		e.world()
		const q = "/api/v1/campaigns/customs-2023/questionnaire"
		localized := func(language, title, sectionTitle, eesPerfLabel string) func(t *testing.T, res result) {
			return func(t *testing.T, res result) {
				for _, word := range []string{"indicators", "score"} {
					if bytes.Contains(res.Body, []byte(word)) {
						t.Errorf("the respondent's document contains %q: %s", word, res.Body)
					}
				}
				var doc struct {
					Key, Language, DefaultLanguage, Title string
					Sections                              []struct {
						Key, Title string
						Questions  []struct {
							Key, Text string
							Options   []struct{ Key, Label string }
						}
					}
				}
				if err := json.Unmarshal(res.Body, &doc); err != nil {
					t.Fatal(err)
				}
				if doc.Key != "customs_annual" || doc.Language != language || doc.Title != title {
					t.Errorf("key %q, language %q, title %q; want customs_annual, %q, %q", doc.Key, doc.Language, doc.Title, language, title)
				}
				if len(doc.Sections) != 5 || doc.Sections[0].Title != sectionTitle {
					t.Fatalf("sections: %+v", doc.Sections)
				}
				ees := doc.Sections[1].Questions
				if len(ees) != 4 || ees[0].Key != "ees_perf" || len(ees[0].Options) != 6 || ees[0].Options[3].Label != eesPerfLabel {
					t.Errorf("ees_perf: %+v", ees)
				}
				// ees_union_law has no French text: it falls back to English.
				if ees[1].Text != "To what extent did new common components of the EES contribute to a coherent implementation of Union customs law?" {
					t.Errorf("ees_union_law text %q", ees[1].Text)
				}
			}
		}
		french := localized("fr", "Enquête annuelle du programme Douane", "Connaissance du programme", "Dans une large mesure")
		english := localized("en", "Customs programme annual survey", "Awareness of the programme", "To a large extent")
		e.runCases(t, []apiCase{
			{name: "French", token: "resp_be", method: "GET", path: q + "?lang=fr", wantStatus: http.StatusOK, check: french},
			{name: "German falls back to English", token: "resp_be", method: "GET", path: q + "?lang=de", wantStatus: http.StatusOK, check: english},
			{name: "default language", token: "resp_fr", method: "GET", path: q, wantStatus: http.StatusOK, check: english},
			{name: "coordinator", token: "coord_be", method: "GET", path: q + "?lang=fr", wantStatus: http.StatusOK, check: french},
			{name: "admin", token: "admin", method: "GET", path: q + "?lang=en", wantStatus: http.StatusOK, check: english},
			{name: "respondent not invited", token: "resp_de", method: "GET", path: q + "?lang=fr", wantStatus: http.StatusNotFound},
			{name: "coordinator not invited", token: "coord_de", method: "GET", path: q, wantStatus: http.StatusNotFound},
			{name: "unknown campaign", token: "resp_be", method: "GET", path: "/api/v1/campaigns/customs-1999/questionnaire", wantStatus: http.StatusNotFound},
			{name: "anonymous", method: "GET", path: q, wantStatus: http.StatusUnauthorized},
		})
	})
}
