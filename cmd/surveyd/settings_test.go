package main

import (
	"bufio"
	"crypto/rand"
	"encoding/hex"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/customs-survey/surveyd/internal/dbtest"
)

// settingValues gives every setting of surveyd a valid value other than its
// default, for TestServeWithEverySetting. A new setting without a value
// here fails TestEverySettingIsExercised.
func settingValues(t *testing.T, databaseURL, addr string) map[string]string {
	var key [32]byte
	_, _ = rand.Read(key[:])
	return map[string]string{
		"SURVEY_ADDR":                 addr,
		"SURVEY_DATABASE_URL":         databaseURL,
		"SURVEY_ADMIN_EMAIL":          "first@commission.example",
		"SURVEY_ADMIN_PASSWORD":       "first admin password",
		"SURVEY_JWT_SECRET":           hex.EncodeToString(key[:]),
		"SURVEY_BODY_LIMIT":           "2MiB",
		"SURVEY_READ_TIMEOUT":         "20s",
		"SURVEY_TRUSTED_PROXIES":      "127.0.0.1, 10.0.0.0/8",
		"SURVEY_CORS_ORIGINS":         "https://survey.example.eu, https://admin.example.eu",
		"SURVEY_AUDIT_RETENTION":      "400d",
		"SURVEY_PASSWORD_HASH_MEMORY": "40MiB",
		"SURVEY_PAGES":                "off",
		"SURVEY_COOKIE_SECURE":        "on",
		"SURVEY_METRICS_ADDR":         "127.0.0.1:0",
	}
}

// settingsIn lists the SURVEY_* variables that surveyd's own code reads.
func settingsIn(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	name := regexp.MustCompile(`"(SURVEY_[A-Z_]+)"`)
	var out []string
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range name.FindAllStringSubmatch(string(src), -1) {
			if !slices.Contains(out, m[1]) {
				out = append(out, m[1])
			}
		}
	}
	slices.Sort(out)
	return out
}

func TestEverySettingIsExercised(t *testing.T) {
	values := settingValues(t, "", "")
	settings := settingsIn(t)
	if len(settings) < len(values) {
		t.Fatalf("found only %v in the code", settings)
	}
	for _, s := range settings {
		if _, ok := values[s]; !ok {
			t.Errorf("%s is read by surveyd but TestServeWithEverySetting does not set it: add it to settingValues", s)
		}
	}
}

// TestServeWithEverySetting starts the real program, as a process of its
// own, with every setting given a value, and checks that it serves: with
// CORS on, the handler swapped in once the database is ready used to differ
// in type from the start-up one and crash the server.
func TestServeWithEverySetting(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := ln.Addr().String()
		ln.Close()
		env := settingValues(t, url, addr)
		cmd := exec.Command(os.Args[0], "serve")
		cmd.Env = append(os.Environ(), asBinary+"=1")
		for k, v := range env {
			cmd.Env = append(cmd.Env, k+"="+v)
		}
		logs := &lockedBuffer{}
		cmd.Stderr = logs
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		exited := make(chan error, 1)
		go func() {
			sc := bufio.NewScanner(stdout)
			for sc.Scan() {
			}
			exited <- cmd.Wait()
		}()
		defer func() {
			cmd.Process.Kill()
			if t.Failed() {
				t.Logf("surveyd log:\n%s", logs.String())
			}
		}()
		base := "http://" + addr
		waitReady(t, base, exited)

		// A CORS preflight from an allowed origin, and a real call.
		req, _ := http.NewRequest(http.MethodOptions, base+"/api/v1/auth/login", nil)
		req.Header.Set("Origin", "https://admin.example.eu")
		req.Header.Set("Access-Control-Request-Method", "POST")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusNoContent || res.Header.Get("Access-Control-Allow-Origin") != "https://admin.example.eu" {
			t.Errorf("preflight: %d, Access-Control-Allow-Origin %q", res.StatusCode, res.Header.Get("Access-Control-Allow-Origin"))
		}
		req, _ = http.NewRequest(http.MethodPost, base+"/api/v1/auth/login",
			strings.NewReader(`{"email":"first@commission.example","password":"first admin password"}`))
		req.Header.Set("Origin", "https://survey.example.eu")
		res, err = http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusOK || res.Header.Get("Access-Control-Allow-Origin") != "https://survey.example.eu" {
			t.Errorf("login: %d, Access-Control-Allow-Origin %q", res.StatusCode, res.Header.Get("Access-Control-Allow-Origin"))
		}

		// SURVEY_PAGES=off: no pages, the API's 404 problem instead.
		res, err = http.Get(base + "/login")
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusNotFound || res.Header.Get("Content-Type") != "application/problem+json" {
			t.Errorf("GET /login with the pages off: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
		}

		// SIGTERM: a clean exit.
		cmd.Process.Signal(syscall.SIGTERM)
		select {
		case err := <-exited:
			if err != nil {
				t.Errorf("surveyd exited with %v", err)
			}
		case <-time.After(35 * time.Second):
			t.Fatal("surveyd did not stop on SIGTERM")
		}
		if strings.Contains(logs.String(), env["SURVEY_JWT_SECRET"]) || strings.Contains(logs.String(), env["SURVEY_ADMIN_PASSWORD"]) {
			t.Error("the log shows a secret")
		}
	})
}

// waitReady polls /readyz until it answers 200, failing if the process
// exits first.
func waitReady(t *testing.T, base string, exited <-chan error) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		select {
		case err := <-exited:
			t.Fatalf("surveyd exited before it was ready: %v", err)
		default:
		}
		if res, err := http.Get(base + "/readyz"); err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatal("surveyd never became ready")
		}
		time.Sleep(50 * time.Millisecond)
	}
}
