package api_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/customs-survey/surveyd/api"
	"github.com/customs-survey/surveyd/auth"
	"github.com/customs-survey/surveyd/campaigns"
	"github.com/customs-survey/surveyd/internal/dbtest"
	"github.com/customs-survey/surveyd/survey"
)

// clientTimeout is how long any request of these tests may take: a request
// that has not answered by then is taken to hang.
const clientTimeout = 10 * time.Second

// withExports serves the env's database through another router whose
// exports are configured by limits, as a surveyd process started with them
// would.
func (e *env) withExports(limits api.ExportLimits) http.Handler {
	e.t.Helper()
	secret, err := e.store.JWTSecret(context.Background())
	if err != nil {
		e.t.Fatal(err)
	}
	issuer, err := auth.NewIssuer(secret, "surveyd", "surveyd-api", 15*time.Minute)
	if err != nil {
		e.t.Fatal(err)
	}
	return api.NewServer(api.Config{Now: e.now, Logger: testLogger(e.t), Exports: limits},
		api.Deps{Store: e.store, Auth: auth.NewService(e.store, issuer, auth.DefaultThrottle, time.Hour, e.now)})
}

// bigCampaign adds n submitted responses to customs-2023 (after e.world()),
// spread over BE and FR, each with a comment of commentLen characters, and
// returns their ids.
func (e *env) bigCampaign(n, commentLen int) []string {
	e.t.Helper()
	base := survey.Answers{}
	for k, v := range fullAnswers() {
		raw, _ := json.Marshal(v)
		base[k] = raw
	}
	// Random words, so that a workbook does not compress them away.
	rng := rand.New(rand.NewPCG(1, 2))
	text := func() json.RawMessage {
		var b strings.Builder
		for b.Len() < commentLen {
			for range 1 + rng.IntN(9) {
				b.WriteByte(byte('a' + rng.IntN(26)))
			}
			b.WriteByte(' ')
		}
		raw, _ := json.Marshal(b.String()[:commentLen])
		return raw
	}
	const chunk = 500
	for start := 0; start < n; start += chunk {
		var in []survey.ImportedResponse
		for i := start; i < min(n, start+chunk); i++ {
			answers := maps.Clone(base)
			answers["comments"] = text()
			in = append(in, survey.ImportedResponse{Administration: []string{"BE", "FR"}[i%2],
				Respondent: fmt.Sprintf("bulk%05d", i), Answers: answers})
		}
		if err := campaigns.New(e.store).Import(context.Background(), auth.Operator(), "customs-2023", in); err != nil {
			e.t.Fatalf("import responses: %v", err)
		}
	}
	res := e.request("GET", exportPath+"?format=json", e.tokens["admin"], nil)
	var elems []struct {
		ID string `json:"response_id"`
	}
	if err := json.Unmarshal(res.Body, &elems); err != nil || len(elems) != n {
		e.t.Fatalf("export of the big campaign: %d elements, %v", len(elems), err)
	}
	ids := make([]string, len(elems))
	for i, el := range elems {
		ids[i] = el.ID
	}
	return ids
}

// smallBuffers gives each accepted connection a small send buffer, so that
// a client that does not read blocks the server's writes after a few
// hundred KiB instead of the megabytes the kernel would otherwise buffer.
type smallBuffers struct{ net.Listener }

func (l smallBuffers) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if tc, ok := c.(*net.TCPConn); ok {
		_ = tc.SetWriteBuffer(64 << 10)
	}
	return c, err
}

// serveHTTP serves h on a real TCP listener, with the write timeout of
// surveyd serve.
func serveHTTP(t *testing.T, h http.Handler) *httptest.Server {
	t.Helper()
	ts := httptest.NewUnstartedServer(h)
	ts.Listener = smallBuffers{ts.Listener}
	ts.Config.WriteTimeout = 5 * time.Minute
	ts.Start()
	t.Cleanup(ts.Close)
	return ts
}

// callHTTP sends one request to a real server, and fails the test if it takes
// longer than clientTimeout: that is how a hang shows.
func callHTTP(t *testing.T, ts *httptest.Server, method, path, token string, body any) result {
	t.Helper()
	var reader io.Reader
	var raw []byte
	if body != nil {
		raw, _ = json.Marshal(body)
		reader = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, ts.URL+path, reader)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	client := &http.Client{Timeout: clientTimeout}
	res, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: no answer within %s: %v", method, path, clientTimeout, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("%s %s: reading the body: %v", method, path, err)
	}
	checkContract(t, req, raw, result{Status: res.StatusCode, Header: res.Header, Body: b})
	return result{Status: res.StatusCode, Header: res.Header, Body: b}
}

// stalledExport is an export request from a client that never reads the
// answer.
type stalledExport struct {
	conn net.Conn
	r    *bufio.Reader
}

// stallExport sends GET path with token on a raw connection, and reads
// nothing. (Its receive buffer keeps the kernel's initial size, about 128
// KiB, as it only grows when the application reads.)
func stallExport(t *testing.T, ts *httptest.Server, path, token string) *stalledExport {
	t.Helper()
	conn, err := net.Dial("tcp", ts.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	if _, err := fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: surveyd\r\nAuthorization: Bearer %s\r\n\r\n", path, token); err != nil {
		t.Fatal(err)
	}
	return &stalledExport{conn: conn, r: bufio.NewReader(conn)}
}

// started waits up to d for the first bytes of the answer, without taking
// them out of the connection, and returns its status line.
func (s *stalledExport) started(d time.Duration) (string, error) {
	_ = s.conn.SetReadDeadline(time.Now().Add(d))
	defer s.conn.SetReadDeadline(time.Time{})
	line, err := s.r.Peek(len("HTTP/1.1 200"))
	return string(line), err
}

// finish reads the whole answer.
func (s *stalledExport) finish() (*http.Response, []byte, error) {
	_ = s.conn.SetReadDeadline(time.Now().Add(2 * time.Minute))
	res, err := http.ReadResponse(s.r, nil)
	if err != nil {
		return nil, nil, err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	return res, body, err
}

// csvIDs returns the response ids of a CSV export, in order.
func csvIDs(t *testing.T, body []byte) []string {
	t.Helper()
	records, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatalf("not CSV: %v", err)
	}
	var ids []string
	for _, r := range records[1:] {
		ids = append(ids, r[0])
	}
	return ids
}

func latencies(t *testing.T, ts *httptest.Server, token string, n int) []time.Duration {
	t.Helper()
	out := make([]time.Duration, n)
	for i := range out {
		start := time.Now()
		if res := callHTTP(t, ts, "GET", "/api/v1/me", token, nil); res.Status != 200 {
			t.Fatalf("GET /me: %d %s", res.Status, res.Body)
		}
		out[i] = time.Since(start)
	}
	slices.Sort(out)
	return out
}

// TestStalledExportsLeaveTheServiceAvailable opens 25 exports of several
// MB from clients that never read, more than the database pool has
// connections (8 on SQLite, 20 on PostgreSQL), with limits that let all of
// them run. While they stall, /me, /readyz and a login must still answer;
// a stalled export then resumes and delivers every response exactly once.
func TestStalledExportsLeaveTheServiceAvailable(t *testing.T) {
	const stalls = 25
	dbtest.Each(t, func(t *testing.T, url string) {
		e := newEnv(t, url)
		e.world()
		ids := e.bigCampaign(1200, 4000)
		admin := e.tokens["admin"]
		ts := serveHTTP(t, e.withExports(api.ExportLimits{PerCaller: stalls, InProcess: stalls, WriteTimeout: 2 * time.Minute}))

		full := callHTTP(t, ts, "GET", exportPath+"?format=csv", admin, nil)
		if full.Status != 200 {
			t.Fatalf("export: %d %s", full.Status, full.Body)
		}
		if len(full.Body) < 4<<20 {
			t.Fatalf("the export is %d bytes: too small to fill the socket buffers", len(full.Body))
		}
		baseline := latencies(t, ts, admin, 10)

		exports := make([]*stalledExport, stalls)
		for i := range exports {
			exports[i] = stallExport(t, ts, exportPath+"?format=csv", admin)
		}
		// Wait until the exports have begun to answer (each then stalls
		// once the socket buffers are full); on a service whose stalled
		// exports hold database connections, some never begin.
		var wg sync.WaitGroup
		var mu sync.Mutex
		begun := 0
		for _, x := range exports {
			wg.Go(func() {
				if line, err := x.started(clientTimeout); err == nil && line == "HTTP/1.1 200" {
					mu.Lock()
					begun++
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		t.Logf("%d of %d stalled exports of %d bytes began to answer", begun, stalls, len(full.Body))

		stalled := latencies(t, ts, admin, 10)
		if res := callHTTP(t, ts, "GET", "/readyz", "", nil); res.Status != 200 {
			t.Errorf("/readyz with stalled exports: %d %s", res.Status, res.Body)
		}
		if res := callHTTP(t, ts, "POST", "/api/v1/auth/login", "", map[string]string{"email": adminEmail, "password": adminPassword}); res.Status != 200 {
			t.Errorf("login with stalled exports: %d %s", res.Status, res.Body)
		}
		t.Logf("GET /me latency: median %s, max %s with %d stalled exports; median %s, max %s without",
			stalled[len(stalled)/2], stalled[len(stalled)-1], stalls, baseline[len(baseline)/2], baseline[len(baseline)-1])
		if begun != stalls {
			t.Errorf("only %d of %d exports began to answer", begun, stalls)
		}

		// A stalled export resumes where it stopped: every response once,
		// in the documented order.
		res, body, err := exports[0].finish()
		if err != nil {
			t.Fatalf("resuming a stalled export: %v", err)
		}
		if res.StatusCode != 200 || res.Header.Get("Content-Type") != "text/csv; charset=utf-8" {
			t.Fatalf("resumed export: %d %v", res.StatusCode, res.Header)
		}
		if got := csvIDs(t, body); !slices.Equal(got, ids) {
			t.Errorf("the resumed export has %d rows, want the %d responses in order", len(got), len(ids))
		}
	})
}

// TestExportSlots holds the bounds on concurrent exports: per caller and
// per process, beyond which an export answers 429 with Retry-After, and a
// slot that comes back once an export ends.
func TestExportSlots(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		e := newEnv(t, url)
		e.world()
		e.bigCampaign(1200, 4000)
		e.must(201, "POST", "/api/v1/users", e.tokens["admin"],
			map[string]string{"email": "coord_fr@customs.example", "password": userPassword, "role": "coordinator", "administration": "FR"})
		e.tokens["coord_fr"] = e.login("coord_fr@customs.example", userPassword)
		// The defaults: 2 per caller, 4 in the process.
		ts := serveHTTP(t, e.withExports(api.ExportLimits{}))

		stall := func(who string) *stalledExport {
			t.Helper()
			x := stallExport(t, ts, exportPath+"?format=csv", e.tokens[who])
			if line, err := x.started(clientTimeout); err != nil || line != "HTTP/1.1 200" {
				t.Fatalf("%s's export: %q %v", who, line, err)
			}
			return x
		}
		refused := func(t *testing.T, res result) {
			t.Helper()
			var p api.Problem
			if res.Status != 429 || json.Unmarshal(res.Body, &p) != nil || !strings.HasSuffix(p.Type, "#too-many-requests") {
				t.Fatalf("status %d, want a 429 problem: %s", res.Status, res.Body)
			}
			if res.Header.Get("Retry-After") == "" || res.Header.Get("Content-Disposition") != "" {
				t.Errorf("headers %v: want Retry-After and no attachment", res.Header)
			}
		}

		admins := []*stalledExport{stall("admin"), stall("admin")}
		steps := []struct {
			name, who, format string
			check             func(*testing.T, result)
		}{
			{"a third export of one caller is refused", "admin", "csv", refused},
			{"in every format", "admin", "xlsx", refused},
			{"another caller may export", "coord_be", "csv", func(t *testing.T, res result) {
				if res.Status != 200 {
					t.Fatalf("status %d: %s", res.Status, res.Body)
				}
			}},
		}
		for _, st := range steps {
			t.Run(st.name, func(t *testing.T) {
				st.check(t, callHTTP(t, ts, "GET", exportPath+"?format="+st.format, e.tokens[st.who], nil))
			})
		}
		stall("coord_be")
		stall("coord_be")
		t.Run("the process bound refuses every caller", func(t *testing.T) {
			refused(t, callHTTP(t, ts, "GET", exportPath+"?format=json", e.tokens["coord_fr"], nil))
		})
		t.Run("other requests are not bounded", func(t *testing.T) {
			if res := callHTTP(t, ts, "GET", "/api/v1/campaigns/customs-2023/progress", e.tokens["coord_fr"], nil); res.Status != 200 {
				t.Fatalf("progress: %d %s", res.Status, res.Body)
			}
		})
		t.Run("a slot comes back when its client goes away", func(t *testing.T) {
			admins[0].conn.Close()
			deadline := time.Now().Add(clientTimeout)
			for {
				res := callHTTP(t, ts, "GET", exportPath+"?format=json", e.tokens["coord_fr"], nil)
				if res.Status == 200 {
					break
				}
				if res.Status != 429 || time.Now().After(deadline) {
					t.Fatalf("status %d after the client went away: %s", res.Status, res.Body)
				}
				time.Sleep(50 * time.Millisecond)
			}
		})
	})
}

// TestStalledExportIsCutOff holds the write deadline of exports: a client
// that stops reading is cut off (a truncated transfer, never a short file
// that looks complete) and its slot is freed.
func TestStalledExportIsCutOff(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		e := newEnv(t, url)
		e.world()
		e.bigCampaign(1200, 4000)
		admin := e.tokens["admin"]
		ts := serveHTTP(t, e.withExports(api.ExportLimits{PerCaller: 1, WriteTimeout: 500 * time.Millisecond}))
		for _, format := range []string{"csv", "json", "xlsx"} {
			t.Run(format, func(t *testing.T) {
				x := stallExport(t, ts, exportPath+"?format="+format, admin)
				if line, err := x.started(clientTimeout); err != nil || line != "HTTP/1.1 200" {
					t.Fatalf("export: %q %v", line, err)
				}
				// Its slot is taken until the deadline cuts the client
				// off; then a new export of the same caller runs.
				deadline := time.Now().Add(clientTimeout)
				for {
					res := callHTTP(t, ts, "GET", exportPath+"?format=json", admin, nil)
					if res.Status == 200 {
						break
					}
					if res.Status != 429 || time.Now().After(deadline) {
						t.Fatalf("status %d while the stalled export should have been cut off: %s", res.Status, res.Body)
					}
					time.Sleep(50 * time.Millisecond)
				}
				_, _, err := x.finish()
				if err == nil {
					t.Errorf("the stalled client got a complete answer, want a truncated transfer")
				}
			})
		}
	})
}

// TestLargeExportsCarryTheirHeaders downloads exports larger than every
// buffer of the service over a real connection: each must arrive with its
// Content-Type and Content-Disposition, and whole.
func TestLargeExportsCarryTheirHeaders(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		e := newEnv(t, url)
		e.world()
		ids := e.bigCampaign(1200, 200)
		sort.Strings(ids) // compared as sets
		ts := serveHTTP(t, e.handler)
		tests := []struct {
			format, contentType string
			ids                 func(t *testing.T, body []byte) []string
		}{
			{"csv", "text/csv; charset=utf-8", csvIDs},
			{"json", "application/json; charset=utf-8", func(t *testing.T, body []byte) []string {
				var elems []struct {
					ID string `json:"response_id"`
				}
				if err := json.Unmarshal(body, &elems); err != nil {
					t.Fatalf("not JSON: %v", err)
				}
				var out []string
				for _, el := range elems {
					out = append(out, el.ID)
				}
				return out
			}},
			{"xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", func(t *testing.T, body []byte) []string {
				f, err := excelize.OpenReader(bytes.NewReader(body))
				if err != nil {
					t.Fatalf("not a workbook: %v", err)
				}
				defer f.Close()
				rows, err := f.GetRows("Responses")
				if err != nil {
					t.Fatal(err)
				}
				var out []string
				for _, r := range rows[2:] { // below the question texts and the column names
					out = append(out, r[0])
				}
				return out
			}},
		}
		for _, tt := range tests {
			t.Run(tt.format, func(t *testing.T) {
				res := callHTTP(t, ts, "GET", exportPath+"?format="+tt.format, e.tokens["admin"], nil)
				checkDownload(t, res, tt.contentType, "customs-2023-responses."+tt.format)
				got := tt.ids(t, res.Body)
				sort.Strings(got)
				if !slices.Equal(got, ids) {
					t.Errorf("%d responses, want the %d submitted", len(got), len(ids))
				}
			})
		}
	})
}

// TestSlowSteadyClientGetsTheWholeWorkbook downloads a workbook of several
// megabytes over a connection with small buffers, reading steadily but
// slowly, so that the download takes longer than the write deadline. Each
// write has a deadline of its own, so the client gets the whole file: when
// the finished workbook went out in one write, that write had to fit in one
// deadline and the client got a truncated transfer.
func TestSlowSteadyClientGetsTheWholeWorkbook(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		e := newEnv(t, url)
		e.world()
		e.bigCampaign(2400, 4000)
		ts := serveHTTP(t, e.withExports(api.ExportLimits{PerCaller: 1, WriteTimeout: time.Second}))
		dialer := &net.Dialer{}
		client := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			c, err := dialer.DialContext(ctx, network, addr)
			if tc, ok := c.(*net.TCPConn); ok {
				_ = tc.SetReadBuffer(64 << 10)
			}
			return c, err
		}}}
		req, _ := http.NewRequest("GET", ts.URL+exportPath+"?format=xlsx", nil)
		req.Header.Set("Authorization", "Bearer "+e.tokens["admin"])
		start := time.Now()
		res, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var body bytes.Buffer
		buf := make([]byte, 64<<10)
		for {
			n, err := io.ReadFull(res.Body, buf)
			body.Write(buf[:n])
			if err == io.EOF || err == io.ErrUnexpectedEOF {
				break
			}
			if err != nil {
				t.Fatalf("after %d bytes in %s: %v", body.Len(), time.Since(start), err)
			}
			time.Sleep(30 * time.Millisecond)
		}
		took, size := time.Since(start), body.Len()
		if _, err := excelize.OpenReader(&body); err != nil {
			t.Fatalf("a workbook of %d bytes, read in %s, does not open: %v", size, took, err)
		}
		if took < time.Second {
			t.Logf("the download took %s, less than the write deadline: this run proves nothing", took)
		}
		t.Logf("%d bytes in %s with a write deadline of 1s", size, took)
	})
}
