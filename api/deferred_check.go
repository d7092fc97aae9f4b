package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/customs-survey/surveyd/auth"
)

// deferredCheckRoutes are the routes whose change carries the rest of the
// check of the caller's access token (auth.Deferred): a save and a
// submission of a response, each otherwise one statement on PostgreSQL.
// A request with an Idempotency-Key is checked in full first: its key is
// claimed before the change.
var deferredCheckRoutes = map[string]bool{
	http.MethodPut + " /api/v1/campaigns/:key/response":         true,
	http.MethodPost + " /api/v1/campaigns/:key/response/submit": true,
}

// defersCheck reports whether the request's token check may be left for
// its change.
func defersCheck(c *gin.Context) bool {
	return deferredCheckRoutes[c.Request.Method+" "+c.FullPath()] && c.GetHeader("Idempotency-Key") == ""
}

// confirmingWriter holds back the answer to a request whose token check
// was deferred until the check is confirmed: by the change's statement,
// or else, at the first byte of the answer, by the full check. When the
// full check refuses the token, the handler's answer is dropped, headers
// included, and the request answered 401 as a request with that token
// is anywhere else, as an anonymous one.
type confirmingWriter struct {
	gin.ResponseWriter
	s         *server
	c         *gin.Context
	check     *auth.Deferred
	anonymous *http.Request // the request before the principal was put in it
	header    http.Header   // the headers before the handlers
	refused   bool
}

// pass confirms the check if it is still to be made, and reports whether
// the handler's answer may go out.
func (w *confirmingWriter) pass() bool {
	if w.refused {
		return false
	}
	err := w.check.Confirm(w.c.Request.Context())
	if err == nil {
		return true
	}
	w.refused = true
	h := w.ResponseWriter.Header()
	for k := range h {
		delete(h, k)
	}
	for k, v := range w.header {
		h[k] = v
	}
	w.c.Request = w.anonymous
	w.c.Writer = w.ResponseWriter
	w.s.writeError(w.c, err)
	w.c.Writer = w
	w.c.Abort()
	return false
}

func (w *confirmingWriter) WriteHeaderNow() {
	if w.pass() {
		w.ResponseWriter.WriteHeaderNow()
	}
}

func (w *confirmingWriter) Write(b []byte) (int, error) {
	if !w.pass() {
		return len(b), nil
	}
	return w.ResponseWriter.Write(b)
}

func (w *confirmingWriter) WriteString(s string) (int, error) {
	if !w.pass() {
		return len(s), nil
	}
	return w.ResponseWriter.WriteString(s)
}

func (w *confirmingWriter) Flush() {
	if w.pass() {
		w.ResponseWriter.Flush()
	}
}

// authenticateDeferred is authenticate for a route whose change carries
// the rest of the token's check (defersCheck).
func (s *server) authenticateDeferred(c *gin.Context, token string) {
	p, check, err := s.auth.AuthenticateDeferred(c.Request.Context(), token)
	if err != nil {
		s.writeError(c, err)
		return
	}
	anonymous := c.Request
	ctx := auth.WithPrincipal(c.Request.Context(), p)
	if check == nil {
		c.Request = c.Request.WithContext(ctx)
		c.Next()
		return
	}
	c.Request = c.Request.WithContext(auth.WithDeferred(ctx, check))
	w := &confirmingWriter{ResponseWriter: c.Writer, s: s, c: c, check: check, anonymous: anonymous,
		header: c.Writer.Header().Clone()}
	c.Writer = w
	c.Next()
	// An answer with no body goes out after the handlers, on gin's own
	// writer: confirm before it does.
	if !w.Written() {
		w.pass()
	}
}
