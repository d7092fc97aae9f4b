package survey

import "errors"

// String writes the problem on one line, as `surveyd questionnaire check`
// prints it and docs/questionnaires.md shows it: the path ("(document)" for
// the root), the question it lies in when there is one, the message and
// the code, e.g.
//
//	sections[1].questions[0].type (question ees_perf): must be one of: single_choice, multi_choice, number, text [not_allowed]
func (fe FieldError) String() string {
	s := fe.Field
	if s == "" {
		s = "(document)"
	}
	if fe.Question != "" {
		s += " (question " + fe.Question + ")"
	}
	return s + ": " + fe.Message + " [" + fe.Code.String() + "]"
}

// ProblemLines returns what is wrong with a document, one line per
// problem: each problem of a *ValidationError (FieldError.String), or the
// message of any other error, such as a syntax error. It returns nil for
// nil.
func ProblemLines(err error) []string {
	if err == nil {
		return nil
	}
	var invalid *ValidationError
	if !errors.As(err, &invalid) {
		return []string{err.Error()}
	}
	lines := make([]string, len(invalid.Errors))
	for i, fe := range invalid.Errors {
		lines[i] = fe.String()
	}
	return lines
}
