package main

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

// TestCallReadsTheAnswer: an answer not decoded is still read to its end,
// so that the next call goes over the same connection (one connection for
// all the calls of a case); a 2xx answer asked for is decoded; any other
// status is an error quoting the answer.
func TestCallReadsTheAnswer(t *testing.T) {
	long := `{"submissions":[` + strings.Repeat(`{"revision":1,"submitted_at":"2026-12-02T00:00:00Z"},`, 2000) + `{}]}`
	for _, c := range []struct {
		name    string
		status  int
		answer  string
		decode  bool
		wantErr string
	}{
		{name: "a long answer, not decoded", status: http.StatusOK, answer: long},
		{name: "an answer decoded", status: http.StatusOK, answer: `{"id":"r1"}`, decode: true},
		{name: "a refusal", status: http.StatusUnprocessableEntity, answer: `{"title":"invalid answers"}`,
			wantErr: `PUT /campaigns/c/response: 422 Unprocessable Entity: {"title":"invalid answers"}`},
	} {
		t.Run(c.name, func(t *testing.T) {
			srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(c.status)
				w.Write([]byte(c.answer))
			}))
			var conns atomic.Int32
			srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
				if s == http.StateNew {
					conns.Add(1)
				}
			}
			srv.Start()
			defer srv.Close()
			api := client{base: srv.URL, http: srv.Client(), token: "t"}
			for range 3 {
				var out struct {
					ID string `json:"id"`
				}
				var into any
				if c.decode {
					into = &out
				}
				err := api.call(context.Background(), http.MethodPut, "/campaigns/c/response", []byte(`{}`), into)
				switch {
				case c.wantErr == "" && err != nil:
					t.Fatalf("call: %v", err)
				case c.wantErr != "" && (err == nil || err.Error() != c.wantErr):
					t.Fatalf("call: %v, want %s", err, c.wantErr)
				case c.decode && out.ID != "r1":
					t.Fatalf("decoded %+v", out)
				}
			}
			if n := conns.Load(); n != 1 {
				t.Errorf("%d connections for three calls, want 1", n)
			}
		})
	}
}
