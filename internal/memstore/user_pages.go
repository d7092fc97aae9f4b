package memstore

import (
	"context"
	"strings"

	"github.com/customs-survey/surveyd/survey"
)

// UserPage lists the accounts sc sees that f selects, one page of them, by
// e-mail (byte order, as the databases compare).
func (s *Store) UserPage(ctx context.Context, sc survey.Scope, f survey.UserFilter, p survey.PageRequest) ([]survey.User, error) {
	all, err := s.Users(ctx, sc)
	if err != nil {
		return nil, err
	}
	contains := strings.ToLower(f.EmailContains)
	out := []survey.User{}
	for _, u := range all {
		if (f.Role == "" || u.Role == f.Role) && (f.Administration == "" || u.Administration == f.Administration) &&
			strings.Contains(u.Email, contains) {
			out = append(out, u)
		}
	}
	return survey.PageOf(out, p, func(u survey.User) string { return u.Email }), nil
}
