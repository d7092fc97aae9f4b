package survey

import (
	"bytes"
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"unicode/utf8"
)

// maxShapeProblems is the most problems of the first pass of ParseDocument
// after which the second pass still runs.
const maxShapeProblems = 1000

// ParseDocument decodes and validates a questionnaire document (docs/api.md,
// "Questionnaire document"; docs/scoring.md for indicators; docs/questionnaires.md
// for authors).
//
// It returns an *Error of kind ErrMalformed when raw is not valid UTF-8, not
// valid JSON (saying at which line and column, with an excerpt) or not a
// JSON object, and a *ValidationError listing every problem, each under its
// JSON path (for example "sections[0].questions[2].options_ref") and, when it
// lies in a question, that question's key, when the document is well-formed
// but invalid. Errors are sorted by path.
//
// Checking runs in two passes, and both report. The first compares the raw
// JSON with the shape of Document (unknown members, wrong JSON types,
// duplicate member names) and sets every value of the wrong shape aside;
// the rest is then decoded and the field rules and cross-references are
// checked. What the second pass would say about a value set aside (it is
// missing, or it breaks a rule of its parent) only follows from the first
// problem, so it is left out: an author sees every independent problem at
// once, and each only once. (Beyond maxShapeProblems problems of shape, the
// second pass is skipped.)
func ParseDocument(raw []byte) (*Document, error) {
	if !utf8.Valid(raw) {
		return nil, invalidUTF8(raw)
	}
	if !json.Valid(raw) {
		return nil, syntaxError(raw)
	}
	tree, err := decodeTree(raw)
	if err != nil {
		return nil, Errorf(ErrMalformed, "the questionnaire is not valid JSON")
	}
	root, ok := tree.(map[string]any)
	if !ok {
		return nil, Errorf(ErrMalformed, "the questionnaire must be a JSON object")
	}

	v := &ValidationError{}
	shape := &shapeChecker{v: v, duplicates: scanRawJSON(raw, v), set: map[string]bool{}, parents: map[string]bool{}}
	shape.check("", root, reflect.TypeFor[Document]())

	if len(v.Errors) > maxShapeProblems {
		// A document this broken is not worth the second pass: no answer
		// lists more than the first hundred problems anyway, and decoding
		// a million values set aside would only make work.
		return nil, sortedErr(v)
	}
	decoded := raw
	if len(shape.set) > 0 {
		if decoded, err = json.Marshal(root); err != nil {
			return nil, Errorf(ErrMalformed, "the questionnaire cannot be decoded")
		}
	}
	var d Document
	if err := json.Unmarshal(decoded, &d); err != nil {
		// The shape pass sets aside whatever encoding/json cannot decode,
		// so this is a bug; it must still not reach the client as a raw
		// decoder message.
		return nil, Errorf(ErrMalformed, "the questionnaire cannot be decoded")
	}
	rules := &ValidationError{}
	checkFieldRules(&d, rules)
	checkDocument(&d, rules)
	for _, fe := range rules.Errors {
		if !shape.explains(fe.Field) {
			v.Errors = append(v.Errors, fe)
		}
	}
	nameQuestions(root, v)
	if err := sortedErr(v); err != nil {
		return nil, err
	}
	return &d, nil
}

// sortedErr returns v sorted by path (then code), or nil when it is empty.
func sortedErr(v *ValidationError) error {
	slices.SortStableFunc(v.Errors, func(a, b FieldError) int {
		if c := comparePaths(a.Field, b.Field); c != 0 {
			return c
		}
		return comparePaths(a.Code.String(), b.Code.String())
	})
	return v.Err()
}

// decodeTree decodes raw into maps, slices and json.Numbers. Numbers stay
// text so that the shape pass can tell integers from fractions and spot
// values a float64 cannot hold.
func decodeTree(raw []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var tree any
	if err := dec.Decode(&tree); err != nil {
		return nil, err
	}
	return tree, nil
}

// scanRawJSON streams the tokens of raw and reports every member name that
// appears twice in the same object (decoding into a map keeps only the last
// one, so a duplicate would otherwise be silently lost) and every member
// name or string that holds the NUL character, written \u0000 in JSON:
// PostgreSQL refuses it in text, so such a request must be refused before
// it reaches the database, the same way on both databases.
func scanRawJSON(raw []byte, v *ValidationError) (duplicates map[string]bool) {
	duplicates = map[string]bool{}
	type frame struct {
		path      string
		object    bool
		expectKey bool
		key       string
		index     int
		seen      map[string]bool
	}
	var stack []*frame
	valueDone := func() {
		if len(stack) == 0 {
			return
		}
		top := stack[len(stack)-1]
		if top.object {
			top.expectKey = true
		} else {
			top.index++
		}
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	for {
		tok, err := dec.Token()
		if err != nil {
			return duplicates // io.EOF; raw was checked with json.Valid before
		}
		if d, ok := tok.(json.Delim); ok && (d == '}' || d == ']') {
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
			valueDone()
			continue
		}
		var top *frame
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		if top != nil && top.object && top.expectKey {
			key, _ := tok.(string)
			if strings.IndexByte(key, 0) >= 0 {
				v.Add(memberPath(top.path, key), CodeInvalidText, "a member name must not contain the NUL character (U+0000)")
			}
			if top.seen[key] {
				v.Add(memberPath(top.path, key), CodeDuplicateKey, "the member %q appears more than once in this object", key)
				duplicates[memberPath(top.path, key)] = true
			}
			top.seen[key] = true
			top.key = key
			top.expectKey = false
			continue
		}
		path := ""
		if top != nil {
			if top.object {
				path = memberPath(top.path, top.key)
			} else {
				path = indexPath(top.path, top.index)
			}
		}
		switch tok {
		case json.Delim('{'):
			stack = append(stack, &frame{path: path, object: true, expectKey: true, seen: map[string]bool{}})
		case json.Delim('['):
			stack = append(stack, &frame{path: path})
		default:
			if text, ok := tok.(string); ok && strings.IndexByte(text, 0) >= 0 {
				v.Add(path, CodeInvalidText, "must not contain the NUL character (U+0000)")
			}
			valueDone()
		}
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// CheckRawJSON reports, as a *ValidationError, every member name that
// appears twice in one object of a JSON document (valid JSON expected), and
// every member name or string holding a NUL character. Request decoders use
// it before decoding, which would keep only the last of duplicates,
// silently, and hand NUL characters on to the database.
func CheckRawJSON(raw []byte) error {
	if plainJSON(raw) {
		return nil
	}
	v := &ValidationError{}
	scanRawJSON(raw, v)
	return v.Err()
}

// plainJSON reports whether raw (valid JSON: on anything else it does not
// panic, but its answer means nothing) surely holds neither a member
// name twice in one object nor the NUL character in a string, in one pass
// over its bytes that decodes nothing: nearly every request is such, and
// scanRawJSON, which streams tokens and names the path of each, costs a
// request ten times as much. false means not sure: a name or string
// holds \u0000, an object holds a name twice, or a name holds an escape
// (two names that differ in their bytes may then be the same name);
// scanRawJSON then says what it is, if anything.
func plainJSON(raw []byte) bool {
	var (
		open       []bool    // the containers open, innermost last: true for an object
		objects    []nameSet // the objects open, innermost last
		names      [][]byte  // the member names of the objects open, in order
		expectName bool      // the next string is a member name
	)
	for i := 0; i < len(raw); i++ {
		switch raw[i] {
		case '{':
			open = append(open, true)
			objects = append(objects, nameSet{first: len(names)})
			expectName = true
		case '[':
			open = append(open, false)
			expectName = false
		case '}':
			if len(objects) == 0 || !open[len(open)-1] {
				return false // not valid JSON
			}
			names = names[:objects[len(objects)-1].first]
			objects, open = objects[:len(objects)-1], open[:len(open)-1]
			expectName = false
		case ']':
			if len(open) == 0 || open[len(open)-1] {
				return false
			}
			open = open[:len(open)-1]
			expectName = false
		case ',':
			if len(open) == 0 {
				return false
			}
			expectName = open[len(open)-1]
		case '"':
			start, escaped := i+1, false
			for i++; i < len(raw) && raw[i] != '"'; i++ {
				if raw[i] == '\\' {
					escaped = true
					if i+6 <= len(raw) && string(raw[i+1:i+6]) == "u0000" {
						return false
					}
					i++ // the escaped character; the hex digits of \uXXXX are plain
				}
			}
			if i >= len(raw) {
				return false
			}
			if expectName {
				if escaped || !objects[len(objects)-1].add(&names, raw[start:i]) {
					return false
				}
				expectName = false
			}
		}
	}
	return len(open) == 0
}

// nameSet is the member names of one open object, names[first:] of
// plainJSON's; past linearNames of them, also a set.
type nameSet struct {
	first int
	set   map[string]struct{}
}

// linearNames is how many names an object holds before plainJSON looks
// them up in a set rather than one by one.
const linearNames = 16

// add adds name to the object's names; false when it holds it already.
func (o *nameSet) add(names *[][]byte, name []byte) bool {
	mine := (*names)[o.first:]
	switch {
	case o.set != nil:
		if _, ok := o.set[string(name)]; ok {
			return false
		}
		o.set[string(name)] = struct{}{}
	case len(mine) >= linearNames:
		o.set = make(map[string]struct{}, 2*len(mine))
		for _, n := range mine {
			o.set[string(n)] = struct{}{}
		}
		return o.add(names, name)
	default:
		for _, n := range mine {
			if bytes.Equal(n, name) {
				return false
			}
		}
	}
	*names = append(*names, name)
	return true
}
