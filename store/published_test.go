package store

import (
	"context"
	"testing"

	"github.com/customs-survey/surveyd/internal/dbtest"
	"github.com/customs-survey/surveyd/survey"
)

// TestPublishedDocumentsAreReadOnce: a published version's document is
// read from the database once per store, then served from the cache; a
// draft's is read every time, as it may still change.
func TestPublishedDocumentsAreReadOnce(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		ctx := context.Background()
		s, _ := openCampaign(t, url)
		other, _ := openCampaign(t, dbtest.SQLiteURL(t))
		var row questionnaireRow
		if err := s.db.Where("key = ? AND version = 1", "customs_annual").Take(&row).Error; err != nil {
			t.Fatal(err)
		}
		if _, err := s.AddQuestionnaireVersion(ctx, "", "customs_annual", 1); err != nil {
			t.Fatal(err)
		}
		var draft questionnaireRow
		if err := s.db.Where("key = ? AND version = 2", "customs_annual").Take(&draft).Error; err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			name   string
			row    questionnaireRow
			cached bool
		}{
			{"published", row, true},
			{"draft", draft, false},
		} {
			t.Run(c.name, func(t *testing.T) {
				ref := questionnaireRef{ID: c.row.ID, Key: c.row.Key, Version: c.row.Version, Status: c.row.Status}
				if _, err := s.documentOf(s.db, ref); err != nil {
					t.Fatal(err)
				}
				// Behind the store's back: a published version never
				// changes, so only a draft's change may show.
				if err := s.db.Exec("UPDATE questionnaires SET document = REPLACE(document, ?, ?) WHERE id = ?",
					`"awareness_level"`, `"changed_level"`, c.row.ID).Error; err != nil {
					t.Fatal(err)
				}
				doc, err := s.documentOf(s.db, ref)
				if err != nil {
					t.Fatal(err)
				}
				if cached := doc.Question("awareness_level") != nil; cached != c.cached {
					t.Errorf("document read again: %v, want %v", !cached, !c.cached)
				}
				// Another database's version of the same key is its own.
				otherDoc, err := other.documentOf(other.db, questionnaireRef{ID: 1, Key: c.row.Key, Version: 1, Status: survey.StatusPublished})
				if err != nil || otherDoc == doc {
					t.Errorf("another store's document: %p, %v; want one of its own", otherDoc, err)
				}
			})
		}
	})
}

// TestDocumentCacheIsBounded: the least recently used document goes
// first once the cache is full, and a key put again holds its new value.
func TestDocumentCacheIsBounded(t *testing.T) {
	c := newBoundedCache[documentKey, *survey.Document](2)
	keys := []documentKey{{key: "a", version: 1}, {key: "b", version: 1}, {key: "c", version: 1}}
	c.put(keys[0], &survey.Document{Key: "a"})
	c.put(keys[1], &survey.Document{Key: "b"})
	c.get(keys[0]) // a is now used more recently than b
	c.put(keys[2], &survey.Document{Key: "c"})
	for _, want := range []struct {
		key  documentKey
		kept bool
	}{{keys[0], true}, {keys[1], false}, {keys[2], true}} {
		if _, kept := c.get(want.key); kept != want.kept {
			t.Errorf("%s kept: %v, want %v", want.key.key, kept, want.kept)
		}
	}
	if c.order.Len() != 2 || len(c.entries) != 2 {
		t.Errorf("%d documents in order, %d in the map, want 2", c.order.Len(), len(c.entries))
	}
	c.put(keys[0], &survey.Document{Key: "a2"})
	if doc, _ := c.get(keys[0]); doc.Key != "a2" || c.order.Len() != 2 {
		t.Errorf("after a second put: %+v, %d kept", doc, c.order.Len())
	}
}
