package store

import (
	"container/list"
	"sync"

	"gorm.io/gorm"

	"github.com/customs-survey/surveyd/survey"
)

// publishedDocuments keeps the parsed documents of published questionnaire
// versions, so that a submission does not read and parse its campaign's
// questionnaire again on every call: a process serves few versions, read
// by every save and submission of their campaigns.
//
// Only published versions are kept, and they never change: publishing is
// a one-way step (changeDraft updates a version only while it is a
// draft), and nothing updates or deletes a published version's document.
// So the copy is right for ever, whatever other processes sharing the
// database do, and needs no invalidation; a draft, which can still
// change, is never kept. Entries are per Store (two databases may hold
// different documents under one key and version), and at most
// publishedCacheSize are kept in all, the least recently used going
// first.
var publishedDocuments = newBoundedCache[documentKey, *survey.Document](publishedCacheSize)

// publishedCacheSize bounds the documents kept: far more than the
// versions a deployment's open campaigns use at once.
const publishedCacheSize = 64

type documentKey struct {
	store   *Store
	key     string
	version int
}

// boundedCache is a bounded map, least recently used out.
type boundedCache[K comparable, V any] struct {
	mu      sync.Mutex
	max     int
	entries map[K]*list.Element // of *cacheEntry[K, V]
	order   *list.List          // most recently used first
}

type cacheEntry[K comparable, V any] struct {
	key   K
	value V
}

func newBoundedCache[K comparable, V any](max int) *boundedCache[K, V] {
	return &boundedCache[K, V]{max: max, entries: map[K]*list.Element{}, order: list.New()}
}

func (c *boundedCache[K, V]) get(k K) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[k]
	if !ok {
		var zero V
		return zero, false
	}
	c.order.MoveToFront(e)
	return e.Value.(*cacheEntry[K, V]).value, true
}

// put keeps v under k, in place of what k had.
func (c *boundedCache[K, V]) put(k K, v V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.entries[k]; ok {
		e.Value.(*cacheEntry[K, V]).value = v
		c.order.MoveToFront(e)
		return
	}
	c.entries[k] = c.order.PushFront(&cacheEntry[K, V]{key: k, value: v})
	for c.order.Len() > c.max {
		last := c.order.Back()
		c.order.Remove(last)
		delete(c.entries, last.Value.(*cacheEntry[K, V]).key)
	}
}

// questionnaireRef names a campaign's questionnaire version as read with
// the campaign, without its document.
type questionnaireRef struct {
	ID      int64
	Key     string
	Version int
	Status  string
}

// documentOf returns the document of the questionnaire version q: from
// the cache when q is published and was read before, else read and
// parsed with tx, and kept when q is published. The caller must not
// change the document, which other calls share.
func (s *Store) documentOf(tx *gorm.DB, q questionnaireRef) (*survey.Document, error) {
	k := documentKey{store: s, key: q.Key, version: q.Version}
	published := q.Status == survey.StatusPublished
	if published {
		if doc, ok := publishedDocuments.get(k); ok {
			return doc, nil
		}
	}
	var row questionnaireRow
	if err := tx.Where("id = ?", q.ID).Take(&row).Error; err != nil {
		return nil, err
	}
	parsed, err := toQuestionnaire(row)
	if err != nil {
		return nil, err
	}
	if published && row.Status == survey.StatusPublished {
		publishedDocuments.put(k, parsed.Document)
	}
	return parsed.Document, nil
}
