// Package auth holds authentication: roles, the authenticated Principal
// carried in a context, HS256 access tokens, opaque refresh tokens, and the
// session use cases of Service (log in, refresh, log out, authenticate a request, change a
// password).
//
// Service also throttles the attempts that can fail (throttle.go): logins
// and password changes per account and per client address, refreshes and
// logouts per client address, each attempt counted before its password or
// token is checked. The policy (limits, window, what counts and what is
// forgiven) lives here; the counts are kept by whatever implements Store.
//
// The package knows nothing about HTTP or SQL. Service reaches storage only
// through the Store interface it defines, which the store package
// implements, so that every security decision here can be tested in
// isolation and no import cycle arises. Mapping its errors to HTTP answers
// (ErrInvalidToken to 401, *ThrottledError to 429 with Retry-After,
// passwords.ErrBusy to 503) is the api package's job. Hashing and the
// password policy live in the subpackage passwords.
package auth
