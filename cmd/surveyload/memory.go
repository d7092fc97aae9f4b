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
// largest use of memory) and the load itself. It also reads the CPU time
// the server used in each phase, from a sample taken as the phase begins
// to one taken as the next begins (or at the end), and prints it per round
// of the service's when told how many there were (counted): the cost of a
// round in CPU moves far less with what else the machine is doing than
// its latency does.
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

// memory is one sample, in bytes, with the CPU time the server had used
// until then (process_cpu_seconds_total); the kinds, and the CPU time,
// are 0 when the server does not report them (not on Linux).
type memory struct{ resident, anonymous, file, cpu float64 }

// memoryPeak is a phase's samples: the one of most resident memory, the
// most anonymous memory seen, and every resident figure (for the median:
// a phase's first seconds may still hold what the one before left).
type memoryPeak struct {
	atResident memory
	anonymous  float64
	resident   []float64

	cpuFrom, cpuTo float64 // the CPU time of the phase's first and last sample
	rounds         int     // the service's rounds in the phase (counted)
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

// enter starts a phase: a sample taken now ends the phase before and
// begins this one, and later samples count towards its peaks. On a nil
// watch (memory not sampled) it does nothing, as counted does.
func (w *memoryWatch) enter(phase string) {
	if w == nil {
		return
	}
	m, err := scrapeMemory(context.Background(), w.client, w.url)
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.phase != "" {
		w.add(context.Background(), m, err)
	}
	w.phase = phase
	w.peaks[phase] = &memoryPeak{}
	w.order = append(w.order, phase)
	w.add(context.Background(), m, err)
}

// counted tells how many rounds the service made in a phase.
func (w *memoryWatch) counted(phase string, rounds int) {
	if w == nil {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if p, ok := w.peaks[phase]; ok {
		p.rounds += rounds
	}
}

func (w *memoryWatch) sample(ctx context.Context) {
	m, err := scrapeMemory(ctx, w.client, w.url)
	w.mu.Lock()
	defer w.mu.Unlock()
	w.add(ctx, m, err)
}

// add counts a sample, or its error, towards the current phase; the
// caller holds w.mu.
func (w *memoryWatch) add(ctx context.Context, m memory, err error) {
	if err != nil {
		if w.err == nil && ctx.Err() == nil {
			w.err = err
		}
		return
	}
	p := w.peaks[w.phase]
	if len(p.resident) == 0 {
		p.cpuFrom = m.cpu
	}
	p.cpuTo = m.cpu
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
	fmt.Fprintf(out, "server memory and CPU, from %s every %s:\n", w.url, w.period)
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
		} else {
			fmt.Fprintf(out, "  %-8s resident at most %.1f MiB (anonymous %.1f, file %.1f), median %.1f MiB; anonymous at most %.1f MiB (%d samples)\n",
				phase, r.resident/mib, r.anonymous/mib, r.file/mib, median/mib, p.anonymous/mib, len(p.resident))
		}
		if cpu := p.cpuTo - p.cpuFrom; p.rounds > 0 && cpu > 0 {
			fmt.Fprintf(out, "  %-8s CPU %.2f s, %.2f ms a round of the service's (%d rounds)\n",
				phase, cpu, 1000*cpu/float64(p.rounds), p.rounds)
		}
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
	if cpu := families["process_cpu_seconds_total"].GetMetric(); len(cpu) > 0 {
		m.cpu = cpu[0].GetCounter().GetValue()
	}
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
