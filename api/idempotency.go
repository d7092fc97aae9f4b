package api

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/customs-survey/surveyd/survey"
)

// idempotent makes an authenticated POST with an Idempotency-Key header
// safe to retry: the first request runs and its answer is kept in the
// database; a retry with the same key and the same body gets that answer
// again (with Idempotent-Replayed: true) without acting twice, whichever
// server process it reaches; the same key with another body is a 422.
// Answers of 5xx are not kept, so that a failed request can be retried.
func (s *server) idempotent(c *gin.Context) {
	key := c.GetHeader("Idempotency-Key")
	if c.Request.Method != http.MethodPost || key == "" {
		c.Next()
		return
	}
	if len(key) > 255 || !printable(key) {
		s.writeError(c, survey.Invalid("Idempotency-Key", survey.CodeInvalidKey, "must be 1 to 255 printable ASCII characters"))
		return
	}
	if secretAnswerRoutes[c.Request.Method+" "+c.FullPath()] {
		s.writeError(c, survey.Invalid("Idempotency-Key", survey.CodeNotAllowed,
			"is not taken here: the answer holds one-time passwords, which are never kept; send the request without it"))
		return
	}
	body, err := readBody(c)
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.Request.Body = io.NopCloser(bytes.NewReader(body))
	h := sha256.New()
	h.Write([]byte(c.Request.Method + " " + c.Request.URL.Path + "\n"))
	h.Write(body)
	hash := hex.EncodeToString(h.Sum(nil))
	who := principal(c).UserID

	stored, err := s.store.BeginIdempotent(c.Request.Context(), who, key, hash, idempotencyTTL,
		func(claim survey.IdempotencyClaim) (bool, error) { return reuseClaim(claim, hash, s.now()) })
	if err != nil {
		s.writeError(c, err)
		return
	}
	if stored != nil {
		replay(c, stored)
		return
	}
	rec := &recordingWriter{ResponseWriter: c.Writer}
	c.Writer = rec
	c.Next()

	var answer *survey.StoredAnswer
	if status := rec.Status(); status < 500 {
		hdr := rec.Header()
		answer = &survey.StoredAnswer{Status: status, ContentType: hdr.Get("Content-Type"), ETag: hdr.Get("ETag"),
			Location: hdr.Get("Location"), Body: rec.body.Bytes()}
	}
	// The answer has been sent; if keeping it fails, a retry runs the
	// request again, which is what would happen without the header.
	ctx := c.Request.Context()
	if err := s.store.FinishIdempotent(context.WithoutCancel(ctx), who, key, answer); err != nil {
		s.log.LogAttrs(ctx, slog.LevelError, "idempotency record", slog.String("request_id", requestID(c)), slog.String("error", err.Error()))
	}
}

// secretAnswerRoutes are the routes whose answers hold secrets (one-time
// passwords, shown once and kept only as hashes). A kept answer would keep
// them in the database for idempotencyTTL, readable by whoever reads its
// records, so an Idempotency-Key is refused there (422 not_allowed on
// Idempotency-Key), before anything is claimed or run. A retry of such a
// request acts again: a reset gives another one-time password, and an
// import, all or nothing, reports the e-mails of one that succeeded as
// taken.
var secretAnswerRoutes = map[string]bool{
	"POST /api/v1/users/import":             true,
	"POST /api/v1/users/:id/password-reset": true,
}

// Idempotency-Key claims live this long; a request in progress that long
// is taken to have died with its process.
const (
	idempotencyTTL   = 24 * time.Hour
	idempotencyLease = time.Minute
)

// reuseClaim is the rule of a key used again: for another request, a
// problem; for the same one, its kept answer replayed (true), or, while it
// is still in progress, a conflict, unless it has been for longer than the
// lease: the first attempt died mid-way and this one takes over (false).
func reuseClaim(claim survey.IdempotencyClaim, requestHash string, now time.Time) (bool, error) {
	switch {
	case claim.RequestHash != requestHash:
		return false, survey.Invalid("Idempotency-Key", survey.CodeIdempotencyKeyReused,
			"this key was used for another request; use a new key for a new request")
	case claim.Answer != nil:
		return true, nil
	case now.Sub(claim.ClaimedAt) < idempotencyLease:
		return false, survey.Errorf(survey.ErrConflict, "a request with this Idempotency-Key is still in progress")
	}
	return false, nil
}

func replay(c *gin.Context, a *survey.StoredAnswer) {
	h := c.Writer.Header()
	for name, value := range map[string]string{"Content-Type": a.ContentType, "ETag": a.ETag, "Location": a.Location} {
		if value != "" {
			h.Set(name, value)
		}
	}
	h.Set("Idempotent-Replayed", "true")
	c.Status(a.Status)
	_, _ = c.Writer.Write(a.Body)
	c.Abort()
}

// recordingWriter keeps a copy of what the handler writes.
type recordingWriter struct {
	gin.ResponseWriter
	body bytes.Buffer
}

func (w *recordingWriter) Write(b []byte) (int, error) {
	w.body.Write(b)
	return w.ResponseWriter.Write(b)
}

func (w *recordingWriter) WriteString(s string) (int, error) {
	w.body.WriteString(s)
	return w.ResponseWriter.WriteString(s)
}

func printable(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return true
}
