package survey

import "strconv"

// checkIndicator checks one indicator against the questions it names and
// the method of docs/scoring.md it uses, so that scoring never meets a definition
// it cannot compute.
func (c *documentChecker) checkIndicator(path string, ind *Indicator) {
	c.checkText(path+".title", ind.Title)

	// The questions, resolved; nil where the key is unknown.
	questions := make([]*Question, len(ind.Questions))
	allKnown := true
	seen := map[string]bool{}
	if len(ind.Questions) == 0 {
		c.v.Add(path+".questions", CodeRequired, "an indicator needs at least one question")
	}
	for i, key := range ind.Questions {
		p := indexPath(path+".questions", i)
		if seen[key] {
			c.v.Add(p, CodeDuplicate, "the question %q is already listed", key)
		}
		seen[key] = true
		questions[i] = c.questions[key]
		switch {
		case questions[i] == nil:
			c.v.Add(p, CodeUnknownQuestion, "names no question of this questionnaire")
			allKnown = false
		case !typeKnown(questions[i]):
			// Its type is reported at the question; the method cannot
			// be checked against it.
			questions[i] = nil
			allKnown = false
		}
	}

	switch ind.Method {
	case MethodMeanScore:
		for i, q := range questions {
			if q != nil {
				c.checkMeanScoreQuestion(indexPath(path+".questions", i), q)
			}
		}
	case MethodShare:
		c.checkShare(path, ind, questions)
	case MethodMeanValue:
		if len(questions) > 1 {
			c.v.Add(path+".questions", CodeMethodMismatch, "mean_value needs exactly one question")
		} else if len(questions) == 1 && questions[0] != nil && questions[0].Type != TypeNumber {
			c.v.Add(path+".questions[0]", CodeMethodMismatch, "mean_value needs a number question")
		}
	}
	if len(ind.Options) > 0 && (ind.Method == MethodMeanScore || ind.Method == MethodMeanValue) {
		c.v.Add(path+".options", CodeNotAllowed, "only share indicators list options")
	}

	if ind.Where != nil {
		c.checkCondition(path+".where", ind.Where, -1)
	}
	if ind.Target != nil {
		c.checkTarget(path+".target", ind.Target)
	}
	c.checkBreakdown(path, ind, questions, allKnown)
}

// checkMeanScoreQuestion requires a single-choice question whose options all
// say how they score: a missing score would make a respondent value
// undefined, and without one numeric score there is nothing to average.
func (c *documentChecker) checkMeanScoreQuestion(path string, q *Question) {
	if q.Type != TypeSingleChoice {
		c.v.Add(path, CodeMethodMismatch, "mean_score needs single choice questions")
		return
	}
	options, ok := c.optionsOf(q)
	if !ok {
		return
	}
	numeric := false
	for _, o := range options {
		if !o.Score.Set {
			c.v.Add(path, CodeMethodMismatch, "mean_score needs a score (a number or null) on every option; option %q has none", o.Key)
			return
		}
		numeric = numeric || o.Score.Value != nil
	}
	if !numeric {
		c.v.Add(path, CodeMethodMismatch, "mean_score needs at least one option with a numeric score")
	}
}

func (c *documentChecker) checkShare(path string, ind *Indicator, questions []*Question) {
	if len(questions) > 1 {
		c.v.Add(path+".questions", CodeMethodMismatch, "share needs exactly one question")
	}
	var q *Question
	if len(questions) == 1 {
		q = questions[0]
	}
	if q != nil && !isChoice(q) {
		c.v.Add(path+".questions[0]", CodeMethodMismatch, "share needs a single or multi choice question")
		q = nil
	}
	c.checkOptionKeys(path+".options", ind.Options, q, "share needs the options it counts", func(p string, o Option) {
		if o.Score.IsNull() {
			// A response choosing a null-score option has no value, so
			// counting that option as a "yes" would contradict
			// docs/scoring.md.
			c.v.Add(p, CodeMethodMismatch, "share cannot count an option whose score is null")
		}
	})
}

// checkTarget checks a target's shape: a fixed value or milestones by year,
// not both, and an end-of-programme target, at least one of them. A
// milestone after the end of the programme could never apply.
func (c *documentChecker) checkTarget(path string, t *Target) {
	switch {
	case t.Value != nil && t.ByYear != nil:
		c.v.Add(path, CodeNotAllowed, "a target has value or by_year, not both")
	case t.Value == nil && t.ByYear == nil && t.End == nil:
		c.v.Add(path, CodeRequired, "a target needs value, by_year or end")
	case t.ByYear != nil && len(t.ByYear) == 0:
		c.v.Add(path+".by_year", CodeRequired, "by_year needs at least one year")
	}
	endYear := 0
	if e := t.End; e != nil {
		switch {
		case e.Year == 0:
			c.v.Add(path+".end.year", CodeRequired, "the end of the programme needs its year")
		case e.Year < 1000 || e.Year > 9999:
			c.v.Add(path+".end.year", CodeInvalidYear, "must be a four-digit year")
		default:
			endYear = e.Year
		}
		if e.Value == nil {
			c.v.Add(path+".end.value", CodeRequired, "the end-of-programme target needs its value")
		}
	}
	for _, year := range sortedKeys(t.ByYear) {
		p := memberPath(path+".by_year", year)
		switch {
		case !isYear(year):
			c.v.Add(p, CodeInvalidYear, "must be a four-digit year")
		case endYear != 0 && year > strconv.Itoa(endYear):
			c.v.Add(p, CodeOutOfRange, "a milestone cannot come after the end of the programme (%d)", endYear)
		}
	}
}

func isYear(s string) bool {
	if len(s) != 4 {
		return false
	}
	for i := 0; i < 4; i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}

// checkBreakdown checks breakdown entries; their allowed values are checked
// by the field rules.
func (c *documentChecker) checkBreakdown(path string, ind *Indicator, questions []*Question, allKnown bool) {
	seen := map[string]bool{}
	for i, b := range ind.Breakdown {
		p := indexPath(path+".breakdown", i)
		if seen[b] {
			c.v.Add(p, CodeDuplicate, "the breakdown %q is already listed", b)
		}
		seen[b] = true
		// An options breakdown is a distribution over one question's
		// options; with several questions there is no single list.
		// Without questions, the indicator's missing questions are the
		// problem, already reported.
		if b == BreakdownOptions && allKnown && len(questions) > 0 && (len(questions) != 1 || !isChoice(questions[0])) {
			c.v.Add(p, CodeNotAllowed, "the options breakdown needs exactly one single_choice or multi_choice question")
		}
	}
}
