// Package memstore is an in-memory fake of the storage interfaces that the
// use cases define (users.Store, questionnaires.Store, campaigns.Store,
// responding.Store, scores.Store), for table tests of the use cases that
// run without a database. Its tables mirror the database's; one mutex
// stands for a transaction. internal/storetest holds the contract that it
// and package store both pass, so that a test against the fake says
// something about the real store.
package memstore

import (
	"sync"
	"time"

	"github.com/customs-survey/surveyd/survey"
)

// Store is the fake. The zero value is not usable; call New.
type Store struct {
	mu  sync.Mutex
	now func() time.Time

	administrations map[string]survey.Administration
	users           map[string]*user // by id
	questionnaires  []*questionnaire // in order of creation
	campaigns       []*campaign      // in order of creation
	responses       []*response      // in order of creation
	scoreRuns       []*scoreRun      // in order of freezing
	nextID          int64
}

// New returns an empty fake whose clock is now (time.Now when nil).
func New(now func() time.Time) *Store {
	if now == nil {
		now = time.Now
	}
	return &Store{now: now, administrations: map[string]survey.Administration{}, users: map[string]*user{}}
}

// clock is the store's time, truncated to the microsecond as the database
// keeps it.
func (s *Store) clock() time.Time { return s.now().UTC().Truncate(time.Microsecond) }

// id returns a new identifier, unique within the fake.
func (s *Store) id() int64 {
	s.nextID++
	return s.nextID
}

// user is a row of the users table.
type user struct {
	survey.User
	PasswordHash      string
	PasswordChangedAt time.Time
	TokensValidAfter  *time.Time
	// RefreshTokensRevokedAt is when every refresh token of the account
	// was last revoked (the fake keeps no tokens).
	RefreshTokensRevokedAt *time.Time
	// OneTimePasswordExpiresAt is when the one-time password of a reset
	// expires, if the password is one; LoginsForgivenAt is when the
	// account's failed logins were last forgiven (the fake keeps no
	// attempts, nor browser sessions).
	OneTimePasswordExpiresAt *time.Time
	LoginsForgivenAt         *time.Time
}

// questionnaire is a row of the questionnaires table: one version.
type questionnaire struct {
	ID int64
	survey.Questionnaire
	CreatedBy string
}

// campaign is a row of the campaigns table with its invited
// administrations.
type campaign struct {
	ID              int64
	Questionnaire   *questionnaire
	Previous        *campaign
	survey.Campaign // Questionnaire, Version and PreviousCampaign mirror the pointers
}

// response is a row of the responses table with its submissions.
type response struct {
	ID               string
	Campaign         *campaign
	RespondentID     string
	Administration   string
	Revision         int
	Draft            survey.Answers
	Pending          bool
	Current          *submission // the submission that counts
	FirstSubmittedAt *time.Time
	CreatedAt        time.Time
	UpdatedAt        time.Time
	Submissions      []*submission
}

// submission is a row of the submissions table with its answer rows.
type submission struct {
	ID          string
	Revision    int
	SubmittedBy string
	SubmittedAt time.Time
	Answers     survey.Answers
	Rows        []survey.AnswerRow
}
