package store

import (
	"bufio"
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/customs-survey/surveyd/internal/dbtest"
	"github.com/customs-survey/surveyd/survey"
)

// TestOnlyExportsMapTheFile checks, on SQLite, that the database file is
// mapped into memory by the connections of exports alone, and no longer
// once they are left unused, and by a rebuild of the cells only while it
// scans: mapped pages count as the server's resident memory. A URL that
// sets its own mmap_size keeps it on every connection.
func TestOnlyExportsMapTheFile(t *testing.T) {
	if _, err := os.Stat("/proc/self/maps"); err != nil {
		t.Skip("needs /proc/self/maps to see the process's memory maps")
	}
	for _, c := range []struct {
		name          string
		pragma        string // the URL's own mmap_size, if any
		store, export int64  // mmap_size on the store's connections, on the exports'
		mappedAfter   bool   // the file mapped once the exports' connections are left unused
	}{
		{"the exports' map", "", 0, sqliteMmapSize, false},
		{"no map, as the URL says", "?_pragma=mmap_size(0)", 0, 0, false},
		{"the URL's map, everywhere", "?_pragma=mmap_size(1048576)", 1 << 20, 1 << 20, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			url := dbtest.SQLiteURL(t)
			path := strings.TrimPrefix(url, "sqlite://")
			s := openCells(t, url+c.pragma).s
			_, doc, _ := seedExportCampaign(t, s, 300)
			// Into the file: pages still in the write-ahead log are read
			// from there, never through a map.
			if err := s.db.Exec("PRAGMA wal_checkpoint(TRUNCATE)").Error; err != nil {
				t.Fatal(err)
			}
			var size int64
			if err := s.db.Raw("PRAGMA mmap_size").Scan(&size).Error; err != nil || size != c.store {
				t.Errorf("mmap_size on the store's connections: %d (%v), want %d", size, err, c.store)
			}
			if mapped := mapsFile(t, path); mapped != (c.store > 0) {
				t.Errorf("after writes and reads that are not an export, the file mapped: %v, want %v", mapped, c.store > 0)
			}
			if err := s.scanDB.Raw("PRAGMA mmap_size").Scan(&size).Error; err != nil || size != c.export {
				t.Errorf("mmap_size on the exports' connections: %d (%v), want %d", size, err, c.export)
			}

			exported := 0
			if err := s.EachSubmittedBatch(context.Background(), survey.Everything, doc.Key, func(batch []survey.ExportedResponse) error {
				exported += len(batch)
				return nil
			}); err != nil || exported != 300 {
				t.Fatalf("export: %d responses, %v; want 300", exported, err)
			}
			if mapped := mapsFile(t, path); mapped != (c.export > 0) {
				t.Errorf("right after the export, the file mapped: %v, want %v", mapped, c.export > 0)
			}
			if s.scanSQL != nil {
				// As after scanIdle: the pool checks its idle
				// connections once a second at the most often.
				s.scanSQL.SetConnMaxIdleTime(time.Millisecond)
			}
			mapped := mapsFile(t, path)
			for wait := time.Now(); mapped && !c.mappedAfter && time.Since(wait) < 5*time.Second; mapped = mapsFile(t, path) {
				time.Sleep(50 * time.Millisecond)
			}
			if mapped != c.mappedAfter {
				t.Errorf("once the exports' connections are left unused, the file mapped: %v, want %v", mapped, c.mappedAfter)
			}

			// The full computation maps the file on the connection of its
			// transaction while it scans (Store.whileMapped), and gives
			// the connection back without the map: with one connection
			// in the pool, the next statement runs on that one.
			s.sql.SetMaxOpenConns(1)
			var mappedWhile bool
			if err := s.db.Transaction(func(tx *gorm.DB) error {
				return s.whileMapped(tx, func() error {
					if err := tx.Raw("SELECT count(*) FROM responses").Scan(new(int)).Error; err != nil {
						return err
					}
					mappedWhile = mapsFile(t, path)
					return tx.Raw("PRAGMA mmap_size").Scan(&size).Error
				})
			}); err != nil {
				t.Fatal(err)
			}
			if size != c.export || mappedWhile != (c.export > 0) {
				t.Errorf("while the full computation scans: mmap_size %d, file mapped %v; want %d, %v", size, mappedWhile, c.export, c.export > 0)
			}
			if _, err := s.RebuildCells(context.Background(), doc.Key); err != nil {
				t.Fatal(err)
			}
			if err := s.db.Raw("PRAGMA mmap_size").Scan(&size).Error; err != nil || size != c.store {
				t.Errorf("mmap_size on the store's connection after a rebuild of the cells: %d (%v), want %d", size, err, c.store)
			}
			if mapped := mapsFile(t, path); mapped != c.mappedAfter {
				t.Errorf("after a rebuild of the cells, the file mapped: %v, want %v", mapped, c.mappedAfter)
			}
		})
	}
}

// TestOpeningMapsNothing: opening a store on an existing SQLite file
// leaves the file unmapped, although opening pings the exports' pool.
func TestOpeningMapsNothing(t *testing.T) {
	if _, err := os.Stat("/proc/self/maps"); err != nil {
		t.Skip("needs /proc/self/maps to see the process's memory maps")
	}
	url := dbtest.SQLiteURL(t)
	first := openCells(t, url).s
	seedExportCampaign(t, first, 10)
	if err := first.db.Exec("PRAGMA wal_checkpoint(TRUNCATE)").Error; err != nil {
		t.Fatal(err)
	}
	first.Close()
	openCells(t, url)
	if mapsFile(t, strings.TrimPrefix(url, "sqlite://")) {
		t.Error("the database file is mapped right after opening the store")
	}
}

// mapsFile reports whether the process maps the file at path.
func mapsFile(t *testing.T, path string) bool {
	t.Helper()
	f, err := os.Open("/proc/self/maps")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if strings.HasSuffix(sc.Text(), " "+path) {
			return true
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return false
}
