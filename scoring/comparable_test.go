package scoring

import (
	"math"
	"testing"

	"github.com/customs-survey/surveyd/survey"
)

// TestNotComparable changes one thing at a time in the second edition of a
// questionnaire (doc, the same in both editions unless a case edits it) and
// checks what the comparison says.
func TestNotComparable(t *testing.T) {
	score := func(v float64) survey.Score { return survey.Score{Set: true, Value: &v} }
	perf := survey.Indicator{Code: "X", Method: survey.MethodMeanScore, Questions: []string{"perf", "innov"}}
	share := survey.Indicator{Code: "S", Method: survey.MethodShare, Questions: []string{"used"}, Options: []string{"yes"},
		Where: &survey.Condition{Question: "perf", In: []string{"large", "full"}}}
	rating := survey.Indicator{Code: "R", Method: survey.MethodMeanValue, Questions: []string{"rating"}}
	tests := []struct {
		name   string
		before survey.Indicator
		// editBefore changes the first edition's doc, when set.
		editBefore func(d *survey.Document)
		edit       func(ind *survey.Indicator, d *survey.Document) // the changes of the second edition
		want       string
	}{
		{name: "the same definition", before: perf, edit: func(*survey.Indicator, *survey.Document) {}},
		{name: "texts, labels, title, target and breakdown may change", before: perf, edit: func(ind *survey.Indicator, d *survey.Document) {
			q := d.Question("perf")
			q.Text = survey.Text{"en": "Performance, reworded?"}
			q.Options[0].Label = survey.Text{"en": "Not at all"}
			ten := 10.0
			ind.Title, ind.Target, ind.Breakdown = survey.Text{"en": "New title"}, &survey.Target{Value: &ten}, []string{"options"}
		}},
		{name: "questions listed in another order", before: perf, edit: func(ind *survey.Indicator, _ *survey.Document) {
			ind.Questions = []string{"innov", "perf"}
		}},
		{name: "options listed in another order", before: perf, edit: func(_ *survey.Indicator, d *survey.Document) {
			opts := d.Question("perf").Options
			opts[0], opts[1] = opts[1], opts[0]
		}},
		{name: "the method", before: share, edit: func(ind *survey.Indicator, _ *survey.Document) {
			ind.Method, ind.Options = survey.MethodMeanScore, nil
		}, want: "the method changed from share to mean_score; the counted options changed (removed: yes)"},
		{name: "the unit", before: perf, edit: func(ind *survey.Indicator, _ *survey.Document) { ind.Unit = survey.UnitAdministration },
			want: "the unit changed from respondent to administration"},
		{name: "the unit stated as the default", before: perf, edit: func(ind *survey.Indicator, _ *survey.Document) { ind.Unit = survey.UnitRespondent }},
		{name: "a question added and one removed", before: perf, edit: func(ind *survey.Indicator, _ *survey.Document) {
			ind.Questions = []string{"perf", "rating"}
		}, want: "the questions changed (added: rating; removed: innov)"},
		{name: "a question's type", before: share, edit: func(_ *survey.Indicator, d *survey.Document) {
			d.Question("used").Type = survey.TypeMultiChoice
		}, want: "the type of question used changed from single_choice to multi_choice"},
		{name: "an option's score", before: perf, edit: func(_ *survey.Indicator, d *survey.Document) {
			d.Question("perf").Options[4].Score = score(90)
		}, want: "the options of question perf changed (scores changed: full from 100 to 90)"},
		{name: "a score changed below its second decimal", before: perf, edit: func(_ *survey.Indicator, d *survey.Document) {
			d.Question("perf").Options[1].Score = score(25.0001)
		}, want: "the options of question perf changed (scores changed: little from 25 to 25.0001)"},
		{name: "a score changed in its fifth decimal", before: perf, editBefore: func(d *survey.Document) {
			d.Question("perf").Options[1].Score = score(33.333)
		}, edit: func(_ *survey.Indicator, d *survey.Document) {
			d.Question("perf").Options[1].Score = score(33.3333)
		}, want: "the options of question perf changed (scores changed: little from 33.333 to 33.3333)"},
		{name: "a score written as -0", before: perf, edit: func(_ *survey.Indicator, d *survey.Document) {
			d.Question("perf").Options[0].Score = score(math.Copysign(0, -1))
		}},
		{name: "an option's score made null", before: perf, edit: func(_ *survey.Indicator, d *survey.Document) {
			d.Question("innov").Options[1].Score = survey.Score{Set: true}
		}, want: "the options of question innov changed (scores changed: full from 100 to null)"},
		{name: "an option added and one removed", before: perf, edit: func(_ *survey.Indicator, d *survey.Document) {
			q := d.Question("innov")
			q.Options[0].Key = "nothing"
			q.Options = append(q.Options, survey.Option{Key: "some", Label: survey.Text{"en": "Some"}, Score: score(50)})
		}, want: "the options of question innov changed (added: nothing, some; removed: none)"},
		{name: "options moved to an identical option set", before: perf, edit: func(_ *survey.Indicator, d *survey.Document) {
			q := d.Question("innov")
			d.OptionSets = map[string][]survey.Option{"three": q.Options}
			q.Options, q.OptionsRef = nil, "three"
		}},
		{name: "the range of a number question", before: rating, edit: func(_ *survey.Indicator, d *survey.Document) {
			zero, ten := 0.0, 10.0
			d.Question("rating").Min, d.Question("rating").Max = &zero, &ten
		}, want: "the range of question rating changed from 1 to 5 to 0 to 10"},
		{name: "a bound changed below its second decimal", before: rating, edit: func(_ *survey.Indicator, d *survey.Document) {
			lo := 1.000001
			d.Question("rating").Min = &lo
		}, want: "the range of question rating changed from 1 to 5 to 1.000001 to 5"},
		{name: "a bound of 0 written as -0", before: rating, editBefore: func(d *survey.Document) {
			zero := 0.0
			d.Question("rating").Min = &zero
		}, edit: func(_ *survey.Indicator, d *survey.Document) {
			zero := math.Copysign(0, -1)
			d.Question("rating").Min = &zero
		}},
		{name: "a bound removed", before: rating, edit: func(_ *survey.Indicator, d *survey.Document) { d.Question("rating").Max = nil },
			want: "the range of question rating changed from 1 to 5 to 1 to no maximum"},
		{name: "the condition showing a question", before: rating, edit: func(_ *survey.Indicator, d *survey.Document) {
			d.Question("rating").ShowIf = &survey.Condition{Question: "used", In: []string{"yes"}}
		}, want: "the condition showing question rating changed from none to used in [yes]"},
		{name: "the counted options", before: share, edit: func(ind *survey.Indicator, _ *survey.Document) { ind.Options = []string{"yes", "no"} },
			want: "the counted options changed (added: no)"},
		{name: "the where filter", before: share, edit: func(ind *survey.Indicator, _ *survey.Document) {
			ind.Where = &survey.Condition{Question: "perf", In: []string{"full"}}
		}, want: "the where filter changed from perf in [full, large] to perf in [full]"},
		{name: "the where filter's options in another order", before: share, edit: func(ind *survey.Indicator, _ *survey.Document) {
			ind.Where = &survey.Condition{Question: "perf", In: []string{"full", "large"}}
		}},
		{name: "the where filter removed", before: share, edit: func(ind *survey.Indicator, _ *survey.Document) { ind.Where = nil },
			want: "the where filter changed from perf in [full, large] to none"},
		{name: "several changes", before: perf, edit: func(ind *survey.Indicator, d *survey.Document) {
			ind.Unit = survey.UnitAdministration
			d.Question("perf").Options[0].Score = score(10)
			d.Question("innov").Options = d.Question("innov").Options[:2]
		}, want: "the unit changed from respondent to administration; the options of question perf changed (scores changed: none from 0 to 10); " +
			"the options of question innov changed (removed: dont_know)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			now, beforeDoc, nowDoc := tt.before, doc(), doc()
			now.Questions = append([]string(nil), tt.before.Questions...)
			if tt.editBefore != nil {
				tt.editBefore(beforeDoc)
			}
			tt.edit(&now, nowDoc)
			if got := NotComparable(tt.before, beforeDoc, now, nowDoc); got != tt.want {
				t.Errorf("NotComparable:\n got %q\nwant %q", got, tt.want)
			}
		})
	}
}
