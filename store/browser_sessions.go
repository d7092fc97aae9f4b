package store

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"

	"github.com/customs-survey/surveyd/auth"
)

type browserSessionRow struct {
	TokenHash  string `gorm:"primaryKey"`
	UserID     string
	CSRFToken  string `gorm:"column:csrf_token"`
	CreatedAt  time.Time
	LastSeenAt time.Time
	ExpiresAt  time.Time
}

func (browserSessionRow) TableName() string { return "browser_sessions" }

// CreateBrowserSession stores a browser session, and deletes the sessions
// that expired (by their absolute lifetime) more than a day ago, so that the
// table holds only the living and the recently ended.
func (s *Store) CreateBrowserSession(ctx context.Context, b auth.StoredBrowserSession) error {
	err := s.transaction(ctx, func(tx *gorm.DB) error {
		if err := tx.Where("expires_at < ?", s.now().Add(-24*time.Hour)).Delete(&browserSessionRow{}).Error; err != nil {
			return err
		}
		return tx.Create(&browserSessionRow{TokenHash: b.TokenHash, UserID: b.UserID, CSRFToken: b.CSRF,
			CreatedAt: b.CreatedAt, LastSeenAt: b.LastSeenAt, ExpiresAt: b.ExpiresAt}).Error
	})
	return s.translate(ctx, "create browser session", err)
}

// BrowserSession reads the session with that token hash.
func (s *Store) BrowserSession(ctx context.Context, tokenHash string) (auth.StoredBrowserSession, bool, error) {
	var row browserSessionRow
	err := s.db.WithContext(ctx).Where("token_hash = ?", tokenHash).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return auth.StoredBrowserSession{}, false, nil
	}
	if err != nil {
		return auth.StoredBrowserSession{}, false, s.translate(ctx, "read browser session", err)
	}
	return auth.StoredBrowserSession{TokenHash: row.TokenHash, UserID: row.UserID, CSRF: row.CSRFToken,
		CreatedAt: row.CreatedAt, LastSeenAt: row.LastSeenAt, ExpiresAt: row.ExpiresAt}, true, nil
}

// TouchBrowserSession records a request of the session at at.
func (s *Store) TouchBrowserSession(ctx context.Context, tokenHash string, at time.Time) error {
	err := s.db.WithContext(ctx).Model(&browserSessionRow{}).Where("token_hash = ?", tokenHash).
		Update("last_seen_at", at).Error
	return s.translate(ctx, "touch browser session", err)
}

// DeleteBrowserSession ends the session with that token hash, if any.
func (s *Store) DeleteBrowserSession(ctx context.Context, tokenHash string) error {
	err := s.db.WithContext(ctx).Where("token_hash = ?", tokenHash).Delete(&browserSessionRow{}).Error
	return s.translate(ctx, "delete browser session", err)
}
