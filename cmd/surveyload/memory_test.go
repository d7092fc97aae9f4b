package main

import (
	"context"
	"math"
	"net/http"
	"net/http/httptest"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/customs-survey/surveyd/api"
)

// TestWatchMemory samples a real server's /metrics in two phases and
// prints each phase's peak: on Linux, the resident memory with its
// anonymous and file parts, and the CPU time the server used in the
// phase told of its rounds (the server runs in the test's process, which
// keeps a core busy for that phase).
func TestWatchMemory(t *testing.T) {
	srv := httptest.NewServer(api.NewServer(api.Config{}, api.Deps{}))
	defer srv.Close()
	w := watchMemory(srv.URL+"/metrics", 50*time.Millisecond, "set-up")
	time.Sleep(200 * time.Millisecond)
	w.enter("load")
	const busy = 300 * time.Millisecond
	spin(t, srv.URL+"/metrics", busy)
	w.counted("load", 150)
	w.finish()
	var out strings.Builder
	w.print(&out)
	t.Log(out.String())
	if strings.Contains(out.String(), "failed") {
		t.Fatalf("a scrape failed:\n%s", out.String())
	}
	line := regexp.MustCompile(`(?m)^  (set-up|load) +resident at most ([0-9.]+) MiB( \(anonymous ([0-9.]+), file ([0-9.]+)\))?, median ([0-9.]+) MiB`)
	found := line.FindAllStringSubmatch(out.String(), -1)
	if len(found) != 2 || found[0][1] != "set-up" || found[1][1] != "load" {
		t.Fatalf("want a line for the set-up and one for the load:\n%s", out.String())
	}
	cpuLine := regexp.MustCompile(`(?m)^  (\S+) +CPU ([0-9.]+) s, ([0-9.]+) ms a round of the service's \(150 rounds\)$`)
	cpu := cpuLine.FindAllStringSubmatch(out.String(), -1)
	if runtime.GOOS == "linux" {
		if len(cpu) != 1 || cpu[0][1] != "load" {
			t.Fatalf("want the CPU of the load, the one phase told of its rounds, and no other:\n%s", out.String())
		}
		seconds, _ := strconv.ParseFloat(cpu[0][2], 64)
		perRound, _ := strconv.ParseFloat(cpu[0][3], 64)
		// The clock ticks of /proc count 10 ms each.
		if seconds < busy.Seconds()-0.03 || seconds > 4*busy.Seconds() {
			t.Errorf("load: CPU %s s, want about %s", cpu[0][2], busy)
		}
		// Both are rounded to hundredths as printed.
		if got := 1000 * seconds / 150; math.Abs(perRound-got) > 0.05 {
			t.Errorf("load: %s ms a round, want %.2f (%s s over 150 rounds)", cpu[0][3], got, cpu[0][2])
		}
	}
	for _, f := range found {
		resident, _ := strconv.ParseFloat(f[2], 64)
		if resident <= 0 {
			t.Errorf("%s: resident %s MiB, want more than 0", f[1], f[2])
		}
		if median, _ := strconv.ParseFloat(f[6], 64); median <= 0 || median > resident {
			t.Errorf("%s: median %s MiB, want above 0 and at most the peak, %s", f[1], f[6], f[2])
		}
		if f[3] == "" {
			continue // no split where there is no /proc
		}
		anon, _ := strconv.ParseFloat(f[4], 64)
		file, _ := strconv.ParseFloat(f[5], 64)
		// Within 1 MiB: the total and the kinds are two counters of the
		// kernel, read apart.
		if anon <= 0 || anon+file > resident+1 {
			t.Errorf("%s: anonymous %s + file %s MiB of %s resident, want anonymous above 0, the two within it", f[1], f[4], f[5], f[2])
		}
	}
}

// TestScrapeMemoryFails: what is not a surveyd's /metrics is an error
// that says why.
func TestScrapeMemoryFails(t *testing.T) {
	for _, c := range []struct {
		name    string
		handler http.HandlerFunc
		wantErr string
	}{
		{"not found", func(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) }, "404"},
		{"no resident memory", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("go_goroutines 7\n")) }, "process_resident_memory_bytes"},
		{"not the text format", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("<html>\n")) }, "GET"},
	} {
		t.Run(c.name, func(t *testing.T) {
			srv := httptest.NewServer(c.handler)
			defer srv.Close()
			_, err := scrapeMemory(context.Background(), srv.Client(), srv.URL)
			if err == nil || !strings.Contains(err.Error(), c.wantErr) {
				t.Errorf("error %v, want one naming %s", err, c.wantErr)
			}
		})
	}
}

// spin keeps a core busy until the server at url (in the test's process)
// reports d more of CPU time, however busy the machine; where it reports
// none (not on Linux), it waits d.
func spin(t *testing.T, url string, d time.Duration) {
	if runtime.GOOS != "linux" {
		time.Sleep(d)
		return
	}
	used := func() float64 {
		m, err := scrapeMemory(context.Background(), http.DefaultClient, url)
		if err != nil {
			t.Fatal(err)
		}
		return m.cpu
	}
	for end := used() + d.Seconds(); used() < end; {
		for deadline := time.Now().Add(10 * time.Millisecond); time.Now().Before(deadline); {
		}
	}
}
