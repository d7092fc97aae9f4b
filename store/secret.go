package store

import (
	"context"
	"encoding/base64"
	"errors"

	"gorm.io/gorm"

	"github.com/customs-survey/surveyd/auth"
	"github.com/customs-survey/surveyd/survey"
)

// The key of the access tokens, kept in the settings table unless
// SURVEY_JWT_SECRET gives it.

func encodeSecret(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

func decodeSecret(s string) ([]byte, error) {
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil || len(b) < 32 {
		return nil, errors.New("stored jwt secret is corrupt")
	}
	return b, nil
}

// setting returns a stored setting, or ErrNotFound.
func (s *Store) setting(ctx context.Context, key string) (string, error) {
	var row settingRow
	if err := s.db.WithContext(ctx).Where("key = ?", key).Take(&row).Error; err != nil {
		return "", s.translate(ctx, "get setting", err)
	}
	return row.Value, nil
}

// JWTSecret returns the HMAC key kept in the database, generating and
// storing it on first use. Every process sharing the database gets the same
// key: the first writer wins and the others read its key.
func (s *Store) JWTSecret(ctx context.Context) ([]byte, error) {
	const key = "jwt_secret"
	if v, err := s.setting(ctx, key); err == nil {
		return decodeSecret(v)
	} else if !errors.Is(err, survey.ErrNotFound) {
		return nil, err
	}
	secret, err := auth.GenerateSecret()
	if err != nil {
		return nil, err
	}
	row := settingRow{Key: key, Value: encodeSecret(secret)}
	if err := s.db.WithContext(ctx).Create(&row).Error; err != nil && !errors.Is(err, gorm.ErrDuplicatedKey) {
		return nil, s.translate(ctx, "store jwt secret", err)
	}
	v, err := s.setting(ctx, key)
	if err != nil {
		return nil, err
	}
	return decodeSecret(v)
}
