package faults

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/customs-survey/surveyd/internal/dbtest"
)

// binary is surveyd, built once for the package's tests.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "surveyd-faults-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "surveyd")
	build := exec.Command("go", "build", "-o", binary, "github.com/customs-survey/surveyd/cmd/surveyd")
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "build surveyd: %v\n%s", err, out)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := dbtest.Run(m)
	os.RemoveAll(dir)
	os.Exit(code)
}

const (
	adminEmail    = "admin@commission.example"
	adminPassword = "admin password for faults"
	userPassword  = "respondent password 1"
)

// server is one surveyd process.
type server struct {
	t    *testing.T
	cmd  *exec.Cmd
	base string
	logs *syncBuffer
	done chan struct{}
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// start runs surveyd serve on a free loopback port against databaseURL and
// waits until it answers /healthz (not /readyz: the database may be away).
func start(t *testing.T, databaseURL string) *server {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	s := &server{t: t, base: "http://" + addr, logs: &syncBuffer{}, done: make(chan struct{})}
	s.cmd = exec.Command(binary, "serve")
	s.cmd.Env = append(os.Environ(), "SURVEY_ADDR="+addr, "SURVEY_DATABASE_URL="+databaseURL,
		"SURVEY_ADMIN_EMAIL="+adminEmail, "SURVEY_ADMIN_PASSWORD="+adminPassword)
	s.cmd.Stdout, s.cmd.Stderr = s.logs, s.logs
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { s.cmd.Wait(); close(s.done) }()
	t.Cleanup(func() {
		s.cmd.Process.Kill()
		<-s.done
		if t.Failed() {
			t.Logf("surveyd log:\n%s", tail(s.logs.String(), 4000))
		}
	})
	s.waitFor("/healthz", 200, 20*time.Second)
	return s
}

// kill ends the process at once, as a crash or the OOM killer would.
func (s *server) kill() {
	s.cmd.Process.Signal(syscall.SIGKILL)
	<-s.done
}

// waitFor polls path until it answers status.
func (s *server) waitFor(path string, status int, within time.Duration) {
	s.t.Helper()
	deadline := time.Now().Add(within)
	for {
		res, err := http.Get(s.base + path)
		if err == nil {
			res.Body.Close()
			if res.StatusCode == status {
				return
			}
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("%s did not answer %d within %s", path, status, within)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// answer is one HTTP exchange.
type answer struct {
	status      int
	contentType string
	body        map[string]any
	err         error
}

var client = &http.Client{Timeout: 10 * time.Second}

func (s *server) call(method, path, token string, body any) answer {
	var reader io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		reader = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, s.base+path, reader)
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := client.Do(req)
	if err != nil {
		return answer{err: err}
	}
	defer res.Body.Close()
	a := answer{status: res.StatusCode, contentType: res.Header.Get("Content-Type")}
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		// The server went away in the middle of its answer (killed after
		// its status line went out): the client has no answer to rely on.
		return answer{err: err}
	}
	_ = json.Unmarshal(raw, &a.body)
	return a
}

func (s *server) must(status int, method, path, token string, body any) map[string]any {
	s.t.Helper()
	a := s.call(method, path, token, body)
	if a.err != nil || a.status != status {
		s.t.Fatalf("%s %s: %d %v %v, want %d", method, path, a.status, a.err, a.body, status)
	}
	return a.body
}

// submissionHistory returns the revisions of every submission of the
// token's respondent's response to a campaign, oldest first, following
// the history's pages (GET …/response/submissions).
func (s *server) submissionHistory(token, campaign string) []int {
	s.t.Helper()
	var revisions []int
	for path := "/api/v1/campaigns/" + campaign + "/response/submissions?limit=50"; path != ""; {
		req, _ := http.NewRequest("GET", s.base+path, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		res, err := client.Do(req)
		if err != nil {
			s.t.Fatalf("GET %s: %v", path, err)
		}
		var page []struct{ Revision int }
		err = json.NewDecoder(res.Body).Decode(&page)
		res.Body.Close()
		if err != nil || res.StatusCode != 200 {
			s.t.Fatalf("GET %s: %d %v", path, res.StatusCode, err)
		}
		for _, sub := range page {
			revisions = append(revisions, sub.Revision)
		}
		path = ""
		if link := res.Header.Get("Link"); link != "" {
			path = strings.TrimSuffix(strings.TrimPrefix(link, "<"), `>; rel="next"`)
		}
	}
	return revisions
}

func (s *server) login(email, password string) string {
	s.t.Helper()
	return s.must(200, "POST", "/api/v1/auth/login", "", map[string]string{"email": email, "password": password})["access_token"].(string)
}

// world sets up an open campaign for BE and n respondents, and returns the
// admin's token and the respondents' tokens.
func (s *server) world(n int) (string, []string) {
	s.t.Helper()
	admin := s.login(adminEmail, adminPassword)
	s.must(201, "POST", "/api/v1/administrations", admin, map[string]string{"code": "BE", "name": "Belgium"})
	raw, err := os.ReadFile("../../testdata/questionnaires/customs_annual.json")
	if err != nil {
		s.t.Fatal(err)
	}
	var doc map[string]any
	json.Unmarshal(raw, &doc)
	s.must(201, "POST", "/api/v1/questionnaires", admin, doc)
	s.must(200, "POST", "/api/v1/questionnaires/customs_annual/versions/1/publish", admin, nil)
	s.must(201, "POST", "/api/v1/campaigns", admin, map[string]any{"key": "c-2023", "year": 2023,
		"questionnaire": "customs_annual", "version": 1, "administrations": []string{"BE"},
		"opens_at": "2024-01-01T00:00:00Z", "closes_at": "2099-01-01T00:00:00Z"})
	s.must(200, "POST", "/api/v1/campaigns/c-2023/open", admin, nil)
	tokens := make([]string, n)
	for i := range tokens {
		email := fmt.Sprintf("r%02d@customs.example", i)
		s.must(201, "POST", "/api/v1/users", admin, map[string]string{"email": email, "password": userPassword,
			"role": "respondent", "administration": "BE"})
		tokens[i] = s.login(email, userPassword)
	}
	return admin, tokens
}

// answers is a complete answer set whose number question carries i, so that
// every submission of a load is recognisable.
func answers(i int) map[string]any {
	return map[string]any{"answers": map[string]any{
		"awareness_level": "basic", "ees_perf": "large", "ees_union_law": "full", "ees_cooperation": "moderate",
		"ees_innovation": "little", "used_outputs": "yes", "support_satisfaction": 4, "staff_trained": i}}
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n:]
}

func isProblem(a answer) bool { return strings.HasPrefix(a.contentType, "application/problem+json") }

// getJSON decodes the body of a GET into dst.
func (s *server) getJSON(path, token string, dst any) {
	s.t.Helper()
	req, _ := http.NewRequest("GET", s.base+path, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := client.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != 200 {
		s.t.Fatalf("GET %s: %d", path, res.StatusCode)
	}
	if err := json.NewDecoder(res.Body).Decode(dst); err != nil {
		s.t.Fatalf("GET %s: %v", path, err)
	}
}
