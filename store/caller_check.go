package store

import (
	"context"
	"strconv"

	"github.com/customs-survey/surveyd/auth"
	"github.com/customs-survey/surveyd/migrations"
)

// The check of the caller's access token that a save or a submission
// carries (auth.Deferred): a change decided on a kept state
// (kept_changes.go) is then written by one statement that also states
// that the caller's account is still the version its check was made on
// and that the token was not revoked. Every other path of a change
// confirms the check first (auth.ConfirmCaller), by the full check's
// query, before it reads or writes anything.

// callerCheck returns the check the change's statement is to carry: the
// one ctx carries, on PostgreSQL, when it has a row version to state.
// When the statement cannot carry it, the check is confirmed here, and nil
// is returned, as when there is none or it was confirmed; a check refused
// already is refused again.
// Errors: auth.ErrInvalidToken, and the store's.
func (s *Store) callerCheck(ctx context.Context) (*auth.Deferred, error) {
	d := auth.DeferredFrom(ctx)
	if d == nil {
		// None, or made already: nil, or the refusal again.
		return nil, auth.ConfirmCaller(ctx)
	}
	if s.dialect != migrations.Postgres || d.Stamp == "" {
		return nil, d.Confirm(ctx)
	}
	return d, nil
}

// callerCondition is the condition of a statement that carries the check
// d, its parameters numbered from first (callerArgs): the account is
// still at the version the check was made on (its xmin, which every
// update of the row moves on) and no logout revoked the token.
func callerCondition(first int) string {
	p := func(i int) string { return "$" + strconv.Itoa(first+i) }
	return `EXISTS (SELECT 1 FROM users WHERE id = ` + p(0) + ` AND xmin::text = ` + p(1) + `)
    AND NOT EXISTS (SELECT 1 FROM revoked_access_tokens WHERE jti = ` + p(2) + `)`
}

// callerParams is the number of parameters of callerCondition.
const callerParams = 3

// b2i is 1 for true, 0 for false.
func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// callerArgs are callerCondition's parameters for d.
func callerArgs(d *auth.Deferred) []any { return []any{d.UserID, d.Stamp, d.TokenID} }
