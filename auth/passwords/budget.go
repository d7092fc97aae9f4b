package passwords

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/semaphore"
)

// Password hashing is the service's largest use of memory by far: every
// argon2id computation (the check of a login, the dummy check of an unknown
// e-mail, the hash of a new password) allocates its whole memory parameter
// at once, 19 MiB with the current parameters. Concurrent computations share
// one memory budget per process: a computation that does not fit waits, for
// at most WaitLimit and only while its context lives, and then fails
// with ErrBusy. Every function of this package that runs argon2id goes
// through the budget.

// DefaultMemoryBudget is the memory budget of password hashing unless
// SetMemoryBudget sets another: 64 MiB, three computations at once with
// the current parameters, which is as many as two cores can run without
// making each one slower. While computations keep coming, the Go runtime
// may hold up to about twice the budget before it collects the memory of
// finished ones; it is handed back once they pause (returnHashMemory).
const DefaultMemoryBudget int64 = 64 << 20

// WaitLimit is the longest a computation waits for room in the budget.
const WaitLimit = 2 * time.Second

// ErrBusy means the memory budget of password hashing stayed full for
// WaitLimit: the password was not checked (or hashed), and the request
// may be retried shortly. The api package answers 503 with Retry-After.
var ErrBusy = errors.New("password hashing is at capacity; try again shortly")

// hashBudget is the process's budget; it is replaced, never changed.
var hashBudget atomic.Pointer[memoryBudget]

// inFlight counts the computations running now, inside the budget (not
// those waiting for room), for the service's metrics.
var inFlight atomic.Int64

type memoryBudget struct {
	sem  *semaphore.Weighted
	size int64 // bytes
}

func init() { SetMemoryBudget(DefaultMemoryBudget) }

// Memory is the memory, in bytes, that one argon2id computation with the
// current parameters takes.
func Memory() int64 { return hashMemory(defaultParams) }

func hashMemory(p argonParams) int64 { return int64(p.memory) << 10 }

// SetMemoryBudget sets the memory budget of password hashing, in bytes,
// and returns how many computations with the current parameters fit in it.
// A budget smaller than one computation is raised to one. It is meant to be
// called once at start-up: computations already running or waiting keep the
// budget they started with.
func SetMemoryBudget(bytes int64) int {
	size := max(bytes, Memory())
	hashBudget.Store(&memoryBudget{sem: semaphore.NewWeighted(size), size: size})
	return int(size / Memory())
}

// Slots is how many computations with the current parameters fit in the
// budget.
func Slots() int { return int(hashBudget.Load().size / Memory()) }

// InFlight is how many computations are running now. Compared with Slots,
// it shows how close logins are to waiting for room in the budget.
func InFlight() int { return int(inFlight.Load()) }

// withHashMemory runs fn, an argon2id computation with parameters p, once
// the budget has room for it. A computation larger than the whole budget
// (a hash stored with larger parameters) runs alone. It fails with ErrBusy
// after WaitLimit, or with ctx's error when ctx ends first.
func withHashMemory(ctx context.Context, p argonParams, fn func()) error {
	b := hashBudget.Load()
	need := min(hashMemory(p), b.size)
	wait, cancel := context.WithTimeout(ctx, WaitLimit)
	defer cancel()
	if err := b.sem.Acquire(wait, need); err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return fmt.Errorf("password hashing: %w", ctxErr)
		}
		return ErrBusy
	}
	defer b.sem.Release(need)
	inFlight.Add(1)
	defer func() {
		if inFlight.Add(-1) == 0 {
			returnHashMemory()
		}
	}()
	fn()
	return nil
}

// returnAfter is how long password hashing must have been idle before
// the memory of its computations is handed back to the operating system.
const returnAfter = time.Second

var (
	returnMu    sync.Mutex
	returnTimer *time.Timer
)

// returnHashMemory hands the memory of finished computations back to the
// operating system once none has run for returnAfter. Each computation
// leaves its whole memory parameter as garbage (19 MiB, more than the
// rest of the server's live heap), which the Go runtime would otherwise
// keep, resident, for minutes after a burst of logins. Returning it takes
// a full collection: waiting for the computations to pause for a second
// makes it one per burst of logins, not one per login of the burst (logins
// further apart each still cost one, a few milliseconds on the server's
// heap).
func returnHashMemory() {
	returnMu.Lock()
	defer returnMu.Unlock()
	if returnTimer == nil {
		returnTimer = time.AfterFunc(returnAfter, func() {
			if inFlight.Load() == 0 {
				debug.FreeOSMemory()
			}
		})
		return
	}
	returnTimer.Reset(returnAfter)
}
