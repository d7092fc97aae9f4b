package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"gorm.io/gorm"

	"github.com/customs-survey/surveyd/survey"
)

// CreateQuestionnaire stores a document as version 1 of its key, a draft.
// Errors: ErrConflict when the key exists.
func (s *Store) CreateQuestionnaire(ctx context.Context, by string, doc *survey.Document) (survey.Questionnaire, error) {
	body, err := json.Marshal(doc)
	if err != nil {
		return survey.Questionnaire{}, err
	}
	now := s.now()
	row := questionnaireRow{Key: doc.Key, Version: 1, Status: survey.StatusDraft, Document: string(body),
		CreatedBy: nullString(by), CreatedAt: now, UpdatedAt: now}
	err = s.transaction(ctx, func(tx *gorm.DB) error {
		var n int64
		if err := tx.Model(&questionnaireRow{}).Where("key = ?", doc.Key).Count(&n).Error; err != nil {
			return err
		}
		if n > 0 {
			return survey.Errorf(survey.ErrConflict, "questionnaire %s already exists; add a version instead", doc.Key)
		}
		return tx.Create(&row).Error
	})
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		return survey.Questionnaire{}, survey.Errorf(survey.ErrConflict, "questionnaire %s already exists", doc.Key)
	}
	if err != nil {
		return survey.Questionnaire{}, s.translate(ctx, "create questionnaire", err)
	}
	return toQuestionnaire(row)
}

// Questionnaires lists the latest version of every questionnaire, by key:
// the page that page selects.
func (s *Store) Questionnaires(ctx context.Context, page survey.PageRequest) ([]survey.Questionnaire, error) {
	var rows []questionnaireRow
	q := s.db.WithContext(ctx).
		Where("version = (SELECT MAX(q2.version) FROM questionnaires q2 WHERE q2.key = questionnaires.key)")
	err := s.keyset(q, "key", page).Find(&rows).Error
	if err != nil {
		return nil, s.translate(ctx, "list questionnaires", err)
	}
	out := make([]survey.Questionnaire, 0, len(rows))
	for _, r := range rows {
		q, err := toQuestionnaire(r)
		if err != nil {
			return nil, err
		}
		out = append(out, q)
	}
	return out, nil
}

// Questionnaire returns one version; version 0 means the latest.
// Errors: ErrNotFound.
func (s *Store) Questionnaire(ctx context.Context, key string, version int) (survey.Questionnaire, error) {
	row, err := s.questionnaireRow(s.db.WithContext(ctx), key, version)
	if err != nil {
		return survey.Questionnaire{}, s.translate(ctx, "get questionnaire", err)
	}
	return toQuestionnaire(row)
}

func (s *Store) questionnaireRow(tx *gorm.DB, key string, version int) (questionnaireRow, error) {
	var row questionnaireRow
	q := tx.Where("key = ?", key)
	if version > 0 {
		q = q.Where("version = ?", version)
	}
	err := q.Order("version DESC").Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		if version > 0 {
			return row, survey.Errorf(survey.ErrNotFound, "questionnaire %s has no version %d", key, version)
		}
		return row, survey.Errorf(survey.ErrNotFound, "no questionnaire %s", key)
	}
	return row, err
}

// UpdateQuestionnaire replaces the document of a version that is still a
// draft.
// Errors: ErrNotFound, ErrConflict (not a draft).
func (s *Store) UpdateQuestionnaire(ctx context.Context, key string, version int, doc *survey.Document) (survey.Questionnaire, error) {
	body, err := json.Marshal(doc)
	if err != nil {
		return survey.Questionnaire{}, err
	}
	now := s.now()
	return s.changeDraft(ctx, "update questionnaire", key, version, "was published meanwhile",
		map[string]any{"document": string(body), "updated_at": now})
}

// PublishQuestionnaire publishes a version that is still a draft.
// Errors: ErrNotFound, ErrConflict (not a draft).
func (s *Store) PublishQuestionnaire(ctx context.Context, key string, version int) (survey.Questionnaire, error) {
	now := s.now()
	return s.changeDraft(ctx, "publish questionnaire", key, version, "is already published",
		map[string]any{"status": survey.StatusPublished, "published_at": now, "updated_at": now})
}

// changeDraft updates a version on condition that it is still a draft, and
// returns it as written.
func (s *Store) changeDraft(ctx context.Context, op, key string, version int, notDraft string, updates map[string]any) (survey.Questionnaire, error) {
	var row questionnaireRow
	err := s.transaction(ctx, func(tx *gorm.DB) error {
		var err error
		if row, err = s.questionnaireRow(tx, key, version); err != nil {
			return err
		}
		res := tx.Model(&questionnaireRow{}).Where("id = ? AND status = ?", row.ID, survey.StatusDraft).Updates(updates)
		if res.Error == nil && res.RowsAffected != 1 {
			return survey.Errorf(survey.ErrConflict, "questionnaire %s version %d %s", key, version, notDraft)
		}
		if res.Error != nil {
			return res.Error
		}
		return tx.Where("id = ?", row.ID).Take(&row).Error
	})
	if err != nil {
		return survey.Questionnaire{}, s.translate(ctx, op, err)
	}
	return toQuestionnaire(row)
}

// AddQuestionnaireVersion stores a copy of version from as version from+1, a
// draft.
// Errors: ErrNotFound, ErrConflict (version from+1 exists).
func (s *Store) AddQuestionnaireVersion(ctx context.Context, by, key string, from int) (survey.Questionnaire, error) {
	var row questionnaireRow
	err := s.transaction(ctx, func(tx *gorm.DB) error {
		source, err := s.questionnaireRow(tx, key, from)
		if err != nil {
			return err
		}
		now := s.now()
		row = questionnaireRow{Key: key, Version: source.Version + 1, Status: survey.StatusDraft,
			Document: source.Document, CreatedBy: nullString(by), CreatedAt: now, UpdatedAt: now}
		return tx.Create(&row).Error
	})
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		return survey.Questionnaire{}, survey.Errorf(survey.ErrConflict, "another version of %s was added meanwhile", key)
	}
	if err != nil {
		return survey.Questionnaire{}, s.translate(ctx, "add questionnaire version", err)
	}
	return toQuestionnaire(row)
}

func toQuestionnaire(r questionnaireRow) (survey.Questionnaire, error) {
	var doc survey.Document
	if err := json.Unmarshal([]byte(r.Document), &doc); err != nil {
		return survey.Questionnaire{}, fmt.Errorf("questionnaire %s v%d: stored document: %w", r.Key, r.Version, err)
	}
	return survey.Questionnaire{
		Key: r.Key, Version: r.Version, Status: r.Status, Document: &doc,
		CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt, PublishedAt: r.PublishedAt,
	}, nil
}
