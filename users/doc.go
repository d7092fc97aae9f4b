// Package users holds the rules of account management: who may create,
// list, change and delete which accounts, the password policy applied to
// new accounts, the role/administration rule, and the guard that the
// service is never left without an active admin. It hashes passwords
// (auth) and keeps accounts through a Store, which package store implements
// and internal/memstore fakes.
package users
