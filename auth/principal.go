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
// they act with an admin's rights, as no account.
var Operator = Principal{Role: RoleAdmin}
