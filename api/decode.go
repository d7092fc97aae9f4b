package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"reflect"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/customs-survey/surveyd/survey"
)

// errBodyTooLarge means the body exceeded the configured limit (413).
var errBodyTooLarge = errors.New("body too large")

// readBody reads the whole (size-limited) body.
func readBody(c *gin.Context) ([]byte, error) {
	body, err := io.ReadAll(c.Request.Body)
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return nil, errBodyTooLarge
	}
	if err != nil {
		return nil, survey.Errorf(survey.ErrMalformed, "the body could not be read")
	}
	return body, nil
}

// decode reads a JSON object into dst strictly (unknown members are
// rejected) and checks its validate tags. Malformed JSON or a body of the
// wrong JSON type is a 400; well-formed but invalid content a 422 naming the
// field and the rule.
func (s *server) decode(c *gin.Context, dst any) error {
	body, err := readBody(c)
	if err != nil {
		return err
	}
	return s.decodeBytes(body, dst)
}

// decodeShape is decode without the validate tags, for a request whose use
// case applies them itself because the pages call it too (users.Create):
// the rules then run once, in one place.
func (s *server) decodeShape(c *gin.Context, dst any) error {
	body, err := readBody(c)
	if err != nil {
		return err
	}
	return parseBody(body, dst)
}

func (s *server) decodeBytes(body []byte, dst any) error {
	if err := parseBody(body, dst); err != nil {
		return err
	}
	return s.check(dst)
}

// parseBody reads a JSON object into dst strictly: valid UTF-8 and JSON, no
// duplicate or unknown members, each of the right JSON type.
func parseBody(body []byte, dst any) error {
	if !utf8.Valid(body) {
		// encoding/json would silently replace the bad bytes with U+FFFD:
		// a text would not be stored as it was sent.
		return survey.Errorf(survey.ErrMalformed, "the body is not valid UTF-8")
	}
	if !json.Valid(body) {
		return survey.Errorf(survey.ErrMalformed, "the body is not valid JSON")
	}
	if t := bytes.TrimSpace(body); len(t) == 0 || t[0] != '{' {
		return survey.Errorf(survey.ErrMalformed, "the body must be a JSON object")
	}
	if err := survey.CheckRawJSON(body); err != nil {
		return err
	}
	if err := checkMemberNames(body, dst); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		var typeErr *json.UnmarshalTypeError
		switch {
		case errors.As(err, &typeErr) && typeErr.Field == "":
			return survey.Errorf(survey.ErrMalformed, "the body must be a JSON object")
		case errors.As(err, &typeErr):
			return survey.Invalid(typeErr.Field, survey.CodeWrongType, "must be a JSON %s", jsonKind(typeErr.Type))
		case strings.HasPrefix(err.Error(), "json: unknown field "):
			name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
			return survey.Invalid(name, survey.CodeUnknownField, "%q is not a member of this request", name)
		default:
			return survey.Errorf(survey.ErrMalformed, "the body is not valid JSON of the expected shape")
		}
	}
	return nil
}

// check runs the validate tags of a decoded request (survey.CheckRules).
func (s *server) check(dst any) error { return survey.CheckRules(dst) }

func jsonKind(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "string"
	case reflect.Bool:
		return "boolean"
	case reflect.Int, reflect.Int64, reflect.Int32, reflect.Float64, reflect.Float32, reflect.Uint, reflect.Uint64:
		return "number"
	case reflect.Slice, reflect.Array:
		return "array"
	default:
		return "object"
	}
}

// checkMemberNames rejects top-level members whose name is not exactly one
// of dst's JSON names. encoding/json matches names case-insensitively, so
// {"Code": ...} would otherwise be taken for "code".
func checkMemberNames(body []byte, dst any) error {
	var members map[string]json.RawMessage
	if err := json.Unmarshal(body, &members); err != nil {
		return nil // not an object: the decoder reports it
	}
	known := map[string]bool{}
	t := reflect.TypeOf(dst)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	for i := 0; i < t.NumField(); i++ {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		known[name] = true
	}
	v := &survey.ValidationError{}
	names := make([]string, 0, len(members))
	for name := range members {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if !known[name] {
			v.Add(name, survey.CodeUnknownField, "%q is not a member of this request", name)
		}
	}
	return v.Err()
}
