package auth

import "context"

// Principal is the authenticated caller of a request, as established by the
// access token. Use cases receive it through the context so that they can
// enforce roles and administration scoping without knowing about HTTP.
type Principal struct {
	// UserID is the user's id (the token's "sub" claim).
	UserID string
	// Email is the user's e-mail address. Access tokens do not carry it, so
	// it is empty unless the caller loaded the user.
	Email string
	// Role is what the user may do.
	Role Role
	// Administration is the code of the user's administration; empty for
	// admins, who belong to none.
	Administration string
	// MustChangePassword says that the account's password is the one-time
	// password of a reset: until it is changed the account may do nothing
	// else (the HTTP layers refuse every other request).
	MustChangePassword bool
}

// principalKey is the context key for the Principal. An unexported struct
// type cannot collide with keys of other packages, unlike a string key.
type principalKey struct{}

// WithPrincipal returns a copy of ctx that carries p. The authentication
// middleware calls it once the access token has been verified.
func WithPrincipal(ctx context.Context, p Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// PrincipalFrom returns the Principal stored in ctx by WithPrincipal. The
// boolean is false when the request is not authenticated, so callers must
// check it rather than act on a zero Principal.
func PrincipalFrom(ctx context.Context) (Principal, bool) {
	p, ok := ctx.Value(principalKey{}).(Principal)
	return p, ok
}

// Operator is the principal of whoever runs surveyd's subcommands on the
// server (surveyd user create, serve --demo): they hold the database, so
// they act with an admin's rights, as no account. No request is ever served
// as the operator: the HTTP layers take the principal from a token or a
// session only.
func Operator() Principal { return Principal{Role: RoleAdmin} }

// clientAddressKey is the context key of the client's address.
type clientAddressKey struct{}

// WithClientAddress returns a copy of ctx that carries the client's address
// as the HTTP layer established it (trusting only the configured proxies),
// for the throttle and the audit trail of handlers outside that layer.
func WithClientAddress(ctx context.Context, address string) context.Context {
	return context.WithValue(ctx, clientAddressKey{}, address)
}

// ClientAddress returns the address stored by WithClientAddress, or "".
func ClientAddress(ctx context.Context) string {
	a, _ := ctx.Value(clientAddressKey{}).(string)
	return a
}
