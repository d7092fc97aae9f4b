package survey

import (
	"encoding/json"
	"errors"
	"reflect"
	"strconv"
	"strings"
)

var scoreType = reflect.TypeFor[Score]()

// shapeChecker is the first pass of ParseDocument. It records its problems
// in v, removes each value of the wrong shape from the tree (a member is
// deleted, an array element becomes null, so that later elements keep their
// index) and remembers where: set holds the paths of those values, parents
// the paths of the objects and arrays that held them. A member given twice
// (duplicates, already reported) is set aside too: which of its values the
// author meant is unknown, and checking the last one (a second
// default_language, say) could invent problems all over the document.
type shapeChecker struct {
	v          *ValidationError
	duplicates map[string]bool
	set        map[string]bool
	parents    map[string]bool
}

// explains reports whether a problem of the second pass at path follows
// from a value set aside: it is at that value, under it, or at its parent
// (a text whose only language was set aside now lacks the default one, a
// target whose value was set aside now has neither value nor by_year).
func (s *shapeChecker) explains(path string) bool {
	if s.set[path] || s.parents[path] {
		return true
	}
	// Each ancestor of path ends where a member or an index begins; a
	// hostile document can set aside many values and break many rules, so
	// the ancestors are looked up rather than every value compared.
	for i := 1; i < len(path); i++ {
		if (path[i] == '.' || path[i] == '[') && s.set[path[:i]] {
			return true
		}
	}
	return false
}

// member checks the member name of obj, at path under parent, and deletes
// it when it is of the wrong shape. fields is the struct type obj decodes
// into, nil for a map.
func (s *shapeChecker) member(parent string, obj map[string]any, name string, t, fields reflect.Type) {
	path := memberPath(parent, name)
	switch {
	case t == nil:
		meant := meantMember(fields, obj, name)
		if meant == "" {
			s.v.Add(path, CodeUnknownField, "is not a member of this object")
		} else {
			// The member meant is absent; that is this problem, not
			// another one.
			s.v.Add(path, CodeUnknownField, "is not a member of this object; did you mean %q?", meant)
			s.set[memberPath(parent, meant)] = true
		}
	case s.duplicates[path]:
	case s.check(path, obj[name], t):
		return
	}
	if t == scoreType {
		// An absent score would make every indicator reading the option
		// complain that it has none; a placeholder any rule accepts
		// keeps the problem to the one reported.
		obj[name] = json.Number("0")
	} else {
		delete(obj, name)
	}
	s.set[path], s.parents[parent] = true, true
}

// check compares the decoded JSON value at path with the Go type t it will
// be decoded into, reporting unknown members and wrong JSON types, and
// returns false when the value itself must be set aside. It accepts
// exactly what json.Unmarshal would decode into t without error, except
// that null is refused where the Go type cannot represent it (a plain
// string, number or boolean), since json.Unmarshal would silently ignore
// it.
func (s *shapeChecker) check(path string, value any, t reflect.Type) bool {
	v := s.v
	if t == scoreType {
		if value == nil {
			return true
		}
		if n, ok := value.(json.Number); ok {
			return checkFloat(path, n, v)
		}
		v.Add(path, CodeWrongType, "must be a number or null")
		return false
	}
	switch t.Kind() {
	case reflect.Pointer:
		return value == nil || s.check(path, value, t.Elem())
	case reflect.Struct:
		obj, ok := value.(map[string]any)
		if !ok {
			v.Add(path, CodeWrongType, "must be an object")
			return false
		}
		for _, name := range sortedKeys(obj) {
			s.member(path, obj, name, fieldTypeByJSONName(t, name), t)
		}
	case reflect.Map:
		if value == nil {
			return true
		}
		obj, ok := value.(map[string]any)
		if !ok {
			v.Add(path, CodeWrongType, "must be an object")
			return false
		}
		for _, name := range sortedKeys(obj) {
			s.member(path, obj, name, t.Elem(), nil)
		}
	case reflect.Slice:
		if value == nil {
			return true
		}
		arr, ok := value.([]any)
		if !ok {
			v.Add(path, CodeWrongType, "must be an array")
			return false
		}
		for i, elem := range arr {
			if p := indexPath(path, i); !s.check(p, elem, t.Elem()) {
				arr[i] = nil
				s.set[p], s.parents[path] = true, true
			}
		}
	case reflect.String:
		if _, ok := value.(string); !ok {
			v.Add(path, CodeWrongType, "must be a string")
			return false
		}
	case reflect.Bool:
		if _, ok := value.(bool); !ok {
			v.Add(path, CodeWrongType, "must be true or false")
			return false
		}
	case reflect.Float32, reflect.Float64:
		n, ok := value.(json.Number)
		if !ok {
			v.Add(path, CodeWrongType, "must be a number")
			return false
		}
		return checkFloat(path, n, v)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n, ok := value.(json.Number)
		if !ok {
			v.Add(path, CodeWrongType, "must be an integer")
			return false
		}
		// encoding/json decodes integers with ParseInt, so 1e3 or 4.0
		// would fail there; refuse them here with a clear message.
		i, err := strconv.ParseInt(string(n), 10, 64)
		if err != nil || reflect.Zero(t).OverflowInt(i) {
			v.Add(path, CodeWrongType, "must be an integer without fraction or exponent")
			return false
		}
	}
	return true
}

// checkFloat reports whether n fits a float64, recording the problem when
// it does not.
func checkFloat(path string, n json.Number, v *ValidationError) bool {
	_, err := strconv.ParseFloat(string(n), 64)
	switch {
	case err == nil:
		return true
	case errors.Is(err, strconv.ErrRange):
		v.Add(path, CodeWrongType, "is beyond the range of a 64-bit floating-point number")
	default:
		v.Add(path, CodeWrongType, "must be a number")
	}
	return false
}

// meantMember returns the member of the struct type t that an unknown
// member name most likely misspells: one absent from obj whose name differs
// only in case, or by at most two letters added, removed, replaced or
// swapped (requried, titel). It returns "" when there is none, or more
// than one equally close.
func meantMember(t reflect.Type, obj map[string]any, name string) string {
	if t == nil || t.Kind() != reflect.Struct {
		return ""
	}
	best, bestDistance, tie := "", 3, false
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		field := jsonName(f)
		if _, present := obj[field]; present || !f.IsExported() {
			continue
		}
		d := editDistance(strings.ToLower(name), field)
		if d > len(field)/2 {
			continue // too far to call a misspelling: "x" for "max"
		}
		switch {
		case d < bestDistance:
			best, bestDistance, tie = field, d, false
		case d == bestDistance:
			tie = true
		}
	}
	if tie {
		return ""
	}
	return best
}

// editDistance is the optimal string alignment distance between a and b:
// the fewest letters inserted, deleted, replaced or swapped with their
// neighbour to turn one into the other. Member names are short, so the
// quadratic table costs nothing.
func editDistance(a, b string) int {
	d := make([][]int, len(a)+1)
	for i := range d {
		d[i] = make([]int, len(b)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(a)][len(b)]
}
