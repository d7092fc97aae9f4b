package survey

import (
	"errors"
	"fmt"
	"reflect"
	"sync/atomic"
	"testing"
	"time"
)

// batchesOf serves n responses in batches of size, in key order, as a
// store's next does, and counts the reads under way at once.
type batchesOf struct {
	n, size      int
	reading, max atomic.Int32
	failAt       int // the read (1 = the first) that fails; 0: none
	reads        atomic.Int32
	slow         time.Duration // how long each read after the first takes
}

func (b *batchesOf) next(afterAdministration, afterID string) ([]ExportedResponse, bool, error) {
	if n := b.reading.Add(1); n > b.max.Load() {
		b.max.Store(n)
	}
	defer b.reading.Add(-1)
	read := int(b.reads.Add(1))
	if read == b.failAt {
		return nil, false, errors.New("read failed")
	}
	if read > 1 {
		time.Sleep(b.slow)
	}
	start := 0
	if afterID != "" {
		fmt.Sscanf(afterID, "r%04d", &start)
		start++
	}
	var batch []ExportedResponse
	for i := start; i < min(start+b.size, b.n); i++ {
		batch = append(batch, ExportedResponse{ResponseID: fmt.Sprintf("r%04d", i), Administration: "AT"})
	}
	return batch, start+b.size < b.n, nil
}

func TestEachExportBatch(t *testing.T) {
	for _, tc := range []struct {
		name       string
		n, size    int
		failRead   int // the read that fails (0: none)
		failBatch  int // the batch (1 = the first) fn fails on (0: none)
		wantErr    string
		wantPassed int // responses handed to fn
	}{
		{name: "empty", n: 0, size: 3},
		{name: "one batch", n: 2, size: 3, wantPassed: 2},
		{name: "exact batches", n: 9, size: 3, wantPassed: 9},
		{name: "last batch short", n: 10, size: 3, wantPassed: 10},
		{name: "read fails", n: 10, size: 3, failRead: 3, wantErr: "read failed", wantPassed: 6},
		{name: "fn fails", n: 10, size: 3, failBatch: 2, wantErr: "client gone", wantPassed: 6},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := &batchesOf{n: tc.n, size: tc.size, failAt: tc.failRead}
			var passed []string
			batches := 0
			err := EachExportBatch(b.next, func(batch []ExportedResponse) error {
				batches++
				for _, r := range batch {
					passed = append(passed, r.ResponseID)
				}
				if batches == tc.failBatch {
					return errors.New("client gone")
				}
				return nil
			})
			if (err == nil) != (tc.wantErr == "") || err != nil && err.Error() != tc.wantErr {
				t.Fatalf("error %v, want %q", err, tc.wantErr)
			}
			var want []string
			for i := range tc.wantPassed {
				want = append(want, fmt.Sprintf("r%04d", i))
			}
			if !reflect.DeepEqual(passed, want) {
				t.Errorf("passed %v, want %v", passed, want)
			}
			if b.max.Load() > 1 {
				t.Errorf("%d reads at once, want one at a time", b.max.Load())
			}
			if b.reading.Load() != 0 {
				t.Error("a read is still under way after EachExportBatch returned")
			}
		})
	}
}

// TestEachExportBatchReadsAhead: the next batch is read while fn works on
// the one before.
func TestEachExportBatchReadsAhead(t *testing.T) {
	b := &batchesOf{n: 6, size: 3}
	calls := 0
	err := EachExportBatch(b.next, func(batch []ExportedResponse) error {
		if calls++; calls == 1 {
			deadline := time.Now().Add(5 * time.Second)
			for b.reads.Load() < 2 && time.Now().Before(deadline) {
				time.Sleep(time.Millisecond)
			}
			if b.reads.Load() < 2 {
				t.Error("the second batch was not read while fn worked on the first")
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if b.reads.Load() != 2 || calls != 2 {
		t.Errorf("%d reads and %d batches, want 2 of each", b.reads.Load(), calls)
	}
}

// TestEachExportBatchPanics: a panic of next is raised in the caller's
// goroutine, and a panic of fn leaves no read under way behind it.
func TestEachExportBatchPanics(t *testing.T) {
	t.Run("in next", func(t *testing.T) {
		defer func() {
			if p := recover(); p != "driver fault" {
				t.Errorf("recovered %v, want the panic of next", p)
			}
		}()
		EachExportBatch(func(string, string) ([]ExportedResponse, bool, error) { panic("driver fault") },
			func([]ExportedResponse) error { return nil })
		t.Error("EachExportBatch returned")
	})
	t.Run("in fn", func(t *testing.T) {
		b := &batchesOf{n: 10, size: 3, slow: 50 * time.Millisecond}
		defer func() {
			if p := recover(); p != "encoder fault" {
				t.Errorf("recovered %v, want the panic of fn", p)
			}
			if b.reads.Load() != 2 || b.reading.Load() != 0 {
				t.Errorf("%d reads begun, %d under way after fn panicked; want the read ahead begun and ended", b.reads.Load(), b.reading.Load())
			}
		}()
		EachExportBatch(b.next, func([]ExportedResponse) error { panic("encoder fault") })
	})
}
