package metrics

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/procfs"
)

// residentMemory splits the process's resident memory
// (process_resident_memory_bytes) by kind, as Linux counts it
// (/proc/self/status). The split matters on SQLite: exports and the cells'
// full computation read the database file through a memory map, so its
// pages count as the server's resident memory (kind "file") while they
// are mapped, although they are the kernel's file cache, which it drops
// when it needs the room; what the server itself holds is the
// "anonymous" kind. Files on tmpfs count as "shared". Where there is no
// /proc, it reports nothing.
type residentMemory struct{ desc *prometheus.Desc }

func newResidentMemory() residentMemory {
	return residentMemory{prometheus.NewDesc("surveyd_process_resident_memory_bytes",
		"Resident memory of the process by kind: anonymous (its own: heap, stacks, SQLite's page cache), "+
			"file (pages of the files it maps: the program, SQLite's database file; the kernel's file cache), "+
			"shared (shared memory, and files on tmpfs). Together, about process_resident_memory_bytes.",
		[]string{"kind"}, nil)}
}

func (r residentMemory) Describe(ch chan<- *prometheus.Desc) { ch <- r.desc }

func (r residentMemory) Collect(ch chan<- prometheus.Metric) {
	self, err := procfs.Self()
	if err != nil {
		return
	}
	status, err := self.NewStatus()
	if err != nil {
		return
	}
	for _, k := range []struct {
		kind  string
		bytes uint64
	}{{"anonymous", status.RssAnon}, {"file", status.RssFile}, {"shared", status.RssShmem}} {
		ch <- prometheus.MustNewConstMetric(r.desc, prometheus.GaugeValue, float64(k.bytes), k.kind)
	}
}
