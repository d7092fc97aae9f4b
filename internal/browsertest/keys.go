package browsertest

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// The keys of keyboard-only flows, for [Press]. Any other character is
// typed as itself.
const (
	Tab        = kb.Tab
	Enter      = kb.Enter
	Space      = " "
	ArrowDown  = kb.ArrowDown
	ArrowUp    = kb.ArrowUp
	ArrowRight = kb.ArrowRight
	ArrowLeft  = kb.ArrowLeft
)

// maxTabs bounds the Tab presses of [TabTo]: no page has that many
// controls before the one a person is looking for.
const maxTabs = 200

// Press sends keys to the element that has the focus, as a person types
// them: each character of keys is one key (see the constants above).
func Press(t testing.TB, ctx context.Context, keys string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.KeyEvent(keys)); err != nil {
		t.Fatalf("browsertest: pressing %q: %v", keys, err)
	}
}

// TabTo presses Tab, and only Tab, until the focus is on an element that
// matches the CSS selector, as a person who uses the keyboard moves
// through a page, and returns how many presses it took. It fails t if the
// focus never gets there: the element cannot be reached with the
// keyboard, or comes before the focus in the page's order.
func TabTo(t testing.TB, ctx context.Context, selector string) int {
	t.Helper()
	check := `(sel => { const e = document.activeElement;
		return !e || e === document.body ? "left" : e.matches(sel) ? "there" : "" })(` + quoteJS(selector) + `)`
	for n := 1; n <= maxTabs; n++ {
		if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.Tab)); err != nil {
			t.Fatalf("browsertest: pressing Tab: %v", err)
		}
		where, err := evalAnyway[string](ctx, check)
		if err != nil {
			t.Fatalf("browsertest: where is the focus: %v", err)
		}
		switch where {
		case "there":
			return n
		case "left":
			t.Fatalf("browsertest: Tab went past the end of the page without reaching %s", selector)
		}
	}
	t.Fatalf("browsertest: %d presses of Tab never reached %s (the focus is on %s)", maxTabs, selector, Focused(t, ctx))
	return 0
}

// Focused describes the element that has the focus: #its-id, or its tag
// name and, if it has one, its name attribute.
func Focused(t testing.TB, ctx context.Context) string {
	t.Helper()
	return Eval[string](t, ctx, `(e => !e ? "nothing" : e.id ? "#" + e.id :
		e.tagName.toLowerCase() + (e.name ? "[name=" + e.name + "]" : ""))(document.activeElement)`)
}

// quoteJS writes s as a JavaScript string literal.
func quoteJS(s string) string {
	b, _ := json.Marshal(s) // a JSON string is a JavaScript string
	return string(b)
}
