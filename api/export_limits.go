package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"sync"
	"syscall"
	"time"

	"github.com/gin-gonic/gin"
)

// ExportLimits bound the responses exports, so that no client, however
// slow, holds more of the service than its share. Zero values take the
// defaults.
type ExportLimits struct {
	// PerCaller is how many exports one account may run at once
	// (default 2).
	PerCaller int
	// InProcess is how many exports the process runs at once (default 4,
	// well below the database pool: 8 connections on SQLite, 20 on
	// PostgreSQL).
	InProcess int
	// WriteTimeout is how long each chunk of an export may take to reach
	// the client (default 30 s): a client that stops reading for that long
	// is cut off.
	WriteTimeout time.Duration
}

// Defaults of ExportLimits.
const (
	defaultExportsPerCaller   = 2
	defaultExportsInProcess   = 4
	defaultExportWriteTimeout = 30 * time.Second
)

// exportRetryAfter is the Retry-After, in seconds, of an export refused
// because too many run.
const exportRetryAfter = 5

func (l ExportLimits) withDefaults() ExportLimits {
	if l.PerCaller <= 0 {
		l.PerCaller = defaultExportsPerCaller
	}
	if l.InProcess <= 0 {
		l.InProcess = defaultExportsInProcess
	}
	if l.WriteTimeout <= 0 {
		l.WriteTimeout = defaultExportWriteTimeout
	}
	return l
}

// exportSlots counts the exports running, per caller and in all.
type exportSlots struct {
	limits   ExportLimits
	mu       sync.Mutex
	running  int
	byCaller map[string]int
}

func newExportSlots(limits ExportLimits) *exportSlots {
	return &exportSlots{limits: limits.withDefaults(), byCaller: map[string]int{}}
}

// acquire takes a slot for caller, or says why there is none; release gives
// it back.
func (l *exportSlots) acquire(caller string) (release func(), refusal string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	switch {
	case l.byCaller[caller] >= l.limits.PerCaller:
		return nil, fmt.Sprintf("you are already running %d exports", l.limits.PerCaller)
	case l.running >= l.limits.InProcess:
		return nil, fmt.Sprintf("the server is already running %d exports", l.limits.InProcess)
	}
	l.running++
	l.byCaller[caller]++
	var once sync.Once
	return func() {
		once.Do(func() {
			l.mu.Lock()
			defer l.mu.Unlock()
			l.running--
			if l.byCaller[caller]--; l.byCaller[caller] == 0 {
				delete(l.byCaller, caller)
			}
		})
	}, ""
}

// deadlineWriter writes an export to its client, each write and flush with
// a deadline of its own: a client that stops reading is cut off after
// timeout, not after the server's write timeout. No deadline goes past the
// server's write timeout counted from the start of the export, which thus
// still bounds the whole answer.
type deadlineWriter struct {
	w       http.ResponseWriter
	rc      *http.ResponseController
	timeout time.Duration
	last    time.Time // the latest deadline allowed; zero for none
}

func newDeadlineWriter(c *gin.Context, timeout time.Duration) *deadlineWriter {
	d := &deadlineWriter{w: c.Writer, rc: http.NewResponseController(c.Writer), timeout: timeout}
	if srv, ok := c.Request.Context().Value(http.ServerContextKey).(*http.Server); ok && srv.WriteTimeout > 0 {
		d.last = time.Now().Add(srv.WriteTimeout)
	}
	return d
}

func (d *deadlineWriter) extend() error {
	deadline := time.Now().Add(d.timeout)
	if !d.last.IsZero() && deadline.After(d.last) {
		deadline = d.last
	}
	err := d.rc.SetWriteDeadline(deadline)
	if errors.Is(err, http.ErrNotSupported) {
		return nil // not a network connection (a recorder in tests)
	}
	return err
}

func (d *deadlineWriter) Write(p []byte) (int, error) {
	if err := d.extend(); err != nil {
		return 0, err
	}
	return d.w.Write(p)
}

// Flush sends what is buffered to the client.
func (d *deadlineWriter) Flush() error {
	if err := d.extend(); err != nil {
		return err
	}
	return d.rc.Flush()
}

// clientGone reports whether an export failed because of its client: it
// went away, or stopped reading until the write deadline passed.
func clientGone(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, os.ErrDeadlineExceeded) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE)
}
