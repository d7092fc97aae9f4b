package dbtest

import (
	"bytes"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// binaries locates a PostgreSQL installation.
type binaries struct {
	dir    string // where they were found, for messages
	initdb string
	pgCtl  string
}

// installDirs are where distributions put the PostgreSQL server programs
// outside the PATH: Debian and Ubuntu, then the PGDG RPMs.
var installDirs = []string{"/usr/lib/postgresql/*/bin", "/usr/pgsql-*/bin"}

// findPostgres looks for initdb and pg_ctl on the PATH, then in installDirs,
// highest version first.
func findPostgres() (binaries, error) {
	if initdb, err := exec.LookPath("initdb"); err == nil {
		// Prefer the pg_ctl beside initdb, so that both are of one version.
		pgCtl := filepath.Join(filepath.Dir(initdb), "pg_ctl")
		if !isExecutable(pgCtl) {
			pgCtl, err = exec.LookPath("pg_ctl")
		}
		if err == nil {
			return binaries{dir: filepath.Dir(initdb), initdb: initdb, pgCtl: pgCtl}, nil
		}
	}
	for _, pattern := range installDirs {
		dirs, _ := filepath.Glob(pattern)
		sortByVersionDesc(dirs)
		for _, dir := range dirs {
			b := binaries{dir: dir, initdb: filepath.Join(dir, "initdb"), pgCtl: filepath.Join(dir, "pg_ctl")}
			if isExecutable(b.initdb) && isExecutable(b.pgCtl) {
				return b, nil
			}
		}
	}
	return binaries{}, errors.New("initdb and pg_ctl not found")
}

func isExecutable(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0
}

// sortByVersionDesc sorts installation directories such as
// /usr/lib/postgresql/9.6/bin and /usr/lib/postgresql/16/bin by the version
// they contain, highest first.
func sortByVersionDesc(dirs []string) {
	version := func(dir string) []int {
		base := filepath.Base(filepath.Dir(dir)) // "16", "9.6", "pgsql-16"
		base = base[strings.LastIndexByte(base, '-')+1:]
		var v []int
		for _, f := range strings.Split(base, ".") {
			n, err := strconv.Atoi(f)
			if err != nil {
				return nil
			}
			v = append(v, n)
		}
		return v
	}
	sort.SliceStable(dirs, func(i, j int) bool {
		a, b := version(dirs[i]), version(dirs[j])
		for k := 0; k < len(a) && k < len(b); k++ {
			if a[k] != b[k] {
				return a[k] > b[k]
			}
		}
		return len(a) > len(b)
	})
}

// cluster is a throwaway PostgreSQL cluster: data directory, Unix socket and
// server log all live in dir.
type cluster struct {
	dir     string
	bin     binaries
	asUser  []string // command prefix running a program as the cluster's owner, or nil
	startup time.Duration

	announced sync.Once
	watchdog  *os.File // write end of the watchdog's stdin
}

// port only names the socket file (.s.PGSQL.5432): the cluster listens on no
// TCP port, and its socket directory is its own.
const port = "5432"

// startCluster creates and starts a cluster in a new temporary directory.
func startCluster(bin binaries) (*cluster, error) {
	begin := time.Now()
	c := &cluster{bin: bin}
	uid, gid := -1, -1
	if os.Geteuid() == 0 {
		// The server refuses to run as root.
		u, err := user.Lookup("postgres")
		if err != nil {
			return nil, fmt.Errorf("running as root, and PostgreSQL will not: no %q user to run it as (%v)", "postgres", err)
		}
		runuser, err := findRunuser()
		if err != nil {
			return nil, fmt.Errorf("running as root, and PostgreSQL will not: %v", err)
		}
		uid, _ = strconv.Atoi(u.Uid)
		gid, _ = strconv.Atoi(u.Gid)
		c.asUser = []string{runuser, "-u", "postgres", "--"}
	}

	dir, err := os.MkdirTemp("", "surveyd-pg-")
	if err != nil {
		return nil, err
	}
	c.dir = dir
	if uid >= 0 {
		if err := os.Chown(dir, uid, gid); err != nil {
			os.RemoveAll(dir)
			return nil, err
		}
	}
	// From here on, the cluster goes away with the test binary even if Main
	// is never called or the binary is killed.
	c.startWatchdog()

	data := filepath.Join(dir, "data")
	if out, err := c.command(bin.initdb, "-D", data, "-U", "postgres", "-A", "trust",
		"-E", "UTF8", "--locale=C", "-N").CombinedOutput(); err != nil {
		c.stop()
		return nil, fmt.Errorf("initdb: %v: %s", err, bytes.TrimSpace(out))
	}
	conf := fmt.Sprintf(`
# dbtest: a throwaway cluster for tests, reachable only through its own socket.
listen_addresses = ''
unix_socket_directories = '%s'
port = %s
max_connections = 200
fsync = off
full_page_writes = off
synchronous_commit = off
`, strings.ReplaceAll(dir, "'", "''"), port)
	if err := appendFile(filepath.Join(data, "postgresql.conf"), conf); err != nil {
		c.stop()
		return nil, err
	}
	logFile := filepath.Join(dir, "server.log")
	if out, err := c.command(bin.pgCtl, "-D", data, "-l", logFile, "-w", "-t", "60", "-s", "start").CombinedOutput(); err != nil {
		serverLog, _ := os.ReadFile(logFile)
		c.stop()
		return nil, fmt.Errorf("pg_ctl start: %v: %s\n%s", err, bytes.TrimSpace(out), tail(serverLog, 2000))
	}
	c.startup = time.Since(begin)
	return c, nil
}

// url returns the URL of database db on the cluster.
func (c *cluster) url(db string) *url.URL {
	host := strings.ReplaceAll(url.QueryEscape(c.dir), "%2F", "/")
	return &url.URL{
		Scheme:   "postgres",
		User:     url.User("postgres"),
		Path:     "/" + db,
		RawQuery: "host=" + host + "&port=" + port + "&sslmode=disable",
	}
}

// announce reports true the first time it is called.
func (c *cluster) announce() bool {
	first := false
	c.announced.Do(func() { first = true })
	return first
}

// stop stops the server, without the niceties (the data is thrown away), and
// removes the cluster's directory.
func (c *cluster) stop() {
	data := filepath.Join(c.dir, "data")
	if _, err := os.Stat(filepath.Join(data, "postmaster.pid")); err == nil {
		c.command(c.bin.pgCtl, "-D", data, "-m", "immediate", "-w", "-s", "stop").Run()
	}
	os.RemoveAll(c.dir)
	if c.watchdog != nil {
		c.watchdog.Close() // its work is done: let it go
	}
}

// startWatchdog starts a process that stops the cluster and removes its
// directory when the test binary exits, however it exits: it waits for the
// end of its standard input, a pipe whose only writer is this process.
func (c *cluster) startWatchdog() {
	r, w, err := os.Pipe()
	if err != nil {
		return
	}
	defer r.Close()
	stop := c.command(c.bin.pgCtl, "-D", filepath.Join(c.dir, "data"), "-m", "immediate", "-s", "stop")
	cmd := exec.Command("/bin/sh", append([]string{"-c",
		`cat >/dev/null; "$@" >/dev/null 2>&1; rm -rf "$DBTEST_CLUSTER_DIR"`,
		"dbtest-watchdog"}, stop.Args...)...)
	cmd.Env = append(stop.Env, "DBTEST_CLUSTER_DIR="+c.dir)
	cmd.Stdin = r
	// Stdout and stderr stay /dev/null: go test waits for the test binary's
	// output pipes to close. Its own session keeps it out of the way of a
	// Ctrl-C meant for the tests.
	cmd.SysProcAttr = detached()
	if err := cmd.Start(); err != nil {
		w.Close()
		return
	}
	c.watchdog = w
}

// command prepares program to run as the cluster's owner, in the cluster's
// directory, without the PG* environment variables that would change what
// it does.
func (c *cluster) command(program string, args ...string) *exec.Cmd {
	argv := append(append(append([]string(nil), c.asUser...), program), args...)
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = c.dir
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "PG") && !strings.HasPrefix(kv, "LC_") && !strings.HasPrefix(kv, "LANG=") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, "LC_ALL=C")
	return cmd
}

// findRunuser finds runuser(1), which is not always on a PATH.
func findRunuser() (string, error) {
	if p, err := exec.LookPath("runuser"); err == nil {
		return p, nil
	}
	for _, p := range []string{"/usr/sbin/runuser", "/sbin/runuser", "/usr/bin/runuser", "/bin/runuser"} {
		if isExecutable(p) {
			return p, nil
		}
	}
	return "", errors.New("runuser not found")
}

func appendFile(path, text string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		return err
	}
	if _, err := f.WriteString(text); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// tail returns at most the last n bytes of b.
func tail(b []byte, n int) []byte {
	if len(b) > n {
		b = b[len(b)-n:]
	}
	return bytes.TrimSpace(b)
}
