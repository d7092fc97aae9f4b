package memstore

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/customs-survey/surveyd/survey"
)

// TakenEmails returns those of emails that are already the e-mail of an
// account, by e-mail.
func (s *Store) TakenEmails(ctx context.Context, emails []string) ([]string, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("find taken e-mails: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	taken := []string{}
	for _, u := range s.users {
		if slices.Contains(emails, u.Email) {
			taken = append(taken, u.Email)
		}
	}
	slices.Sort(taken)
	return taken, nil
}

// ImportUsers stores the accounts, all or none, each with a one-time
// password accepted for lifetime from now.
// Errors: ErrConflict (an e-mail taken, an administration that does not
// exist).
func (s *Store) ImportUsers(ctx context.Context, accounts []survey.NewAccount, lifetime time.Duration) ([]survey.User, time.Time, error) {
	if err := ctx.Err(); err != nil {
		return nil, time.Time{}, fmt.Errorf("import users: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	before := maps.Clone(s.users)
	expires := s.clock().Add(lifetime)
	out := make([]survey.User, 0, len(accounts))
	for _, a := range accounts {
		u, err := s.insertUser("import users", a)
		if err != nil {
			s.users = before // the transaction rolls back
			return nil, time.Time{}, err
		}
		u.OneTimePasswordExpiresAt = &expires
		out = append(out, u.User)
	}
	return out, expires, nil
}
