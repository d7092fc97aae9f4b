package survey

// UserFilter selects accounts of the list of accounts; zero fields select
// every account (of the caller's scope).
type UserFilter struct {
	// Role is a role name: only the accounts of that role.
	Role string
	// Administration is an administration code: only its accounts.
	Administration string
	// EmailContains is a piece of an e-mail address, matched whatever its
	// case (e-mails are kept in lower case).
	EmailContains string
}
