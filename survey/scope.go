package survey

import "github.com/customs-survey/surveyd/auth"

// Scope is what a read or write may see of the campaigns and of what hangs
// under them (responses, progress rows, exports) and of the user accounts:
// everything, or what belongs to one administration, with or without the
// campaigns still in draft (hidden from respondents). The use cases derive
// it from the caller (ScopeOf), or use Everything for the service's own
// work such as scoring; the store applies it. The zero Scope sees nothing.
type Scope struct {
	All            bool
	Administration string
	HideDrafts     bool
}

// Everything sees every campaign and every account.
var Everything = Scope{All: true}

// ScopeOf is what p may see: admins everything; anyone else what belongs
// to their administration (nothing without one), without draft campaigns
// unless they coordinate it.
func ScopeOf(p auth.Principal) Scope {
	if p.Role == auth.RoleAdmin {
		return Everything
	}
	return Scope{Administration: p.Administration, HideDrafts: p.Role != auth.RoleCoordinator}
}

// Sees reports whether the scope covers something of the administration
// code (an account's, a progress row's), ignoring drafts.
func (sc Scope) Sees(administration string) bool {
	return sc.All || (sc.Administration != "" && sc.Administration == administration)
}
