package web_test

import (
	"context"
	"encoding/json"
	"errors"
	"maps"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/customs-survey/surveyd/auth"
	"github.com/customs-survey/surveyd/campaigns"
	"github.com/customs-survey/surveyd/responding"
	"github.com/customs-survey/surveyd/survey"
)

// The respondents' pages, through the real server on both databases: the
// list of campaigns, the questionnaire's form, saving drafts (and their
// conflicts), checking and submitting, the receipt, conditional questions,
// amendments, and who may not use these pages.

const (
	respKey       = "customs-2023"
	respForm      = "/campaigns/" + respKey
	respBE        = "resp_be@customs.example"
	respFR        = "resp_fr@customs.example"
	respCoordBE   = "coord_be@customs.example"
	respSavePath  = respForm + "/response"
	respCheck     = respForm + "/check"
	respSubmit    = respForm + "/submit"
	respReceipt   = respForm + "/receipt"
	respSavedPath = respForm + "?saved=1"
)

// respComplete answers every required question of customs_annual (with
// "yes" to used_outputs, so that why_not is not asked) and a few optional
// ones.
func respComplete() url.Values {
	return url.Values{
		"q.awareness_level": {"basic"}, "q.ees_perf": {"large"}, "q.ees_union_law": {"moderate"},
		"q.ees_cooperation": {"full"}, "q.ees_innovation": {"dont_know"}, "q.used_outputs": {"yes"},
		"q.support_satisfaction": {"4"}, "q.staff_trained": {"12"}, "q.comments": {"All good"},
	}
}

// respSignIn is a browser signed in as one of world's accounts.
func (e *env) respSignIn(email string) *browser {
	b := e.browser()
	password := userPassword
	if email == adminEmail {
		password = adminPassword
	}
	b.login(email, password)
	return b
}

// respPrincipal is the principal of one of world's accounts, to ask the use
// cases what the pages did.
func (e *env) respPrincipal(email string) auth.Principal {
	e.t.Helper()
	a, found, err := e.store.AccountByEmail(context.Background(), email)
	if err != nil || !found {
		e.t.Fatalf("account %s: %v %v", email, found, err)
	}
	return auth.Principal{UserID: a.ID, Email: a.Email, Role: a.Role, Administration: a.Administration}
}

// respMine is email's response to customs-2023 as the use case has it.
func (e *env) respMine(email string) (survey.Response, error) {
	return responding.New(e.store, e.now).Mine(context.Background(), e.respPrincipal(email), respKey)
}

// respPost sends the questionnaire's form (save) or the check page's
// (submit) with a revision and, for a save, what to do next.
func (b *browser) respPost(path string, values url.Values, revision, then string) page {
	b.e.t.Helper()
	form := url.Values{}
	for k, v := range values {
		form[k] = v
	}
	form.Set("revision", revision)
	if then != "" {
		form.Set("then", then)
	}
	return b.post(path, form)
}

var respRevisionField = regexp.MustCompile(`name="revision" value="([0-9]+)"`)

// respRevisionOf is the revision a page's form was rendered at.
func respRevisionOf(t *testing.T, p page) string {
	t.Helper()
	m := respRevisionField.FindStringSubmatch(p.Body)
	if m == nil {
		t.Fatalf("no revision in the page:\n%s", p.Body)
	}
	return m[1]
}

// respSaveAndSubmit answers the form with values and submits, through the
// pages, failing the test unless both succeed.
func (b *browser) respSaveAndSubmit(t *testing.T, values url.Values) {
	t.Helper()
	rev := respRevisionOf(t, b.get(respForm))
	if p := b.respPost(respSavePath, values, rev, "check"); p.Status != http.StatusSeeOther {
		t.Fatalf("save: %d\n%s", p.Status, p.Body)
	}
	rev = respRevisionOf(t, b.get(respCheck))
	if p := b.respPost(respSubmit, nil, rev, ""); p.Status != http.StatusSeeOther || p.Location != respReceipt {
		t.Fatalf("submit: %d %s\n%s", p.Status, p.Location, p.Body)
	}
}

// respAudit is the audit trail's events of an action, oldest first.
func (e *env) respAudit(action string) []survey.AuditEvent {
	e.t.Helper()
	events, err := e.store.AuditEvents(context.Background(), survey.AuditFilter{Action: action})
	if err != nil {
		e.t.Fatal(err)
	}
	slices.Reverse(events)
	return events
}

// respDoc is a parsed page.
type respDoc struct {
	t    *testing.T
	root *html.Node
	ids  map[string]*html.Node
}

func respParse(t *testing.T, p page) respDoc {
	t.Helper()
	root, err := html.Parse(strings.NewReader(p.Body))
	if err != nil {
		t.Fatal(err)
	}
	d := respDoc{t: t, root: root, ids: map[string]*html.Node{}}
	for _, n := range d.all(func(n *html.Node) bool { return respAttr(n, "id") != "" }) {
		id := respAttr(n, "id")
		if _, dup := d.ids[id]; dup {
			t.Errorf("the id %q is used twice", id)
		}
		d.ids[id] = n
	}
	return d
}

// all returns the elements that match, in document order.
func (d respDoc) all(match func(*html.Node) bool) []*html.Node {
	var out []*html.Node
	for n := range d.root.Descendants() {
		if n.Type == html.ElementNode && match(n) {
			out = append(out, n)
		}
	}
	return out
}

// id returns the element with that id, failing the test if there is none.
func (d respDoc) id(id string) *html.Node {
	d.t.Helper()
	n, ok := d.ids[id]
	if !ok {
		d.t.Fatalf("no element has the id %q", id)
	}
	return n
}

func respAttr(n *html.Node, name string) string {
	for _, a := range n.Attr {
		if a.Key == name {
			return a.Val
		}
	}
	return ""
}

func respHasAttr(n *html.Node, name string) bool {
	return slices.ContainsFunc(n.Attr, func(a html.Attribute) bool { return a.Key == name })
}

// respText is the text of an element, its white space collapsed.
func respText(n *html.Node) string {
	var b strings.Builder
	for c := range n.Descendants() {
		if c.Type == html.TextNode {
			b.WriteString(c.Data)
		}
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

// respAncestor is the nearest enclosing element of that tag, or nil.
func respAncestor(n *html.Node, tag string) *html.Node {
	for p := n.Parent; p != nil; p = p.Parent {
		if p.Type == html.ElementNode && p.Data == tag {
			return p
		}
	}
	return nil
}

func respTag(tag string) func(*html.Node) bool {
	return func(n *html.Node) bool { return n.Data == tag }
}

// respDescribedBy is the ids that describe a question's control: the
// control's own aria-describedby, or its fieldset's for a choice.
func respDescribedBy(control *html.Node) []string {
	if t := respAttr(control, "type"); t == "radio" || t == "checkbox" {
		control = respAncestor(control, "fieldset")
	}
	return strings.Fields(respAttr(control, "aria-describedby"))
}

// respSummaryLinks are the targets of the error summary's links.
func respSummaryLinks(d respDoc) []string {
	summary, ok := d.ids["error-summary"]
	if !ok {
		return nil
	}
	var out []string
	for n := range summary.Descendants() {
		if n.Type == html.ElementNode && n.Data == "a" {
			out = append(out, respAttr(n, "href"))
		}
	}
	return out
}

// TestRespondentCampaignList: a respondent's campaigns, each with its
// closing time, a link to its form and the state of their response through
// its life: not started, draft, submitted, amendment pending.
func TestRespondentCampaignList(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.world()
		ctx := context.Background()
		p := e.respPrincipal(respBE)
		answering := responding.New(e.store, e.now)
		c, err := campaigns.New(e.store).Get(ctx, p, respKey)
		if err != nil {
			t.Fatal(err)
		}
		draft := survey.Answers{"awareness_level": json.RawMessage(`"basic"`)}
		complete := survey.Answers{"awareness_level": json.RawMessage(`"basic"`), "ees_perf": json.RawMessage(`"large"`),
			"ees_union_law": json.RawMessage(`"large"`), "ees_cooperation": json.RawMessage(`"large"`),
			"ees_innovation": json.RawMessage(`"large"`), "used_outputs": json.RawMessage(`"yes"`)}
		b := e.respSignIn(respBE)
		for _, step := range []struct {
			name    string
			act     func() error
			status  string
			receipt bool
		}{
			{"before any answer", func() error { return nil }, "Not started", false},
			{"after a draft", func() error { _, err := answering.SaveDraft(ctx, p, respKey, draft, nil); return err },
				"Draft, not submitted", false},
			{"after submitting", func() error {
				if _, err := answering.SaveDraft(ctx, p, respKey, complete, nil); err != nil {
					return err
				}
				_, err := answering.Submit(ctx, p, respKey, nil)
				return err
			}, "Submitted", true},
			{"after a change since", func() error { _, err := answering.SaveDraft(ctx, p, respKey, complete, nil); return err },
				"Amendment not yet submitted", true},
		} {
			if err := step.act(); err != nil {
				t.Fatalf("%s: %v", step.name, err)
			}
			pg := b.get("/campaigns")
			if pg.Status != http.StatusOK {
				t.Fatalf("%s: /campaigns %d", step.name, pg.Status)
			}
			d := respParse(t, pg)
			links := d.all(func(n *html.Node) bool { return n.Data == "a" && respAttr(n, "href") == respForm })
			if len(links) != 1 || respText(links[0]) != "Customs programme annual survey 2023" {
				t.Fatalf("%s: the link to the form: %d\n%s", step.name, len(links), pg.Body)
			}
			row := respAncestor(links[0], "tr")
			times := respDocOf(row).all(respTag("time"))
			if len(times) != 1 || respAttr(times[0], "datetime") != c.ClosesAt.UTC().Format(time.RFC3339) {
				t.Errorf("%s: the closing time is not shown as %s", step.name, c.ClosesAt.UTC().Format(time.RFC3339))
			}
			statuses := respDocOf(row).all(func(n *html.Node) bool { return respAttr(n, "class") == "status" })
			if len(statuses) != 1 || respText(statuses[0]) != step.status {
				t.Errorf("%s: the status is not %q:\n%s", step.name, step.status, pg.Body)
			}
			hasReceipt := len(respDocOf(row).all(func(n *html.Node) bool { return respAttr(n, "href") == respReceipt })) == 1
			if hasReceipt != step.receipt {
				t.Errorf("%s: a link to the receipt: %v, want %v", step.name, hasReceipt, step.receipt)
			}
		}
	})
}

// respRowText is the answer of the question that starts with question on
// a summary (check page, receipt).
func respRowText(d respDoc, question string) string {
	for _, row := range d.all(func(n *html.Node) bool { return respAttr(n, "class") == "summary-row" }) {
		dt, dd := respDocOf(row).all(respTag("dt")), respDocOf(row).all(respTag("dd"))
		if len(dt) == 1 && len(dd) > 0 && strings.HasPrefix(respText(dt[0]), question) {
			return respText(dd[0])
		}
	}
	return "(no such question)"
}

// respDocOf searches under one element.
func respDocOf(n *html.Node) respDoc { return respDoc{root: n} }

// TestResponseFormRendersEveryQuestion: every question type with its
// controls, labels, legends, required or optional in words, hints tied with
// aria-describedby, number bounds, the enforced maxlength, and the saved
// draft's answers filled in; nothing inline that the CSP would refuse.
func TestResponseFormRendersEveryQuestion(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.world()
		saved := survey.Answers{"awareness_level": json.RawMessage(`"very_basic"`),
			"why_not": json.RawMessage(`["not_relevant","other"]`), "support_satisfaction": json.RawMessage(`2`),
			"staff_trained": json.RawMessage(`1250.5`), "comments": json.RawMessage(`"First line\nSecond <line>"`)}
		if _, err := responding.New(e.store, e.now).SaveDraft(context.Background(), e.respPrincipal(respBE), respKey, saved, nil); err != nil {
			t.Fatal(err)
		}
		pg := e.respSignIn(respBE).get(respForm)
		if pg.Status != http.StatusOK {
			t.Fatalf("form: %d\n%s", pg.Status, pg.Body)
		}
		d := respParse(t, pg)
		if h1 := d.all(respTag("h1")); len(h1) != 1 || respText(h1[0]) != "Customs programme annual survey" {
			t.Errorf("h1: %d", len(h1))
		}
		var h2 []string
		for _, n := range d.all(respTag("h2")) {
			h2 = append(h2, respText(n))
		}
		for _, want := range []string{"Awareness of the programme", "European electronic systems", "Use of programme outputs",
			"Support and networking", "General comments"} {
			if !slices.Contains(h2, want) {
				t.Errorf("no section heading %q in %q", want, h2)
			}
		}

		// Choice questions: a fieldset whose legend is the question, one
		// labelled radio or checkbox per option.
		for _, tt := range []struct {
			key, kind, legend string
			options           []string
			checked           []string
			describedBy       []string
		}{
			{"awareness_level", "radio", "How would you describe the level of awareness of the Customs programme among the staff of your administration? (required)",
				[]string{"Advanced", "Basic", "Very basic", "No awareness"}, []string{"Very basic"}, nil},
			{"ees_innovation", "radio", "To what extent did new common components of the EES help your administration innovate? (required)",
				[]string{"Not at all", "To a small extent", "To a moderate extent", "To a large extent", "Fully", "Don't know"}, nil,
				[]string{"q-ees_innovation-hint"}},
			{"why_not", "checkbox", "Why did your administration not use any of the programme's outputs? (required)",
				[]string{"The activities have not yet produced recommendations", "The outputs were not relevant to our work",
					"We lacked the resources to implement them", "Another reason"},
				[]string{"The outputs were not relevant to our work", "Another reason"}, []string{"q-why_not-condition"}},
			{"networking_contacts", "radio", "How often do you contact officials of other administrations you met through the programme? (optional)",
				[]string{"Never", "Rarely", "Occasionally", "Frequently", "Very frequently", "Not applicable"}, nil, nil},
		} {
			first := d.id("q-" + tt.key)
			fieldset := respAncestor(first, "fieldset")
			if fieldset == nil {
				t.Errorf("%s: not in a fieldset", tt.key)
				continue
			}
			legends := respDocOf(fieldset).all(respTag("legend"))
			if len(legends) != 1 || respText(legends[0]) != tt.legend {
				t.Errorf("%s: legend %q, want %q", tt.key, respText(legends[0]), tt.legend)
			}
			if got := respDescribedBy(first); !slices.Equal(got, tt.describedBy) {
				t.Errorf("%s: aria-describedby %q, want %q", tt.key, got, tt.describedBy)
			}
			for _, id := range tt.describedBy {
				if respText(d.id(id)) == "" {
					t.Errorf("%s: the hint %s is empty", tt.key, id)
				}
			}
			var labels, checked []string
			for _, in := range respDocOf(fieldset).all(respTag("input")) {
				if respAttr(in, "type") != tt.kind || respAttr(in, "name") != "q."+tt.key {
					t.Errorf("%s: a control %s named %s", tt.key, respAttr(in, "type"), respAttr(in, "name"))
				}
				label := d.all(func(n *html.Node) bool { return n.Data == "label" && respAttr(n, "for") == respAttr(in, "id") })
				if len(label) != 1 {
					t.Errorf("%s: the option %s has %d labels", tt.key, respAttr(in, "value"), len(label))
					continue
				}
				labels = append(labels, respText(label[0]))
				if respHasAttr(in, "checked") {
					checked = append(checked, respText(label[0]))
				}
			}
			if !slices.Equal(labels, tt.options) || !slices.Equal(checked, tt.checked) {
				t.Errorf("%s: options %q checked %q, want %q checked %q", tt.key, labels, checked, tt.options, tt.checked)
			}
		}

		// Number and text questions: a labelled control with its bounds or
		// its limit, in attributes and in words.
		for _, tt := range []struct {
			key, tag, label string
			attrs           map[string]string
			absent          []string
			value, limit    string
		}{
			{"support_satisfaction", "input", "How satisfied are you with the IT support services, from 1 (not at all) to 5 (very satisfied)? (optional)",
				map[string]string{"type": "number", "min": "1", "max": "5", "step": "1", "value": "2"}, nil, "2", "A whole number from 1 to 5."},
			{"staff_trained", "input", "How many officials of your administration took part in programme training this year? (optional)",
				map[string]string{"type": "number", "min": "0", "step": "any", "value": "1250.5"}, []string{"max"}, "1250.5", "A number of at least 0."},
			{"why_not_other", "textarea", "Please describe the other reason. (required)",
				map[string]string{"maxlength": "500"}, nil, "", "You can enter up to 500 characters."},
			{"comments", "textarea", "Do you have any other comments on the programme? (optional)",
				map[string]string{"maxlength": "4000"}, nil, "First line\nSecond <line>", "You can enter up to 4000 characters."},
		} {
			control := d.id("q-" + tt.key)
			if control.Data != tt.tag || respAttr(control, "name") != "q."+tt.key {
				t.Errorf("%s: <%s name=%s>", tt.key, control.Data, respAttr(control, "name"))
			}
			for name, want := range tt.attrs {
				if got := respAttr(control, name); got != want {
					t.Errorf("%s: %s=%q, want %q", tt.key, name, got, want)
				}
			}
			for _, name := range tt.absent {
				if respHasAttr(control, name) {
					t.Errorf("%s: has %s", tt.key, name)
				}
			}
			if tt.tag == "textarea" {
				if got := control.FirstChild; (got == nil && tt.value != "") || (got != nil && got.Data != tt.value) {
					t.Errorf("%s: the text area holds %v, want %q", tt.key, got, tt.value)
				}
			}
			label := d.all(func(n *html.Node) bool { return n.Data == "label" && respAttr(n, "for") == "q-"+tt.key })
			if len(label) != 1 || respText(label[0]) != tt.label {
				t.Errorf("%s: label %d", tt.key, len(label))
			} else if respText(label[0]) != tt.label {
				t.Errorf("%s: label %q, want %q", tt.key, respText(label[0]), tt.label)
			}
			if !slices.Contains(respDescribedBy(control), "q-"+tt.key+"-limit") || respText(d.id("q-"+tt.key+"-limit")) != tt.limit {
				t.Errorf("%s: the limit in words is not %q, or not tied to the control", tt.key, tt.limit)
			}
		}

		// Every control of the page is labelled.
		for _, in := range d.all(func(n *html.Node) bool {
			return (n.Data == "input" && respAttr(n, "type") != "hidden") || n.Data == "textarea" || n.Data == "select"
		}) {
			id := respAttr(in, "id")
			if id == "" || len(d.all(func(n *html.Node) bool { return n.Data == "label" && respAttr(n, "for") == id })) != 1 {
				t.Errorf("the control %s (%s) has no label", respAttr(in, "name"), id)
			}
		}
		if got := respRevisionOf(t, pg); got != "1" {
			t.Errorf("the form was rendered at revision %s, want 1", got)
		}
		scripts := d.all(respTag("script"))
		if !slices.ContainsFunc(scripts, func(n *html.Node) bool {
			return strings.Contains(respAttr(n, "src"), "/static/form.") && respHasAttr(n, "defer")
		}) {
			t.Error("form.js is not linked with defer")
		}
		for _, s := range scripts {
			if respAttr(s, "src") == "" {
				t.Error("an inline script")
			}
		}
		if len(d.all(respTag("style"))) > 0 || len(d.all(func(n *html.Node) bool { return respHasAttr(n, "style") })) > 0 {
			t.Error("inline style")
		}
	})
}

// TestSaveDraftKeepsTheWork: "Save draft" turns the form into the API's
// JSON answers (choice keys, arrays, numbers, strings; an empty field is no
// answer), saves them, and the form shows them again; "Save and check"
// leads to the check page. Each save is in the audit trail as the API
// records it.
func TestSaveDraftKeepsTheWork(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.world()
		b := e.respSignIn(respBE)
		rev := respRevisionOf(t, b.get(respForm))
		if rev != "0" {
			t.Fatalf("a form without a response is at revision %s", rev)
		}
		typed := url.Values{"q.awareness_level": {"advanced"}, "q.why_not": {"no_capacity", "other"},
			"q.support_satisfaction": {" 3 "}, "q.staff_trained": {"12.5"}, "q.ees_perf": {""}, "q.why_not_other": {""},
			"q.comments": {"Line 1\r\nLine 2 <b>&"}}
		p := b.respPost(respSavePath, typed, rev, "stay")
		if p.Status != http.StatusSeeOther || p.Location != respSavedPath {
			t.Fatalf("save: %d %s\n%s", p.Status, p.Location, p.Body)
		}
		r, err := e.respMine(respBE)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]string{"awareness_level": `"advanced"`, "why_not": `["no_capacity","other"]`,
			"support_satisfaction": `3`, "staff_trained": `12.5`, "comments": `"Line 1\nLine 2 <b>&"`}
		got := map[string]string{}
		for k, v := range r.Answers {
			got[k] = respCanonical(t, v)
		}
		for k, v := range want {
			want[k] = respCanonical(t, json.RawMessage(v))
		}
		if r.Revision != 1 || !maps.Equal(got, want) {
			t.Fatalf("saved revision %d answers %v, want 1 %v", r.Revision, got, want)
		}

		pg := b.get(p.Location)
		d := respParse(t, pg)
		if !strings.Contains(pg.Body, "Your answers are saved as a draft") {
			t.Error("no word that the draft was saved")
		}
		for _, id := range []string{"q-awareness_level", "q-why_not-no_capacity", "q-why_not-other"} {
			if !respHasAttr(d.id(id), "checked") {
				t.Errorf("%s is not checked after reload", id)
			}
		}
		if v := respAttr(d.id("q-support_satisfaction"), "value"); v != "3" {
			t.Errorf("the number shows %q after reload", v)
		}
		if c := d.id("q-comments").FirstChild; c == nil || c.Data != "Line 1\nLine 2 <b>&" {
			t.Errorf("the text area after reload: %v", c)
		}
		if rev := respRevisionOf(t, pg); rev != "1" {
			t.Errorf("the reloaded form is at revision %s", rev)
		}
		if p := b.respPost(respSavePath, typed, "1", "check"); p.Status != http.StatusSeeOther || p.Location != respCheck {
			t.Fatalf("save and check: %d %s", p.Status, p.Location)
		}
		events := e.respAudit("response.save")
		if len(events) != 2 {
			t.Fatalf("%d response.save events, want 2", len(events))
		}
		for _, ev := range events {
			if ev.Target != "key="+respKey || ev.Status != http.StatusSeeOther || ev.ActorEmail != respBE || ev.ActorRole != "respondent" {
				t.Errorf("audit event %+v", ev)
			}
		}
	})
}

// respCanonical re-encodes a JSON value, so that two encodings of the same
// value compare equal (the store may escape < and > as \u003c and \u003e).
func respCanonical(t *testing.T, raw json.RawMessage) string {
	t.Helper()
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatalf("%s: %v", raw, err)
	}
	out, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

// TestStaleFormsChangeNothing: a save or submission from a page rendered
// at an older revision (another tab saved meanwhile), or without its
// revision, gets the conflict page and overwrites nothing.
func TestStaleFormsChangeNothing(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.world()
		stale := e.respSignIn(respBE)
		stale.get(respForm)
		other := e.respSignIn(respBE)
		other.get(respForm)
		if p := other.respPost(respSavePath, respComplete(), "0", "stay"); p.Status != http.StatusSeeOther {
			t.Fatalf("save in the other tab: %d", p.Status)
		}
		for _, tt := range []struct {
			name     string
			path     string
			revision string // of the stale page; the response is then at revision 1
			says     string
			reload   string
			typed    bool
		}{
			{"a save from a stale tab", respSavePath, "0", "Nothing you typed on this page was saved", respForm, true},
			{"a save without its revision", respSavePath, "", "Nothing you typed on this page was saved", respForm, true},
			{"a save asking to overwrite any revision", respSavePath, "-1", "Nothing you typed on this page was saved", respForm, true},
			{"a submission from a stale check page", respSubmit, "0", "Nothing was submitted", respCheck, false},
		} {
			typed := url.Values{"q.awareness_level": {"no_awareness"}, "q.comments": {"Typed in the stale tab"}}
			p := stale.respPost(tt.path, typed, tt.revision, "stay")
			if p.Status != http.StatusConflict {
				t.Errorf("%s: %d, want 409\n%s", tt.name, p.Status, p.Body)
				continue
			}
			for _, want := range []string{"Your answers were changed elsewhere", tt.says, "nothing saved elsewhere was overwritten",
				`href="` + tt.reload + `"`} {
				if !strings.Contains(p.Body, want) {
					t.Errorf("%s: the conflict page does not say %q:\n%s", tt.name, want, p.Body)
				}
			}
			if got := strings.Contains(p.Body, "Typed in the stale tab"); got != tt.typed {
				t.Errorf("%s: what was typed is shown: %v, want %v", tt.name, got, tt.typed)
			}
			r, err := e.respMine(respBE)
			if err != nil {
				t.Fatal(err)
			}
			if r.Revision != 1 || string(r.Answers["awareness_level"]) != `"basic"` || string(r.Answers["comments"]) != `"All good"` ||
				r.SubmittedAt != nil {
				t.Errorf("%s: the response changed: revision %d %s %s submitted %v", tt.name, r.Revision, r.Answers["awareness_level"],
					r.Answers["comments"], r.SubmittedAt)
			}
			action := "response.save"
			if tt.path == respSubmit {
				action = "response.submit"
			}
			events := e.respAudit(action)
			if last := events[len(events)-1]; last.Status != http.StatusConflict || last.Target != "key="+respKey {
				t.Errorf("%s: audit %+v", tt.name, last)
			}
		}
	})
}

// TestInvalidAnswersKeepWhatWasTyped: an answer the use case refuses
// re-renders the form (422) with the error summary linking to the question,
// the message beside it, and every typed answer kept, invalid ones too;
// nothing is saved.
func TestInvalidAnswersKeepWhatWasTyped(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.world()
		b := e.respSignIn(respBE)
		b.get(respForm)
		for i, tt := range []struct {
			name, key, value, message string
		}{
			{"a number above its max", "support_satisfaction", "7", "Enter a number from 1 to 5"},
			{"a fraction where a whole number is asked", "support_satisfaction", "2.5", "Enter a whole number, without decimals"},
			{"a number below its min", "staff_trained", "-1", "Enter a number from 0 to 1000000000000000"},
			{"a number beyond every number's range", "staff_trained", "1e16", "Enter a number from 0 to 1000000000000000"},
			{"words in a number field", "staff_trained", "twelve", "Enter a number, like 12 or 3.5"},
			{"a text over its limit", "why_not_other", strings.Repeat("é", 501), "Enter at most 500 characters"},
			{"an option the question does not have", "networking_contacts", "always", "Select one of the options"},
		} {
			typed := url.Values{"q.awareness_level": {"basic"}, "q.comments": {"Keep me"}, "q." + tt.key: {tt.value}}
			p := b.respPost(respSavePath, typed, "0", "stay")
			if p.Status != http.StatusUnprocessableEntity {
				t.Errorf("%s: %d, want 422\n%s", tt.name, p.Status, p.Body)
				continue
			}
			if !strings.Contains(p.Body, "<title>Error: ") {
				t.Errorf("%s: the title does not start with Error:", tt.name)
			}
			d := respParse(t, p)
			id := "q-" + tt.key
			if links := respSummaryLinks(d); !slices.Equal(links, []string{"#" + id}) {
				t.Errorf("%s: the error summary links to %q, want #%s", tt.name, links, id)
			}
			if !strings.Contains(respText(d.id("error-summary")), tt.message) {
				t.Errorf("%s: the error summary does not say %q: %s", tt.name, tt.message, respText(d.id("error-summary")))
			}
			if got := respText(d.id(id + "-error")); got != "Error: "+tt.message {
				t.Errorf("%s: beside the question: %q, want %q", tt.name, got, "Error: "+tt.message)
			}
			control := d.id(id)
			if !slices.Contains(respDescribedBy(control), id+"-error") {
				t.Errorf("%s: the message is not tied to the control: %q", tt.name, respDescribedBy(control))
			}
			switch control.Data {
			case "input":
				if respAttr(control, "type") == "number" && (respAttr(control, "value") != tt.value || respAttr(control, "aria-invalid") != "true") {
					t.Errorf("%s: the number field: value %q aria-invalid %q", tt.name, respAttr(control, "value"), respAttr(control, "aria-invalid"))
				}
			case "textarea":
				if c := control.FirstChild; c == nil || c.Data != tt.value || respAttr(control, "aria-invalid") != "true" {
					t.Errorf("%s: the text area does not keep what was typed, or is not marked invalid", tt.name)
				}
			}
			if !respHasAttr(d.id("q-awareness_level-basic"), "checked") {
				t.Errorf("%s: the other answers are lost: basic is not checked", tt.name)
			}
			if c := d.id("q-comments").FirstChild; c == nil || c.Data != "Keep me" {
				t.Errorf("%s: the other answers are lost: the comment is gone", tt.name)
			}
			if _, err := e.respMine(respBE); !errors.Is(err, survey.ErrNotFound) {
				t.Fatalf("%s: something was saved: %v", tt.name, err)
			}
			if events := e.respAudit("response.save"); len(events) != i+1 || events[i].Status != http.StatusUnprocessableEntity {
				t.Errorf("%s: audit %+v", tt.name, events)
			}
		}
	})
}

// TestSubmitThroughCheckAndReceipt: "Check your answers" shows labels with
// links back to each question; a submission with required questions
// unanswered shows the form with the error summary linking to each of them
// and the saved answers kept; once fixed, the submission leads to the
// receipt, with the campaign, administration, time, revision and every
// answer's label.
func TestSubmitThroughCheckAndReceipt(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.world()
		b := e.respSignIn(respBE)
		b.get(respForm)
		partial := url.Values{"q.awareness_level": {"basic"}, "q.comments": {"Partial answer"}}
		if p := b.respPost(respSavePath, partial, "0", "check"); p.Status != http.StatusSeeOther || p.Location != respCheck {
			t.Fatalf("save: %d %s", p.Status, p.Location)
		}
		check := b.get(respCheck)
		d := respParse(t, check)
		rows := d.all(func(n *html.Node) bool { return respAttr(n, "class") == "summary-row" })
		var awareness *html.Node
		for _, row := range rows {
			if strings.HasPrefix(respText(row), "How would you describe the level of awareness") {
				awareness = row
			}
		}
		if awareness == nil || !strings.Contains(respText(awareness), "Basic") || strings.Contains(respText(awareness), "basic ") {
			t.Fatalf("the check page does not show the label of the answer:\n%s", check.Body)
		}
		change := respDocOf(awareness).all(respTag("a"))
		if len(change) != 1 || respAttr(change[0], "href") != respForm+"#q-awareness_level" ||
			!strings.HasPrefix(respText(change[0]), "Change your answer to How would you describe") {
			t.Errorf("the Change link of a question")
		}
		if rev := respRevisionOf(t, check); rev != "1" {
			t.Fatalf("the check page is at revision %s", rev)
		}

		p := b.respPost(respSubmit, nil, "1", "")
		if p.Status != http.StatusUnprocessableEntity {
			t.Fatalf("submit with required questions unanswered: %d\n%s", p.Status, p.Body)
		}
		d = respParse(t, p)
		wantLinks := []string{"#q-ees_perf", "#q-ees_union_law", "#q-ees_cooperation", "#q-ees_innovation", "#q-used_outputs"}
		if links := respSummaryLinks(d); !slices.Equal(links, wantLinks) {
			t.Errorf("the error summary links to %q, want %q", links, wantLinks)
		}
		if got := respText(d.id("q-ees_perf-error")); got != "Error: Select an answer" {
			t.Errorf("beside ees_perf: %q", got)
		}
		if !respHasAttr(d.id("q-awareness_level-basic"), "checked") || d.id("q-comments").FirstChild.Data != "Partial answer" {
			t.Error("the saved answers are not shown with the problems")
		}
		if r, err := e.respMine(respBE); err != nil || r.SubmittedAt != nil {
			t.Fatalf("submitted anyway: %v %v", err, r.SubmittedAt)
		}

		b.respSaveAndSubmit(t, respComplete())
		r, err := e.respMine(respBE)
		if err != nil || r.SubmittedAt == nil {
			t.Fatalf("not submitted: %v", err)
		}
		receipt := b.get(respReceipt)
		if receipt.Status != http.StatusOK {
			t.Fatalf("receipt: %d", receipt.Status)
		}
		d = respParse(t, receipt)
		facts := map[string]string{}
		for _, row := range d.all(func(n *html.Node) bool { return respAttr(n, "class") == "summary-row" }) {
			dt, dd := respDocOf(row).all(respTag("dt")), respDocOf(row).all(respTag("dd"))
			if len(dt) == 1 && len(dd) > 0 {
				facts[respText(dt[0])] = respText(dd[0])
			}
		}
		for k, want := range map[string]string{
			"Campaign": respKey + " (2023)", "Questionnaire": "Customs programme annual survey", "Administration": "BE",
			"Revision": "3", "Submitted on": respondTimeText(*r.SubmittedAt),
			"How would you describe the level of awareness of the Customs programme among the staff of your administration?": "Basic",
			"To what extent did new common components of the EES improve your operational performance?":                      "To a large extent",
			"How satisfied are you with the IT support services, from 1 (not at all) to 5 (very satisfied)?":                 "4",
			"Do you have any other comments on the programme?":                                                               "All good",
			"Why did your administration not use any of the programme's outputs?":                                            "Does not apply, given your other answers.",
		} {
			if facts[k] != want {
				t.Errorf("receipt: %q is %q, want %q", k, facts[k], want)
			}
		}
		var statuses []int
		for _, ev := range e.respAudit("response.submit") {
			statuses = append(statuses, ev.Status)
			if ev.Target != "key="+respKey {
				t.Errorf("audit target %q", ev.Target)
			}
		}
		if !slices.Equal(statuses, []int{http.StatusUnprocessableEntity, http.StatusSeeOther}) {
			t.Errorf("response.submit events with statuses %v", statuses)
		}
	})
}

// respondTimeText is how the pages say a moment, in English.
func respondTimeText(t time.Time) string {
	t = t.UTC()
	return strings.TrimSpace(t.Format("2 January 2006 at 15:04 UTC"))
}

// TestConditionalQuestions: without the script every question is shown and
// a conditional one says in words when it applies; answers to a question
// the other answers hide are kept in the draft, shown as not applying, and
// dropped at submission; a required conditional question must be answered
// once shown.
func TestConditionalQuestions(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.world()
		b := e.respSignIn(respBE)
		d := respParse(t, b.get(respForm))
		for _, tt := range []struct{ key, trigger, in, says string }{
			{"why_not", "used_outputs", "no", "Answer only if you answered “No” to “Did your administration use a working practice, guideline or recommendation produced by the programme during the year?”"},
			{"why_not_other", "why_not", "other", "Answer only if you answered “Another reason” to “Why did your administration not use any of the programme's outputs?”"},
		} {
			q := d.id("question-" + tt.key)
			if respHasAttr(q, "hidden") || respAttr(q, "data-show-if") != tt.trigger || respAttr(q, "data-show-if-in") != tt.in {
				t.Errorf("%s: hidden %v, data-show-if %q in %q", tt.key, respHasAttr(q, "hidden"), respAttr(q, "data-show-if"), respAttr(q, "data-show-if-in"))
			}
			if got := respText(d.id("q-" + tt.key + "-condition")); got != tt.says {
				t.Errorf("%s says %q, want %q", tt.key, got, tt.says)
			}
		}

		hidden := respComplete()
		hidden.Set("q.why_not", "other")
		hidden.Set("q.why_not_other", "A reason given before answering yes")
		b.respSaveAndSubmit(t, hidden)
		r, err := e.respMine(respBE)
		if err != nil {
			t.Fatal(err)
		}
		if _, kept := r.Answers["why_not"]; kept || r.Answers["why_not_other"] != nil || string(r.Answers["used_outputs"]) != `"yes"` {
			t.Errorf("the submitted answers: %v", r.Answers)
		}

		// Saved but not yet submitted, a hidden answer is shown as not
		// applying.
		visible := respComplete()
		visible.Set("q.used_outputs", "no")
		rev := respRevisionOf(t, b.get(respForm))
		if p := b.respPost(respSavePath, visible, rev, "check"); p.Status != http.StatusSeeOther {
			t.Fatalf("save: %d", p.Status)
		}
		check := b.get(respCheck)
		if got := respRowText(respParse(t, check), "Why did your administration not use"); got != "Not answered" {
			t.Errorf("why_not, now asked, shows %q, want Not answered", got)
		}
		p := b.respPost(respSubmit, nil, respRevisionOf(t, check), "")
		if p.Status != http.StatusUnprocessableEntity {
			t.Fatalf("a shown required question unanswered: %d", p.Status)
		}
		if links := respSummaryLinks(respParse(t, p)); !slices.Equal(links, []string{"#q-why_not"}) {
			t.Errorf("the error summary links to %q, want #q-why_not", links)
		}

		stale := respComplete()
		stale.Set("q.why_not", "other")
		rev = respRevisionOf(t, b.get(respForm))
		if p := b.respPost(respSavePath, stale, rev, "check"); p.Status != http.StatusSeeOther {
			t.Fatalf("save: %d", p.Status)
		}
		want := "Does not apply, given your other answers. The answer given will not be submitted."
		if got := respRowText(respParse(t, b.get(respCheck)), "Why did your administration not use"); got != want {
			t.Errorf("a hidden answer on the check page: %q, want %q", got, want)
		}
	})
}

// TestAmendmentBanner: after a submission, a saved change is an amendment:
// the form, the check page and the receipt say that the submitted answers
// keep counting until it is submitted; once submitted, the banner goes.
func TestAmendmentBanner(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.world()
		b := e.respSignIn(respBE)
		b.respSaveAndSubmit(t, respComplete())
		const banner = "Your amendment is not submitted yet"
		const counts = "The answers you submitted keep counting until you submit the amendment."
		form := b.get(respForm)
		if strings.Contains(form.Body, banner) || !strings.Contains(form.Body, "You submitted your answers on") {
			t.Fatalf("right after the submission:\n%s", form.Body)
		}
		changed := respComplete()
		changed.Set("q.awareness_level", "advanced")
		if p := b.respPost(respSavePath, changed, respRevisionOf(t, form), "stay"); p.Status != http.StatusSeeOther {
			t.Fatalf("save: %d", p.Status)
		}
		for _, path := range []string{respForm, respCheck} {
			if p := b.get(path); !strings.Contains(p.Body, banner) || !strings.Contains(p.Body, counts) {
				t.Errorf("%s has no amendment banner:\n%s", path, p.Body)
			}
		}
		receipt := b.get(respReceipt)
		if !strings.Contains(receipt.Body, banner) || strings.Contains(receipt.Body, "Advanced") {
			t.Errorf("the receipt during an amendment:\n%s", receipt.Body)
		}
		if p := b.respPost(respSubmit, nil, respRevisionOf(t, b.get(respCheck)), ""); p.Status != http.StatusSeeOther {
			t.Fatalf("submit the amendment: %d", p.Status)
		}
		for _, path := range []string{respForm, respCheck, respReceipt} {
			if p := b.get(path); strings.Contains(p.Body, banner) {
				t.Errorf("%s still has the amendment banner", path)
			}
		}
		r, err := e.respMine(respBE)
		if err != nil {
			t.Fatal(err)
		}
		receipt = b.get(respReceipt)
		d := respParse(t, receipt)
		for question, want := range map[string]string{
			"How would you describe the level of awareness": "Advanced",
			"Revision":           strconv.Itoa(r.Revision),
			"Submitted on":       respondTimeText(*r.SubmittedAt),
			"First submitted on": respondTimeText(*r.FirstSubmittedAt),
		} {
			if got := respRowText(d, question); got != want {
				t.Errorf("the receipt of the amendment: %s %q, want %q", question, got, want)
			}
		}
	})
}

// TestAnotherAdministrationsCampaign: a respondent of FR neither sees nor
// answers a campaign of BE only: every page is 404, every post changes
// nothing.
func TestAnotherAdministrationsCampaign(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.world()
		ctx := context.Background()
		run := campaigns.New(e.store)
		if _, err := run.Create(ctx, auth.Operator(), survey.NewCampaign{Key: "customs-2023-be", Year: 2023, Questionnaire: "customs_annual", Version: 1,
			OpensAt: time.Now().Add(-time.Hour), ClosesAt: time.Now().Add(24 * time.Hour), Administrations: []string{"BE"},
			MinCellSize: 1}); err != nil {
			t.Fatal(err)
		}
		if _, err := run.Open(ctx, auth.Operator(), "customs-2023-be"); err != nil {
			t.Fatal(err)
		}
		if list := e.respSignIn(respBE).get("/campaigns"); !strings.Contains(list.Body, `href="/campaigns/customs-2023-be"`) {
			t.Fatal("BE's respondent does not see the campaign")
		}
		fr := e.respSignIn(respFR)
		if list := fr.get("/campaigns"); strings.Contains(list.Body, "customs-2023-be") || !strings.Contains(list.Body, `href="`+respForm+`"`) {
			t.Errorf("FR's list:\n%s", list.Body)
		}
		for _, tt := range []struct{ method, path string }{
			{http.MethodGet, "/campaigns/customs-2023-be"},
			{http.MethodGet, "/campaigns/customs-2023-be/check"},
			{http.MethodGet, "/campaigns/customs-2023-be/receipt"},
			{http.MethodPost, "/campaigns/customs-2023-be/response"},
			{http.MethodPost, "/campaigns/customs-2023-be/submit"},
		} {
			var p page
			if tt.method == http.MethodGet {
				p = fr.get(tt.path)
			} else {
				p = fr.respPost(tt.path, respComplete(), "0", "stay")
			}
			if p.Status != http.StatusNotFound || strings.Contains(p.Body, "Customs programme annual survey") {
				t.Errorf("%s %s: %d, want 404 showing nothing of the campaign", tt.method, tt.path, p.Status)
			}
		}
		progress, err := run.Progress(ctx, auth.Operator(), "customs-2023-be")
		if err != nil {
			t.Fatal(err)
		}
		if progress.Totals.Drafts != 0 || progress.Totals.Submitted != 0 {
			t.Errorf("FR's posts left responses: %+v", progress.Totals)
		}
	})
}

// TestStaffCannotUseRespondentPages: coordinators and admins get 403 from
// the respondents' pages and posts, which change nothing.
func TestStaffCannotUseRespondentPages(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.world()
		for _, who := range []string{respCoordBE, adminEmail} {
			b := e.respSignIn(who)
			b.get("/campaigns")
			for _, tt := range []struct{ method, path string }{
				{http.MethodPost, respSavePath},
				{http.MethodPost, respSubmit},
				{http.MethodGet, respCheck},
				{http.MethodGet, respReceipt},
			} {
				var p page
				if tt.method == http.MethodGet {
					p = b.get(tt.path)
				} else {
					p = b.respPost(tt.path, respComplete(), "0", "stay")
				}
				if p.Status != http.StatusForbidden {
					t.Errorf("%s: %s %s: %d, want 403", who, tt.method, tt.path, p.Status)
				}
			}
		}
		progress, err := campaigns.New(e.store).Progress(context.Background(), auth.Operator(), respKey)
		if err != nil {
			t.Fatal(err)
		}
		if progress.Totals.Drafts != 0 || progress.Totals.Submitted != 0 {
			t.Errorf("staff's posts left responses: %+v", progress.Totals)
		}
	})
}

// TestRespondentPagesInFrench: with the interface in French the
// questionnaire is in French too, the interface's words are French, and a
// passage the questionnaire has only in English is marked lang="en".
func TestRespondentPagesInFrench(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.world()
		b := e.respSignIn(respBE)
		form := b.get(respForm + "?lang=fr")
		d := respParse(t, form)
		if htmlLang := respAttr(d.all(respTag("html"))[0], "lang"); htmlLang != "fr" {
			t.Fatalf("<html lang=%q>", htmlLang)
		}
		for _, want := range []string{"Enregistrer le brouillon", "Enregistrer et vérifier vos réponses", "(obligatoire)", "(facultatif)",
			"Répondez seulement si vous avez répondu", "Vous pouvez saisir jusqu'à 4000 caractères."} {
			if !strings.Contains(html.UnescapeString(form.Body), want) {
				t.Errorf("the form does not say %q", want)
			}
		}
		h1 := d.all(respTag("h1"))[0]
		if respText(h1) != "Enquête annuelle du programme Douane" || respHasAttr(h1, "lang") {
			t.Errorf("h1 %q lang %q", respText(h1), respAttr(h1, "lang"))
		}
		for _, tt := range []struct{ key, lang, text string }{
			{"awareness_level", "", "Comment décririez-vous le niveau de connaissance du programme Douane parmi le personnel de votre administration ?"},
			{"ees_union_law", "en", "To what extent did new common components of the EES contribute to a coherent implementation of Union customs law?"},
		} {
			legend := respDocOf(respAncestor(d.id("q-"+tt.key), "fieldset")).all(respTag("legend"))[0]
			span := legend.FirstChild
			if respText(span) != tt.text || respAttr(span, "lang") != tt.lang {
				t.Errorf("%s: %q lang %q, want %q lang %q", tt.key, respText(span), respAttr(span, "lang"), tt.text, tt.lang)
			}
		}
		if l := d.all(func(n *html.Node) bool { return n.Data == "label" && respAttr(n, "for") == "q-ees_perf-dont_know" }); len(l) != 1 ||
			respText(l[0]) != "Ne sait pas" || respHasAttr(l[0], "lang") {
			t.Error("a French option label")
		}

		// The interface remembers French, and the questionnaire follows it.
		if h1 := respParse(t, b.get(respForm)).all(respTag("h1")); respText(h1[0]) != "Enquête annuelle du programme Douane" {
			t.Errorf("without ?lang=, in French, the questionnaire is in %q", respText(h1[0]))
		}
		p := b.respPost(respSavePath, url.Values{"q.support_satisfaction": {"9"}}, "0", "stay")
		if p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, "Saisissez un nombre de 1 à 5") ||
			!strings.Contains(p.Body, "Il y a un problème") {
			t.Errorf("a problem in French: %d\n%s", p.Status, p.Body)
		}
		for path, want := range map[string]string{"/campaigns": "Vos campagnes", respCheck: "Vérifiez vos réponses avant de les soumettre"} {
			if p := b.get(path); !strings.Contains(p.Body, want) {
				t.Errorf("%s does not say %q", path, want)
			}
		}
	})
}

// TestClosedCampaign: once past its closing time, a campaign is listed as
// no longer accepting answers, its form gives way to the answers saved, and
// a post changes nothing.
func TestClosedCampaign(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.world()
		e.respSignIn(respBE).respSaveAndSubmit(t, respComplete())
		e.advance(25 * time.Hour)
		b := e.respSignIn(respBE)
		list := respParse(t, b.get("/campaigns"))
		if links := list.all(func(n *html.Node) bool { return respAttr(n, "href") == respForm }); len(links) != 0 {
			t.Error("a closed campaign is offered to answer")
		}
		past := list.all(respTag("h2"))
		if len(past) != 1 || respText(past[0]) != "No longer accepting answers" ||
			!strings.Contains(respText(list.root), "Customs programme annual survey 2023") {
			t.Error("the closed campaign is not listed as no longer accepting answers")
		}
		form := b.get(respForm)
		d := respParse(t, form)
		if len(d.all(func(n *html.Node) bool { return n.Data == "form" && respAttr(n, "class") == "response-form" })) != 0 ||
			!strings.Contains(form.Body, "This campaign no longer accepts answers.") ||
			respRowText(d, "How would you describe the level of awareness") != "Basic" {
			t.Errorf("the form of a closed campaign:\n%s", form.Body)
		}
		if p := b.respPost(respSavePath, url.Values{"q.awareness_level": {"advanced"}}, "2", "stay"); p.Status != http.StatusConflict {
			t.Errorf("a save after closing: %d, want 409", p.Status)
		}
		if r, err := e.respMine(respBE); err != nil || r.Revision != 2 || string(r.Answers["awareness_level"]) != `"basic"` {
			t.Errorf("the response changed after closing: %v %d %s", err, r.Revision, r.Answers["awareness_level"])
		}
	})
}
