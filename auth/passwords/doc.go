// Package passwords holds what the service does with passwords: the policy
// a new password must meet (CheckPolicy), argon2id hashing and checking in
// constant time (Hash, Verify, DummyVerify for an account that does not
// exist), and the memory budget that every argon2id run of the process
// shares (SetMemoryBudget, ErrBusy). It knows nothing of accounts, HTTP or
// SQL: package auth checks passwords at login and users hashes new ones.
package passwords
