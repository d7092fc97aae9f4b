package survey

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"strconv"
	"strings"
)

// ParseDocument decodes and validates a questionnaire document (docs/api.md,
// "Questionnaire document"; docs/scoring.md for indicators).
//
// It returns an *Error of kind ErrMalformed when raw is not valid JSON or not
// a JSON object, and a *ValidationError listing every problem, each under its
// JSON path (for example "sections[0].questions[2].options_ref"), when the
// document is well-formed but invalid. Errors are sorted by path.
//
// Checking runs in two passes. The first compares the raw JSON with the shape
// of Document (unknown members, wrong JSON types, duplicate member names);
// only when that is clean is the document decoded and are the field rules
// and cross-references checked, because decoding a document of the wrong
// shape would hide or invent problems.
func ParseDocument(raw []byte) (*Document, error) {
	if !json.Valid(raw) {
		return nil, Errorf(ErrMalformed, "the questionnaire is not valid JSON")
	}
	tree, err := decodeTree(raw)
	if err != nil {
		return nil, Errorf(ErrMalformed, "the questionnaire is not valid JSON")
	}
	if _, ok := tree.(map[string]any); !ok {
		return nil, Errorf(ErrMalformed, "the questionnaire must be a JSON object")
	}

	v := &ValidationError{}
	scanRawJSON(raw, v)
	checkShape("", tree, reflect.TypeFor[Document](), v)
	if err := sortedErr(v); err != nil {
		return nil, err
	}

	var d Document
	if err := json.Unmarshal(raw, &d); err != nil {
		// The shape pass accepts only what encoding/json can decode, so
		// this is a bug; it must still not reach the client as a raw
		// decoder message.
		return nil, Errorf(ErrMalformed, "the questionnaire cannot be decoded")
	}
	checkFieldRules(&d, v)
	checkDocument(&d, v)
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
func scanRawJSON(raw []byte, v *ValidationError) {
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
			return // io.EOF; raw was checked with json.Valid before
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

var scoreType = reflect.TypeFor[Score]()

// checkShape compares the decoded JSON value at path with the Go type t it
// will be decoded into, reporting unknown members and wrong JSON types. It
// accepts exactly what json.Unmarshal would decode into t without error,
// except that null is refused where the Go type cannot represent it (a plain
// string, number or boolean), since json.Unmarshal would silently ignore it.
func checkShape(path string, value any, t reflect.Type, v *ValidationError) {
	if t == scoreType {
		if value == nil {
			return
		}
		if n, ok := value.(json.Number); ok {
			checkFloat(path, n, v)
			return
		}
		v.Add(path, CodeWrongType, "must be a number or null")
		return
	}
	switch t.Kind() {
	case reflect.Pointer:
		if value != nil {
			checkShape(path, value, t.Elem(), v)
		}
	case reflect.Struct:
		obj, ok := value.(map[string]any)
		if !ok {
			v.Add(path, CodeWrongType, "must be an object")
			return
		}
		for _, name := range sortedKeys(obj) {
			ft := fieldTypeByJSONName(t, name)
			if ft == nil {
				v.Add(memberPath(path, name), CodeUnknownField, "is not a member of this object")
				continue
			}
			checkShape(memberPath(path, name), obj[name], ft, v)
		}
	case reflect.Map:
		if value == nil {
			return
		}
		obj, ok := value.(map[string]any)
		if !ok {
			v.Add(path, CodeWrongType, "must be an object")
			return
		}
		for _, name := range sortedKeys(obj) {
			checkShape(memberPath(path, name), obj[name], t.Elem(), v)
		}
	case reflect.Slice:
		if value == nil {
			return
		}
		arr, ok := value.([]any)
		if !ok {
			v.Add(path, CodeWrongType, "must be an array")
			return
		}
		for i, elem := range arr {
			checkShape(indexPath(path, i), elem, t.Elem(), v)
		}
	case reflect.String:
		if _, ok := value.(string); !ok {
			v.Add(path, CodeWrongType, "must be a string")
		}
	case reflect.Bool:
		if _, ok := value.(bool); !ok {
			v.Add(path, CodeWrongType, "must be true or false")
		}
	case reflect.Float32, reflect.Float64:
		n, ok := value.(json.Number)
		if !ok {
			v.Add(path, CodeWrongType, "must be a number")
			return
		}
		checkFloat(path, n, v)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n, ok := value.(json.Number)
		if !ok {
			v.Add(path, CodeWrongType, "must be an integer")
			return
		}
		// encoding/json decodes integers with ParseInt, so 1e3 or 4.0
		// would fail there; refuse them here with a clear message.
		i, err := strconv.ParseInt(string(n), 10, 64)
		if err != nil || reflect.Zero(t).OverflowInt(i) {
			v.Add(path, CodeWrongType, "must be an integer without fraction or exponent")
		}
	}
}

func checkFloat(path string, n json.Number, v *ValidationError) {
	if _, err := strconv.ParseFloat(string(n), 64); err != nil {
		if errors.Is(err, strconv.ErrRange) {
			v.Add(path, CodeWrongType, "is beyond the range of a 64-bit floating-point number")
			return
		}
		v.Add(path, CodeWrongType, "must be a number")
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
	v := &ValidationError{}
	scanRawJSON(raw, v)
	return v.Err()
}
