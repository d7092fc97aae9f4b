package loadgen

import (
	"context"
	"errors"
	"math/rand"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestMeasureCountsRounds: with Rounds set, exactly that many rounds run,
// spread over the workers; failed rounds are errors, not submissions,
// and every call's latency is kept.
func TestMeasureCountsRounds(t *testing.T) {
	for _, c := range []struct {
		name               string
		workers, rounds    int
		failEvery          int
		wantOK, wantErrors int
	}{
		{"one worker", 1, 10, 0, 10, 0},
		{"more workers than rounds", 8, 5, 0, 5, 0},
		{"every third round fails", 4, 30, 3, 20, 10},
	} {
		t.Run(c.name, func(t *testing.T) {
			var n atomic.Int64
			res := Measure(context.Background(), Options{Workers: c.workers, Rounds: c.rounds}, func(int) Round {
				return func(_ context.Context, _ *rand.Rand, timed func(string, time.Time)) error {
					timed("save", time.Now())
					if c.failEvery > 0 && n.Add(1)%int64(c.failEvery) == 0 {
						return errors.New("refused")
					}
					return nil
				}
			})
			if res.Rounds != c.wantOK || res.Errors != c.wantErrors {
				t.Errorf("%d rounds, %d errors; want %d, %d", res.Rounds, res.Errors, c.wantOK, c.wantErrors)
			}
			if len(res.Calls["save"]) != c.rounds || len(res.Calls["save+submit"]) != c.wantOK {
				t.Errorf("%d saves and %d rounds timed, want %d and %d", len(res.Calls["save"]), len(res.Calls["save+submit"]), c.rounds, c.wantOK)
			}
		})
	}
}

// TestQuantile: nearest rank, whatever the order the latencies came in.
func TestQuantile(t *testing.T) {
	var d []time.Duration
	for i := 100; i >= 1; i-- {
		d = append(d, time.Duration(i)*time.Millisecond)
	}
	r := &Result{Calls: map[string][]time.Duration{"submit": d}}
	for _, c := range []struct {
		q    float64
		want time.Duration
	}{{0.5, 50 * time.Millisecond}, {0.95, 95 * time.Millisecond}, {0.99, 99 * time.Millisecond}, {1, 100 * time.Millisecond}} {
		if got := r.Quantile("submit", c.q); got != c.want {
			t.Errorf("p%g = %v, want %v", c.q*100, got, c.want)
		}
	}
	if got := r.Quantile("save", 0.5); got != 0 {
		t.Errorf("quantile of no call = %v, want 0", got)
	}
}

// TestAlternate: the two measurements take turns a b b a ..., share out
// the rounds, every one of them run once, and each sum holds its own
// turns only.
func TestAlternate(t *testing.T) {
	for _, c := range []struct {
		slices, rounds int
		order          string
	}{
		{1, 10, "ab"},
		{2, 10, "abba"},
		{3, 10, "abbaab"},
		{4, 9, "abbaabba"},
		{4, 3, "abbaabba"}, // fewer rounds than turns
	} {
		t.Run(c.order, func(t *testing.T) {
			var order []byte
			ran := map[byte]int{}
			measure := func(name byte) func(context.Context, Options) *Result {
				return func(ctx context.Context, o Options) *Result {
					order = append(order, name)
					ran[name] += o.Rounds
					return Measure(ctx, o, func(int) Round {
						return func(context.Context, *rand.Rand, func(string, time.Time)) error {
							if name == 'b' {
								return errors.New("refused")
							}
							return nil
						}
					})
				}
			}
			// A duration too, which rounds override.
			a, b := Alternate(context.Background(), Options{Workers: 2, Rounds: c.rounds, Duration: time.Hour}, c.slices,
				measure('a'), measure('b'))
			if string(order) != c.order {
				t.Errorf("turns %s, want %s", order, c.order)
			}
			if ran['a'] != c.rounds || ran['b'] != c.rounds {
				t.Errorf("rounds asked for: a %d, b %d; want %d each", ran['a'], ran['b'], c.rounds)
			}
			if a.Rounds != c.rounds || a.Errors != 0 || b.Rounds != 0 || b.Errors != c.rounds || len(a.Calls["save+submit"]) != c.rounds {
				t.Errorf("a: %d rounds, %d errors; b: %d rounds, %d errors; want %d successes of a and %d errors of b",
					a.Rounds, a.Errors, b.Rounds, b.Errors, c.rounds, c.rounds)
			}
		})
	}
}

// TestMeasurePaces: with Every, a worker starts a round every Every, the
// workers' starts spread over it; a round whose time comes while the last
// one is under way starts late, is counted so, and its whole round is
// timed from when it was due.
func TestMeasurePaces(t *testing.T) {
	const every = 30 * time.Millisecond
	t.Run("on time", func(t *testing.T) {
		var mu sync.Mutex
		starts := map[int][]time.Time{}
		begin := time.Now()
		res := Measure(context.Background(), Options{Workers: 2, Rounds: 6, Every: every}, func(i int) Round {
			return func(context.Context, *rand.Rand, func(string, time.Time)) error {
				mu.Lock()
				defer mu.Unlock()
				starts[i] = append(starts[i], time.Now())
				return nil
			}
		})
		if res.Rounds != 6 {
			t.Fatalf("%d rounds, want 6", res.Rounds)
		}
		// Worker i's round k falls due i·every/2 + k·every after the
		// start: never before (a round may start after its time, when
		// the machine is busy, and the next one on time).
		for i, s := range starts {
			for k, at := range s {
				if due := time.Duration(i)*every/2 + time.Duration(k)*every; at.Sub(begin) < due {
					t.Errorf("worker %d began round %d %v after the start, before it fell due at %v", i, k, at.Sub(begin), due)
				}
			}
		}
	})
	t.Run("late", func(t *testing.T) {
		const slow = 3 * every
		res := Measure(context.Background(), Options{Workers: 1, Rounds: 3, Every: every}, func(int) Round {
			return func(context.Context, *rand.Rand, func(string, time.Time)) error {
				time.Sleep(slow)
				return nil
			}
		})
		if res.Late != 2 {
			t.Errorf("%d rounds late, want 2", res.Late)
		}
		// Due at 0, every, 2·every; they end at slow, 2·slow, 3·slow at
		// the earliest.
		rounds := res.Calls["save+submit"]
		slices.Sort(rounds)
		for k, d := range rounds {
			if want := time.Duration(k+1)*slow - time.Duration(k)*every; d < want {
				t.Errorf("round %d took %v from when it was due, want at least %v", k, d, want)
			}
		}
	})
	t.Run("late past the end", func(t *testing.T) {
		// For a duration: the rounds due before its end all run, those
		// that can only start after it too.
		const slow = 3 * every
		res := Measure(context.Background(), Options{Workers: 1, Duration: every*2 + every/2, Every: every}, func(int) Round {
			return func(context.Context, *rand.Rand, func(string, time.Time)) error {
				time.Sleep(slow)
				return nil
			}
		})
		if res.Rounds != 3 || res.Late != 2 {
			t.Errorf("%d rounds, %d late; want 3, 2 late", res.Rounds, res.Late)
		}
	})
}
