package survey

// IsKey reports whether s is a valid questionnaire, section, question,
// option or option set key: ^[a-z][a-z0-9_]{0,63}$ (API.md).
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
