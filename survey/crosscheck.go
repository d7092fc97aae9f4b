package survey

// documentChecker holds what the cross-checks of one document share: the
// questions in document order and where each was first defined.
type documentChecker struct {
	d *Document
	v *ValidationError
	// defaultOK is false when default_language is missing or invalid; the
	// field rules already say so, and checking every text against it would
	// bury that one problem under one error per text.
	defaultOK bool
	questions map[string]*Question // first definition of each key
	order     map[string]int       // position of that definition among all questions
}

// checkDocument runs the rules that relate one part of the document to
// another, which struct tags cannot express.
func checkDocument(d *Document, v *ValidationError) {
	c := &documentChecker{
		d:         d,
		v:         v,
		defaultOK: IsLanguage(d.DefaultLanguage),
		questions: map[string]*Question{},
		order:     map[string]int{},
	}
	for i, q := range d.Questions() {
		if _, dup := c.questions[q.Key]; !dup && q.Key != "" {
			c.questions[q.Key] = q
			c.order[q.Key] = i
		}
	}
	c.checkText("title", d.Title)
	if n := len(d.Questions()); n > MaxQuestions {
		v.Add("sections", CodeOutOfRange, "a questionnaire has at most %d questions, all sections together; this one has %d", MaxQuestions, n)
	}
	if n := len(d.Indicators); n > MaxIndicators {
		v.Add("indicators", CodeOutOfRange, "a questionnaire has at most %d indicators; this one has %d", MaxIndicators, n)
	}
	for _, name := range sortedKeys(d.OptionSets) {
		path := memberPath("option_sets", name)
		if len(d.OptionSets[name]) == 0 {
			v.Add(path, CodeRequired, "an option set needs at least one option")
		}
		c.checkOptions(path, d.OptionSets[name])
	}
	c.checkSections()
	codes := map[string]bool{}
	for i := range d.Indicators {
		ind := &d.Indicators[i]
		path := indexPath("indicators", i)
		if ind.Code != "" {
			if codes[ind.Code] {
				v.Add(path+".code", CodeDuplicate, "the indicator code %q is already used", ind.Code)
			}
			codes[ind.Code] = true
		}
		c.checkIndicator(path, ind)
	}
}

// checkText requires the default language in a text that is present; a
// missing mandatory text is reported by the field rules as required.
func (c *documentChecker) checkText(path string, t Text) {
	if t == nil || !c.defaultOK {
		return
	}
	if _, ok := t[c.d.DefaultLanguage]; !ok {
		c.v.Add(path, CodeMissingDefaultLanguage, "must have a text in the default language %q", c.d.DefaultLanguage)
	}
}

// checkOptions checks the options of one question or option set.
func (c *documentChecker) checkOptions(path string, options []Option) {
	if len(options) > MaxOptions {
		c.v.Add(path, CodeOutOfRange, "a question or option set has at most %d options; this one has %d", MaxOptions, len(options))
	}
	seen := map[string]bool{}
	for i, o := range options {
		p := indexPath(path, i)
		if o.Key != "" {
			if seen[o.Key] {
				c.v.Add(p+".key", CodeDuplicate, "the option key %q is already used in this list", o.Key)
			}
			seen[o.Key] = true
		}
		c.checkText(p+".label", o.Label)
		if o.Score.Value != nil && (*o.Score.Value < 0 || *o.Score.Value > 100) {
			c.v.Add(p+".score", CodeOutOfRange, "must be between 0 and 100, or null")
		}
	}
}

func (c *documentChecker) checkSections() {
	d := c.d
	if len(d.Sections) == 0 {
		c.v.Add("sections", CodeRequired, "a questionnaire needs at least one section")
	}
	sectionKeys := map[string]bool{}
	position := 0
	for i := range d.Sections {
		s := &d.Sections[i]
		path := indexPath("sections", i)
		if s.Key != "" {
			if sectionKeys[s.Key] {
				c.v.Add(path+".key", CodeDuplicate, "the section key %q is already used", s.Key)
			}
			sectionKeys[s.Key] = true
		}
		c.checkText(path+".title", s.Title)
		if len(s.Questions) == 0 {
			c.v.Add(path+".questions", CodeRequired, "a section needs at least one question")
		}
		for j := range s.Questions {
			q := &s.Questions[j]
			qpath := indexPath(path+".questions", j)
			c.checkQuestion(qpath, q, position)
			if q.Key != "" && c.order[q.Key] != position {
				c.v.Add(qpath+".key", CodeDuplicate, "the question key %q is already used", q.Key)
			}
			if ReservedQuestionKeys[q.Key] {
				c.v.Add(qpath+".key", CodeReservedKey, "%q names a column of every response export; choose another key", q.Key)
			}
			position++
		}
	}
}

func isChoice(q *Question) bool {
	return q.Type == TypeSingleChoice || q.Type == TypeMultiChoice
}

// typeKnown reports whether q has one of the four question types. A
// question of another type is reported once, at its type; every check
// that depends on the type (an indicator's method, a show_if or where
// naming the question) is skipped, since it would only repeat that
// problem under other paths.
func typeKnown(q *Question) bool {
	return isChoice(q) || q.Type == TypeNumber || q.Type == TypeText
}

// optionsOf returns the options of q and whether they are known. A question
// whose options_ref names no set, or that has no options at all, is already
// reported; checks that depend on its options are skipped rather than
// reporting the same mistake again under other paths.
func (c *documentChecker) optionsOf(q *Question) ([]Option, bool) {
	options := q.Options
	if q.OptionsRef != "" {
		options = c.d.OptionSets[q.OptionsRef]
	}
	return options, len(options) > 0
}

func hasOption(options []Option, key string) (Option, bool) {
	for _, o := range options {
		if o.Key == key {
			return o, true
		}
	}
	return Option{}, false
}

// optionKeys is the set of the keys of options. Checking a list of keys
// against it costs one lookup per key, where hasOption would scan the
// options for each.
func optionKeys(options []Option) map[string]bool {
	keys := make(map[string]bool, len(options))
	for _, o := range options {
		keys[o.Key] = true
	}
	return keys
}

// optionsByKey indexes options by key; the first of a repeated key wins,
// as with hasOption.
func optionsByKey(options []Option) map[string]Option {
	byKey := make(map[string]Option, len(options))
	for _, o := range options {
		if _, dup := byKey[o.Key]; !dup {
			byKey[o.Key] = o
		}
	}
	return byKey
}

func (c *documentChecker) checkQuestion(path string, q *Question, position int) {
	c.checkText(path+".text", q.Text)
	c.checkText(path+".help", q.Help)
	c.checkOptions(path+".options", q.Options)

	known := typeKnown(q)
	switch {
	case isChoice(q):
		switch {
		case len(q.Options) > 0 && q.OptionsRef != "":
			c.v.Add(path+".options_ref", CodeNotAllowed, "a question has options or options_ref, not both")
		case len(q.Options) == 0 && q.OptionsRef == "":
			c.v.Add(path+".options", CodeRequired, "a choice question needs options or options_ref")
		case q.OptionsRef != "":
			if _, ok := c.d.OptionSets[q.OptionsRef]; !ok {
				c.v.Add(path+".options_ref", CodeUnknownOptionSet, "names no option set of this questionnaire")
			}
		}
	case known:
		if len(q.Options) > 0 {
			c.v.Add(path+".options", CodeNotAllowed, "only choice questions have options")
		}
		if q.OptionsRef != "" {
			c.v.Add(path+".options_ref", CodeNotAllowed, "only choice questions have options")
		}
	}
	if known && q.Type != TypeNumber {
		for _, m := range []struct {
			name    string
			present bool
		}{{"min", q.Min != nil}, {"max", q.Max != nil}, {"integer", q.Integer}} {
			if m.present {
				c.v.Add(path+"."+m.name, CodeNotAllowed, "only number questions have %s", m.name)
			}
		}
	}
	for _, bound := range []struct {
		name  string
		value *float64
	}{{"min", q.Min}, {"max", q.Max}} {
		if bound.value != nil && !inNumberRange(*bound.value) {
			c.v.Add(path+"."+bound.name, CodeOutOfRange, "%s", numberRangeMessage)
		}
	}
	if q.Min != nil && q.Max != nil && *q.Min > *q.Max {
		c.v.Add(path+".max", CodeOutOfRange, "must not be less than min")
	}
	if known && q.Type != TypeText && q.MaxLength != nil {
		c.v.Add(path+".max_length", CodeNotAllowed, "only text questions have max_length")
	}
	if q.ShowIf != nil {
		c.checkCondition(path+".show_if", q.ShowIf, position)
	}
}

// checkCondition checks a show_if (before >= 0: the position of the question
// it belongs to, which the named question must precede) or an indicator's
// where (before < 0: any choice question will do).
func (c *documentChecker) checkCondition(path string, cond *Condition, before int) {
	var target *Question
	if cond.Question != "" {
		target = c.questions[cond.Question]
		switch {
		case target == nil:
			c.v.Add(path+".question", CodeUnknownQuestion, "names no question of this questionnaire")
		case !typeKnown(target):
			target = nil
		case before >= 0 && c.order[cond.Question] >= before:
			c.v.Add(path+".question", CodeForwardReference, "must name a question that comes earlier")
			target = nil
		case !isChoice(target):
			c.v.Add(path+".question", CodeNotAChoice, "must name a single or multi choice question")
			target = nil
		}
	}
	c.checkOptionKeys(path+".in", cond.In, target, "must list at least one option", nil)
}

// checkOptionKeys checks a list of option keys of question q (nil when the
// question is not known): it must not be empty (empty says why), nor list
// a key twice, and each key must be an option of q; each, if not nil, is
// called with every key that is, to check more.
func (c *documentChecker) checkOptionKeys(path string, keys []string, q *Question, empty string, each func(p string, o Option)) {
	if len(keys) == 0 {
		c.v.Add(path, CodeRequired, "%s", empty)
		return
	}
	var options map[string]Option
	var list []Option
	known := false
	if q != nil {
		list, known = c.optionsOf(q)
		options = optionsByKey(list)
	}
	seen := map[string]bool{}
	for i, key := range keys {
		p := indexPath(path, i)
		if seen[key] {
			c.v.Add(p, CodeDuplicate, "the option %q is already listed", key)
		}
		seen[key] = true
		if !known {
			continue
		}
		o, ok := options[key]
		switch {
		case !ok:
			c.v.Add(p, CodeUnknownOption, "%s", notAnOption(q.Key, list))
		case each != nil:
			each(p, o)
		}
	}
}
