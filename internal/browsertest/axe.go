package browsertest

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// AxeTags are the rule sets of the audit: WCAG 2.0 and 2.1, levels A and
// AA, the level the service's pages are held to.
var AxeTags = []string{"wcag2a", "wcag2aa", "wcag21a", "wcag21aa"}

// AxeViolation is a rule of the audit that a page breaks, with the
// elements that break it.
type AxeViolation struct {
	ID     string `json:"id"`     // the rule, e.g. color-contrast
	Impact string `json:"impact"` // minor, moderate, serious or critical
	Help   string `json:"help"`   // what the rule asks, in a sentence
	Nodes  []struct {
		Target  []any  `json:"target"`         // CSS selectors of the element
		Summary string `json:"failureSummary"` // what is wrong with it
	} `json:"nodes"`
}

func (v AxeViolation) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s (%s): %s", v.ID, v.Impact, v.Help)
	for _, n := range v.Nodes {
		fmt.Fprintf(&b, "\n\t\t%v", n.Target)
		if n.Summary != "" {
			fmt.Fprintf(&b, ": %s", strings.ReplaceAll(strings.TrimSpace(n.Summary), "\n", " "))
		}
	}
	return b.String()
}

// axeReport is what the audit script hands back.
type axeReport struct {
	Violations []AxeViolation `json:"violations"`
	Passes     int            `json:"passes"`
	Incomplete int            `json:"incomplete"`
}

// Axe audits the tab's page as it is now with axe-core, on the rules of
// [AxeTags], and fails t listing each violation: its rule, impact and
// help, and the elements that break it. It also keeps a screenshot of the
// page under name (see [Screenshot]), so that the audited state can be
// seen. It returns the violations.
//
// axe-core is injected by the test, not by the page: the page's Content
// Security Policy does not apply to it, and it runs on a page whose own
// JavaScript is switched off too.
func Axe(t testing.TB, ctx context.Context, name string) []AxeViolation {
	t.Helper()
	tl := requireTools(t)
	Screenshot(t, ctx, name)
	loaded, err := evalAnyway[bool](ctx, `typeof window.axe === "object"`)
	if err != nil {
		t.Fatalf("browsertest: axe %s: %v", name, err)
	}
	if !loaded {
		if _, err := evalAnyway[chromedp.Void](ctx, tl.axeJS+"\n;0"); err != nil {
			t.Fatalf("browsertest: axe %s: injecting axe-core: %v", name, err)
		}
	}
	tags, _ := json.Marshal(AxeTags)
	script := `axe.run(document, {runOnly: {type: "tag", values: ` + string(tags) + `}, resultTypes: ["violations"]})
		.then(r => ({
			violations: r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
				nodes: v.nodes.map(n => ({target: n.target, failureSummary: n.failureSummary}))})),
			passes: r.passes.length, incomplete: r.incomplete.length}))`
	raw, err := evalAnyway[[]byte](ctx, script, chromedp.EvalAwaitPromise)
	if err != nil {
		t.Fatalf("browsertest: axe %s: %v", name, err)
	}
	var report axeReport
	if err := json.Unmarshal(raw, &report); err != nil {
		t.Fatalf("browsertest: axe %s: reading its report: %v", name, err)
	}
	if len(report.Violations) == 0 {
		t.Logf("axe %s: no violation of %s (%d rules passed)", name, strings.Join(AxeTags, ", "), report.Passes)
		return nil
	}
	var b strings.Builder
	for _, v := range report.Violations {
		fmt.Fprintf(&b, "\n\t%s", v)
	}
	t.Errorf("axe %s: %d violations of %s on %s:%s", name, len(report.Violations), strings.Join(AxeTags, ", "),
		pageAddress(ctx), b.String())
	return report.Violations
}

// pageAddress is the tab's address, or "the page".
func pageAddress(ctx context.Context) string {
	if loc, err := chromedp.Run(ctx, chromedp.Location()); err == nil {
		return loc
	}
	return "the page"
}
