package faults

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/customs-survey/surveyd/auth/passwords"
	"github.com/customs-survey/surveyd/internal/dbtest"
)

// maxBurstRSS is the most resident memory surveyd may reach under the login
// burst of TestLoginBurstMemory.
const maxBurstRSS = 300 << 20

// TestLoginBurstMemory fires 100 simultaneous logins at the real binary,
// each for an unknown e-mail (so each costs one argon2id check of 19 MiB,
// the dummy one), and reads the process's peak resident memory (VmHWM) from
// /proc: it must stay under 300 MiB. Every login answers 401, or 503 with
// Retry-After when password hashing stayed at its memory budget for too
// long. Once the burst is over, the server gives the hashes' memory back:
// within 10 s, its own memory (RssAnon) falls to within one computation
// of what it was before the burst. The figures are printed beside the idle
// memory.
func TestLoginBurstMemory(t *testing.T) {
	if _, err := os.Stat("/proc/self/status"); err != nil {
		t.Skip("needs /proc to read the server's memory")
	}
	dbtest.Each(t, func(t *testing.T, url string) {
		s := start(t, url)
		s.waitFor("/readyz", 200, 30*time.Second)
		pid := s.cmd.Process.Pid
		// Start-up hashed the first admin's password: its memory goes
		// back a second after (passwords.returnAfter).
		time.Sleep(2 * time.Second)
		idle := procStatus(t, pid, "VmRSS")
		idlePeak := procStatus(t, pid, "VmHWM")
		idleOwn := procStatus(t, pid, "RssAnon")

		const n = 100
		statuses := make([]int, n)
		retryAfter := make([]string, n)
		client := &http.Client{Timeout: 60 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: n}}
		var ready, done sync.WaitGroup
		fire := make(chan struct{})
		began := time.Now()
		for i := range n {
			ready.Add(1)
			done.Add(1)
			go func() {
				defer done.Done()
				body, _ := json.Marshal(map[string]string{"email": fmt.Sprintf("nobody%03d@customs.example", i), "password": "a wrong password"})
				ready.Done()
				<-fire
				res, err := client.Post(s.base+"/api/v1/auth/login", "application/json", bytes.NewReader(body))
				if err != nil {
					t.Errorf("login %d: %v", i, err)
					return
				}
				res.Body.Close()
				statuses[i], retryAfter[i] = res.StatusCode, res.Header.Get("Retry-After")
			}()
		}
		ready.Wait()
		close(fire)
		done.Wait()
		took := time.Since(began)

		peak := procStatus(t, pid, "VmHWM")
		after := procStatus(t, pid, "VmRSS")
		counts := map[int]int{}
		for i, st := range statuses {
			counts[st]++
			switch st {
			case http.StatusUnauthorized:
			case http.StatusServiceUnavailable:
				if retryAfter[i] == "" {
					t.Errorf("login %d: 503 without Retry-After", i)
				}
			default:
				t.Errorf("login %d: status %d, want 401 or 503", i, st)
			}
		}
		// The memory given back: the server's own, as file pages (the
		// program's) come and go with the kernel's file cache.
		own, backIn := procStatus(t, pid, "RssAnon"), time.Duration(0)
		for wait := time.Now(); own > idleOwn+passwords.Memory() && time.Since(wait) < 10*time.Second; own = procStatus(t, pid, "RssAnon") {
			time.Sleep(100 * time.Millisecond)
			backIn = time.Since(wait)
		}
		t.Logf("%d simultaneous logins in %s, answers %v; RSS idle %s (peak before the burst %s), peak during the burst %s, just after %s; "+
			"own memory (RssAnon) idle %s, %s after %s",
			n, took.Round(time.Millisecond), counts, mib(idle), mib(idlePeak), mib(peak), mib(after),
			mib(idleOwn), mib(own), backIn.Round(100*time.Millisecond))
		if own > idleOwn+passwords.Memory() {
			t.Errorf("own memory %s 10 s after the burst, %s before it: the hashes' memory was not given back", mib(own), mib(idleOwn))
		}
		if counts[http.StatusUnauthorized] == 0 {
			t.Error("no password was checked")
		}
		if peak > maxBurstRSS {
			t.Errorf("peak RSS %s, want at most %s", mib(peak), mib(maxBurstRSS))
		}
	})
}

// procStatus reads a memory figure of /proc/PID/status, in bytes.
func procStatus(t *testing.T, pid int, field string) int64 {
	t.Helper()
	f, err := os.Open("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), field+":"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			if err != nil {
				t.Fatalf("%s: %q", field, v)
			}
			return kb << 10
		}
	}
	t.Fatalf("no %s in /proc/%d/status", field, pid)
	return 0
}

func mib(b int64) string { return fmt.Sprintf("%.0f MiB", float64(b)/(1<<20)) }
