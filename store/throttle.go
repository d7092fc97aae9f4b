package store

import (
	"context"
	"hash/fnv"
	"slices"
	"time"

	"gorm.io/gorm"

	"github.com/customs-survey/surveyd/auth"
	"github.com/customs-survey/surveyd/migrations"
)

// The methods below implement the throttle's part of auth.Store.

// attemptRow is one attempt counted by the throttle (table login_failures):
// a password, refresh token or logout under way, or one that failed, or one
// forgiven at ClearedAt.
type attemptRow struct {
	ID        int64 `gorm:"primaryKey"`
	Scope     string
	FailedAt  time.Time
	ClearedAt *time.Time
}

func (attemptRow) TableName() string { return "login_failures" }

// throttleLockSpace is the first key of the PostgreSQL advisory locks of the
// throttle's scopes, the second being a hash of the scope. Locks with two
// keys never collide with the single-key locks used elsewhere.
const throttleLockSpace = 1848629

// ReserveAttempt reads the attempts of each limit's scope within window
// before start, not forgiven before start, hands their times to decide (the
// throttle's rule, auth's) and, unless it refuses, records the attempt at
// start under the scopes that record it, all in one transaction. On PostgreSQL the transaction first takes an advisory lock
// per scope (in a fixed order, so that two reservations cannot deadlock), so
// that reservations on the same scope follow one another in every process;
// on SQLite a write transaction takes the database's lock at BEGIN. It also
// deletes records too old to count for anyone.
// Errors: those of decide.
func (s *Store) ReserveAttempt(ctx context.Context, limits []auth.ThrottleLimit, start time.Time, window time.Duration,
	decide func(counted [][]time.Time) error) (auth.Reservation, error) {
	start = start.UTC().Truncate(time.Microsecond)
	since := start.Add(-window)
	var res auth.Reservation
	var refused error
	err := s.transaction(ctx, func(tx *gorm.DB) error {
		if err := s.lockScopes(tx, limits); err != nil {
			return err
		}
		counted := make([][]time.Time, len(limits))
		for i, l := range limits {
			var rows []attemptRow
			err := tx.Select("failed_at").
				Where("scope = ? AND failed_at > ? AND (cleared_at IS NULL OR cleared_at >= ?)", l.Scope, since, start).
				Order("failed_at").Find(&rows).Error
			if err != nil {
				return err
			}
			for _, r := range rows {
				counted[i] = append(counted[i], r.FailedAt)
			}
		}
		if refused = decide(counted); refused != nil {
			return refused
		}
		for _, l := range limits {
			if !l.Record {
				continue
			}
			row := attemptRow{Scope: l.Scope, FailedAt: start}
			if err := tx.Create(&row).Error; err != nil {
				return err
			}
			res.IDs = append(res.IDs, row.ID)
		}
		return s.deleteExpiredAttempts(tx, since)
	})
	if refused != nil {
		return auth.Reservation{}, refused
	}
	if err != nil {
		return auth.Reservation{}, s.translate(ctx, "reserve attempt", err)
	}
	return res, nil
}

// lockScopes takes the PostgreSQL advisory lock of each scope of limits,
// ordered by key, until the transaction ends.
func (s *Store) lockScopes(tx *gorm.DB, limits []auth.ThrottleLimit) error {
	if s.dialect != migrations.Postgres {
		return nil
	}
	keys := make([]int32, 0, len(limits))
	for _, l := range limits {
		h := fnv.New32a()
		h.Write([]byte(l.Scope))
		keys = append(keys, int32(h.Sum32()))
	}
	slices.Sort(keys)
	for _, k := range slices.Compact(keys) {
		if err := tx.Exec("SELECT pg_advisory_xact_lock(?, ?)", throttleLockSpace, k).Error; err != nil {
			return err
		}
	}
	return nil
}

// deleteExpiredAttempts deletes records older than since, which no attempt
// beginning now counts. On PostgreSQL it skips rows that another
// transaction is deleting, and deletes at most a batch at a time, so that
// reservations on different scopes never wait for one another here.
func (s *Store) deleteExpiredAttempts(tx *gorm.DB, since time.Time) error {
	if s.dialect == migrations.Postgres {
		return tx.Exec(`DELETE FROM login_failures WHERE id IN (
			SELECT id FROM login_failures WHERE failed_at <= ? LIMIT 1000 FOR UPDATE SKIP LOCKED)`, since).Error
	}
	return tx.Where("failed_at <= ?", since).Delete(&attemptRow{}).Error
}

// ReleaseAttempt deletes the records of an attempt that was not carried out.
func (s *Store) ReleaseAttempt(ctx context.Context, r auth.Reservation) error {
	if len(r.IDs) == 0 {
		return nil
	}
	err := s.db.WithContext(ctx).Where("id IN ?", r.IDs).Delete(&attemptRow{}).Error
	return s.translate(ctx, "release attempt", err)
}

// ForgiveAttempts marks the records of a successful attempt, and every
// record of scope when it is not empty, as forgiven at at. Attempts that
// began after at no longer count them; those that began before still do.
func (s *Store) ForgiveAttempts(ctx context.Context, r auth.Reservation, scope string, at time.Time) error {
	if len(r.IDs) == 0 && scope == "" {
		return nil
	}
	at = at.UTC().Truncate(time.Microsecond)
	q := s.db.WithContext(ctx).Model(&attemptRow{}).Where("cleared_at IS NULL")
	switch {
	case scope == "":
		q = q.Where("id IN ?", r.IDs)
	case len(r.IDs) == 0:
		q = q.Where("scope = ?", scope)
	default:
		q = q.Where("(id IN ? OR scope = ?)", r.IDs, scope)
	}
	return s.translate(ctx, "forgive attempts", q.Update("cleared_at", at).Error)
}
