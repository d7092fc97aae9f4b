// Command surveyload measures how many save-and-submit rounds a running
// surveyd takes per second, beside what the same database takes when the
// same rows are written to it directly.
//
//	go run ./cmd/surveyload -url http://localhost:8080 -respondents 32 -duration 30s \
//	  -database-url postgres://user:pass@host/db
//
// Through the API, as the admin that SURVEY_ADMIN_EMAIL and
// SURVEY_ADMIN_PASSWORD (or -admin-email, and the password on stdin when
// the variable is unset) name, it creates administrations, N respondents,
// a 30-question questionnaire (testdata/load_survey.json), published, and
// two open campaigns. Then N respondents at once, for the duration, each
// save a random draft (PUT …/response) and submit it (POST
// …/response/submit), over and over: every round after a respondent's
// first is an amendment. It prints submissions per second and the
// latencies (p50, p95, p99) of each call, and the server's resident
// memory (peak and median) in the set-up and under the load, sampled each
// second from its /metrics (-metrics-url), with the CPU time it spent per
// round of the service's.
//
// With -database-url (the server's database), it also writes the same
// rows — response, submission, answers, score cells, with the same two
// commits per round — to the second campaign directly, through
// database/sql with the server's durability settings (store.Baseline),
// with N writers for the same duration, and prints the ratio. The two
// take turns (-turns each, in the order service, direct, direct,
// service, ...), so that a slow spell of the machine or the database
// falls on both alike. Then, unless -pace is 0, both run again for
// half the duration, in as many turns, with the respondents pausing
// between rounds, so that they offer half (-pace) the rate the service
// reached: the latency of a load the service carries, where the first
// measurement's is that of 32 clients queueing for two cores. Everything
// it creates is left in place, under names of its own (the run's
// number): a load run belongs on a database made for it.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"time"

	"github.com/customs-survey/surveyd/internal/loadgen"
)

func main() {
	// The load generator shares the machine's cores with the server and
	// the database it measures: its collector runs less often than Go's
	// default (unless GOGC is set), its live heap being a few MiB.
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	os.Exit(exitCode(run(os.Args[1:], os.Stdout, os.Stdin), os.Stderr))
}

// exitCode is the status a run ends with: 0 when it succeeded or only
// printed its usage (-h, --help: the flag set prints it), else 1, the error
// written to stderr.
func exitCode(err error, stderr io.Writer) int {
	if err == nil || errors.Is(err, flag.ErrHelp) {
		return 0
	}
	fmt.Fprintln(stderr, "surveyload:", err)
	return 1
}

type config struct {
	url             string
	respondents     int
	administrations int
	duration        time.Duration
	turns           int
	pace            float64
	databaseURL     string
	metricsURL      string
	adminEmail      string
	adminPassword   string
	seed            int64
}

func parseFlags(args []string, stdin io.Reader) (config, error) {
	var c config
	fs := flag.NewFlagSet("surveyload", flag.ContinueOnError)
	fs.StringVar(&c.url, "url", "http://localhost:8080", "base URL of the running server")
	fs.IntVar(&c.respondents, "respondents", 32, "respondents answering at once")
	fs.IntVar(&c.administrations, "administrations", 0,
		"administrations the respondents are spread over (0: one each; 1: all in one, the hottest case)")
	fs.DurationVar(&c.duration, "duration", 30*time.Second,
		"how long each measurement runs, in all (all of them must end within the 15 minutes that access tokens live)")
	fs.IntVar(&c.turns, "turns", 10, "turns each measurement takes, alternating with the other's (a b b a ...)")
	fs.Float64Var(&c.pace, "pace", 0.5,
		"then measure again, for half of -duration each, with the respondents pausing between rounds so that they offer this share of the rate the service reached (0: not)")
	fs.StringVar(&c.databaseURL, "database-url", os.Getenv("SURVEY_DATABASE_URL"),
		"the server's database, for the direct-insert baseline (default $SURVEY_DATABASE_URL; empty: no baseline)")
	fs.StringVar(&c.metricsURL, "metrics-url", "",
		"the server's /metrics, sampled each second for its memory (default: -url's /metrics; none: not sampled)")
	fs.StringVar(&c.adminEmail, "admin-email", os.Getenv("SURVEY_ADMIN_EMAIL"), "an admin's e-mail (default $SURVEY_ADMIN_EMAIL)")
	fs.Int64Var(&c.seed, "seed", 1, "seed of the random answers")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	switch {
	case c.respondents < 1:
		return c, fmt.Errorf("-respondents must be at least 1")
	case c.duration <= 0 || c.duration > 4*time.Minute:
		return c, fmt.Errorf("-duration must lie between 0 and 4m")
	case c.pace < 0 || c.pace > 1:
		return c, fmt.Errorf("-pace must lie between 0 and 1")
	case c.turns < 1 || c.turns > 100:
		return c, fmt.Errorf("-turns must lie between 1 and 100")
	case c.administrations < 0 || c.administrations > 500:
		return c, fmt.Errorf("-administrations must lie between 0 and 500 (a campaign's most)")
	case c.adminEmail == "":
		return c, fmt.Errorf("an admin is needed: -admin-email or SURVEY_ADMIN_EMAIL")
	}
	switch c.metricsURL {
	case "":
		c.metricsURL = strings.TrimSuffix(c.url, "/") + "/metrics"
	case "none":
		c.metricsURL = ""
	}
	if c.administrations == 0 || c.administrations > c.respondents {
		c.administrations = min(c.respondents, 500)
	}
	c.adminPassword = os.Getenv("SURVEY_ADMIN_PASSWORD")
	if c.adminPassword == "" {
		b, err := io.ReadAll(io.LimitReader(stdin, 4096))
		if err != nil {
			return c, err
		}
		c.adminPassword = trimLine(string(b))
	}
	return c, nil
}

func trimLine(s string) string {
	for len(s) > 0 && (s[len(s)-1] == '\n' || s[len(s)-1] == '\r') {
		s = s[:len(s)-1]
	}
	return s
}

func run(args []string, out io.Writer, stdin io.Reader) error {
	c, err := parseFlags(args, stdin)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	fmt.Fprintf(out, "setting up %d respondents in %d administration(s) at %s\n", c.respondents, c.administrations, c.url)
	var mem *memoryWatch
	if c.metricsURL != "" {
		mem = watchMemory(c.metricsURL, time.Second, "set-up")
		defer func() { mem.finish(); mem.print(out) }()
	}
	f, err := setUp(ctx, c)
	if err != nil {
		return fmt.Errorf("set-up: %w", err)
	}
	mem.enter("load")
	o := loadgen.Options{Workers: c.respondents, Duration: c.duration, Seed: c.seed}
	answer := serviceRounds(c, f)
	if c.databaseURL == "" {
		fmt.Fprintf(out, "campaign %s: %d respondents answering for %s\n", f.campaign, c.respondents, c.duration)
		service := answer(ctx, o)
		if service.Rounds == 0 {
			return fmt.Errorf("no submission went through: %v", service.FirstErr)
		}
		service.Print(out, "service (save + submit through the API)")
		mem.counted("load", service.Rounds)
		if c.pace > 0 && ctx.Err() == nil {
			paced := pacedOptions(c, o, service, out)
			mem.enter("paced")
			service = answer(ctx, paced)
			service.Print(out, "service, paced")
			mem.counted("paced", service.Rounds)
		}
		fmt.Fprintln(out, "no -database-url: no direct-insert baseline")
		return nil
	}
	write, closeDirect, err := directRounds(ctx, c, f)
	if err != nil {
		return err
	}
	defer closeDirect()
	fmt.Fprintf(out, "campaign %s: %d respondents answering for %s; campaign %s: the same rows written directly for %s; in turns of %s\n",
		f.campaign, c.respondents, c.duration, f.direct, c.duration, c.duration/time.Duration(c.turns))
	service, direct := loadgen.Alternate(ctx, o, c.turns, answer, write)
	if service.Rounds == 0 {
		return fmt.Errorf("no submission went through: %v", service.FirstErr)
	}
	if direct.Rounds == 0 {
		return fmt.Errorf("no direct write went through: %v", direct.FirstErr)
	}
	service.Print(out, "service (save + submit through the API)")
	direct.Print(out, "direct (the same rows through database/sql)")
	fmt.Fprintf(out, "ratio service/direct: %.2f\n", service.Rate()/direct.Rate())
	mem.counted("load", service.Rounds)
	if c.pace > 0 && ctx.Err() == nil {
		paced := pacedOptions(c, o, service, out)
		mem.enter("paced")
		// As many turns as at full rate: the database's work that the
		// full-rate phase leaves (the first vacuum of its rows, the
		// disk's writeback of its pages) lands in the first seconds of
		// this phase, and in two turns it all fell on the service's.
		service, direct = loadgen.Alternate(ctx, paced, c.turns, answer, write)
		service.Print(out, "service, paced")
		direct.Print(out, "direct, paced")
		mem.counted("paced", service.Rounds)
	}
	return nil
}

// pacedOptions are those of the paced measurement: each respondent
// starts a round every so often, so that all of them offer c.pace times
// the rate the service reached, for half the duration. It says so
// on out.
func pacedOptions(c config, o loadgen.Options, service *loadgen.Result, out io.Writer) loadgen.Options {
	rate := c.pace * service.Rate()
	o.Duration = c.duration / 2
	o.Every = time.Duration(float64(c.respondents) / rate * float64(time.Second))
	fmt.Fprintf(out, "paced: each respondent starts a round every %s, %.0f rounds/s in all (%.0f%% of the service's rate), for %s\n",
		o.Every.Round(time.Millisecond), rate, 100*c.pace, o.Duration)
	return o
}
