package passwords

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
)

// TestHashMemoryBudget checks the bound on concurrent argon2id work: how many
// computations fit in a budget, that no more run at once, and that every
// function of the package that runs argon2id waits for room and gives up
// with ErrBusy, or when its caller goes away.
func TestHashMemoryBudget(t *testing.T) {
	t.Cleanup(func() { SetMemoryBudget(DefaultMemoryBudget) })

	t.Run("slots are the budget divided by one computation, at least one", func(t *testing.T) {
		for _, tt := range []struct {
			budget int64
			want   int
		}{
			{DefaultMemoryBudget, 3},
			{128 << 20, 6},
			{3*Memory() + Memory()/2, 3},
			{Memory(), 1},
			{1, 1},
		} {
			if got := SetMemoryBudget(tt.budget); got != tt.want || Slots() != tt.want {
				t.Errorf("SetMemoryBudget(%d) = %d (Slots %d), want %d", tt.budget, got, Slots(), tt.want)
			}
		}
	})

	t.Run("no more computations run at once than fit", func(t *testing.T) {
		SetMemoryBudget(3 * Memory())
		var running, peak atomic.Int32
		started, stop := make(chan struct{}), make(chan struct{})
		var wg sync.WaitGroup
		for range 5 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				err := withHashMemory(context.Background(), defaultParams, func() {
					n := running.Add(1)
					for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
					}
					started <- struct{}{}
					<-stop
					running.Add(-1)
				})
				if err != nil {
					t.Errorf("withHashMemory: %v", err)
				}
			}()
		}
		for range 3 {
			<-started
		}
		// Three run; the budget has no room left for the other two.
		if hashBudget.Load().sem.TryAcquire(1) {
			t.Fatal("the budget has room beside three computations")
		}
		if n := InFlight(); n != 3 {
			t.Errorf("InFlight() = %d with three computations running and two waiting, want 3", n)
		}
		close(stop)
		for range 2 {
			<-started
		}
		wg.Wait()
		if p := peak.Load(); p != 3 {
			t.Errorf("%d computations ran at once, want 3", p)
		}
		if n := InFlight(); n != 0 {
			t.Errorf("InFlight() = %d once every computation ended, want 0", n)
		}
	})

	// The budget is held by one computation for the rest of the test.
	SetMemoryBudget(Memory())
	held, stop := make(chan struct{}), make(chan struct{})
	holder := make(chan error)
	go func() {
		holder <- withHashMemory(context.Background(), defaultParams, func() { close(held); <-stop })
	}()
	<-held
	defer func() {
		close(stop)
		if err := <-holder; err != nil {
			t.Errorf("holding the budget: %v", err)
		}
	}()
	calls := []struct {
		name string
		run  func(ctx context.Context) error
	}{
		{"Hash", func(context.Context) error { _, err := Hash("a new password"); return err }},
		{"HashContext", func(ctx context.Context) error { _, err := HashContext(ctx, "a new password"); return err }},
		{"Verify", func(context.Context) error { _, err := Verify(DummyHash(), "a password"); return err }},
		{"VerifyContext", func(ctx context.Context) error {
			_, err := VerifyContext(ctx, DummyHash(), "a password")
			return err
		}},
		{"DummyVerify", func(ctx context.Context) error { return DummyVerify(ctx, "a password") }},
	}

	t.Run("with the budget full, every password function fails with ErrBusy after the wait", func(t *testing.T) {
		errs := make([]error, len(calls))
		var wg sync.WaitGroup
		for i, c := range calls {
			wg.Add(1)
			go func() { defer wg.Done(); errs[i] = c.run(context.Background()) }()
		}
		wg.Wait()
		for i, c := range calls {
			if !errors.Is(errs[i], ErrBusy) {
				t.Errorf("%s: %v, want ErrBusy", c.name, errs[i])
			}
		}
	})

	t.Run("a caller that has gone away stops waiting", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		for _, c := range calls {
			if c.name == "Hash" || c.name == "Verify" {
				continue // no context
			}
			if err := c.run(ctx); !errors.Is(err, context.Canceled) || errors.Is(err, ErrBusy) {
				t.Errorf("%s: %v, want context.Canceled", c.name, err)
			}
		}
	})
}

// TestHashLargerThanTheBudgetRunsAlone: a hash stored with more memory than
// the whole budget is still checked, alone.
func TestHashLargerThanTheBudgetRunsAlone(t *testing.T) {
	t.Cleanup(func() { SetMemoryBudget(DefaultMemoryBudget) })
	SetMemoryBudget(Memory())
	p := defaultParams
	p.memory *= 2
	ran := false
	if err := withHashMemory(context.Background(), p, func() { ran = true }); err != nil || !ran {
		t.Fatalf("withHashMemory = %v, ran %v", err, ran)
	}
}
