package survey

import (
	"bytes"
	"encoding/json"
	"strconv"
)

// Question types of the questionnaire document.
const (
	TypeSingleChoice = "single_choice"
	TypeMultiChoice  = "multi_choice"
	TypeNumber       = "number"
	TypeText         = "text"
)

// Indicator methods and units (docs/scoring.md).
const (
	MethodMeanScore = "mean_score"
	MethodShare     = "share"
	MethodMeanValue = "mean_value"

	UnitRespondent     = "respondent"
	UnitAdministration = "administration"
)

// Kinds of breakdown an indicator may ask for (docs/scoring.md).
const (
	BreakdownOptions         = "options"
	BreakdownQuestions       = "questions"
	BreakdownAdministrations = "administrations"
)

// BreaksDown reports whether the indicator asks for a breakdown of that
// kind.
func (ind Indicator) BreaksDown(kind string) bool {
	for _, k := range ind.Breakdown {
		if k == kind {
			return true
		}
	}
	return false
}

// Text is a text in several languages, keyed by ISO 639-1 code.
type Text map[string]string

// Resolve returns the text in lang, falling back to fallback.
func (t Text) Resolve(lang, fallback string) string {
	if s, ok := t[lang]; ok {
		return s
	}
	return t[fallback]
}

// Document is a questionnaire as Commission staff write it (docs/api.md,
// "Questionnaire document"). It is stored as submitted and never changes once
// its version is published.
type Document struct {
	Key             string              `json:"key" validate:"required,survey_key"`
	DefaultLanguage string              `json:"default_language" validate:"required,iso639_1"`
	Title           Text                `json:"title" validate:"required,dive,keys,iso639_1,endkeys,required"`
	OptionSets      map[string][]Option `json:"option_sets,omitempty" validate:"dive,keys,survey_key,endkeys,dive"`
	Sections        []Section           `json:"sections" validate:"dive"`
	Indicators      []Indicator         `json:"indicators,omitempty" validate:"dive"`
}

// Section groups questions under a title.
type Section struct {
	Key       string     `json:"key" validate:"required,survey_key"`
	Title     Text       `json:"title" validate:"required,dive,keys,iso639_1,endkeys,required"`
	Questions []Question `json:"questions" validate:"dive"`
}

// Question is one question of a section.
type Question struct {
	Key        string     `json:"key" validate:"required,survey_key"`
	Type       string     `json:"type" validate:"required,oneof=single_choice multi_choice number text"`
	Required   bool       `json:"required,omitempty"`
	Text       Text       `json:"text" validate:"required,dive,keys,iso639_1,endkeys,required"`
	Help       Text       `json:"help,omitempty" validate:"omitempty,dive,keys,iso639_1,endkeys,required"`
	Options    []Option   `json:"options,omitempty" validate:"dive"`
	OptionsRef string     `json:"options_ref,omitempty"`
	ShowIf     *Condition `json:"show_if,omitempty"`
	Min        *float64   `json:"min,omitempty"`
	Max        *float64   `json:"max,omitempty"`
	Integer    bool       `json:"integer,omitempty"`
	MaxLength  *int       `json:"max_length,omitempty" validate:"omitempty,min=1"`
}

// Condition selects the responses whose answer to an earlier choice question
// is one of In. It is used by show_if and by an indicator's where.
type Condition struct {
	Question string   `json:"question" validate:"required"`
	In       []string `json:"in"`
}

// Option is one option of a choice question or of an option set.
type Option struct {
	Key   string `json:"key" validate:"required,survey_key"`
	Label Text   `json:"label" validate:"required,dive,keys,iso639_1,endkeys,required"`
	Score Score  `json:"score,omitzero"`
}

// Score is an option's score. It has three states, which scoring treats
// differently: absent (the option is not scored, e.g. yes/no), null ("don't
// know": a response choosing it is excluded), or a number in [0, 100].
type Score struct {
	Set   bool     // the "score" member was present
	Value *float64 // nil when the member was null
}

// IsZero reports whether the score was absent, so that omitzero drops it.
func (s Score) IsZero() bool { return !s.Set }

// IsNull reports whether the option carries an explicit null score.
func (s Score) IsNull() bool { return s.Set && s.Value == nil }

// MarshalJSON writes null or the number.
func (s Score) MarshalJSON() ([]byte, error) {
	if s.Value == nil {
		return []byte("null"), nil
	}
	return json.Marshal(*s.Value)
}

// UnmarshalJSON is only called when the member is present.
func (s *Score) UnmarshalJSON(b []byte) error {
	s.Set = true
	if bytes.Equal(bytes.TrimSpace(b), []byte("null")) {
		s.Value = nil
		return nil
	}
	var v float64
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	s.Value = &v
	return nil
}

// Indicator is a performance indicator computed from the answers (docs/scoring.md).
type Indicator struct {
	Code      string     `json:"code" validate:"required,max=64"`
	Title     Text       `json:"title,omitempty" validate:"omitempty,dive,keys,iso639_1,endkeys,required"`
	Method    string     `json:"method" validate:"required,oneof=mean_score share mean_value"`
	Questions []string   `json:"questions"`
	Options   []string   `json:"options,omitempty"`
	Where     *Condition `json:"where,omitempty"`
	Unit      string     `json:"unit,omitempty" validate:"omitempty,oneof=respondent administration"`
	Target    *Target    `json:"target,omitempty"`
	Breakdown []string   `json:"breakdown,omitempty" validate:"dive,oneof=options questions administrations"`

	// ReportOrder is the indicator's place in the annex of the annual
	// report, on one scale for every questionnaire of the year: indicators
	// with one come first, by it; nil leaves the indicator to the natural
	// order of the codes (docs/questionnaires.md, "The order in the annual
	// report").
	ReportOrder *int `json:"report_order,omitempty" validate:"omitempty,min=1,max=9999"`
}

// Target is an indicator's target (docs/scoring.md, "Targets, milestones
// and the end of the programme"): a fixed value for every year, or
// milestones by year, not both, and optionally the target set for the end
// of the programme.
type Target struct {
	Value  *float64           `json:"value,omitempty"`
	ByYear map[string]float64 `json:"by_year,omitempty"` // milestones, by four-digit year
	End    *EndTarget         `json:"end,omitempty"`
}

// EndTarget is the value an indicator should reach by the end of the
// programme, in its last year.
type EndTarget struct {
	Year  int      `json:"year"`
	Value *float64 `json:"value"`
}

// Goal is a value an indicator should reach by a year.
type Goal struct {
	Value float64
	Year  int
	// Milestone says that the goal is a by_year milestone rather than the
	// fixed value (whose Year is then the year asked about).
	Milestone bool
}

// For returns the goal that applies to year: the fixed value, else the
// milestone of that year, else the first milestone after it. Milestones of
// earlier years apply to no later year: with only those, there is none.
func (t *Target) For(year int) (Goal, bool) {
	if t == nil {
		return Goal{}, false
	}
	if t.Value != nil {
		return Goal{Value: *t.Value, Year: year}, true
	}
	var next Goal
	for key, v := range t.ByYear {
		y, err := strconv.Atoi(key)
		if err != nil || y < year || next.Milestone && y >= next.Year {
			continue
		}
		next = Goal{Value: v, Year: y, Milestone: true}
	}
	return next, next.Milestone
}

// EndGoal returns the end-of-programme target, if one is set.
func (t *Target) EndGoal() (Goal, bool) {
	if t == nil || t.End == nil || t.End.Value == nil {
		return Goal{}, false
	}
	return Goal{Value: *t.End.Value, Year: t.End.Year}, true
}

// EffectiveUnit returns the indicator's unit, respondent by default.
func (ind Indicator) EffectiveUnit() string {
	if ind.Unit == "" {
		return UnitRespondent
	}
	return ind.Unit
}

// Questions returns every question of the document in order.
func (d *Document) Questions() []*Question {
	var qs []*Question
	for i := range d.Sections {
		for j := range d.Sections[i].Questions {
			qs = append(qs, &d.Sections[i].Questions[j])
		}
	}
	return qs
}

// Question returns the question with the given key, or nil. It allocates
// nothing: scoring calls it for every indicator and breakdown row.
func (d *Document) Question(key string) *Question {
	for i := range d.Sections {
		for j := range d.Sections[i].Questions {
			if q := &d.Sections[i].Questions[j]; q.Key == key {
				return q
			}
		}
	}
	return nil
}

// OptionsOf returns the options of a choice question, resolving options_ref.
func (d *Document) OptionsOf(q *Question) []Option {
	if q.OptionsRef != "" {
		return d.OptionSets[q.OptionsRef]
	}
	return q.Options
}
