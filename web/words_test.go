package web

import (
	"io/fs"
	"regexp"
	"sort"
	"testing"
)

// TestWordsAreTranslated: every word of the interface exists in French
// too, and nothing is defined in French only.
func TestWordsAreTranslated(t *testing.T) {
	en, fr := catalogue()["en"], catalogue()["fr"]
	var missing, extra []string
	for k := range en {
		if _, ok := fr[k]; !ok {
			missing = append(missing, k)
		}
	}
	for k := range fr {
		if _, ok := en[k]; !ok {
			extra = append(extra, k)
		}
	}
	sort.Strings(missing)
	sort.Strings(extra)
	if len(missing) > 0 || len(extra) > 0 {
		t.Errorf("words without French: %v; French words without English: %v", missing, extra)
	}
}

// TestTemplatesUseKnownWords: every key a template asks for with .T (or
// $.T) exists, so that no page shows a raw key.
func TestTemplatesUseKnownWords(t *testing.T) {
	used := regexp.MustCompile(`\.T "([a-z0-9_.]+)"`)
	err := fs.WalkDir(templateFiles, "templates", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := templateFiles.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range used.FindAllStringSubmatch(string(body), -1) {
			if _, ok := catalogue()["en"][m[1]]; !ok {
				t.Errorf("%s asks for the unknown word %q", path, m[1])
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
