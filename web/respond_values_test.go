package web

import (
	"net/url"
	"testing"

	"github.com/customs-survey/surveyd/survey"
)

// respTestDoc has one question of each type, in English and French, with a
// question only in English.
func respTestDoc(t *testing.T) *survey.Document {
	t.Helper()
	doc, err := survey.ParseDocument([]byte(`{
	  "key": "q", "default_language": "en", "title": {"en": "Survey", "fr": "Enquête"},
	  "sections": [{"key": "s", "title": {"en": "Section", "fr": "Section"}, "questions": [
	    {"key": "one", "type": "single_choice", "text": {"en": "One?", "fr": "Un ?"},
	     "options": [{"key": "a", "label": {"en": "A"}}, {"key": "b", "label": {"en": "B", "fr": "Bé"}}]},
	    {"key": "many", "type": "multi_choice", "text": {"en": "Many?"},
	     "options": [{"key": "x", "label": {"en": "X"}}, {"key": "y", "label": {"en": "Y"}}]},
	    {"key": "count", "type": "number", "text": {"en": "How many?"}},
	    {"key": "note", "type": "text", "text": {"en": "Note?"}}
	  ]}]
	}`))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// TestFormValuesBecomeTheAPIsAnswers: a posted form gives exactly the
// answers a client of the API would send; an empty field is no answer.
func TestFormValuesBecomeTheAPIsAnswers(t *testing.T) {
	doc := respTestDoc(t)
	for _, tt := range []struct {
		name string
		form url.Values
		want map[string]string
	}{
		{"nothing", url.Values{}, map[string]string{}},
		{"empty fields", url.Values{"q.one": {""}, "q.many": {""}, "q.count": {"  "}, "q.note": {""}}, map[string]string{}},
		{"one of each", url.Values{"q.one": {"b"}, "q.many": {"y", "x"}, "q.count": {"42"}, "q.note": {"Hello"}},
			map[string]string{"one": `"b"`, "many": `["y","x"]`, "count": `42`, "note": `"Hello"`}},
		{"numbers as typed", url.Values{"q.count": {" -0.5e3 "}}, map[string]string{"count": `-0.5e3`}},
		{"numbers a browser may send", url.Values{"q.count": {"+5"}}, map[string]string{"count": `5`}},
		{"a leading zero", url.Values{"q.count": {"007"}}, map[string]string{"count": `7`}},
		{"a number that is no number", url.Values{"q.count": {"12 apples"}}, map[string]string{"count": `"12 apples"`}},
		{"infinity is no number", url.Values{"q.count": {"Inf"}}, map[string]string{"count": `"Inf"`}},
		{"text line breaks as the browser counted them", url.Values{"q.note": {"a\r\nb"}}, map[string]string{"note": `"a\nb"`}},
		{"text kept as typed", url.Values{"q.note": {" <b> & \"x\" "}}, map[string]string{"note": `" <b> & \"x\" "`}},
		{"fields of no question are ignored", url.Values{"one": {"a"}, "q.other": {"a"}, "csrf": {"t"}}, map[string]string{}},
		{"a forged second value of a single choice", url.Values{"q.one": {"a", "b"}}, map[string]string{"one": `"a"`}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := respAnswers(doc, respPostedValues(doc, tt.form))
			if len(got) != len(tt.want) {
				t.Fatalf("answers %v, want %v", got, tt.want)
			}
			for k, want := range tt.want {
				if string(got[k]) != want {
					t.Errorf("%s: %s, want %s", k, got[k], want)
				}
			}
		})
	}
}

// TestSavedAnswersFillTheForm: saved answers come back as the form's
// values, and from there as the same answers.
func TestSavedAnswersFillTheForm(t *testing.T) {
	doc := respTestDoc(t)
	saved := survey.Answers{"one": []byte(`"a"`), "many": []byte(`["x","y"]`), "count": []byte(`1e3`), "note": []byte(`"Line\nnext"`)}
	values := respSavedValues(doc, saved)
	for k, want := range map[string][]string{"one": {"a"}, "many": {"x", "y"}, "count": {"1e3"}, "note": {"Line\nnext"}} {
		if got := values[k]; len(got) != len(want) || (len(want) > 0 && got[0] != want[0]) {
			t.Errorf("%s: %q, want %q", k, got, want)
		}
	}
	again := respAnswers(doc, values)
	for k, raw := range saved {
		if string(again[k]) != string(raw) {
			t.Errorf("%s: %s again, was %s", k, again[k], raw)
		}
	}
}

// TestQuestionnaireLanguage: the language asked for if the questionnaire
// has it, else the interface's if it has it, else its default; a passage
// is marked only when it is not in the interface's language.
func TestQuestionnaireLanguage(t *testing.T) {
	doc := respTestDoc(t)
	for _, tt := range []struct{ asked, iface, want string }{
		{"", "en", "en"},
		{"", "fr", "fr"},
		{"fr", "en", "fr"},
		{"en", "fr", "en"},
		{"de", "fr", "fr"},
		{"de", "xx", "en"},
	} {
		if got := respDocLang(doc, tt.asked, tt.iface); got != tt.want {
			t.Errorf("asked %q, interface %q: %q, want %q", tt.asked, tt.iface, got, tt.want)
		}
	}
	for _, tt := range []struct {
		text        survey.Text
		lang, iface string
		want        string
	}{
		{survey.Text{"en": "One", "fr": "Un"}, "fr", "fr", ""},
		{survey.Text{"en": "One"}, "fr", "fr", "en"},
		{survey.Text{"en": "One", "fr": "Un"}, "fr", "en", "fr"},
		{survey.Text{"en": "One"}, "en", "en", ""},
		{survey.Text{"en": "One", "de": "Eins"}, "de", "fr", "de"},
	} {
		if got := respPassageLang(tt.text, tt.lang, "en", tt.iface); got != tt.want {
			t.Errorf("%v in %s, interface %s: %q, want %q", tt.text, tt.lang, tt.iface, got, tt.want)
		}
	}
}

// TestResponseAuditTarget: the same target as the API's, escaped the same
// way.
func TestResponseAuditTarget(t *testing.T) {
	for _, tt := range []struct{ key, want string }{
		{"customs-2023", "key=customs-2023"},
		{"a,id=b", "key=a%2Cid%3Db"},
		{"100%", "key=100%25"},
		{"é\x00", "key=é%00"},
	} {
		if got := respAuditTarget(tt.key); got != tt.want {
			t.Errorf("%q: %q, want %q", tt.key, got, tt.want)
		}
	}
}

// TestProblemsNameTheirQuestion: a problem's field names its question.
func TestProblemsNameTheirQuestion(t *testing.T) {
	for field, want := range map[string]string{
		"answers.one": "one", "answers.many[2]": "many", "answers[\"a b\"]": "", "closes_at": "",
	} {
		if got := respQuestionOfField(field); got != want {
			t.Errorf("%s: %q, want %q", field, got, want)
		}
	}
}
