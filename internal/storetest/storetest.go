// Package storetest is the contract of the storage interfaces that the use
// cases define: one suite that package store passes on SQLite and on
// PostgreSQL (store/contract_test.go) and that the in-memory fake
// internal/memstore passes too (internal/memstore/contract_test.go). The
// use cases' table tests run against the fake; this suite is what makes
// them say something about the real store.
package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/customs-survey/surveyd/campaigns"
	"github.com/customs-survey/surveyd/questionnaires"
	"github.com/customs-survey/surveyd/responding"
	"github.com/customs-survey/surveyd/scores"
	"github.com/customs-survey/surveyd/survey"
	"github.com/customs-survey/surveyd/users"
)

// Store is every storage interface of the use cases, plus what the suite
// needs to set up its data.
type Store interface {
	users.Store
	questionnaires.Store
	campaigns.Store
	responding.Store
	scores.Store
	scores.RunStore
	CreateAdministration(ctx context.Context, code, name string) (survey.Administration, error)
}

// Open returns a new, empty store whose clock is now.
type Open func(t *testing.T, now func() time.Time) Store

// Run runs the whole contract, each part on a store of its own.
func Run(t *testing.T, open Open) {
	t.Run("users", func(t *testing.T) { testUsers(t, open) })
	t.Run("questionnaires", func(t *testing.T) { testQuestionnaires(t, open) })
	t.Run("campaigns", func(t *testing.T) { testCampaigns(t, open) })
	t.Run("responding", func(t *testing.T) { testResponding(t, open) })
	t.Run("scores", func(t *testing.T) { testScores(t, open) })
	t.Run("score runs", func(t *testing.T) { testScoreRuns(t, open) })
}
