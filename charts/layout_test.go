package charts

import (
	"math"
	"strconv"
	"strings"
	"testing"
)

func ptr[T any](v T) *T { return &v }

// TestChartPlaceBars: the geometry of one bar from its value, on a 0–100 axis
// and on a 1–5 scale, in a page's chart and in a document's: 0 draws a bar
// of no width, 100 reaches the plot's right edge, a suppressed cell is a
// hatched box of fixed width, a missing value draws nothing; the text
// always follows what is drawn.
func TestChartPlaceBars(t *testing.T) {
	percent := axis{Min: 0, Max: 100}
	for _, width := range []float64{pageWidth, documentWidth} {
		plotLeft, plotRight := labelColumn, width-valueColumn
		plot := plotRight - plotLeft
		for _, tt := range []struct {
			name    string
			bar     bar
			axis    axis
			rect    *rect // nil: no bar
			hatched bool
			textX   float64
		}{
			{"zero", bar{Label: "BE", Value: ptr(0.0)}, percent, &rect{plotLeft, chartMargin, 0, barHeight}, false, plotLeft + textGap},
			{"hundred", bar{Label: "BE", Value: ptr(100.0)}, percent, &rect{plotLeft, chartMargin, plot, barHeight}, false, plotRight + textGap},
			{"half", bar{Label: "BE", Value: ptr(50.0)}, percent, &rect{plotLeft, chartMargin, plot / 2, barHeight}, false, plotLeft + plot/2 + textGap},
			{"beyond the axis", bar{Label: "BE", Value: ptr(130.0)}, percent, &rect{plotLeft, chartMargin, plot, barHeight}, false, plotRight + textGap},
			{"below the axis", bar{Label: "BE", Value: ptr(-5.0)}, percent, &rect{plotLeft, chartMargin, 0, barHeight}, false, plotLeft + textGap},
			{"suppressed", bar{Label: "BE", Suppressed: true, Text: "suppressed"}, percent,
				&rect{plotLeft, chartMargin, suppressedBox, barHeight}, true, plotLeft + suppressedBox + textGap},
			{"missing", bar{Label: "BE", Text: "no value"}, percent, nil, false, plotLeft + textGap},
			{"scale minimum", bar{Label: "2023", Value: ptr(1.0)}, axis{Min: 1, Max: 5}, &rect{plotLeft, chartMargin, 0, barHeight}, false, plotLeft + textGap},
			{"scale middle", bar{Label: "2023", Value: ptr(3.0)}, axis{Min: 1, Max: 5}, &rect{plotLeft, chartMargin, plot / 2, barHeight}, false, plotLeft + plot/2 + textGap},
			{"an empty axis", bar{Label: "2023", Value: ptr(3.0)}, axis{Min: 3, Max: 3}, &rect{plotLeft, chartMargin, 0, barHeight}, false, plotLeft + textGap},
		} {
			t.Run(tt.name+"-"+coord(width), func(t *testing.T) {
				l := placeBars([]bar{tt.bar}, tt.axis, width, nil)
				if len(l.Bars) != 1 {
					t.Fatalf("%d bars", len(l.Bars))
				}
				p := l.Bars[0]
				switch {
				case tt.rect == nil && p.Rect != nil:
					t.Errorf("rect %+v, want none", *p.Rect)
				case tt.rect != nil && (p.Rect == nil || !near(*p.Rect, *tt.rect)):
					t.Errorf("rect %+v, want %+v", p.Rect, *tt.rect)
				}
				if p.Hatched != tt.hatched {
					t.Errorf("hatched %v, want %v", p.Hatched, tt.hatched)
				}
				if math.Abs(p.TextX-tt.textX) > 1e-9 {
					t.Errorf("text at x %v, want %v", p.TextX, tt.textX)
				}
				if l.PlotLeft != plotLeft || l.PlotRight != plotRight || l.Mark != nil {
					t.Errorf("plot from %v to %v (mark %v), want %v to %v", l.PlotLeft, l.PlotRight, l.Mark, plotLeft, plotRight)
				}
			})
		}
	}
}

func near(a, b rect) bool {
	return math.Abs(a.X-b.X) < 1e-9 && math.Abs(a.Y-b.Y) < 1e-9 && math.Abs(a.W-b.W) < 1e-9 && math.Abs(a.H-b.H) < 1e-9
}

// TestChartPlaceBarsTarget: a target is a line across the plot at its value,
// its text above the plot and kept inside the drawing, and the bars start
// below that text.
func TestChartPlaceBarsTarget(t *testing.T) {
	plotLeft, plotRight := labelColumn, documentWidth-valueColumn
	for _, tt := range []struct {
		name   string
		target mark
		x      float64
	}{
		{"in the middle", mark{Value: 50, Text: "Target 2023: 50.00%"}, (plotLeft + plotRight) / 2},
		{"at the end", mark{Value: 100, Text: "Target 2023: 100.00%"}, plotRight},
		{"beyond the axis", mark{Value: 130, Text: "Target 2023: 130.00%"}, plotRight},
		{"at the start", mark{Value: 0, Text: "Target 2023: 0.00%"}, plotLeft},
	} {
		t.Run(tt.name, func(t *testing.T) {
			l := placeBars([]bar{{Label: "BE", Value: ptr(40.0)}}, axis{Min: 0, Max: 100}, documentWidth, &tt.target)
			m := l.Mark
			if m == nil {
				t.Fatal("no mark")
			}
			if math.Abs(m.X-tt.x) > 1e-9 {
				t.Errorf("line at x %v, want %v", m.X, tt.x)
			}
			half := float64(len(tt.target.Text)) * charWidth / 2
			if m.TextX-half < chartMargin-1e-9 || m.TextX+half > documentWidth-chartMargin+1e-9 {
				t.Errorf("text centred on %v, %v wide: outside the drawing", m.TextX, 2*half)
			}
			if m.TextY > l.PlotTop || l.Bars[0].Rect.Y < l.PlotTop || l.PlotTop <= chartMargin {
				t.Errorf("text at y %v, plot from %v, bar at %v: the bar must start below the text", m.TextY, l.PlotTop, l.Bars[0].Rect.Y)
			}
		})
	}
}

// TestChartPlaceBarsRows: rows follow one another without overlapping; short
// labels sit left of the bars, and one long label puts every label above
// its bar, wrapped to fit the chart's width.
func TestChartPlaceBarsRows(t *testing.T) {
	long := "The activities have not yet produced recommendations for the administration, nor any other output"
	for _, tt := range []struct {
		name     string
		labels   []string
		width    float64
		left     float64
		maxLines int
	}{
		{"codes", []string{"AT", "BE", "FR"}, pageWidth, labelColumn, 1},
		{"years", []string{"2023", "2022"}, pageWidth, labelColumn, 1},
		{"option labels", []string{"Yes", long}, pageWidth, chartMargin, 3},
		{"option labels in a document", []string{"Yes", long}, documentWidth, chartMargin, 2},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var bars []bar
			for _, label := range tt.labels {
				bars = append(bars, bar{Label: label, Value: ptr(40.0)})
			}
			l := placeBars(bars, axis{Min: 0, Max: 100}, tt.width, nil)
			if l.PlotLeft != tt.left {
				t.Errorf("plot starts at %v, want %v", l.PlotLeft, tt.left)
			}
			bottom := 0.0
			for i, p := range l.Bars {
				if strings.Join(p.Lines, " ") != tt.labels[i] {
					t.Errorf("bar %d: lines %q, want the label %q", i, p.Lines, tt.labels[i])
				}
				if len(p.Lines) > tt.maxLines {
					t.Errorf("bar %d: %d lines, want at most %d", i, len(p.Lines), tt.maxLines)
				}
				for _, line := range p.Lines {
					if n := float64(len([]rune(line))); n*charWidth > tt.width-2*chartMargin {
						t.Errorf("bar %d: a line of %v characters is wider than the chart: %q", i, n, line)
					}
				}
				if p.LabelY-chartFont < bottom || p.Rect.Y < bottom {
					t.Errorf("bar %d overlaps the row above (label at %v, bar at %v, row above ends at %v)", i, p.LabelY, p.Rect.Y, bottom)
				}
				bottom = p.Rect.Y + p.Rect.H
			}
			if l.Height <= bottom {
				t.Errorf("height %v, the last bar ends at %v", l.Height, bottom)
			}
		})
	}
}

// TestChartColoursContrast: bars, hatching, the target and axes have a
// contrast of at least 3:1 against the background (WCAG 1.4.11), text at
// least 4.5:1.
func TestChartColoursContrast(t *testing.T) {
	for _, tt := range []struct {
		name, colour string
		min          float64
	}{
		{"bar", colourBar, 3}, {"previous year", colourPrevious, 3}, {"hatching", colourHatch, 3}, {"target", colourTarget, 3},
		{"text", colourText, 4.5},
	} {
		if c := contrast(tt.colour, chartBackground); c < tt.min {
			t.Errorf("%s %s: contrast %.2f:1, want at least %v:1", tt.name, tt.colour, c, tt.min)
		}
	}
	if c := contrast("#ffffff", "#ffffff"); c != 1 {
		t.Errorf("white on white: %v, want 1", c)
	}
}

// contrast is the WCAG contrast ratio of two #rrggbb colours.
func contrast(a, b string) float64 {
	la, lb := luminance(a), luminance(b)
	return (math.Max(la, lb) + 0.05) / (math.Min(la, lb) + 0.05)
}

func luminance(hex string) float64 {
	var l float64
	for i, weight := range []float64{0.2126, 0.7152, 0.0722} {
		v, _ := strconv.ParseUint(hex[1+2*i:3+2*i], 16, 8)
		c := float64(v) / 255
		if c <= 0.04045 {
			c /= 12.92
		} else {
			c = math.Pow((c+0.055)/1.055, 2.4)
		}
		l += weight * c
	}
	return l
}

// TestChartWrapLabel: a label is cut at spaces into lines of at most the
// width, a longer word is a line of its own, and a no-break space (the
// French "67,31 %") holds its words together.
func TestChartWrapLabel(t *testing.T) {
	for _, tt := range []struct {
		text  string
		width int
		want  []string
	}{
		{"To a large extent", 36, []string{"To a large extent"}},
		{"To a large extent", 10, []string{"To a large", "extent"}},
		{"Value 2023 : 67,31\u00a0% (n = 28)", 19, []string{"Value 2023 :", "67,31\u00a0% (n = 28)"}},
		{"Valeur 67,31\u00a0%", 8, []string{"Valeur", "67,31\u00a0%"}},
		{"Incomprehensibilities", 8, []string{"Incomprehensibilities"}},
		{"  spaced   out  ", 36, []string{"spaced out"}},
	} {
		if got := wrapLabel(tt.text, tt.width); strings.Join(got, "|") != strings.Join(tt.want, "|") {
			t.Errorf("%q at %d: %q, want %q", tt.text, tt.width, got, tt.want)
		}
	}
}
