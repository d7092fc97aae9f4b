package auth

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// Deferred checks of an access token.
//
// Checking an access token takes a query: the account as it is now and
// whether the token was revoked by a logout (Authenticate). A save or a
// submission of a response, on PostgreSQL, is otherwise one statement; the
// check would double its round trips to the database. So, for those
// changes, the check can travel with the change: the token's signature and
// claims are verified as always, and the rules (account enabled, token
// issued after the last password change and after the account last
// changed) applied to the account as this process last read it in a full
// check, with the row version the database gave it then (Account.Stamp).
// What remains is that the account is still that version and the token
// not revoked, which the change's own statement states as its condition:
// it writes nothing otherwise. The check is as strict as Authenticate's,
// at the moment the change is written, whichever process revoked the token
// or changed the account.
//
// A Deferred check must be confirmed before anything of the request takes
// effect or is answered: by the change's statement (Confirmed), or by
// Confirm, which makes the full check. The HTTP layer confirms it before
// the first byte of any answer, and the store before any write but the
// one that carries the condition.

// Deferred is the check of an access token left for the change it
// authorises.
type Deferred struct {
	// UserID is the account, Stamp its row version as kept, TokenID the
	// token's id (jti): the change's condition is that the account is
	// still at Stamp and no logout revoked TokenID.
	UserID, Stamp, TokenID string

	principal Principal
	check     func(context.Context) (Principal, error) // the full check

	mu   sync.Mutex
	done bool
	err  error
}

// Confirm makes the full check of the token, once: the account as it is
// now, whether the token was revoked, the rules. It also refuses the
// token when the caller it gives is not the one the request was served as:
// another role, administration or duty to change the password (the
// account changed since this process kept it; the client signs in again).
// An e-mail address changed meanwhile is no such change: the request's
// audit event may then name the address of a moment before, beside the
// account's id.
// Errors: ErrInvalidToken, and the store's.
func (d *Deferred) Confirm(ctx context.Context) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.done {
		return d.err
	}
	p, err := d.check(ctx)
	if was := d.principal; err == nil && (p.UserID != was.UserID || p.Role != was.Role ||
		p.Administration != was.Administration || p.MustChangePassword != was.MustChangePassword) {
		err = fmt.Errorf("%w: the account changed while the request was served", ErrInvalidToken)
	}
	d.done, d.err = true, err
	return err
}

// Confirmed records that the change's statement confirmed the check.
func (d *Deferred) Confirmed() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.done, d.err = true, nil
}

// pending reports whether the check is neither confirmed nor refused.
func (d *Deferred) pending() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return !d.done
}

// deferredKey is the context key of a Deferred check.
type deferredKey struct{}

// WithDeferred returns a copy of ctx that carries d.
func WithDeferred(ctx context.Context, d *Deferred) context.Context {
	return context.WithValue(ctx, deferredKey{}, d)
}

// DeferredFrom returns the check ctx carries while it is still to be made:
// nil when there is none, or once it is confirmed or refused.
func DeferredFrom(ctx context.Context) *Deferred {
	d, _ := ctx.Value(deferredKey{}).(*Deferred)
	if d == nil || !d.pending() {
		return nil
	}
	return d
}

// ConfirmCaller confirms the check ctx carries, if any (Confirm): what a
// request with a deferred check calls before it changes anything other
// than by the statement that carries the condition.
// Errors: those of Confirm.
func ConfirmCaller(ctx context.Context) error {
	d, _ := ctx.Value(deferredKey{}).(*Deferred)
	if d == nil {
		return nil
	}
	return d.Confirm(ctx)
}

// keptAccountsMax bounds the accounts a Service keeps for deferred checks.
const keptAccountsMax = 10_000

// keptAccounts are the accounts as full checks of their tokens last read
// them, with their row versions, without their password hashes.
type keptAccounts struct {
	mu sync.Mutex
	m  map[string]keptAccount
}

// keptAccount is an account as read by a full check that started at the
// time at (the token issuer's clock).
type keptAccount struct {
	Account
	at time.Time
}

func (k *keptAccounts) get(id string) (keptAccount, bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	a, ok := k.m[id]
	return a, ok
}

// keep keeps a, read by a full check that started at the time at, if the
// store gave it a row version; when full, another account is forgotten.
func (k *keptAccounts) keep(a Account, at time.Time) {
	if a.Stamp == "" {
		return
	}
	a.PasswordHash = ""
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.m == nil {
		k.m = make(map[string]keptAccount)
	}
	if _, ok := k.m[a.ID]; !ok && len(k.m) >= keptAccountsMax {
		for id := range k.m {
			delete(k.m, id)
			break
		}
	}
	k.m[a.ID] = keptAccount{Account: a, at: at}
}

func (k *keptAccounts) forget(id string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	delete(k.m, id)
}

// DeferredSkew is how far the clocks of a deployment's instances may
// disagree for AuthenticateDeferred to tell an account read after a token
// was issued: the token's iat comes from the clock of the instance that
// issued it, the time the account was read from this one's. Instances
// synchronised by NTP agree within milliseconds. Beyond this skew the
// outcome is no hole but a valid token refused (401: Confirm finds the
// caller changed), and only for a token issued just after its account
// changed on another instance; the price of the margin is the full check
// for the first seconds of a token.
const DeferredSkew = 2 * time.Second

// AuthenticateDeferred is Authenticate for a request whose change can
// carry the rest of the check (see Deferred): when this process keeps the
// account of the token's subject, read after the token was issued, and
// the rules let the token through on it, it returns the principal the
// kept account gives and the check to confirm, without a query. Otherwise
// it makes the full check (Authenticate) and returns no Deferred.
//
// Read after the token was issued (in a later second than its iat, whose
// precision is the second, by a clock that may run DeferredSkew ahead of
// the issuer's): a change of the account that a token issued
// after it survives (a password changed, the pair that change hands out;
// a role given, then a new sign-in) would leave the kept account out of
// date for that token, and the request served as a caller it no longer
// is; Confirm would then refuse a valid token. A token issued before the
// account was read does not survive any change made since that gives it
// another role, administration or duty to change the password: such a
// change ends the tokens issued before it (TokensValidAfter, or the
// password's change).
// Errors: ErrInvalidToken, and the store's.
func (s *Service) AuthenticateDeferred(ctx context.Context, token string) (Principal, *Deferred, error) {
	claims, err := s.issuer.Verify(token)
	if err != nil {
		return Principal{}, nil, err
	}
	if a, ok := s.kept.get(claims.Subject); ok && claims.IssuedAt != nil &&
		claims.IssuedAt.Time.Before(a.at.Add(-DeferredSkew).Truncate(time.Second)) && tokenAllowed(claims, a.Account) == nil {
		p := a.Principal()
		return p, &Deferred{UserID: a.ID, Stamp: a.Stamp, TokenID: claims.ID, principal: p,
			check: func(ctx context.Context) (Principal, error) { return s.authenticate(ctx, claims) }}, nil
	}
	p, err := s.authenticate(ctx, claims)
	return p, nil, err
}
