package survey

import (
	"encoding/json"
	"errors"
	"testing"
)

// TestReservedQuestionKeys: the responses export starts with response_id,
// administration and submitted_at; no question may take those names.
func TestReservedQuestionKeys(t *testing.T) {
	for _, key := range []string{"response_id", "administration", "submitted_at", "administration_size"} {
		doc := map[string]any{"key": "q", "default_language": "en", "title": map[string]string{"en": "T"},
			"sections": []any{map[string]any{"key": "s", "title": map[string]string{"en": "S"}, "questions": []any{
				map[string]any{"key": key, "type": "text", "text": map[string]string{"en": "?"}}}}}}
		raw, _ := json.Marshal(doc)
		_, err := ParseDocument(raw)
		var v *ValidationError
		reserved := ReservedQuestionKeys[key]
		switch {
		case reserved && (!errors.As(err, &v) || len(v.Errors) != 1 || v.Errors[0].Code != CodeReservedKey ||
			v.Errors[0].Field != "sections[0].questions[0].key"):
			t.Errorf("%s: %v, want one reserved_key error", key, err)
		case !reserved && err != nil:
			t.Errorf("%s: %v, want it accepted", key, err)
		}
	}
}
