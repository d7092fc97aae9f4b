package survey

import "testing"

func TestTargetFor(t *testing.T) {
	v := func(f float64) *float64 { return &f }
	milestones := &Target{ByYear: map[string]float64{"2024": 50, "2026": 70, "2022": 30}}
	tests := []struct {
		name   string
		target *Target
		year   int
		want   Goal
		ok     bool
	}{
		{name: "no target", target: nil, year: 2023},
		{name: "fixed value, any year", target: &Target{Value: v(70)}, year: 2023, want: Goal{Value: 70, Year: 2023}, ok: true},
		{name: "milestone of the year", target: milestones, year: 2024, want: Goal{Value: 50, Year: 2024, Milestone: true}, ok: true},
		{name: "next milestone", target: milestones, year: 2023, want: Goal{Value: 50, Year: 2024, Milestone: true}, ok: true},
		{name: "next milestone, skipping a past one", target: milestones, year: 2025, want: Goal{Value: 70, Year: 2026, Milestone: true}, ok: true},
		{name: "only past milestones", target: milestones, year: 2027},
		{name: "only an end target", target: &Target{End: &EndTarget{Year: 2027, Value: v(90)}}, year: 2023},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := tt.target.For(tt.year)
			if ok != tt.ok || got != tt.want {
				t.Errorf("For(%d) = %+v, %v; want %+v, %v", tt.year, got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestTargetEndGoal(t *testing.T) {
	ninety := 90.0
	tests := []struct {
		name   string
		target *Target
		want   Goal
		ok     bool
	}{
		{name: "no target", target: nil},
		{name: "no end", target: &Target{ByYear: map[string]float64{"2027": 90}}},
		{name: "end", target: &Target{ByYear: map[string]float64{"2024": 50}, End: &EndTarget{Year: 2027, Value: &ninety}},
			want: Goal{Value: 90, Year: 2027}, ok: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := tt.target.EndGoal()
			if ok != tt.ok || got != tt.want {
				t.Errorf("EndGoal() = %+v, %v; want %+v, %v", got, ok, tt.want, tt.ok)
			}
		})
	}
}

// TestParseDocumentTargets checks the shapes a target may take: a fixed
// value or milestones, and an end-of-programme target beside either or
// alone.
func TestParseDocumentTargets(t *testing.T) {
	tests := []struct {
		name   string
		target map[string]any
		want   []string
	}{
		{name: "end alone", target: map[string]any{"end": map[string]any{"year": 2027, "value": 90}}},
		{name: "milestones and end", target: map[string]any{"by_year": map[string]any{"2024": 50, "2027": 80},
			"end": map[string]any{"year": 2027, "value": 90}}},
		{name: "value and end", target: map[string]any{"value": 70, "end": map[string]any{"year": 2027, "value": 90}}},
		{name: "empty end", target: map[string]any{"end": map[string]any{}},
			want: []string{"indicators[3].target.end.value required", "indicators[3].target.end.year required"}},
		{name: "end null, nothing else", target: map[string]any{"end": nil}, want: []string{"indicators[3].target required"}},
		{name: "end year of two digits", target: map[string]any{"end": map[string]any{"year": 27, "value": 90}},
			want: []string{"indicators[3].target.end.year invalid_year"}},
		{name: "end year as text", target: map[string]any{"end": map[string]any{"year": "2027", "value": 90}},
			want: []string{"indicators[3].target.end.year wrong_type"}},
		{name: "end value null", target: map[string]any{"end": map[string]any{"year": 2027, "value": nil}},
			want: []string{"indicators[3].target.end.value required"}},
		{name: "milestone after the end", target: map[string]any{"by_year": map[string]any{"2024": 50, "2028": 95},
			"end": map[string]any{"year": 2027, "value": 90}},
			want: []string{"indicators[3].target.by_year.2028 out_of_range"}},
		{name: "unknown member of end", target: map[string]any{"end": map[string]any{"year": 2027, "value": 90, "by": 1}},
			want: []string{"indicators[3].target.end.by unknown_field"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := baseTree(t)
			indicator(d, 3)["target"] = tt.target
			doc, err := ParseDocument(mustJSON(t, d))
			assertProblems(t, err, tt.want)
			if err != nil {
				return
			}
			if doc.Indicators[3].Target == nil {
				t.Fatal("the target was lost")
			}
		})
	}
}
