package exports

import (
	"encoding/json"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The appenders below write a cell of the responses export into a buffer,
// byte for byte as cell.csv through encoding/csv, and cell.json, write it,
// without the strings those allocate on the way.

// appendCSVCell appends the CSV field of c.
func appendCSVCell(dst []byte, c *cell) []byte {
	switch c.kind {
	case kindText:
		if SafeCell(c.text) != c.text {
			return appendCSVField(dst, "'", c.text)
		}
		return appendCSVField(dst, "", c.text)
	case kindTime: // digits and separators: never quoted
		return c.time.UTC().AppendFormat(dst, timestampLayout)
	case kindNumber:
		return appendCSVField(dst, "", c.text)
	}
	return appendCSVField(dst, "", c.csv())
}

// appendCSVField appends the field prefix+s as encoding/csv's Writer writes
// it (comma-separated, lines ending in \n): quoted when it holds a comma, a
// quote, a line break or is `\.`, or begins with white space, its quotes
// doubled. prefix is empty or a quote, which needs no quoting.
func appendCSVField(dst []byte, prefix, s string) []byte {
	quote := s == `\.` && prefix == ""
	for i := 0; !quote && i < len(s); i++ {
		c := s[i]
		quote = c == ',' || c == '"' || c == '\r' || c == '\n'
	}
	if !quote && s != "" && prefix == "" {
		if c := s[0]; c < utf8.RuneSelf {
			quote = c == ' ' || '\t' <= c && c <= '\r' // unicode.IsSpace, for ASCII
		} else {
			r, _ := utf8.DecodeRuneInString(s)
			quote = unicode.IsSpace(r)
		}
	}
	if !quote {
		return append(append(dst, prefix...), s...)
	}
	dst = append(append(dst, '"'), prefix...)
	for {
		i := strings.IndexByte(s, '"')
		if i < 0 {
			break
		}
		dst = append(dst, s[:i+1]...)
		dst = append(dst, '"')
		s = s[i+1:]
	}
	return append(append(dst, s...), '"')
}

// appendJSONCell appends the JSON value of c.
func appendJSONCell(dst []byte, c *cell) ([]byte, error) {
	switch c.kind {
	case kindEmpty:
		return append(dst, "null"...), nil
	case kindText:
		return appendJSONString(dst, c.text)
	case kindTime:
		dst = append(dst, '"')
		return append(c.time.UTC().AppendFormat(dst, timestampLayout), '"'), nil
	case kindNumber:
		return append(dst, c.text...), nil
	case kindChoices, kindLabels:
		if c.choices == nil {
			return append(dst, "null"...), nil
		}
		dst = append(dst, '[')
		for i, key := range c.choices {
			if i > 0 {
				dst = append(dst, ',')
			}
			var err error
			if dst, err = appendJSONString(dst, key); err != nil {
				return dst, err
			}
		}
		return append(dst, ']'), nil
	}
	v, err := c.json()
	return append(dst, v...), err
}

// appendJSONString appends s as json.Marshal writes it: a string of
// printable ASCII but for the quote, the backslash and what json.Marshal
// escapes for HTML (< > &) goes as it is, any other through json.Marshal.
func appendJSONString(dst []byte, s string) ([]byte, error) {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			v, err := json.Marshal(s)
			return append(dst, v...), err
		}
	}
	return append(append(append(dst, '"'), s...), '"'), nil
}
