package survey

import (
	"errors"
	"reflect"
	"strconv"
	"strings"
	"sync"

	"github.com/go-playground/validator/v10"

	"github.com/customs-survey/surveyd/auth"
)

// Validator is the service's one validator of struct tags, for questionnaire
// documents and request bodies alike: JSON member names in its namespaces,
// and the project's rules registered as tags: survey_key (IsKey),
// campaign_key (IsCampaignKey), admin_code (IsAdministrationCode),
// iso639_1 (IsLanguage) and role (auth.Role.Valid). DescribeRule turns its failures into codes. It is
// built once because validator caches the parsed struct tags per type.
var Validator = sync.OnceValue(func() *validator.Validate {
	v := validator.New(validator.WithRequiredStructEnabled())
	v.RegisterTagNameFunc(jsonName)
	for tag, rule := range map[string]func(string) bool{
		"survey_key": IsKey, "campaign_key": IsCampaignKey, "admin_code": IsAdministrationCode, "iso639_1": IsLanguage,
		"role": func(s string) bool { return auth.Role(s).Valid() },
	} {
		// Registration only fails for an empty tag or a nil function, so
		// an error here is a programming mistake that no input can
		// trigger.
		if err := v.RegisterValidation(tag, func(fl validator.FieldLevel) bool {
			return fl.Field().Kind() == reflect.String && rule(fl.Field().String())
		}); err != nil {
			panic(err)
		}
	}
	return v
})

// jsonName names a struct field by its JSON member name so that validator
// namespaces are JSON paths; fields without a JSON name keep their Go name,
// as encoding/json does.
func jsonName(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
	if name == "" || name == "-" {
		return f.Name
	}
	return name
}

// CheckRules applies the validate tags of a struct (a request, a NewUser)
// and returns every failure as a *ValidationError, each under its JSON path
// without the struct's own name, or nil.
func CheckRules(dst any) error {
	err := Validator().Struct(dst)
	var failed validator.ValidationErrors
	if !errors.As(err, &failed) {
		return err
	}
	out := &ValidationError{}
	for _, fe := range failed {
		field := fe.Namespace()
		if _, rest, ok := strings.Cut(field, "."); ok {
			field = rest
		}
		code, msg := DescribeRule(fe)
		out.Add(field, code, "%s", msg)
	}
	return out
}

// checkFieldRules applies the validate tags of Document and records each
// failure under its JSON path.
func checkFieldRules(d *Document, v *ValidationError) {
	err := Validator().Struct(d)
	var fieldErrs validator.ValidationErrors
	if !errors.As(err, &fieldErrs) {
		return
	}
	for _, fe := range fieldErrs {
		code, msg := DescribeRule(fe)
		v.Add(namespaceToPath(fe.Namespace()), code, "%s", msg)
	}
}

// DescribeRule turns a failure of Validator into a stable code and a
// message that says what the value should be, without echoing the value
// itself.
func DescribeRule(fe validator.FieldError) (code Code, message string) {
	switch fe.Tag() {
	case "required":
		return CodeRequired, "is required"
	case "survey_key":
		return CodeInvalidKey, "must be a key matching ^[a-z][a-z0-9_]{0,63}$"
	case "campaign_key":
		return CodeInvalidKey, "must match ^[a-z0-9][a-z0-9-]{0,63}$"
	case "admin_code":
		return CodeInvalidCode, "must be 2 to 8 upper-case letters or digits"
	case "email":
		return CodeInvalidEmail, "must be an e-mail address"
	case "iso639_1":
		return CodeInvalidLanguage, "must be an ISO 639-1 two-letter language code"
	case "role":
		return CodeNotAllowed, "must be one of: " + auth.RoleNames()
	case "oneof":
		return CodeNotAllowed, "must be one of: " + strings.Join(strings.Fields(fe.Param()), ", ")
	case "min", "gte":
		if fe.Kind() == reflect.String {
			return CodeOutOfRange, "must be at least " + fe.Param() + " characters long"
		}
		return CodeOutOfRange, "must be at least " + fe.Param()
	case "max", "lte":
		if fe.Kind() == reflect.String {
			return CodeOutOfRange, "must be at most " + fe.Param() + " characters long"
		}
		return CodeOutOfRange, "must be at most " + fe.Param()
	default:
		// Every tag the service's types use is described above; another
		// one is a mistake of the code, reported under a generic code.
		return CodeNotAllowed, "fails the " + fe.Tag() + " rule"
	}
}

// namespaceToPath converts a validator namespace such as
// "Document.sections[0].title[en]" into the JSON path
// "sections[0].title.en". It walks the Document type alongside, because only
// the type tells whether "[12]" is an array index or a map key.
func namespaceToPath(ns string) string {
	_, rest, ok := strings.Cut(ns, ".")
	if !ok {
		return ""
	}
	t := reflect.TypeFor[Document]()
	path := ""
	for rest != "" {
		for t != nil && t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		switch {
		case rest[0] == '.':
			rest = rest[1:]
		case rest[0] == '[':
			end := closingBracket(rest)
			inner := rest[1:end]
			rest = rest[min(end+1, len(rest)):]
			if t != nil && t.Kind() == reflect.Slice {
				if i, err := strconv.Atoi(inner); err == nil {
					path = indexPath(path, i)
					t = t.Elem()
					continue
				}
			}
			path = memberPath(path, inner)
			if t != nil && t.Kind() == reflect.Map {
				t = t.Elem()
			} else {
				t = nil
			}
		default:
			end := strings.IndexAny(rest, ".[")
			if end < 0 {
				end = len(rest)
			}
			name := rest[:end]
			rest = rest[end:]
			path = memberPath(path, name)
			t = fieldTypeByJSONName(t, name)
		}
	}
	return path
}

// closingBracket finds the "]" that ends the bracket opening s. A map key
// may itself contain "]", so the end is the first "]" followed by the end of
// the namespace or by the start of the next segment.
func closingBracket(s string) int {
	for i := 1; i < len(s); i++ {
		if s[i] == ']' && (i+1 == len(s) || s[i+1] == '.' || s[i+1] == '[') {
			return i
		}
	}
	return len(s)
}

func fieldTypeByJSONName(t reflect.Type, name string) reflect.Type {
	if t == nil || t.Kind() != reflect.Struct {
		return nil
	}
	for i := 0; i < t.NumField(); i++ {
		if f := t.Field(i); f.IsExported() && jsonName(f) == name {
			return f.Type
		}
	}
	return nil
}
