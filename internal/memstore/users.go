package memstore

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/google/uuid"

	"github.com/customs-survey/surveyd/auth"
	"github.com/customs-survey/surveyd/survey"
)

// CreateAdministration adds an administration.
// Errors: ErrConflict when the code exists.
func (s *Store) CreateAdministration(ctx context.Context, code, name string) (survey.Administration, error) {
	if err := ctx.Err(); err != nil {
		return survey.Administration{}, fmt.Errorf("create administration: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.administrations[code]; ok {
		return survey.Administration{}, survey.Errorf(survey.ErrConflict, "administration %s already exists", code)
	}
	a := survey.Administration{Code: code, Name: name, CreatedAt: s.clock()}
	s.administrations[code] = a
	return a, nil
}

// Administration returns one administration.
// Errors: ErrNotFound.
func (s *Store) Administration(ctx context.Context, code string) (survey.Administration, error) {
	if err := ctx.Err(); err != nil {
		return survey.Administration{}, fmt.Errorf("get administration: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.administrations[code]
	if !ok {
		return survey.Administration{}, fmt.Errorf("get administration: %w", survey.ErrNotFound)
	}
	return a, nil
}

// CreateUser stores a new account.
// Errors: ErrConflict (e-mail taken, or an administration that does not
// exist, which the database's foreign key refuses).
func (s *Store) CreateUser(ctx context.Context, a survey.NewAccount) (survey.User, error) {
	if err := ctx.Err(); err != nil {
		return survey.User{}, fmt.Errorf("create user: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	u, err := s.insertUser("create user", a)
	if err != nil {
		return survey.User{}, err
	}
	return u.User, nil
}

// HasAdmin reports whether an admin account exists, enabled or not.
func (s *Store) HasAdmin(ctx context.Context) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, fmt.Errorf("find an admin: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hasAdmin(), nil
}

// CreateFirstAdmin stores a, an admin, unless an admin exists, and reports
// whether it did.
func (s *Store) CreateFirstAdmin(ctx context.Context, a survey.NewAccount) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, fmt.Errorf("create the first admin: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.hasAdmin() {
		return false, nil
	}
	if _, err := s.insertUser("create the first admin", a); err != nil {
		return false, err
	}
	return true, nil
}

// Users lists the accounts sc sees, by e-mail.
func (s *Store) Users(ctx context.Context, sc survey.Scope) ([]survey.User, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []survey.User{}
	for _, u := range s.users {
		if sc.Sees(u.Administration) {
			out = append(out, u.User)
		}
	}
	// Byte order, as the database's C collation and SQLite's BINARY sort.
	sort.Slice(out, func(i, j int) bool { return out[i].Email < out[j].Email })
	return out, nil
}

// User returns one account that sc sees.
// Errors: ErrNotFound.
func (s *Store) User(ctx context.Context, sc survey.Scope, id string) (survey.User, error) {
	if err := ctx.Err(); err != nil {
		return survey.User{}, fmt.Errorf("get user: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.users[id]
	if !ok || !sc.Sees(u.Administration) {
		return survey.User{}, fmt.Errorf("get user: %w", survey.ErrNotFound)
	}
	return u.User, nil
}

// UpdateUser reads the account id that sc sees, with the facts the rules
// weigh, and writes what decide returns, all under the store's lock.
// Errors: ErrNotFound, ErrConflict (a new administration that does not
// exist), and those of decide.
func (s *Store) UpdateUser(ctx context.Context, sc survey.Scope, id string, decide func(survey.UserRecord) (survey.UserUpdate, error)) (survey.User, error) {
	if err := ctx.Err(); err != nil {
		return survey.User{}, fmt.Errorf("update user: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	u, rec, err := s.userRecord(sc, id)
	if err != nil {
		return survey.User{}, err
	}
	change, err := decide(rec)
	if err != nil {
		return survey.User{}, err
	}
	// Everything is checked before anything is written, so that a refused
	// change leaves the account as it was, as a rolled back transaction
	// does.
	next := *u
	now := s.clock()
	if m := change.Membership; m != nil {
		if err := checkMembershipRow("update user", m.Role, m.Administration); err != nil {
			return survey.User{}, err
		}
		if err := s.checkAdministrationRef("update user", m.Administration); err != nil {
			return survey.User{}, err
		}
		next.Role, next.Administration = m.Role, m.Administration
	}
	if change.Disabled != nil {
		next.Disabled = *change.Disabled
	}
	if change.StaleTokens {
		next.TokensValidAfter = &now
	}
	if change.RevokeRefreshTokens {
		next.RefreshTokensRevokedAt = &now
	}
	*u = next
	return u.User, nil
}

// DeleteUser deletes the account id that sc sees if decide allows it, all
// under the store's lock. The fake keeps neither refresh tokens nor login
// attempts, which the database deletes with the account.
// Errors: ErrNotFound, ErrConflict (still referred to), and those of
// decide.
func (s *Store) DeleteUser(ctx context.Context, sc survey.Scope, id string, decide func(survey.UserRecord) error) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("delete user: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	_, rec, err := s.userRecord(sc, id)
	if err != nil {
		return err
	}
	if err := decide(rec); err != nil {
		return err
	}
	// The responses, submissions and questionnaires of the account refer
	// to it, as the database's foreign keys do.
	if rec.HasHistory {
		return survey.Errorf(survey.ErrConflict, "this account is still referred to and cannot be deleted; disable it instead")
	}
	delete(s.users, id)
	return nil
}

// Account is what the fake keeps of an account beyond survey.User, for
// tests that check what a use case asked the store to write. The times are
// zero when they never happened.
type Account struct {
	survey.User
	PasswordHash      string
	PasswordChangedAt time.Time
	// TokensValidAfter is when the account's access tokens last went
	// stale.
	TokensValidAfter time.Time
	// RefreshTokensRevokedAt is when every refresh token of the account
	// was last revoked.
	RefreshTokensRevokedAt time.Time
	// OneTimePasswordExpiresAt is when the one-time password of a reset
	// expires, if the password is one; LoginsForgivenAt is when the
	// account's failed logins were last forgiven.
	OneTimePasswordExpiresAt time.Time
	LoginsForgivenAt         time.Time
}

// Account returns a copy of the account id, whatever its administration,
// and whether it exists.
func (s *Store) Account(id string) (Account, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.users[id]
	if !ok {
		return Account{}, false
	}
	a := Account{User: u.User, PasswordHash: u.PasswordHash, PasswordChangedAt: u.PasswordChangedAt}
	if u.TokensValidAfter != nil {
		a.TokensValidAfter = *u.TokensValidAfter
	}
	if u.RefreshTokensRevokedAt != nil {
		a.RefreshTokensRevokedAt = *u.RefreshTokensRevokedAt
	}
	if u.OneTimePasswordExpiresAt != nil {
		a.OneTimePasswordExpiresAt = *u.OneTimePasswordExpiresAt
	}
	if u.LoginsForgivenAt != nil {
		a.LoginsForgivenAt = *u.LoginsForgivenAt
	}
	return a, true
}

// insertUser adds an account as the users table would: a new id, a unique
// e-mail, a known administration and a valid membership. op names the
// operation in errors. The caller holds s.mu.
func (s *Store) insertUser(op string, a survey.NewAccount) (*user, error) {
	// In the order the databases check: the row's checks, the unique
	// e-mail, then the foreign key.
	if err := checkMembershipRow(op, a.Role, a.Administration); err != nil {
		return nil, err
	}
	for _, u := range s.users {
		if u.Email == a.Email {
			return nil, survey.Errorf(survey.ErrConflict, "a user with this e-mail already exists")
		}
	}
	if err := s.checkAdministrationRef(op, a.Administration); err != nil {
		return nil, err
	}
	now := s.clock()
	u := &user{
		User:         survey.User{ID: uuid.NewString(), Email: a.Email, Role: a.Role, Administration: a.Administration, CreatedAt: now},
		PasswordHash: a.PasswordHash, PasswordChangedAt: now,
	}
	s.users[u.ID] = u
	return u, nil
}

// checkMembershipRow applies the checks of the users table: a known role,
// and no administration for admins only. The store passes a violated check
// on as a plain error, and so does this.
func checkMembershipRow(op, role, administration string) error {
	if !auth.Role(role).Valid() || (role == string(auth.RoleAdmin)) != (administration == "") {
		return fmt.Errorf("%s: role %q with administration %q violates a check of the users table", op, role, administration)
	}
	return nil
}

// checkAdministrationRef applies the foreign key of the users table to
// administrations: ErrConflict for one that does not exist, as the store
// reports a violated foreign key. The caller holds s.mu.
func (s *Store) checkAdministrationRef(op, administration string) error {
	if _, ok := s.administrations[administration]; administration != "" && !ok {
		return fmt.Errorf("%s: %w", op, survey.ErrConflict)
	}
	return nil
}

// hasAdmin reports whether an admin account exists. The caller holds s.mu.
func (s *Store) hasAdmin() bool {
	for _, u := range s.users {
		if u.Role == string(auth.RoleAdmin) {
			return true
		}
	}
	return false
}

// userRecord finds the account id that sc sees and gathers the facts of
// survey.UserRecord. The caller holds s.mu.
func (s *Store) userRecord(sc survey.Scope, id string) (*user, survey.UserRecord, error) {
	u, ok := s.users[id]
	if !ok || !sc.Sees(u.Administration) {
		return nil, survey.UserRecord{}, survey.Errorf(survey.ErrNotFound, "no such user")
	}
	rec := survey.UserRecord{User: u.User}
	for _, other := range s.users {
		if other.ID != id && other.Role == string(auth.RoleAdmin) && !other.Disabled {
			rec.OtherActiveAdmin = true
			break
		}
	}
	for _, r := range s.responses {
		if r.RespondentID == id {
			rec.HasResponses = true
		}
		for _, sub := range r.Submissions {
			if sub.SubmittedBy == id {
				rec.HasHistory = true
			}
		}
	}
	for _, q := range s.questionnaires {
		if q.CreatedBy == id {
			rec.HasHistory = true
		}
	}
	rec.HasHistory = rec.HasHistory || rec.HasResponses
	return u, rec, nil
}
