package survey

// NewAccount is an account as the store keeps it: the e-mail already
// normalised and the password already hashed.
type NewAccount struct {
	Email          string
	PasswordHash   string
	Role           string
	Administration string // empty for admins
}

// UserRecord is an account with the facts the rules of account management
// weigh, read in the transaction that changes or deletes it.
type UserRecord struct {
	User
	// OtherActiveAdmin: an active admin other than this account exists.
	OtherActiveAdmin bool
	// HasResponses: the account has responses (which keep its
	// administration).
	HasResponses bool
	// HasHistory: the account has responses, submissions or
	// questionnaires, which must keep their author.
	HasHistory bool
}

// UserUpdate is what a change of an account writes. Nil and false fields
// leave things as they are.
type UserUpdate struct {
	// Membership, when set, is the account's new role and administration
	// (empty for an admin).
	Membership *Membership
	// Disabled, when set, disables (true) or re-enables the account.
	Disabled *bool
	// StaleTokens makes every access token issued until now invalid
	// (auth.Account.TokensValidAfter).
	StaleTokens bool
	// RevokeRefreshTokens revokes every refresh token of the account.
	RevokeRefreshTokens bool
}

// Membership is an account's role and administration.
type Membership struct {
	Role           string
	Administration string
}
