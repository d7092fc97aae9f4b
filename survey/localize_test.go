package survey

import (
	"reflect"
	"strings"
	"testing"
)

func TestLocalize(t *testing.T) {
	tests := []struct {
		name         string
		lang         string
		wantLanguage string
		wantTitle    string
		wantPerf     string // text of ees_perf
		wantLaw      string // text of ees_union_law, which has no French
		wantLarge    string // label of option large of ees_perf
	}{
		{
			name: "French", lang: "fr", wantLanguage: "fr",
			wantTitle: "Enquête annuelle du programme Douane",
			wantPerf:  "Dans quelle mesure les nouvelles composantes communes des SEE ont-elles amélioré votre performance opérationnelle ?",
			wantLaw:   "To what extent did new common components of the EES contribute to a coherent implementation of Union customs law?",
			wantLarge: "Dans une large mesure",
		},
		{
			name: "English", lang: "en", wantLanguage: "en",
			wantTitle: "Customs programme annual survey",
			wantPerf:  "To what extent did new common components of the EES improve your operational performance?",
			wantLaw:   "To what extent did new common components of the EES contribute to a coherent implementation of Union customs law?",
			wantLarge: "To a large extent",
		},
		{
			name: "a language the questionnaire lacks falls back to the default", lang: "de", wantLanguage: "en",
			wantTitle: "Customs programme annual survey",
			wantPerf:  "To what extent did new common components of the EES improve your operational performance?",
			wantLaw:   "To what extent did new common components of the EES contribute to a coherent implementation of Union customs law?",
			wantLarge: "To a large extent",
		},
		{
			name: "no language asked", lang: "", wantLanguage: "en",
			wantTitle: "Customs programme annual survey",
			wantPerf:  "To what extent did new common components of the EES improve your operational performance?",
			wantLaw:   "To what extent did new common components of the EES contribute to a coherent implementation of Union customs law?",
			wantLarge: "To a large extent",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := customsAnnual(t).Localize(tt.lang)
			if l.Key != "customs_annual" || l.Language != tt.wantLanguage || l.DefaultLanguage != "en" {
				t.Errorf("key %q language %q default %q, want customs_annual %q en", l.Key, l.Language, l.DefaultLanguage, tt.wantLanguage)
			}
			if l.Title != tt.wantTitle {
				t.Errorf("title %q, want %q", l.Title, tt.wantTitle)
			}
			perf := localizedQuestion(t, l, "ees_perf")
			if perf.Text != tt.wantPerf {
				t.Errorf("ees_perf text %q, want %q", perf.Text, tt.wantPerf)
			}
			if got := localizedQuestion(t, l, "ees_union_law").Text; got != tt.wantLaw {
				t.Errorf("ees_union_law text %q, want %q", got, tt.wantLaw)
			}
			// options_ref is resolved into the option list.
			if len(perf.Options) != 6 || perf.Options[3].Key != "large" || perf.Options[3].Label != tt.wantLarge {
				t.Errorf("ees_perf options %+v, want contribution5 with large = %q", perf.Options, tt.wantLarge)
			}
		})
	}
}

func TestLocalizeStructure(t *testing.T) {
	doc := customsAnnual(t)
	doc.Question("comments").MaxLength = nil
	l := doc.Localize("fr")

	var keys []string
	for _, s := range l.Sections {
		for _, q := range s.Questions {
			keys = append(keys, q.Key)
		}
	}
	if got := strings.Join(keys, ","); got != "awareness_level,ees_perf,ees_union_law,ees_cooperation,ees_innovation,used_outputs,why_not,why_not_other,support_satisfaction,networking_contacts,staff_trained,comments" {
		t.Errorf("questions in order: %s", got)
	}
	if l.Sections[0].Title != "Connaissance du programme" {
		t.Errorf("section title %q", l.Sections[0].Title)
	}

	sat := localizedQuestion(t, l, "support_satisfaction")
	if sat.Type != TypeNumber || sat.Min == nil || *sat.Min != 1 || sat.Max == nil || *sat.Max != 5 || !sat.Integer {
		t.Errorf("support_satisfaction = %+v", sat)
	}
	why := localizedQuestion(t, l, "why_not")
	if why.ShowIf == nil || why.ShowIf.Question != "used_outputs" || len(why.ShowIf.In) != 1 || why.ShowIf.In[0] != "no" || !why.Required {
		t.Errorf("why_not = %+v", why)
	}
	if got := localizedQuestion(t, l, "why_not_other").MaxLength; got == nil || *got != 500 {
		t.Errorf("why_not_other max_length %v, want 500", got)
	}
	if got := localizedQuestion(t, l, "comments").MaxLength; got == nil || *got != DefaultMaxTextLength {
		t.Errorf("comments max_length %v, want the default cap %d", got, DefaultMaxTextLength)
	}
	if got := localizedQuestion(t, l, "ees_innovation").Help; !strings.HasPrefix(got, "Innovation covers") {
		t.Errorf("help falls back to English: %q", got)
	}

	// Respondents see neither indicators nor scores: the view has no field
	// for them, and none of its texts is an indicator's code or title.
	fields, texts := map[string]bool{}, []string{}
	collectContents(reflect.ValueOf(l), fields, &texts)
	for _, hidden := range []string{"Score", "Indicators", "OptionsRef", "OptionSets"} {
		if fields[hidden] {
			t.Errorf("the localized view has a field %s", hidden)
		}
	}
	var secrets []string
	for _, ind := range doc.Indicators {
		secrets = append(secrets, ind.Code)
		for _, title := range ind.Title {
			secrets = append(secrets, title)
		}
	}
	if len(secrets) == 0 {
		t.Fatal("customs_annual has no indicators to hide")
	}
	for _, text := range texts {
		for _, secret := range secrets {
			if strings.Contains(text, secret) {
				t.Errorf("the localized view shows %q in %q", secret, text)
			}
		}
	}

	// The view shares no memory with the document.
	why.ShowIf.In[0] = "yes"
	*sat.Max = 10
	if doc.Question("why_not").ShowIf.In[0] != "no" || *doc.Question("support_satisfaction").Max != 5 {
		t.Error("changing the localized view changed the document")
	}
}

func TestLocalizeNil(t *testing.T) {
	var d *Document
	if l := d.Localize("fr"); l.Key != "" || len(l.Sections) != 0 {
		t.Errorf("Localize on nil = %+v", l)
	}
}

// localizedQuestion finds a question of a localized document by key.
func localizedQuestion(t *testing.T, l LocalizedDocument, key string) *LocalizedQuestion {
	t.Helper()
	for i := range l.Sections {
		for j := range l.Sections[i].Questions {
			if q := &l.Sections[i].Questions[j]; q.Key == key {
				return q
			}
		}
	}
	t.Fatalf("no question %q", key)
	return nil
}

// collectContents records the names of the struct fields that v holds,
// through pointers, structs and slices, in fields, and its strings in
// texts.
func collectContents(v reflect.Value, fields map[string]bool, texts *[]string) {
	switch v.Kind() {
	case reflect.String:
		*texts = append(*texts, v.String())
	case reflect.Pointer:
		if !v.IsNil() {
			collectContents(v.Elem(), fields, texts)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			fields[v.Type().Field(i).Name] = true
			collectContents(v.Field(i), fields, texts)
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			collectContents(v.Index(i), fields, texts)
		}
	}
}
