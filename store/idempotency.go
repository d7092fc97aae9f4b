package store

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"

	"github.com/customs-survey/surveyd/survey"
)

type idempotencyRow struct {
	ID          int64 `gorm:"primaryKey"`
	Principal   string
	Key         string
	RequestHash string
	Status      *int
	ContentType *string
	ETag        *string `gorm:"column:etag"`
	Location    *string
	Body        *string
	CreatedAt   time.Time
}

func (idempotencyRow) TableName() string { return "idempotency_keys" }

// Idempotency-Key records live this long; a request in progress that long
// is taken to have died with its process.
const (
	idempotencyTTL   = 24 * time.Hour
	idempotencyLease = time.Minute
)

// BeginIdempotent claims an Idempotency-Key for a principal. It returns the
// stored answer when the same request already completed, or nil when the
// caller should run the request and then call FinishIdempotent.
// Errors: *ValidationError (the key was used for another request),
// ErrConflict (the same request is still in progress).
func (s *Store) BeginIdempotent(ctx context.Context, principal, key, requestHash string) (*survey.StoredAnswer, error) {
	now := s.now()
	var out *survey.StoredAnswer
	err := s.transaction(ctx, func(tx *gorm.DB) error {
		if err := tx.Where("created_at < ?", now.Add(-idempotencyTTL)).Delete(&idempotencyRow{}).Error; err != nil {
			return err
		}
		var row idempotencyRow
		err := s.forUpdate(tx).Where("principal = ? AND key = ?", principal, key).Take(&row).Error
		switch {
		case errors.Is(err, gorm.ErrRecordNotFound):
			return tx.Create(&idempotencyRow{Principal: principal, Key: key, RequestHash: requestHash, CreatedAt: now}).Error
		case err != nil:
			return err
		case row.RequestHash != requestHash:
			return survey.Invalid("Idempotency-Key", survey.CodeIdempotencyKeyReused,
				"this key was used for another request; use a new key for a new request")
		case row.Status != nil:
			out = &survey.StoredAnswer{Status: *row.Status, ContentType: emptyIfNull(row.ContentType), ETag: emptyIfNull(row.ETag),
				Location: emptyIfNull(row.Location), Body: []byte(emptyIfNull(row.Body))}
			return nil
		case now.Sub(row.CreatedAt) < idempotencyLease:
			return survey.Errorf(survey.ErrConflict, "a request with this Idempotency-Key is still in progress")
		default:
			// The first attempt died mid-way: this one takes over.
			return tx.Model(&idempotencyRow{}).Where("id = ?", row.ID).Update("created_at", now).Error
		}
	})
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		return nil, survey.Errorf(survey.ErrConflict, "a request with this Idempotency-Key is still in progress")
	}
	return out, s.translate(ctx, "begin idempotent request", err)
}

// FinishIdempotent stores the answer of a claimed request, or releases the
// claim when answer is nil (a server error: the client may retry).
func (s *Store) FinishIdempotent(ctx context.Context, principal, key string, answer *survey.StoredAnswer) error {
	q := s.db.WithContext(ctx).Where("principal = ? AND key = ? AND status IS NULL", principal, key)
	var err error
	if answer == nil {
		err = q.Delete(&idempotencyRow{}).Error
	} else {
		body := string(answer.Body)
		err = q.Model(&idempotencyRow{}).Updates(map[string]any{"status": answer.Status, "content_type": answer.ContentType,
			"etag": answer.ETag, "location": answer.Location, "body": body}).Error
	}
	return s.translate(ctx, "finish idempotent request", err)
}
