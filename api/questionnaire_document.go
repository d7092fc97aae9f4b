package api

import "github.com/customs-survey/surveyd/survey"

// questionnaireDocumentResponse is the body of GET
// /campaigns/{key}/questionnaire: the published questionnaire as a
// respondent sees it, every text in one language (language), option sets
// resolved into each question's options, without indicators or scores.
type questionnaireDocumentResponse struct {
	Key             string                         `json:"key"`
	Language        string                         `json:"language"`
	DefaultLanguage string                         `json:"default_language"`
	Title           string                         `json:"title"`
	Sections        []questionnaireSectionResponse `json:"sections"`
}

// questionnaireSectionResponse is a section of the questionnaire.
type questionnaireSectionResponse struct {
	Key       string                          `json:"key"`
	Title     string                          `json:"title"`
	Questions []questionnaireQuestionResponse `json:"questions"`
}

// questionnaireQuestionResponse is a question; max_length of a text question
// is the limit actually enforced.
type questionnaireQuestionResponse struct {
	Key       string                          `json:"key"`
	Type      string                          `json:"type"`
	Required  bool                            `json:"required"`
	Text      string                          `json:"text"`
	Help      string                          `json:"help,omitempty"`
	Options   []questionnaireOptionResponse   `json:"options,omitempty"`
	ShowIf    *questionnaireConditionResponse `json:"show_if,omitempty"`
	Min       *float64                        `json:"min,omitempty"`
	Max       *float64                        `json:"max,omitempty"`
	Integer   bool                            `json:"integer,omitempty"`
	MaxLength *int                            `json:"max_length,omitempty"`
}

// questionnaireOptionResponse is an option of a question, without its score.
type questionnaireOptionResponse struct {
	Key   string `json:"key"`
	Label string `json:"label"`
}

// questionnaireConditionResponse shows a question only when the answer to an earlier
// choice question is one of in.
type questionnaireConditionResponse struct {
	Question string   `json:"question"`
	In       []string `json:"in"`
}

func toQuestionnaireDocumentResponse(d survey.LocalizedDocument) questionnaireDocumentResponse {
	out := questionnaireDocumentResponse{Key: d.Key, Language: d.Language, DefaultLanguage: d.DefaultLanguage, Title: d.Title}
	if d.Sections != nil {
		out.Sections = make([]questionnaireSectionResponse, len(d.Sections))
	}
	for i, s := range d.Sections {
		out.Sections[i] = questionnaireSectionResponse{Key: s.Key, Title: s.Title}
		if s.Questions != nil {
			out.Sections[i].Questions = make([]questionnaireQuestionResponse, len(s.Questions))
		}
		for j, q := range s.Questions {
			out.Sections[i].Questions[j] = toQuestionnaireQuestionResponse(q)
		}
	}
	return out
}

func toQuestionnaireQuestionResponse(q survey.LocalizedQuestion) questionnaireQuestionResponse {
	out := questionnaireQuestionResponse{Key: q.Key, Type: q.Type, Required: q.Required, Text: q.Text, Help: q.Help,
		Min: q.Min, Max: q.Max, Integer: q.Integer, MaxLength: q.MaxLength}
	if q.Options != nil {
		out.Options = make([]questionnaireOptionResponse, len(q.Options))
	}
	for i, o := range q.Options {
		out.Options[i] = questionnaireOptionResponse{Key: o.Key, Label: o.Label}
	}
	if c := q.ShowIf; c != nil {
		out.ShowIf = &questionnaireConditionResponse{Question: c.Question, In: c.In}
	}
	return out
}
