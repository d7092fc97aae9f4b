package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/customs-survey/surveyd/internal/dbtest"
)

// asBinary, set in the environment of a child process, makes the test
// binary run surveyd's own main: tests then start the real program, with its
// own environment, signals and exit status.
const asBinary = "SURVEYD_TEST_RUN_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(asBinary) == "1" {
		main()
		os.Exit(0)
	}
	dbtest.Main(m)
}

// server is surveyd serve running in-process.
type server struct {
	base   string
	cancel context.CancelFunc
	done   chan error
	logs   *lockedBuffer // what serve wrote to stderr
	stdout lockedBuffer  // what serve wrote to stdout after its address
}

// lockedBuffer is a bytes.Buffer safe for the server's concurrent writes.
type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func startServer(t *testing.T, env map[string]string, flags ...string) *server {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	out, w := io.Pipe()
	s := &server{cancel: cancel, done: make(chan error, 1), logs: &lockedBuffer{}}
	go func() {
		args := append([]string{"serve", "--addr", "127.0.0.1:0"}, flags...)
		s.done <- run(ctx, args, func(k string) string { return env[k] }, nil, w, s.logs)
		w.Close()
	}()
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("serve printed no address: %v", err)
	}
	go io.Copy(&s.stdout, out)
	s.base = "http://" + strings.TrimSpace(strings.TrimPrefix(line, "surveyd listening on "))
	deadline := time.Now().Add(20 * time.Second)
	for {
		res, err := http.Get(s.base + "/readyz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatal("the server never became ready")
		}
		time.Sleep(50 * time.Millisecond)
	}
	return s
}

// stop sends the equivalent of SIGTERM and waits for a clean exit.
func (s *server) stop(t *testing.T) {
	t.Helper()
	s.cancel()
	select {
	case err := <-s.done:
		if err != nil {
			t.Fatalf("serve returned %v", err)
		}
	case <-time.After(35 * time.Second):
		t.Fatal("serve did not shut down")
	}
}

func (s *server) call(t *testing.T, method, path, token, body string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(method, s.base+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var m map[string]any
	json.NewDecoder(res.Body).Decode(&m)
	return res.StatusCode, m
}

func TestServeBootstrapsAndRestartsWithoutLoss(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		env := map[string]string{
			"SURVEY_DATABASE_URL": url, "SURVEY_ADMIN_EMAIL": "first@commission.example",
			"SURVEY_ADMIN_PASSWORD": "first admin password",
		}
		s := startServer(t, env)
		status, body := s.call(t, "POST", "/api/v1/auth/login", "", `{"email":"first@commission.example","password":"first admin password"}`)
		if status != 200 {
			t.Fatalf("login: %d %v", status, body)
		}
		token := body["access_token"].(string)
		if status, body := s.call(t, "POST", "/api/v1/administrations", token, `{"code":"BE","name":"Belgium"}`); status != 201 {
			t.Fatalf("create: %d %v", status, body)
		}
		s.stop(t)

		// A restart loses nothing, keeps the token key (the old token
		// still works) and does not create a second admin.
		env["SURVEY_ADMIN_EMAIL"], env["SURVEY_ADMIN_PASSWORD"] = "second@commission.example", "second admin password"
		s = startServer(t, env)
		defer s.stop(t)
		req, _ := http.NewRequest("GET", s.base+"/api/v1/administrations", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var list []map[string]any
		json.NewDecoder(res.Body).Decode(&list)
		res.Body.Close()
		if res.StatusCode != 200 || len(list) != 1 || list[0]["code"] != "BE" {
			t.Fatalf("after restart: %d %v", res.StatusCode, list)
		}
		if status, _ := s.call(t, "POST", "/api/v1/auth/login", "", `{"email":"second@commission.example","password":"second admin password"}`); status != 401 {
			t.Errorf("a second admin was created from the environment: %d", status)
		}
	})
}

func TestServeRefusesBadConfiguration(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want string
	}{
		{"short secret", map[string]string{"SURVEY_JWT_SECRET": "s3cr3t-XYZ"}, "SURVEY_JWT_SECRET"},
		{"weak admin password while no admin exists", map[string]string{"SURVEY_ADMIN_EMAIL": "a@b.c", "SURVEY_ADMIN_PASSWORD": "short",
			"SURVEY_ADDR": "127.0.0.1:0", "SURVEY_DATABASE_URL": dbtest.SQLiteURL(t)}, "SURVEY_ADMIN_PASSWORD"},
		{"half an admin", map[string]string{"SURVEY_ADMIN_EMAIL": "a@b.c"}, "SURVEY_ADMIN_PASSWORD"},
		{"bad body limit", map[string]string{"SURVEY_BODY_LIMIT": "lots"}, "SURVEY_BODY_LIMIT"},
		{"bad database URL", map[string]string{"SURVEY_DATABASE_URL": "mysql://x"}, "SURVEY_DATABASE_URL"},
		// Malformed URLs of a known kind fail at once too, instead of
		// being retried as if the server were down.
		{"IPv6 host without its bracket", map[string]string{"SURVEY_DATABASE_URL": "postgres://u:pw-in-url@[::1:5432/db",
			"SURVEY_ADDR": "127.0.0.1:0"}, "missing ']' in host"},
		{"port out of range", map[string]string{"SURVEY_DATABASE_URL": "postgres://u:pw-in-url@db.example:99999/db",
			"SURVEY_ADDR": "127.0.0.1:0"}, "SURVEY_DATABASE_URL"},
		{"unknown sslmode", map[string]string{"SURVEY_DATABASE_URL": "postgresql://db.example/db?sslmode=sometimes",
			"SURVEY_ADDR": "127.0.0.1:0"}, "sslmode"},
		{"bad audit retention", map[string]string{"SURVEY_AUDIT_RETENTION": "forever"}, "SURVEY_AUDIT_RETENTION"},
		{"bad password hash memory", map[string]string{"SURVEY_PASSWORD_HASH_MEMORY": "lots"}, "SURVEY_PASSWORD_HASH_MEMORY"},
		{"pages neither on nor off", map[string]string{"SURVEY_PAGES": "maybe"}, "SURVEY_PAGES"},
		{"secure cookies neither on nor off", map[string]string{"SURVEY_COOKIE_SECURE": "sometimes"}, "SURVEY_COOKIE_SECURE"},
		{"bad SQLite parameters", map[string]string{"SURVEY_DATABASE_URL": "sqlite://x.db?%zz", "SURVEY_ADDR": "127.0.0.1:0"},
			"SURVEY_DATABASE_URL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// A configuration error stops serve at once; one that were
			// retried would still be running when the context ends.
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			err := run(ctx, []string{"serve"}, func(k string) string { return tt.env[k] }, nil, io.Discard, io.Discard)
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "SURVEY_") {
				t.Fatalf("error %v, want one naming %s", err, tt.want)
			}
			if v := tt.env["SURVEY_JWT_SECRET"]; v != "" && strings.Contains(err.Error(), v) {
				t.Errorf("the error shows the secret: %v", err)
			}
			if strings.Contains(err.Error(), "pw-in-url") {
				t.Errorf("the error shows the database password: %v", err)
			}
		})
	}
}

func TestMigrateAndUserCreate(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		env := func(k string) string { return map[string]string{"SURVEY_DATABASE_URL": url}[k] }
		var out strings.Builder
		if err := run(context.Background(), []string{"migrate"}, env, nil, &out, io.Discard); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out.String(), "applied 0001_initial.sql") {
			t.Errorf("migrate printed %q", out.String())
		}
		out.Reset()
		if err := run(context.Background(), []string{"migrate"}, env, nil, &out, io.Discard); err != nil || !strings.Contains(out.String(), "up to date") {
			t.Errorf("second migrate: %v %q", err, out.String())
		}

		tests := []struct {
			name  string
			args  []string
			stdin string
			ok    bool
		}{
			{"admin", []string{"--email", "boss@commission.example", "--role", "admin"}, "a long enough password\n", true},
			{"no password", []string{"--email", "x@commission.example", "--role", "admin"}, "", false},
			{"weak password", []string{"--email", "y@commission.example", "--role", "admin"}, "short\n", false},
			{"duplicate", []string{"--email", "BOSS@commission.example", "--role", "admin"}, "a long enough password\n", false},
			{"respondent of an unknown administration", []string{"--email", "r@x.example", "--role", "respondent", "--administration", "XX"}, "a long enough password\n", false},
			{"password as a flag", []string{"--email", "z@commission.example", "--role", "admin", "--password", "p"}, "", false},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				var out strings.Builder
				err := run(context.Background(), append([]string{"user", "create"}, tt.args...), env, strings.NewReader(tt.stdin), &out, io.Discard)
				if (err == nil) != tt.ok {
					t.Fatalf("err %v, want ok=%v", err, tt.ok)
				}
				if strings.Contains(out.String(), "a long enough password") {
					t.Errorf("the password was printed")
				}
			})
		}
	})
}

// TestAdminVariablesAreIgnoredOnceAnAdminExists: the first admin comes from
// them "while no admin exists" (docs/api.md, "Settings"); a weak leftover
// password must not stop a restart.
func TestAdminVariablesAreIgnoredOnceAnAdminExists(t *testing.T) {
	url := dbtest.SQLiteURL(t)
	s := startServer(t, map[string]string{"SURVEY_DATABASE_URL": url,
		"SURVEY_ADMIN_EMAIL": "first@commission.example", "SURVEY_ADMIN_PASSWORD": "first admin password"})
	s.stop(t)
	s = startServer(t, map[string]string{"SURVEY_DATABASE_URL": url,
		"SURVEY_ADMIN_EMAIL": "other@commission.example", "SURVEY_ADMIN_PASSWORD": "weak"})
	defer s.stop(t)
	if status, _ := s.call(t, "POST", "/api/v1/auth/login", "", `{"email":"first@commission.example","password":"first admin password"}`); status != 200 {
		t.Fatalf("login after a restart with a weak, unused SURVEY_ADMIN_PASSWORD: %d", status)
	}
}
