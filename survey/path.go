package survey

import (
	"regexp"
	"strconv"
	"strings"
)

// memberPath returns the JSON path of member name of the value at base:
// "base.name" for names made of letters, digits, "_" and "-", else
// base["name"], so that a path stays unambiguous whatever key a client sent.
func memberPath(base, name string) string {
	if !isPlainName(name) {
		return base + "[" + strconv.Quote(name) + "]"
	}
	if base == "" {
		return name
	}
	return base + "." + name
}

// indexPath returns the JSON path of element i of the array at base.
func indexPath(base string, i int) string {
	return base + "[" + strconv.Itoa(i) + "]"
}

func isPlainName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// comparePaths orders JSON paths naturally, comparing runs of digits by
// value, so that sections[2] comes before sections[10] and errors read in
// document order rather than in the order the checks happened to run.
func comparePaths(a, b string) int {
	for a != "" && b != "" {
		da, db := isDigit(a[0]), isDigit(b[0])
		if da && db {
			ra, rb := digitRun(a), digitRun(b)
			if c := compareDigits(ra, rb); c != 0 {
				return c
			}
			a, b = a[len(ra):], b[len(rb):]
			continue
		}
		if a[0] != b[0] {
			if a[0] < b[0] {
				return -1
			}
			return 1
		}
		a, b = a[1:], b[1:]
	}
	return len(a) - len(b)
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func digitRun(s string) string {
	i := 0
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	return s[:i]
}

// compareDigits compares two decimal digit strings by value without
// converting them, so that arbitrarily long runs cannot overflow.
func compareDigits(a, b string) int {
	ta, tb := strings.TrimLeft(a, "0"), strings.TrimLeft(b, "0")
	if len(ta) != len(tb) {
		return len(ta) - len(tb)
	}
	if c := strings.Compare(ta, tb); c != 0 {
		return c
	}
	return len(a) - len(b)
}

// questionPath matches the JSON path of a question of a document and
// whatever follows it.
var questionPath = regexp.MustCompile(`^sections\[(\d+)\]\.questions\[(\d+)\](?:[.\[]|$)`)

// nameQuestions sets the Question of every problem of v that lies in a
// question of the document tree (decoded JSON) to that question's key,
// when the document gives it one as a string.
func nameQuestions(tree map[string]any, v *ValidationError) {
	for i := range v.Errors {
		m := questionPath.FindStringSubmatch(v.Errors[i].Field)
		if m == nil {
			continue
		}
		si, err1 := strconv.Atoi(m[1])
		qi, err2 := strconv.Atoi(m[2])
		if err1 != nil || err2 != nil {
			continue
		}
		sections, _ := tree["sections"].([]any)
		if si >= len(sections) {
			continue
		}
		section, _ := sections[si].(map[string]any)
		questions, _ := section["questions"].([]any)
		if qi >= len(questions) {
			continue
		}
		question, _ := questions[qi].(map[string]any)
		if key, ok := question["key"].(string); ok {
			v.Errors[i].Question = key
		}
	}
}
