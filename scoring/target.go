package scoring

import "github.com/customs-survey/surveyd/survey"

// targets gives the target or milestone that applies to year, and the
// end-of-programme target, each with whether value meets it (not_met when
// there is no value): nil for those the definition does not set.
func targets(t *survey.Target, year int, value *float64) (applies, end *Target) {
	if g, ok := t.For(year); ok {
		kind := TargetKindTarget
		if g.Milestone {
			kind = TargetKindMilestone
		}
		applies = &Target{Value: g.Value, Kind: kind, Year: g.Year, Status: status(value, g.Value)}
	}
	if g, ok := t.EndGoal(); ok {
		end = &Target{Value: g.Value, Kind: TargetKindEnd, Year: g.Year, Status: status(value, g.Value)}
	}
	return applies, end
}

// status is met when the exact value is at least the goal.
func status(value *float64, goal float64) string {
	if value != nil && *value >= goal {
		return TargetMet
	}
	return TargetNotMet
}

// previous is the result's comparison with the previous campaign: its
// value, and the change in the unit of the indicator when both values
// exist and the definitions are comparable.
func previous(p *PreviousInput, method string, value *float64) *Previous {
	if p == nil {
		return nil
	}
	prev := &Previous{Campaign: p.Campaign, Year: p.Year, Value: finiteOrNil(p.Value), ChangeUnit: ChangeUnitOf(method),
		Comparable: p.Incomparable == "", Reason: p.Incomparable}
	if prev.Value != nil && value != nil && prev.Comparable {
		d := *value - *prev.Value
		prev.Change = finiteOrNil(&d)
	}
	return prev
}
