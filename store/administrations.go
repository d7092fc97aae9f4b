package store

import (
	"context"
	"errors"

	"gorm.io/gorm"

	"github.com/customs-survey/surveyd/survey"
)

// CreateAdministration adds an administration.
// Errors: ErrConflict when the code exists.
func (s *Store) CreateAdministration(ctx context.Context, code, name string) (survey.Administration, error) {
	row := administrationRow{Code: code, Name: name, CreatedAt: s.now()}
	if err := s.db.WithContext(ctx).Create(&row).Error; err != nil {
		if errors.Is(err, gorm.ErrDuplicatedKey) {
			return survey.Administration{}, survey.Errorf(survey.ErrConflict, "administration %s already exists", code)
		}
		return survey.Administration{}, s.translate(ctx, "create administration", err)
	}
	return toAdministration(row), nil
}

// Administrations lists every administration by code.
func (s *Store) Administrations(ctx context.Context) ([]survey.Administration, error) {
	var rows []administrationRow
	if err := s.db.WithContext(ctx).Order("code").Find(&rows).Error; err != nil {
		return nil, s.translate(ctx, "list administrations", err)
	}
	out := make([]survey.Administration, len(rows))
	for i, r := range rows {
		out[i] = toAdministration(r)
	}
	return out, nil
}

// Administration returns one administration.
// Errors: ErrNotFound.
func (s *Store) Administration(ctx context.Context, code string) (survey.Administration, error) {
	var row administrationRow
	if err := s.db.WithContext(ctx).Where("code = ?", code).Take(&row).Error; err != nil {
		return survey.Administration{}, s.translate(ctx, "get administration", err)
	}
	return toAdministration(row), nil
}

func toAdministration(r administrationRow) survey.Administration {
	return survey.Administration{Code: r.Code, Name: r.Name, CreatedAt: r.CreatedAt}
}
