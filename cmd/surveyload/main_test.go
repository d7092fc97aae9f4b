package main

import (
	"strings"
	"testing"
	"time"
)

// TestParseFlags: the settings a run needs, their defaults, and the
// values refused before anything is created.
func TestParseFlags(t *testing.T) {
	t.Setenv("SURVEY_ADMIN_EMAIL", "admin@load.example")
	t.Setenv("SURVEY_ADMIN_PASSWORD", "")
	t.Setenv("SURVEY_DATABASE_URL", "")
	for _, c := range []struct {
		name    string
		args    []string
		stdin   string
		want    config
		wantErr string
	}{
		{name: "defaults, password on stdin", stdin: "a passphrase\n", want: config{url: "http://localhost:8080", metricsURL: "http://localhost:8080/metrics", respondents: 32,
			administrations: 32, duration: 30 * time.Second, adminEmail: "admin@load.example", adminPassword: "a passphrase", seed: 1, turns: 10, pace: 0.5}},
		{name: "all in one administration", args: []string{"-respondents", "8", "-administrations", "1", "-duration", "5s",
			"-database-url", "sqlite://x.db"}, stdin: "pw", want: config{url: "http://localhost:8080", metricsURL: "http://localhost:8080/metrics", respondents: 8,
			administrations: 1, duration: 5 * time.Second, databaseURL: "sqlite://x.db", adminEmail: "admin@load.example",
			adminPassword: "pw", seed: 1, turns: 10, pace: 0.5}},
		{name: "more administrations than respondents", args: []string{"-respondents", "4", "-administrations", "9"}, stdin: "pw",
			want: config{url: "http://localhost:8080", metricsURL: "http://localhost:8080/metrics", respondents: 4, administrations: 4, duration: 30 * time.Second,
				adminEmail: "admin@load.example", adminPassword: "pw", seed: 1, turns: 10, pace: 0.5}},
		{name: "two turns", args: []string{"-turns", "2"}, stdin: "pw", want: config{url: "http://localhost:8080", metricsURL: "http://localhost:8080/metrics",
			respondents: 32, administrations: 32, duration: 30 * time.Second, adminEmail: "admin@load.example",
			adminPassword: "pw", seed: 1, turns: 2, pace: 0.5}},
		{name: "metrics elsewhere", args: []string{"-url", "http://h:8080/", "-metrics-url", "http://h:9090/metrics"}, stdin: "pw",
			want: config{url: "http://h:8080/", metricsURL: "http://h:9090/metrics", respondents: 32, administrations: 32,
				duration: 30 * time.Second, adminEmail: "admin@load.example", adminPassword: "pw", seed: 1, turns: 10, pace: 0.5}},
		{name: "metrics beside the API, URL with a slash", args: []string{"-url", "http://h:8080/"}, stdin: "pw",
			want: config{url: "http://h:8080/", metricsURL: "http://h:8080/metrics", respondents: 32, administrations: 32,
				duration: 30 * time.Second, adminEmail: "admin@load.example", adminPassword: "pw", seed: 1, turns: 10, pace: 0.5}},
		{name: "memory not sampled", args: []string{"-metrics-url", "none"}, stdin: "pw",
			want: config{url: "http://localhost:8080", respondents: 32, administrations: 32,
				duration: 30 * time.Second, adminEmail: "admin@load.example", adminPassword: "pw", seed: 1, turns: 10, pace: 0.5}},
		{name: "no turn", args: []string{"-turns", "0"}, wantErr: "-turns"},
		{name: "no respondent", args: []string{"-respondents", "0"}, wantErr: "-respondents"},
		{name: "not paced", args: []string{"-pace", "0"}, stdin: "pw", want: config{url: "http://localhost:8080", metricsURL: "http://localhost:8080/metrics",
			respondents: 32, administrations: 32, duration: 30 * time.Second, adminEmail: "admin@load.example",
			adminPassword: "pw", seed: 1, turns: 10}},
		{name: "a pace beyond the rate reached", args: []string{"-pace", "1.5"}, wantErr: "-pace"},
		{name: "a duration past the tokens' life", args: []string{"-duration", "5m"}, wantErr: "-duration"},
		{name: "too many administrations", args: []string{"-administrations", "501"}, wantErr: "-administrations"},
		{name: "no admin", args: []string{"-admin-email", ""}, wantErr: "admin"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := parseFlags(c.args, strings.NewReader(c.stdin))
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) {
					t.Fatalf("error %v, want one naming %s", err, c.wantErr)
				}
				return
			}
			if err != nil || got != c.want {
				t.Fatalf("parseFlags = %+v, %v; want %+v", got, err, c.want)
			}
		})
	}
}

// TestHelpSucceeds: -h and --help print the usage and end with status 0;
// an unknown flag ends with 1 and says why.
func TestHelpSucceeds(t *testing.T) {
	for _, c := range []struct {
		args []string
		code int
	}{
		{[]string{"-h"}, 0},
		{[]string{"--help"}, 0},
		{[]string{"-bogus"}, 1},
	} {
		var stderr strings.Builder
		_, err := parseFlags(c.args, strings.NewReader(""))
		if got := exitCode(err, &stderr); got != c.code {
			t.Errorf("%v: exit %d, want %d (%v)", c.args, got, c.code, err)
		}
		if c.code == 1 && !strings.Contains(stderr.String(), "bogus") {
			t.Errorf("%v: stderr %q does not say why", c.args, stderr.String())
		}
	}
}
