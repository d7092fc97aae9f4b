package api

import (
	"net/url"
	"strconv"
	"unicode/utf8"

	"github.com/gin-gonic/gin"
)

// checkParams refuses, with a 400 naming the parameter, a request whose
// path parameters or query hold bytes that no key, code, e-mail or filter
// of the service can contain: invalid UTF-8 or control characters (NUL
// among them, which PostgreSQL refuses in text). So such input is answered
// the same way on both databases and never reaches SQL. It runs after the
// audit middleware has been entered, so that the attempt is still recorded.
func checkParams(c *gin.Context) {
	for _, p := range c.Params {
		if !plainText(p.Value) {
			writeProblem(c, problemMalformed, "the path parameter "+p.Key+" must be UTF-8 text without control characters", nil)
			return
		}
	}
	query, err := url.ParseQuery(c.Request.URL.RawQuery)
	if err != nil {
		writeProblem(c, problemMalformed, "the query string is not valid: "+err.Error(), nil)
		return
	}
	for name, values := range query {
		ok := plainText(name)
		for _, v := range values {
			ok = ok && plainText(v)
		}
		if !ok {
			writeProblem(c, problemMalformed, "the query parameter "+printableName(name)+" must be UTF-8 text without control characters", nil)
			return
		}
	}
	c.Next()
}

// plainText reports whether s is valid UTF-8 without control characters.
func plainText(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f {
			return false
		}
	}
	return true
}

// printableName shows a client-chosen name in a problem: as it is when it is
// plain text, else quoted with escapes.
func printableName(s string) string {
	if plainText(s) {
		return s
	}
	return strconv.QuoteToASCII(s)
}
