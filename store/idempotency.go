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

// BeginIdempotent claims an Idempotency-Key for a principal, after
// deleting the claims older than ttl. When the key is claimed already,
// decide says what to do with that claim: replay its kept answer (true),
// take the claim over as of now (false), or refuse (its error, returned as
// it is). The answer is the kept one to replay, or nil when the caller
// should run the request and then call FinishIdempotent.
// Errors: ErrConflict (a concurrent first claim of the key), those of
// decide.
func (s *Store) BeginIdempotent(ctx context.Context, principal, key, requestHash string, ttl time.Duration,
	decide func(survey.IdempotencyClaim) (replay bool, err error)) (*survey.StoredAnswer, error) {
	now := s.now()
	var out *survey.StoredAnswer
	err := s.transaction(ctx, func(tx *gorm.DB) error {
		if err := tx.Where("created_at < ?", now.Add(-ttl)).Delete(&idempotencyRow{}).Error; err != nil {
			return err
		}
		var row idempotencyRow
		err := s.forUpdate(tx).Where("principal = ? AND key = ?", principal, key).Take(&row).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return tx.Create(&idempotencyRow{Principal: principal, Key: key, RequestHash: requestHash, CreatedAt: now}).Error
		}
		if err != nil {
			return err
		}
		claim := survey.IdempotencyClaim{RequestHash: row.RequestHash, ClaimedAt: row.CreatedAt}
		if row.Status != nil {
			claim.Answer = &survey.StoredAnswer{Status: *row.Status, ContentType: emptyIfNull(row.ContentType),
				ETag: emptyIfNull(row.ETag), Location: emptyIfNull(row.Location), Body: []byte(emptyIfNull(row.Body))}
		}
		replay, err := decide(claim)
		switch {
		case err != nil:
			return err
		case replay:
			out = claim.Answer
			return nil
		}
		return tx.Model(&idempotencyRow{}).Where("id = ?", row.ID).Update("created_at", now).Error
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
