package auth

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Role is what a user may do; see the Roles table of docs/api.md. It is
// carried in the access token's "role" claim, so its values are part of the
// wire format and must not be renamed.
type Role string

// The roles of the API contract.
const (
	// RoleAdmin is Commission staff: may do everything, belongs to no
	// administration.
	RoleAdmin Role = "admin"
	// RoleCoordinator is the national coordinator of one administration.
	RoleCoordinator Role = "coordinator"
	// RoleRespondent is a national official of one administration who
	// answers surveys.
	RoleRespondent Role = "respondent"
)

// Roles lists every role, in the order the contract names them.
var Roles = []Role{RoleAdmin, RoleCoordinator, RoleRespondent}

// RoleNames is Roles as text for messages: "admin, coordinator, respondent".
func RoleNames() string {
	names := make([]string, len(Roles))
	for i, r := range Roles {
		names[i] = string(r)
	}
	return strings.Join(names, ", ")
}

// Valid reports whether r is one of the known roles. Values coming from a
// token or a request body are untrusted strings and must pass this check
// before any permission decision relies on them.
func (r Role) Valid() bool {
	return slices.Contains(Roles, r)
}

// NeedsAdministration reports whether a user of this role must belong to an
// administration. Only admins stand above the administrations; everyone else
// is scoped to exactly one, which is what keeps one country's data from
// another's.
func (r Role) NeedsAdministration() bool {
	return r == RoleCoordinator || r == RoleRespondent
}

// What CheckMembership finds wrong with a role and an administration.
var (
	ErrUnknownRole              = errors.New("unknown role")
	ErrAdministrationNotAllowed = errors.New("admins belong to no administration")
	ErrAdministrationRequired   = errors.New("coordinators and respondents belong to an administration")
)

// CheckMembership is the one rule tying users to administrations, applied
// to accounts when they are created or changed and to tokens when they are
// issued or verified: a known role; no administration for admins; one for
// everyone else. It returns ErrUnknownRole, ErrAdministrationNotAllowed or
// ErrAdministrationRequired (wrapped with the role).
func CheckMembership(role Role, administration string) error {
	switch {
	case !role.Valid():
		return fmt.Errorf("%w %q", ErrUnknownRole, role)
	case !role.NeedsAdministration() && administration != "":
		return fmt.Errorf("role %s: %w", role, ErrAdministrationNotAllowed)
	case role.NeedsAdministration() && administration == "":
		return fmt.Errorf("role %s: %w", role, ErrAdministrationRequired)
	}
	return nil
}
