package users

import (
	"context"
	"unicode/utf8"

	"github.com/customs-survey/surveyd/auth"
	"github.com/customs-survey/surveyd/survey"
)

// maxEmailFilter bounds the piece of e-mail a list filters on: no address
// is longer.
const maxEmailFilter = 254

// ListPage returns one page of the accounts by may see (as List) that f
// selects, by e-mail. A filter that names no role, no administration code
// or more text than an e-mail holds is a validation error naming it (role,
// administration, q); another administration's code selects nothing for a
// coordinator, who sees only their own.
// Errors: ErrForbidden (any role but admin and coordinator),
// *ValidationError.
func (s *Service) ListPage(ctx context.Context, by auth.Principal, f survey.UserFilter, p survey.PageRequest) ([]survey.User, error) {
	if err := mayReadAccounts(by); err != nil {
		return nil, err
	}
	if err := CheckFilter(f); err != nil {
		return nil, err
	}
	return s.store.UserPage(ctx, survey.ScopeOf(by), f, p)
}

// CheckFilter applies the rules of a filter of the list of accounts, each
// problem naming the query parameter that carries the field.
func CheckFilter(f survey.UserFilter) error {
	v := &survey.ValidationError{}
	if f.Role != "" && !auth.Role(f.Role).Valid() {
		v.Add("role", survey.CodeNotAllowed, "must be one of: %s", auth.RoleNames())
	}
	if f.Administration != "" && !survey.IsAdministrationCode(f.Administration) {
		v.Add("administration", survey.CodeInvalidCode, "must be 2 to 8 upper-case letters or digits")
	}
	if !utf8.ValidString(f.EmailContains) {
		v.Add("q", survey.CodeInvalidText, "must be valid UTF-8")
	} else if utf8.RuneCountInString(f.EmailContains) > maxEmailFilter {
		v.Add("q", survey.CodeTooLong, "must be at most %d characters", maxEmailFilter)
	}
	return v.Err()
}
