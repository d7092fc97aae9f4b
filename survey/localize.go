package survey

// LocalizedDocument is a questionnaire as a respondent sees it: every text in
// one language, option sets resolved into each question's options, and
// nothing a respondent does not need (indicators and option scores stay with
// Commission staff, so that the scale cannot steer the answers).
type LocalizedDocument struct {
	Key string
	// Language is the language the texts were resolved to: the requested
	// one when the questionnaire's title is translated into it, else the
	// default language. Single texts missing a translation still fall
	// back to the default language.
	Language        string
	DefaultLanguage string
	Title           string
	Sections        []LocalizedSection
}

// LocalizedSection is a section of a LocalizedDocument.
type LocalizedSection struct {
	Key       string
	Title     string
	Questions []LocalizedQuestion
}

// LocalizedQuestion is a question of a LocalizedDocument. MaxLength of a text
// question is the limit actually enforced, DefaultMaxTextLength when the
// questionnaire sets none, so that a form can show it.
type LocalizedQuestion struct {
	Key       string
	Type      string
	Required  bool
	Text      string
	Help      string
	Options   []LocalizedOption
	ShowIf    *Condition
	Min       *float64
	Max       *float64
	Integer   bool
	MaxLength *int
}

// LocalizedOption is an option of a LocalizedQuestion, without its score.
type LocalizedOption struct {
	Key   string
	Label string
}

// Localize returns the document with every text resolved to lang, falling
// back to the default language text by text. The result shares no memory
// with d, so a caller may change it freely.
func (d *Document) Localize(lang string) LocalizedDocument {
	if d == nil {
		return LocalizedDocument{Sections: []LocalizedSection{}}
	}
	language := d.DefaultLanguage
	if _, ok := d.Title[lang]; ok && lang != "" {
		language = lang
	}
	text := func(t Text) string { return t.Resolve(language, d.DefaultLanguage) }

	out := LocalizedDocument{
		Key:             d.Key,
		Language:        language,
		DefaultLanguage: d.DefaultLanguage,
		Title:           text(d.Title),
		Sections:        make([]LocalizedSection, 0, len(d.Sections)),
	}
	for _, s := range d.Sections {
		ls := LocalizedSection{
			Key:       s.Key,
			Title:     text(s.Title),
			Questions: make([]LocalizedQuestion, 0, len(s.Questions)),
		}
		for i := range s.Questions {
			q := &s.Questions[i]
			lq := LocalizedQuestion{
				Key:       q.Key,
				Type:      q.Type,
				Required:  q.Required,
				Text:      text(q.Text),
				Help:      text(q.Help),
				ShowIf:    copyCondition(q.ShowIf),
				Min:       copyPointer(q.Min),
				Max:       copyPointer(q.Max),
				Integer:   q.Integer,
				MaxLength: copyPointer(q.MaxLength),
			}
			if q.Type == TypeText && lq.MaxLength == nil {
				limit := DefaultMaxTextLength
				lq.MaxLength = &limit
			}
			for _, o := range d.OptionsOf(q) {
				lq.Options = append(lq.Options, LocalizedOption{Key: o.Key, Label: text(o.Label)})
			}
			ls.Questions = append(ls.Questions, lq)
		}
		out.Sections = append(out.Sections, ls)
	}
	return out
}

func copyCondition(c *Condition) *Condition {
	if c == nil {
		return nil
	}
	return &Condition{Question: c.Question, In: append([]string(nil), c.In...)}
}

func copyPointer[T any](p *T) *T {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}
