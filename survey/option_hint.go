package survey

import (
	"strconv"
	"strings"
)

// MaxListedOptions is the most options a message names: beyond it, a
// message listing every option would bury the problem, so it gives their
// number instead.
const MaxListedOptions = 10

// notAnOption is the message for a key that is not among options, of
// question key (or "this question" when key is ""): it names the valid
// options, or says how many there are when there are more than
// MaxListedOptions, so that the author of an answer or a document sees
// what would be accepted without opening the questionnaire.
func notAnOption(key string, options []Option) string {
	of := "this question"
	if key != "" {
		of = "question " + strconv.Quote(key)
	}
	switch n := len(options); {
	case n == 0:
		return "is not an option of " + of + ", which has none"
	case n > MaxListedOptions:
		return "is not one of the " + strconv.Itoa(n) + " options of " + of
	}
	keys := make([]string, len(options))
	for i, o := range options {
		keys[i] = o.Key
	}
	return "is not an option of " + of + "; the options are: " + strings.Join(keys, ", ")
}

// nameQuestionSince sets the Question of the problems of v from index from
// on to key: they all concern the answer to that question.
func nameQuestionSince(v *ValidationError, from int, key string) {
	for i := from; i < len(v.Errors); i++ {
		v.Errors[i].Question = key
	}
}
