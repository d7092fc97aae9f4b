// Package loadgen runs respondents at once, each saving and submitting
// over and over, and sums up what they saw: submissions per second and
// the latencies of each call. cmd/surveyload runs it against a server,
// the submission benchmark of package api against the router in the
// same process; both put it beside the same rows written straight to the
// database (Direct).
package loadgen

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/customs-survey/surveyd/internal/randanswers"
	"github.com/customs-survey/surveyd/store"
	"github.com/customs-survey/surveyd/survey"
)

// Round is one respondent's save and submission. It reports the latency
// of each call it makes to timed, under the call's name ("save",
// "submit").
type Round func(ctx context.Context, rng *rand.Rand, timed func(call string, start time.Time)) error

// Options say how long a measurement runs: for Duration, or until
// Rounds rounds have started (whichever is set; Rounds wins). Without
// Every, each worker starts a round as soon as its last one ends: the
// most the system takes, with every call queueing behind the others.
// With Every, each worker starts a round every Every (worker i first
// after i·Every/Workers, so that starts are spread evenly), as
// respondents who pause between rounds: an offered load of
// Workers/Every rounds a second. A round whose time comes while the
// worker's last one is still under way starts when it ends (it is
// late), and its whole round ("save+submit") is timed from when it was
// due, so that the wait counts: a round that starts after its time for
// any other reason (the load generator's own wait for a core) is timed
// from then too.
type Options struct {
	Workers  int
	Duration time.Duration
	Rounds   int
	Seed     int64
	Every    time.Duration
}

// Result is what one measurement counted: rounds (a save and a
// submission each), errors, and the latency of every call by name, the
// whole round under "save+submit"; with Options.Every, the rounds that
// started late, their time come while the worker's last round was under
// way.
type Result struct {
	Rounds   int
	Errors   int
	FirstErr error
	Elapsed  time.Duration
	Calls    map[string][]time.Duration
	Late     int
}

// Rate is the rounds per second: submissions per second.
func (r *Result) Rate() float64 { return float64(r.Rounds) / r.Elapsed.Seconds() }

// Quantile is the q-quantile (nearest rank) of a call's latencies.
func (r *Result) Quantile(call string, q float64) time.Duration {
	d := r.Calls[call]
	if len(d) == 0 {
		return 0
	}
	slices.Sort(d)
	i := int(q*float64(len(d))+0.5) - 1
	return d[max(0, min(i, len(d)-1))]
}

// Print writes the rate and, per call, p50, p95, p99 and the maximum.
func (r *Result) Print(out io.Writer, title string) {
	fmt.Fprintf(out, "%s: %d submissions in %s: %.0f submissions/s", title, r.Rounds, r.Elapsed.Round(time.Millisecond), r.Rate())
	if r.Late > 0 {
		fmt.Fprintf(out, ", %d started late", r.Late)
	}
	if r.Errors > 0 {
		fmt.Fprintf(out, ", %d errors (first: %v)", r.Errors, r.FirstErr)
	}
	fmt.Fprintln(out)
	for _, name := range []string{"save", "submit", "save+submit"} {
		if len(r.Calls[name]) == 0 {
			continue
		}
		fmt.Fprintf(out, "  %-12s p50 %6.1f ms  p95 %6.1f ms  p99 %6.1f ms  max %6.1f ms\n", name,
			ms(r.Quantile(name, 0.50)), ms(r.Quantile(name, 0.95)), ms(r.Quantile(name, 0.99)), ms(r.Quantile(name, 1)))
	}
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// Measure runs o.Workers workers at once, worker i doing the rounds of
// round(i) one after the other (or one every o.Every), until the time or
// the count of rounds is up, and gathers what they counted. No round
// starts once the time is up; the rounds under way then finish and
// count, and the measurement ends with the last of them, so that none is
// left for whatever runs next to pay for.
func Measure(ctx context.Context, o Options, round func(i int) Round) *Result {
	res := &Result{Calls: map[string][]time.Duration{}}
	deadline := time.Now().Add(o.Duration)
	var started atomic.Int64
	more := func() bool {
		if o.Rounds == 0 {
			return ctx.Err() == nil && time.Now().Before(deadline)
		}
		return ctx.Err() == nil && started.Add(1) <= int64(o.Rounds)
	}
	var mu sync.Mutex
	var wg sync.WaitGroup
	start := time.Now()
	for i := range o.Workers {
		work := round(i)
		wg.Go(func() {
			rng := rand.New(rand.NewSource(o.Seed + int64(i)))
			calls := map[string][]time.Duration{}
			timed := func(call string, start time.Time) { calls[call] = append(calls[call], time.Since(start)) }
			rounds, errs, late := 0, 0, 0
			var first error
			due := start.Add(o.Every * time.Duration(i) / time.Duration(o.Workers))
			for {
				// The last round ended after this one fell due.
				behind := o.Every > 0 && rounds+errs > 0 && time.Now().After(due)
				if o.Every > 0 {
					if o.Rounds == 0 && !due.Before(deadline) {
						break
					}
					if !sleepUntil(ctx, due) {
						break
					}
				}
				// Paced for a duration, a round falls due before the
				// end or not at all (above): one that starts late,
				// after the end, still runs.
				if o.Every > 0 && o.Rounds == 0 {
					if ctx.Err() != nil {
						break
					}
				} else if !more() {
					break
				}
				if behind {
					late++
				}
				t := time.Now()
				if o.Every > 0 {
					t, due = due, due.Add(o.Every)
				}
				if err := work(ctx, rng, timed); err != nil {
					if ctx.Err() != nil {
						break
					}
					errs++
					first = cmpErr(first, err)
					continue
				}
				timed("save+submit", t)
				rounds++
			}
			mu.Lock()
			defer mu.Unlock()
			res.Rounds += rounds
			res.Errors += errs
			res.Late += late
			res.FirstErr = cmpErr(res.FirstErr, first)
			for k, v := range calls {
				res.Calls[k] = append(res.Calls[k], v...)
			}
		})
	}
	wg.Wait()
	res.Elapsed = time.Since(start)
	return res
}

// sleepUntil waits until t, or until ctx is done: false then.
func sleepUntil(ctx context.Context, t time.Time) bool {
	wait := time.Until(t)
	if wait <= 0 {
		return ctx.Err() == nil
	}
	timer := time.NewTimer(wait)
	defer timer.Stop()
	select {
	case <-timer.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// Alternate measures a and b in turns, slices times each, in the order
// a b b a a b b a ..., each turn for o's duration or count of rounds
// divided by slices, and adds up each one's turns. A slow spell of the
// machine or of the database (a checkpoint, a vacuum) then falls on both
// alike instead of on whichever ran at the time, and their ratio keeps
// steady from one run to the next.
func Alternate(ctx context.Context, o Options, slices int, a, b func(context.Context, Options) *Result) (*Result, *Result) {
	slices = max(slices, 1)
	turn := o
	turn.Duration, turn.Rounds = o.Duration/time.Duration(slices), o.Rounds/slices
	if o.Rounds > 0 {
		turn.Duration = 0 // a turn given no round runs none
	}
	sum := [2]*Result{{Calls: map[string][]time.Duration{}}, {Calls: map[string][]time.Duration{}}}
	for i := range 2 * slices {
		// 0 1 1 0 0 1 1 0 ...: a first, then two turns each.
		which := (i + 1) / 2 % 2
		t := turn
		if o.Rounds > 0 && i >= 2*slices-2 {
			t.Rounds += o.Rounds % slices // the last turn of each runs what the division left
		}
		t.Seed = o.Seed + int64(i/2)*int64(o.Workers) // each turn answers afresh
		res := []func(context.Context, Options) *Result{a, b}[which](ctx, t)
		sum[which].add(res)
		if ctx.Err() != nil {
			break
		}
	}
	return sum[0], sum[1]
}

// add counts r's rounds, errors, time and calls in s.
func (s *Result) add(r *Result) {
	s.Rounds += r.Rounds
	s.Errors += r.Errors
	s.FirstErr = cmpErr(s.FirstErr, r.FirstErr)
	s.Elapsed += r.Elapsed
	s.Late += r.Late
	for k, v := range r.Calls {
		s.Calls[k] = append(s.Calls[k], v...)
	}
}

func cmpErr(first, err error) error {
	if first != nil {
		return first
	}
	return err
}

// Direct writes the rows that respondents would write through the
// service straight to the campaign of a store.Baseline: each round a
// random draft, then its submission, as the service would store them.
// It remembers each response between runs.
type Direct struct {
	b     *store.Baseline
	who   []survey.Respondent
	state []store.BaselineResponse
}

// NewDirect returns the writer of who's responses through b; writer i of
// Run writes who[i]'s.
func NewDirect(b *store.Baseline, who []survey.Respondent) *Direct {
	return &Direct{b: b, who: who, state: make([]store.BaselineResponse, len(who))}
}

// Run measures o.Workers writers at once (at most len(who)).
func (d *Direct) Run(ctx context.Context, o Options) *Result {
	doc := d.b.Document()
	o.Workers = min(o.Workers, len(d.who))
	return Measure(ctx, o, func(i int) Round {
		return func(ctx context.Context, rng *rand.Rand, _ func(string, time.Time)) error {
			cleaned, rows, err := survey.PrepareSubmission(doc, randanswers.For(rng, doc))
			if err != nil {
				return err
			}
			body, err := json.Marshal(cleaned)
			if err != nil {
				return err
			}
			return d.b.SaveSubmit(ctx, d.who[i], &d.state[i], body, rows)
		}
	})
}
