package scores

import "testing"

// TestSameFiguresAcrossLanguages: documents in two languages are compared
// without their indicators' titles and their breakdown rows' labels, and
// with every other member.
func TestSameFiguresAcrossLanguages(t *testing.T) {
	const doc = `{"campaign":"c","indicators":[{"code":"A","title":"Awareness","value":50,"narrative":"The value is 50%.",` +
		`"breakdown":{"options":[{"key":"yes","label":"Yes","value":50}],"questions":[{"key":"q","label":"Known?","value":50}]}}]}`
	for _, c := range []struct {
		name      string
		b         string
		sameTexts bool // compared in the same language
		otherLang bool // compared across languages
	}{
		{name: "the same document", b: doc, sameTexts: true, otherLang: true},
		{name: "titles and labels in French", otherLang: true,
			b: `{"campaign":"c","indicators":[{"code":"A","title":"Connaissance","value":50,"narrative":"The value is 50%.",` +
				`"breakdown":{"options":[{"key":"yes","label":"Oui","value":50}],"questions":[{"key":"q","label":"Connu ?","value":50}]}}]}`},
		{name: "an option's value",
			b: `{"campaign":"c","indicators":[{"code":"A","title":"Connaissance","value":50,"narrative":"The value is 50%.",` +
				`"breakdown":{"options":[{"key":"yes","label":"Oui","value":51}],"questions":[{"key":"q","label":"Connu ?","value":50}]}}]}`},
		{name: "an option's key",
			b: `{"campaign":"c","indicators":[{"code":"A","title":"Awareness","value":50,"narrative":"The value is 50%.",` +
				`"breakdown":{"options":[{"key":"no","label":"Yes","value":50}],"questions":[{"key":"q","label":"Known?","value":50}]}}]}`},
		{name: "the narrative",
			b: `{"campaign":"c","indicators":[{"code":"A","title":"Awareness","value":50,"narrative":"The value is 50 %.",` +
				`"breakdown":{"options":[{"key":"yes","label":"Yes","value":50}],"questions":[{"key":"q","label":"Known?","value":50}]}}]}`},
	} {
		for _, texts := range []bool{true, false} {
			want := map[bool]bool{true: c.sameTexts, false: c.otherLang}[texts]
			if got, err := sameFigures([]byte(doc), []byte(c.b), texts); err != nil || got != want {
				t.Errorf("%s, texts compared %v: %v, %v; want %v", c.name, texts, got, err, want)
			}
		}
	}
}
