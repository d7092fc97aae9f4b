package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// memoryWatch samples the server's resident memory from its /metrics
// while the load runs, and keeps each phase's samples: the set-up
// (accounts created and logged in: password hashing, the service's
// largest use of memory) and the load itself.
type memoryWatch struct {
	url    string
	period time.Duration
	client *http.Client
	stop   context.CancelFunc
	done   chan struct{}

	mu    sync.Mutex
	phase string
	peaks map[string]*memoryPeak
	order []string
	err   error // the first failed scrape
}

// memory is one sample, in bytes; the kinds are 0 when the server does
// not report them (not on Linux).
type memory struct{ resident, anonymous, file float64 }

// memoryPeak is a phase's samples: the one of most resident memory, the
// most anonymous memory seen, and every resident figure (for the median:
// a phase's first seconds may still hold what the one before left).
type memoryPeak struct {
	atResident memory
	anonymous  float64
	resident   []float64
}

// scrapeTimeout is the longest a scrape may take: a busy server may answer
// later than the next sample is due (the sample is then late, not lost).
const scrapeTimeout = 10 * time.Second

// watchMemory starts sampling url every period, in the phase named first.
func watchMemory(url string, period time.Duration, first string) *memoryWatch {
	ctx, cancel := context.WithCancel(context.Background())
	w := &memoryWatch{url: url, period: period, client: &http.Client{Timeout: scrapeTimeout}, stop: cancel, done: make(chan struct{}),
		peaks: map[string]*memoryPeak{}}
	w.enter(first)
	go func() {
		defer close(w.done)
		tick := time.NewTicker(period)
		defer tick.Stop()
		for {
			w.sample(ctx)
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
		}
	}()
	return w
}

// enter starts a phase: later samples count towards its peaks.
func (w *memoryWatch) enter(phase string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.phase = phase
	w.peaks[phase] = &memoryPeak{}
	w.order = append(w.order, phase)
}

func (w *memoryWatch) sample(ctx context.Context) {
	m, err := scrapeMemory(ctx, w.client, w.url)
	w.mu.Lock()
	defer w.mu.Unlock()
	if err != nil {
		if w.err == nil && ctx.Err() == nil {
			w.err = err
		}
		return
	}
	p := w.peaks[w.phase]
	p.resident = append(p.resident, m.resident)
	if m.resident > p.atResident.resident {
		p.atResident = m
	}
	p.anonymous = max(p.anonymous, m.anonymous)
}

// finish takes a last sample and stops.
func (w *memoryWatch) finish() {
	w.sample(context.Background())
	w.stop()
	<-w.done
}

// print writes each phase's peaks and median.
func (w *memoryWatch) print(out io.Writer) {
	w.mu.Lock()
	defer w.mu.Unlock()
	const mib = 1 << 20
	fmt.Fprintf(out, "server memory, from %s every %s:\n", w.url, w.period)
	for _, phase := range w.order {
		p := w.peaks[phase]
		if len(p.resident) == 0 {
			fmt.Fprintf(out, "  %-8s no sample\n", phase)
			continue
		}
		slices.Sort(p.resident)
		median := p.resident[len(p.resident)/2]
		r := p.atResident
		if r.anonymous == 0 && r.file == 0 {
			fmt.Fprintf(out, "  %-8s resident at most %.1f MiB, median %.1f MiB (%d samples)\n",
				phase, r.resident/mib, median/mib, len(p.resident))
			continue
		}
		fmt.Fprintf(out, "  %-8s resident at most %.1f MiB (anonymous %.1f, file %.1f), median %.1f MiB; anonymous at most %.1f MiB (%d samples)\n",
			phase, r.resident/mib, r.anonymous/mib, r.file/mib, median/mib, p.anonymous/mib, len(p.resident))
	}
	if w.err != nil {
		fmt.Fprintf(out, "  (a scrape failed: %v)\n", w.err)
	}
}

// scrapeMemory reads the resident memory, and its split by kind, from a
// surveyd's /metrics.
func scrapeMemory(ctx context.Context, client *http.Client, url string) (memory, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return memory{}, err
	}
	req.Header.Set("Accept", "text/plain")
	res, err := client.Do(req)
	if err != nil {
		return memory{}, err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return memory{}, fmt.Errorf("GET %s: %s", url, res.Status)
	}
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(res.Body)
	if err != nil {
		return memory{}, fmt.Errorf("GET %s: %w", url, err)
	}
	var m memory
	total, ok := families["process_resident_memory_bytes"]
	if !ok || len(total.GetMetric()) == 0 {
		return m, fmt.Errorf("GET %s: no process_resident_memory_bytes", url)
	}
	m.resident = total.GetMetric()[0].GetGauge().GetValue()
	for _, s := range families["surveyd_process_resident_memory_bytes"].GetMetric() {
		for _, l := range s.GetLabel() {
			if l.GetName() != "kind" {
				continue
			}
			switch l.GetValue() {
			case "anonymous":
				m.anonymous = s.GetGauge().GetValue()
			case "file":
				m.file = s.GetGauge().GetValue()
			}
		}
	}
	return m, nil
}
