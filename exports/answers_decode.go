package exports

import (
	"encoding/json"
	"unicode/utf8"
)

// The stored answers come as json.Marshal wrote them. The readers below
// take the common forms directly, as json.Unmarshal would read them, and
// leave every other form to json.Unmarshal itself, which also names the
// fault of a malformed one: what they return is always what json.Unmarshal
// returns, only sooner.

// decodeString reads a JSON string.
func decodeString(raw []byte) (string, error) {
	if s, ok := plainString(raw); ok {
		return s, nil
	}
	var s string
	err := json.Unmarshal(raw, &s)
	return s, err
}

// plainString is the text of raw when raw is a JSON string whose escapes,
// if any, are of one character (\" \\ \/ \b \f \n \r \t), with no control
// character and valid UTF-8; false otherwise (\u escapes among them).
func plainString(raw []byte) (string, bool) {
	if len(raw) < 2 || raw[0] != '"' || raw[len(raw)-1] != '"' {
		return "", false
	}
	in := raw[1 : len(raw)-1]
	escaped := false
	for _, c := range in {
		if c < 0x20 || c == '"' {
			return "", false
		}
		if c == '\\' {
			escaped = true
			break
		}
	}
	if !utf8.Valid(in) {
		return "", false
	}
	if !escaped {
		return string(in), true
	}
	out := make([]byte, 0, len(in))
	for i := 0; i < len(in); i++ {
		c := in[i]
		switch {
		case c < 0x20 || c == '"':
			return "", false
		case c != '\\':
			out = append(out, c)
			continue
		}
		if i++; i == len(in) {
			return "", false
		}
		switch in[i] {
		case '"', '\\', '/':
			out = append(out, in[i])
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		default:
			return "", false
		}
	}
	return string(out), true
}

// decodeStrings reads a JSON array of strings: never nil, empty for [].
func decodeStrings(raw []byte) ([]string, error) {
	if keys, ok := plainStrings(raw); ok {
		return keys, nil
	}
	var keys []string
	err := json.Unmarshal(raw, &keys)
	return keys, err
}

// plainStrings reads an array of plain strings written without spaces, as
// json.Marshal writes it: ["a","b"].
func plainStrings(raw []byte) ([]string, bool) {
	if len(raw) < 2 || raw[0] != '[' || raw[len(raw)-1] != ']' {
		return nil, false
	}
	keys := []string{}
	for i := 1; i < len(raw)-1; {
		if len(keys) > 0 {
			if raw[i] != ',' {
				return nil, false
			}
			i++
		}
		end := i + 1
		for end < len(raw)-1 && raw[end] != '"' && raw[end] != '\\' {
			end++
		}
		if i >= len(raw)-1 || raw[i] != '"' || end >= len(raw)-1 || raw[end] != '"' {
			return nil, false
		}
		s, ok := plainString(raw[i : end+1])
		if !ok {
			return nil, false
		}
		keys = append(keys, s)
		i = end + 1
	}
	return keys, true
}

// decodeNumber reads a JSON number as json.Number would: its text as
// written.
func decodeNumber(raw []byte) (json.Number, error) {
	if isNumber(raw) {
		return json.Number(raw), nil
	}
	var n json.Number
	err := json.Unmarshal(raw, &n)
	return n, err
}

// isNumber reports whether s is a JSON number literal:
// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func isNumber(s []byte) bool {
	digits := func(i int) int {
		for i < len(s) && '0' <= s[i] && s[i] <= '9' {
			i++
		}
		return i
	}
	i := 0
	if i < len(s) && s[i] == '-' {
		i++
	}
	switch {
	case i < len(s) && s[i] == '0':
		i++
	case i < len(s) && '1' <= s[i] && s[i] <= '9':
		i = digits(i + 1)
	default:
		return false
	}
	if i < len(s) && s[i] == '.' {
		if j := digits(i + 1); j > i+1 {
			i = j
		} else {
			return false
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if j := digits(i); j > i {
			i = j
		} else {
			return false
		}
	}
	return i == len(s)
}
