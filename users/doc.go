// Package users holds the rules of account management: who may create,
// list, change and delete which accounts, the rules of a new account's
// fields and the password policy (auth/passwords), the role/administration
// rule (auth.CheckMembership) as problems naming the field, and the guard
// that the service is never left without an active admin. It hashes
// passwords (auth/passwords) and keeps accounts through a Store, which
// package store implements and internal/memstore fakes.
package users
