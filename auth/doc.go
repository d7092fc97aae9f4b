// Package auth holds the pure building blocks of authentication: roles, the
// authenticated Principal carried in a context, argon2id password hashing,
// HS256 access tokens and opaque refresh tokens.
//
// It deliberately knows nothing about the database or HTTP, so that every
// security decision here can be tested in isolation and reused by the store,
// the use cases and the api layer without import cycles. Storing refresh
// token hashes, rate-limiting logins and mapping ErrInvalidToken to 401 are
// the jobs of those other packages.
package auth
