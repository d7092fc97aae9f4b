package survey

// IsKey reports whether s is a valid questionnaire, section, question,
// option or option set key: ^[a-z][a-z0-9_]{0,63}$ (docs/api.md).
func IsKey(s string) bool {
	if len(s) == 0 || len(s) > 64 || s[0] < 'a' || s[0] > 'z' {
		return false
	}
	for i := 1; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// IsCampaignKey reports whether s is a valid campaign key:
// ^[a-z0-9][a-z0-9-]{0,63}$, such as customs-2023.
func IsCampaignKey(s string) bool {
	if len(s) == 0 || len(s) > 64 || !isLowerOrDigit(s[0]) {
		return false
	}
	for i := 1; i < len(s); i++ {
		if !isLowerOrDigit(s[i]) && s[i] != '-' {
			return false
		}
	}
	return true
}

// IsAdministrationCode reports whether s is a valid administration code: 2
// to 8 upper-case letters or digits (^[A-Z0-9]{2,8}$), such as BE or EL.
func IsAdministrationCode(s string) bool {
	if len(s) < 2 || len(s) > 8 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !('A' <= s[i] && s[i] <= 'Z' || '0' <= s[i] && s[i] <= '9') {
			return false
		}
	}
	return true
}

func isLowerOrDigit(c byte) bool { return 'a' <= c && c <= 'z' || '0' <= c && c <= '9' }
