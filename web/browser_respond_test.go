package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/customs-survey/surveyd/internal/browsertest"
)

// The questions of testdata/questionnaires/customs_annual.json, as the form
// shows them in English. why_not is asked only if used_outputs is "No", and
// why_not_other only if why_not includes "Another reason"; both are
// required when asked.
const (
	qAwareness    = "How would you describe the level of awareness of the Customs programme among the staff of your administration?"
	qEESPerf      = "To what extent did new common components of the EES improve your operational performance?"
	qEESUnionLaw  = "To what extent did new common components of the EES contribute to a coherent implementation of Union customs law?"
	qEESCoop      = "To what extent did new common components of the EES strengthen operational cooperation with other customs administrations?"
	qEESInnov     = "To what extent did new common components of the EES help your administration innovate?"
	qUsedOutputs  = "Did your administration use a working practice, guideline or recommendation produced by the programme during the year?"
	qWhyNot       = "Why did your administration not use any of the programme's outputs?"
	qWhyNotOther  = "Please describe the other reason."
	qSatisfaction = "How satisfied are you with the IT support services, from 1 (not at all) to 5 (very satisfied)?"
	qComments     = "Do you have any other comments on the programme?"

	campaignTitle = "Customs programme annual survey 2023" // the link to the form in the respondent's list
	formPath      = "/campaigns/customs-2023"
)

// questionKeys are the keys of every question of the questionnaire, in the
// form's order.
var questionKeys = []string{"awareness_level", "ees_perf", "ees_union_law", "ees_cooperation", "ees_innovation",
	"used_outputs", "why_not", "why_not_other", "support_satisfaction", "networking_contacts", "staff_trained", "comments"}

// answerAllButUsedOutputs answers every required question but used_outputs
// and its follow-ups, and a few optional ones.
func answerAllButUsedOutputs(t *testing.T, ctx context.Context) {
	t.Helper()
	choose(t, ctx, qAwareness, "Basic")
	choose(t, ctx, qEESPerf, "To a large extent")
	choose(t, ctx, qEESUnionLaw, "To a moderate extent")
	choose(t, ctx, qEESCoop, "Fully")
	choose(t, ctx, qEESInnov, "Don't know")
	typeIn(t, ctx, qSatisfaction, "4")
	typeIn(t, ctx, qComments, "Useful programme.")
}

// goToForm opens the campaign's form from the respondent's list of
// campaigns, as a respondent does after signing in.
func goToForm(t *testing.T, ctx context.Context) {
	t.Helper()
	if status := press(t, ctx, link(t, ctx, campaignTitle)); status != http.StatusOK {
		t.Fatalf("the form: status %d", status)
	}
	if loc := browsertest.Location(t, ctx); !strings.HasSuffix(loc, formPath) {
		t.Fatalf("the campaign's link led to %s", loc)
	}
}

// TestBrowserRespondent: a respondent answers the campaign as people do.
// The conditional questions appear when their trigger is chosen and go
// when it is not; a submission with a required answer missing comes back
// with the error summary, focused, whose link puts the focus on the
// question; once fixed, the answers go through the check page to the
// receipt. Every state passes the audit.
func TestBrowserRespondent(t *testing.T) {
	e := browserEnv(t)
	ctx := browsertest.NewTab(t)
	signIn(t, ctx, e, "resp_be@customs.example", userPassword)
	browsertest.Axe(t, ctx, "campaigns")
	goToForm(t, ctx)
	browsertest.Axe(t, ctx, "empty form")

	// The conditional questions, with their triggers.
	conditional := func(step string, whyNot, whyNotOther bool) {
		t.Helper()
		if got := shown(t, ctx, "#question-why_not"); got != whyNot {
			t.Errorf("%s: %q shown: %v, want %v", step, qWhyNot, got, whyNot)
		}
		if got := shown(t, ctx, "#question-why_not_other"); got != whyNotOther {
			t.Errorf("%s: %q shown: %v, want %v", step, qWhyNotOther, got, whyNotOther)
		}
	}
	conditional("nothing chosen", false, false)
	choose(t, ctx, qUsedOutputs, "Yes")
	conditional("Yes", false, false)
	choose(t, ctx, qUsedOutputs, "No")
	conditional("No", true, false)
	choose(t, ctx, qWhyNot, "Another reason")
	conditional("No, for another reason", true, true)
	choose(t, ctx, qUsedOutputs, "Yes")
	conditional("Yes again", false, false)
	choose(t, ctx, qUsedOutputs, "No")
	conditional("No again, another reason still ticked", true, true)
	choose(t, ctx, qWhyNot, "Another reason") // unticked: why_not is required and now unanswered
	conditional("No, no reason", true, false)

	answerAllButUsedOutputs(t, ctx)
	if status := press(t, ctx, button(t, ctx, "Save and check your answers")); status != http.StatusOK {
		t.Fatalf("save and check: status %d", status)
	}
	if got := title(t, ctx); !strings.HasPrefix(got, "Check your answers before submitting") {
		t.Fatalf("saving led to %q", got)
	}
	browsertest.Axe(t, ctx, "check page")

	// The missing answer.
	if status := press(t, ctx, button(t, ctx, "Submit your answers")); status != http.StatusUnprocessableEntity {
		t.Fatalf("submitting without an answer to a required question: status %d", status)
	}
	if got := title(t, ctx); !strings.HasPrefix(got, "Error: ") {
		t.Errorf("title %q", got)
	}
	if got := focused(t, ctx); got != "error-summary" {
		t.Errorf("the focus is on %q, want the error summary", got)
	}
	summary := text(t, ctx, "#error-summary")
	if !strings.Contains(summary, "Select at least one option") || !strings.Contains(summary, qWhyNot) {
		t.Errorf("error summary %q", summary)
	}
	if got := text(t, ctx, "#question-why_not .error-message"); !strings.Contains(got, "Select at least one option") {
		t.Errorf("the message beside the question: %q", got)
	}
	browsertest.Axe(t, ctx, "form with errors")
	do(t, ctx, chromedp.Click(link(t, ctx, "Select at least one option")))
	if got := focused(t, ctx); got != "q-why_not" {
		t.Errorf("after following the summary's link the focus is on %q, want the question's first option", got)
	}

	// Fixed.
	choose(t, ctx, qWhyNot, "The outputs were not relevant to our work")
	conditional("fixed", true, false)
	if status := press(t, ctx, button(t, ctx, "Save and check your answers")); status != http.StatusOK {
		t.Fatalf("save and check: status %d", status)
	}
	check := text(t, ctx, "main")
	for _, want := range []string{"Basic", "To a large extent", "No", "The outputs were not relevant to our work", "Useful programme."} {
		if !strings.Contains(check, want) {
			t.Errorf("the check page does not show %q", want)
		}
	}
	if status := press(t, ctx, button(t, ctx, "Submit your answers")); status != http.StatusOK {
		t.Fatalf("submitting: status %d", status)
	}
	if loc := browsertest.Location(t, ctx); !strings.HasSuffix(loc, formPath+"/receipt") {
		t.Fatalf("submitting led to %s", loc)
	}
	if got := text(t, ctx, "h1"); got != "Answers submitted" {
		t.Errorf("receipt heading %q", got)
	}
	receipt := text(t, ctx, "main")
	for _, want := range []string{"customs-2023", "BE", "The outputs were not relevant to our work"} {
		if !strings.Contains(receipt, want) {
			t.Errorf("the receipt does not show %q", want)
		}
	}
	browsertest.Axe(t, ctx, "receipt")
	if n := browsertest.LeaveWarnings(ctx); n != 0 {
		t.Errorf("%d warnings of unsaved changes while saving and submitting", n)
	}
}

// TestBrowserUnsavedChanges: leaving the form with changes not saved warns
// (when JavaScript is on); leaving it unchanged, or just saved, does not.
func TestBrowserUnsavedChanges(t *testing.T) {
	e := browserEnv(t)
	ctx := browsertest.NewTab(t)
	signIn(t, ctx, e, "resp_be@customs.example", userPassword)
	goToForm(t, ctx)
	press(t, ctx, link(t, ctx, "Campaigns"))
	if n := browsertest.LeaveWarnings(ctx); n != 0 {
		t.Errorf("leaving the form unchanged: %d warnings", n)
	}
	goToForm(t, ctx)
	choose(t, ctx, qAwareness, "Advanced")
	press(t, ctx, link(t, ctx, "Campaigns"))
	if n := browsertest.LeaveWarnings(ctx); n != 1 {
		t.Errorf("leaving the form with a change not saved: %d warnings, want 1", n)
	}
	goToForm(t, ctx)
	choose(t, ctx, qAwareness, "Advanced")
	press(t, ctx, button(t, ctx, "Save draft"))
	if got := text(t, ctx, "[role=status]"); !strings.Contains(got, "saved as a draft") {
		t.Errorf("after saving: %q", got)
	}
	press(t, ctx, link(t, ctx, "Campaigns"))
	if n := browsertest.LeaveWarnings(ctx); n != 1 {
		t.Errorf("leaving the form just saved: %d warnings in all, want still 1", n)
	}
}

// TestBrowserConflict: a page saved from a second tab after the first
// saved sees the conflict page: nothing overwritten, what it typed shown,
// and a way to the latest answers.
func TestBrowserConflict(t *testing.T) {
	e := browserEnv(t)
	first := browsertest.NewTab(t)
	signIn(t, first, e, "resp_be@customs.example", userPassword)
	goToForm(t, first)
	second := browsertest.SameBrowser(t, first)
	browsertest.Navigate(t, second, e.server.URL+formPath)

	choose(t, first, qAwareness, "Advanced")
	if status := press(t, first, button(t, first, "Save draft")); status != http.StatusOK {
		t.Fatalf("saving in the first tab: status %d", status)
	}
	choose(t, second, qAwareness, "No awareness")
	if status := press(t, second, button(t, second, "Save draft")); status != http.StatusConflict {
		t.Fatalf("saving a stale page in the second tab: status %d, want 409", status)
	}
	if got := text(t, second, "h1"); got != "Your answers were changed elsewhere" {
		t.Errorf("conflict heading %q", got)
	}
	if got := text(t, second, "main"); !strings.Contains(got, "No awareness") || !strings.Contains(got, "Nothing you typed on this page was saved") {
		t.Errorf("the conflict page does not show what was typed, or does not say nothing was saved:\n%s", got)
	}
	browsertest.Axe(t, second, "conflict")
	if status := press(t, second, link(t, second, "Open the latest answers")); status != http.StatusOK {
		t.Fatalf("the latest answers: status %d", status)
	}
	if !browsertest.Eval[bool](t, second, `document.getElementById("q-awareness_level").checked`) {
		t.Errorf("the latest answers are not the first tab's (Advanced)")
	}
}

// TestBrowserRespondentWithoutJavaScript: without JavaScript every question
// is shown, each conditional one saying when to answer it; an answer to a
// question that does not apply is shown as not submitted; the answers go
// through the check page to the receipt.
func TestBrowserRespondentWithoutJavaScript(t *testing.T) {
	e := browserEnv(t)
	ctx := browsertest.NewTab(t, browsertest.WithoutJavaScript())
	signIn(t, ctx, e, "resp_be@customs.example", userPassword)
	goToForm(t, ctx)
	for _, key := range questionKeys {
		if !shown(t, ctx, "#question-"+key) {
			t.Errorf("question %s is not shown", key)
		}
	}
	for _, tt := range []struct{ key, want string }{
		{"why_not", "Answer only if you answered “No” to “" + qUsedOutputs + "”"},
		{"why_not_other", "Answer only if you answered “Another reason” to “" + qWhyNot + "”"},
	} {
		if got := text(t, ctx, "#q-"+tt.key+"-condition"); got != tt.want {
			t.Errorf("%s says %q, want %q", tt.key, got, tt.want)
		}
	}
	browsertest.Axe(t, ctx, "form without JavaScript")

	answerAllButUsedOutputs(t, ctx)
	choose(t, ctx, qUsedOutputs, "Yes")
	choose(t, ctx, qWhyNot, "Another reason") // does not apply: used_outputs is Yes
	if status := press(t, ctx, button(t, ctx, "Save and check your answers")); status != http.StatusOK {
		t.Fatalf("save and check: status %d", status)
	}
	if got := text(t, ctx, "main"); !strings.Contains(got, "Does not apply, given your other answers. The answer given will not be submitted.") {
		t.Errorf("the check page does not say that the answer to %q will not be submitted:\n%s", qWhyNot, got)
	}
	browsertest.Axe(t, ctx, "check page without JavaScript")
	if status := press(t, ctx, button(t, ctx, "Submit your answers")); status != http.StatusOK {
		t.Fatalf("submitting: status %d", status)
	}
	if got := text(t, ctx, "h1"); got != "Answers submitted" {
		t.Errorf("after submitting: %q", got)
	}
	browsertest.Axe(t, ctx, "receipt without JavaScript")
}

// TestBrowserKeyboardOnly: the whole form, from signing in to the receipt,
// with Tab, Space, the arrows and Enter: no mouse.
func TestBrowserKeyboardOnly(t *testing.T) {
	e := browserEnv(t)
	ctx := browsertest.NewTab(t)
	browsertest.Navigate(t, ctx, e.server.URL+"/login")
	browsertest.TabTo(t, ctx, "#email")
	browsertest.Press(t, ctx, "resp_be@customs.example")
	browsertest.TabTo(t, ctx, "#password")
	browsertest.Press(t, ctx, userPassword)
	browsertest.Follow(t, ctx, chromedp.KeyEvent(browsertest.Enter))
	browsertest.TabTo(t, ctx, `a[href="`+formPath+`"]`)
	if status := browsertest.Follow(t, ctx, chromedp.KeyEvent(browsertest.Enter)); status != http.StatusOK {
		t.Fatalf("the form: status %d", status)
	}

	// Space chooses the focused option; an arrow moves to the next one and
	// chooses it.
	for _, tt := range []struct{ first, keys string }{
		{"#q-awareness_level", browsertest.Space},                                                    // Advanced
		{"#q-ees_perf", browsertest.ArrowDown},                                                       // To a small extent
		{"#q-ees_union_law", browsertest.ArrowDown + browsertest.ArrowDown},                          // To a moderate extent
		{"#q-ees_cooperation", browsertest.Space},                                                    // Not at all
		{"#q-ees_innovation", browsertest.ArrowDown + browsertest.ArrowDown + browsertest.ArrowDown}, // To a large extent
		{"#q-used_outputs", browsertest.ArrowDown},                                                   // No: why_not appears
	} {
		browsertest.TabTo(t, ctx, tt.first)
		browsertest.Press(t, ctx, tt.keys)
	}
	browsertest.TabTo(t, ctx, "#q-why_not-other")
	browsertest.Press(t, ctx, browsertest.Space) // why_not_other appears
	browsertest.TabTo(t, ctx, "#q-why_not_other")
	browsertest.Press(t, ctx, "Too few staff.")
	browsertest.TabTo(t, ctx, "#q-support_satisfaction")
	browsertest.Press(t, ctx, "5")
	browsertest.TabTo(t, ctx, `button[value="check"]`)
	if status := browsertest.Follow(t, ctx, chromedp.KeyEvent(browsertest.Enter)); status != http.StatusOK {
		t.Fatalf("save and check: status %d", status)
	}
	check := text(t, ctx, "main")
	for _, want := range []string{"Advanced", "To a small extent", "To a moderate extent", "Not at all", "To a large extent",
		"Another reason", "Too few staff.", "5"} {
		if !strings.Contains(check, want) {
			t.Errorf("the check page does not show %q:\n%s", want, check)
		}
	}
	browsertest.TabTo(t, ctx, `form[action$="/submit"] button[type="submit"]`)
	if status := browsertest.Follow(t, ctx, chromedp.KeyEvent(browsertest.Enter)); status != http.StatusOK {
		t.Fatalf("submitting: status %d", status)
	}
	if got := text(t, ctx, "h1"); got != "Answers submitted" {
		t.Errorf("after submitting: %q", got)
	}
}
