package memstore

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"

	"github.com/customs-survey/surveyd/survey"
)

// CreateQuestionnaire stores a copy of doc as version 1 of its key, a
// draft.
// Errors: ErrConflict (the key exists, or by is not an account, which the
// database's foreign key refuses).
func (s *Store) CreateQuestionnaire(ctx context.Context, by string, doc *survey.Document) (survey.Questionnaire, error) {
	if err := ctx.Err(); err != nil {
		return survey.Questionnaire{}, fmt.Errorf("create questionnaire: %w", err)
	}
	stored, err := cloneDocument(doc)
	if err != nil {
		return survey.Questionnaire{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, q := range s.questionnaires {
		if q.Key == stored.Key {
			return survey.Questionnaire{}, survey.Errorf(survey.ErrConflict, "questionnaire %s already exists; add a version instead", stored.Key)
		}
	}
	if err := s.checkCreatorRef("create questionnaire", by); err != nil {
		return survey.Questionnaire{}, err
	}
	now := s.clock()
	q := &questionnaire{ID: s.id(), CreatedBy: by, Questionnaire: survey.Questionnaire{Key: stored.Key, Version: 1,
		Status: survey.StatusDraft, Document: stored, CreatedAt: now, UpdatedAt: now}}
	s.questionnaires = append(s.questionnaires, q)
	return q.copy()
}

// Questionnaires lists the latest version of every questionnaire, by key:
// the page that page selects.
func (s *Store) Questionnaires(ctx context.Context, page survey.PageRequest) ([]survey.Questionnaire, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("list questionnaires: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	latest := map[string]*questionnaire{}
	for _, q := range s.questionnaires {
		if l, ok := latest[q.Key]; !ok || q.Version > l.Version {
			latest[q.Key] = q
		}
	}
	out := make([]survey.Questionnaire, 0, len(latest))
	for _, q := range latest {
		c, err := q.copy()
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	// Byte order, as the database's C collation and SQLite's BINARY sort.
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return survey.PageOf(out, page, func(q survey.Questionnaire) string { return q.Key }), nil
}

// Questionnaire returns one version; version 0 means the latest.
// Errors: ErrNotFound.
func (s *Store) Questionnaire(ctx context.Context, key string, version int) (survey.Questionnaire, error) {
	if err := ctx.Err(); err != nil {
		return survey.Questionnaire{}, fmt.Errorf("get questionnaire: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	q, err := s.findQuestionnaire(key, version)
	if err != nil {
		return survey.Questionnaire{}, err
	}
	return q.copy()
}

// UpdateQuestionnaire replaces the document of a version that is still a
// draft with a copy of doc.
// Errors: ErrNotFound, ErrConflict (not a draft).
func (s *Store) UpdateQuestionnaire(ctx context.Context, key string, version int, doc *survey.Document) (survey.Questionnaire, error) {
	if err := ctx.Err(); err != nil {
		return survey.Questionnaire{}, fmt.Errorf("update questionnaire: %w", err)
	}
	stored, err := cloneDocument(doc)
	if err != nil {
		return survey.Questionnaire{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	q, err := s.draftQuestionnaire(key, version, "was published meanwhile")
	if err != nil {
		return survey.Questionnaire{}, err
	}
	q.Document, q.UpdatedAt = stored, s.clock()
	return q.copy()
}

// PublishQuestionnaire publishes a version that is still a draft.
// Errors: ErrNotFound, ErrConflict (not a draft).
func (s *Store) PublishQuestionnaire(ctx context.Context, key string, version int) (survey.Questionnaire, error) {
	if err := ctx.Err(); err != nil {
		return survey.Questionnaire{}, fmt.Errorf("publish questionnaire: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	q, err := s.draftQuestionnaire(key, version, "is already published")
	if err != nil {
		return survey.Questionnaire{}, err
	}
	now := s.clock()
	q.Status, q.PublishedAt, q.UpdatedAt = survey.StatusPublished, &now, now
	return q.copy()
}

// AddQuestionnaireVersion stores a copy of version from (0: the latest) as
// version from+1, a draft.
// Errors: ErrNotFound, ErrConflict (version from+1 exists, or by is not an
// account).
func (s *Store) AddQuestionnaireVersion(ctx context.Context, by, key string, from int) (survey.Questionnaire, error) {
	if err := ctx.Err(); err != nil {
		return survey.Questionnaire{}, fmt.Errorf("add questionnaire version: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	source, err := s.findQuestionnaire(key, from)
	if err != nil {
		return survey.Questionnaire{}, err
	}
	// In the order the databases check: the unique (key, version), then
	// the foreign key.
	if _, err := s.findQuestionnaire(key, from+1); err == nil {
		return survey.Questionnaire{}, survey.Errorf(survey.ErrConflict, "another version of %s was added meanwhile", key)
	}
	if err := s.checkCreatorRef("add questionnaire version", by); err != nil {
		return survey.Questionnaire{}, err
	}
	doc, err := cloneDocument(source.Document)
	if err != nil {
		return survey.Questionnaire{}, err
	}
	now := s.clock()
	q := &questionnaire{ID: s.id(), CreatedBy: by, Questionnaire: survey.Questionnaire{Key: key, Version: from + 1,
		Status: survey.StatusDraft, Document: doc, CreatedAt: now, UpdatedAt: now}}
	s.questionnaires = append(s.questionnaires, q)
	return q.copy()
}

// findQuestionnaire returns one version of a questionnaire; version 0
// means the latest. The caller holds s.mu.
// Errors: ErrNotFound, with the store's messages.
func (s *Store) findQuestionnaire(key string, version int) (*questionnaire, error) {
	var found *questionnaire
	for _, q := range s.questionnaires {
		if q.Key != key || (version > 0 && q.Version != version) {
			continue
		}
		if found == nil || q.Version > found.Version {
			found = q
		}
	}
	switch {
	case found != nil:
		return found, nil
	case version > 0:
		return nil, survey.Errorf(survey.ErrNotFound, "questionnaire %s has no version %d", key, version)
	default:
		return nil, survey.Errorf(survey.ErrNotFound, "no questionnaire %s", key)
	}
}

// draftQuestionnaire returns a version to change on condition that it is
// still a draft, as the store's conditional update does; notDraft ends
// the message of the conflict. The caller holds s.mu.
// Errors: ErrNotFound, ErrConflict.
func (s *Store) draftQuestionnaire(key string, version int, notDraft string) (*questionnaire, error) {
	q, err := s.findQuestionnaire(key, version)
	if err != nil {
		return nil, err
	}
	if q.Status != survey.StatusDraft {
		return nil, survey.Errorf(survey.ErrConflict, "questionnaire %s version %d %s", key, version, notDraft)
	}
	return q, nil
}

// checkCreatorRef applies the foreign key of the questionnaires table to
// users: ErrConflict for an author that is not an account, as the store
// reports a violated foreign key; no author is allowed. The caller holds
// s.mu.
func (s *Store) checkCreatorRef(op, by string) error {
	if _, ok := s.users[by]; by != "" && !ok {
		return fmt.Errorf("%s: %w", op, survey.ErrConflict)
	}
	return nil
}

// copy returns the version as the store hands it out, with a document of
// its own that the caller may change.
func (q *questionnaire) copy() (survey.Questionnaire, error) {
	out := q.Questionnaire
	doc, err := cloneDocument(q.Document)
	if err != nil {
		return survey.Questionnaire{}, fmt.Errorf("questionnaire %s v%d: stored document: %w", q.Key, q.Version, err)
	}
	out.Document = doc
	if q.PublishedAt != nil {
		at := *q.PublishedAt
		out.PublishedAt = &at
	}
	return out, nil
}

// cloneDocument is a deep copy of doc through JSON, which is how the store
// keeps a document: what it gives back is what survives that trip.
func cloneDocument(doc *survey.Document) (*survey.Document, error) {
	body, err := json.Marshal(doc)
	if err != nil {
		return nil, err
	}
	var out survey.Document
	if err := json.Unmarshal(body, &out); err != nil {
		return nil, err
	}
	return &out, nil
}
