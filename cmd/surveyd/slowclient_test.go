package main

import (
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/customs-survey/surveyd/internal/dbtest"
)

// TestSlowClientsAreCutOff holds connections open the way a slowloris
// attack does, sending a request a few bytes at a time: the server must
// close them once SURVEY_READ_TIMEOUT has passed.
func TestSlowClientsAreCutOff(t *testing.T) {
	s := startServer(t, map[string]string{"SURVEY_DATABASE_URL": dbtest.SQLiteURL(t), "SURVEY_READ_TIMEOUT": "400ms"})
	defer s.stop(t)
	tests := []struct {
		name, start string
	}{
		{"headers never end", "GET /healthz HTTP/1.1\r\nHost: x\r\n"},
		{"body never ends", "POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"email\":"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			conn, err := net.Dial("tcp", strings.TrimPrefix(s.base, "http://"))
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			start := time.Now()
			if _, err := io.WriteString(conn, tt.start); err != nil {
				t.Fatal(err)
			}
			// Keep trickling a byte every 100 ms; the server must hang up
			// (or answer and hang up) well before we stop.
			closed := make(chan time.Duration, 1)
			go func() {
				io.Copy(io.Discard, conn)
				closed <- time.Since(start)
			}()
			for i := 0; i < 40; i++ {
				select {
				case d := <-closed:
					if d > 3*time.Second {
						t.Errorf("closed after %s", d)
					}
					return
				case <-time.After(100 * time.Millisecond):
					conn.Write([]byte(" "))
				}
			}
			t.Fatal("the server kept a slow connection open for 4 s with a 400 ms read timeout")
		})
	}
}
