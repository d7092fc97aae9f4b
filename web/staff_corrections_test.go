package web_test

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/customs-survey/surveyd/auth"
	"github.com/customs-survey/surveyd/campaigns"
	"github.com/customs-survey/surveyd/survey"
)

// TestCorrectCampaignPages walks the correction forms of the campaign
// overview in order: each step sees what the ones before did, each attempt
// is audited, and a refused one changes nothing and says why at its field.
func TestCorrectCampaignPages(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		staffWorld(t, e) // mini-2024 open (BE answered, FR a draft), fr-only a draft
		b := staffSignIn(e, "admin")
		get := func(key string) survey.Campaign {
			c, err := campaigns.New(e.store).Get(context.Background(), auth.Operator(), key)
			if err != nil {
				t.Fatal(err)
			}
			return c
		}
		later := e.now().Add(72 * time.Hour).UTC().Truncate(time.Minute)
		for _, step := range []struct {
			name, path string
			form       url.Values
			status     int
			says       string // in the page answered (or, after a redirect, the page it leads to)
			audit      [2]string
			check      func(t *testing.T)
		}{
			{name: "the forms of a draft", path: "", status: http.StatusOK,
				says: `action="/campaigns/fr-only/delete"`},
			{name: "a correction on a stale revision", path: "/campaigns/fr-only/correct", status: http.StatusPreconditionFailed,
				form: url.Values{"revision": {"7"}, "title": {"x"}, "closes_at": {later.Format("2006-01-02T15:04")}, "administrations": {"FR"}},
				says: "Someone changed the campaign since this page was shown", audit: [2]string{"campaign.update", "412"}},
			{name: "a closing date that is no date", path: "/campaigns/fr-only/correct", status: http.StatusUnprocessableEntity,
				form: url.Values{"revision": {"1"}, "title": {"x"}, "closes_at": {"tomorrow"}, "administrations": {"FR"}},
				says: `href="#correct-closes"`, audit: [2]string{"campaign.update", "422"}},
			{name: "no administration left", path: "/campaigns/fr-only/correct", status: http.StatusUnprocessableEntity,
				form: url.Values{"revision": {"1"}, "title": {"x"}, "closes_at": {later.Format("2006-01-02T15:04")}},
				says: `href="#correct-administrations"`},
			{name: "title, closing date and BE added", path: "/campaigns/fr-only/correct", status: http.StatusSeeOther,
				form: url.Values{"revision": {"1"}, "title": {"French survey"}, "closes_at": {later.Format("2006-01-02T15:04")},
					"administrations": {"FR", "BE"}},
				says: "The campaign has been corrected.", audit: [2]string{"campaign.update", "303"},
				check: func(t *testing.T) {
					c := get("fr-only")
					if c.Title != "French survey" || !c.ClosesAt.Equal(later) || !slices.Equal(c.Administrations, []string{"BE", "FR"}) {
						t.Errorf("corrected: %+v", c)
					}
				}},
			{name: "BE removed from a campaign it answered", path: "/campaigns/mini-2024/correct", status: http.StatusConflict,
				form: url.Values{"revision": {"2"}, "title": {""}, "closes_at": {later.Format("2006-01-02T15:04")}, "administrations": {"FR"}},
				says: "an administration that has answered cannot be removed"},
			{name: "close mini-2024", path: "/campaigns/mini-2024/close", status: http.StatusSeeOther, form: url.Values{"confirm": {"yes"}}},
			{name: "reopen without a reason", path: "/campaigns/mini-2024/reopen", status: http.StatusUnprocessableEntity,
				form: url.Values{"reason": {" "}, "closes_at": {later.Format("2006-01-02T15:04")}},
				says: `href="#reopen-reason"`, audit: [2]string{"campaign.reopen", "422"}},
			{name: "reopen", path: "/campaigns/mini-2024/reopen", status: http.StatusSeeOther,
				form: url.Values{"reason": {"FR answered late"}, "closes_at": {later.Format("2006-01-02T15:04")}},
				says: "The campaign is open again until its new closing date.",
				check: func(t *testing.T) {
					if c := get("mini-2024"); c.Status != survey.StatusOpen || c.ReopenReason != "FR answered late" || c.LastClosedAt == nil {
						t.Errorf("reopened: %+v", c)
					}
					if ev := staffAudit(t, e, "campaign.reopen", "key=mini-2024,reason=FR answered late"); ev.Status != http.StatusSeeOther {
						t.Errorf("the reopen's event: %+v", ev)
					}
					// The scores say when they were last final.
					if p := b.get("/campaigns/mini-2024/scores"); p.Status != http.StatusOK ||
						!strings.Contains(p.Body, "These figures were last final when the campaign closed on ") {
						t.Errorf("the scores page of a reopened campaign: %d\n%s", p.Status, p.Body)
					}
				}},
			{name: "delete without confirming", path: "/campaigns/fr-only/delete", status: http.StatusUnprocessableEntity,
				says: `href="#delete-confirm"`, audit: [2]string{"campaign.delete", "422"}},
			{name: "delete an opened campaign", path: "/campaigns/mini-2024/delete", status: http.StatusConflict,
				form: url.Values{"confirm": {"yes"}}, audit: [2]string{"campaign.delete", "409"}},
			{name: "delete the draft", path: "/campaigns/fr-only/delete", status: http.StatusSeeOther,
				form: url.Values{"confirm": {"yes"}}, says: "The campaign has been deleted.", audit: [2]string{"campaign.delete", "303"},
				check: func(t *testing.T) {
					if _, err := campaigns.New(e.store).Get(context.Background(), auth.Operator(), "fr-only"); err == nil {
						t.Error("the draft is still there")
					}
				}},
		} {
			t.Run(step.name, func(t *testing.T) {
				var p page
				if step.path == "" {
					p = b.get("/campaigns/fr-only")
				} else {
					p = b.post(step.path, step.form)
				}
				if p.Status != step.status {
					t.Fatalf("status %d, want %d\n%s", p.Status, step.status, p.Body)
				}
				if p.Status == http.StatusSeeOther {
					p = b.get(p.Location)
				}
				if !strings.Contains(p.Body, step.says) {
					t.Errorf("the page does not say %q:\n%s", step.says, p.Body)
				}
				if step.audit[0] != "" {
					key := strings.Split(strings.TrimPrefix(step.path, "/campaigns/"), "/")[0]
					ev := staffAudit(t, e, step.audit[0], "key="+key)
					if got := strconv.Itoa(ev.Status); got != step.audit[1] {
						t.Errorf("audit %s: status %s, want %s", step.audit[0], got, step.audit[1])
					}
				}
				if step.check != nil {
					step.check(t)
				}
			})
		}
	})
}
