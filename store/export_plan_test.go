package store

import (
	"encoding/json"
	"strings"
	"testing"

	"gorm.io/gorm"

	"github.com/customs-survey/surveyd/internal/dbtest"
)

// TestExportBatchesWalkTheIndex: on PostgreSQL, a batch of the responses
// export reads its own rows only, in the order of the index
// responses_export, by one process, whatever the planner believes.
//   - Before the statistics of a campaign's tables have been gathered
//     (right after a large import, say), the batch query sorted every
//     response after the key to keep the first of them, so that each
//     batch cost the rest of the campaign: 100,000 responses exported at
//     11,000 a second instead of over 100,000. The campaign here is seeded
//     without statistics.
//   - In a campaign of 1,000,000 responses, the planner started parallel
//     workers to walk the index, which cost 90 ms a batch instead of 10.
//     The costs of parallel workers are set to nothing here, so that a
//     campaign of 20,000 responses is planned like a large one.
func TestExportBatchesWalkTheIndex(t *testing.T) {
	s := openCells(t, dbtest.PostgresURL(t)).s
	campaignID, _, _ := seedExportCampaign(t, s, 20_000)
	var plan string
	err := s.db.Transaction(func(tx *gorm.DB) error {
		for _, setting := range []string{"SET LOCAL parallel_setup_cost = 0", "SET LOCAL parallel_tuple_cost = 0",
			"SET LOCAL min_parallel_index_scan_size = 0", "SET LOCAL min_parallel_table_scan_size = 0", exportSettings} {
			if err := tx.Exec(setting).Error; err != nil {
				return err
			}
		}
		return tx.Raw("EXPLAIN (FORMAT JSON) "+exportQuery, campaignID, "", "", "EB", "xr5000", exportBatchRows).Row().Scan(&plan)
	})
	if err != nil {
		t.Fatal(err)
	}
	var nodes []string
	var walk func(n map[string]any)
	walk = func(n map[string]any) {
		nodes = append(nodes, n["Node Type"].(string)+" "+str(n["Index Name"]))
		children, _ := n["Plans"].([]any)
		for _, c := range children {
			walk(c.(map[string]any))
		}
	}
	var top []map[string]map[string]any
	if err := json.Unmarshal([]byte(plan), &top); err != nil {
		t.Fatal(err)
	}
	walk(top[0]["Plan"])
	text := strings.Join(nodes, "; ")
	if strings.Contains(text, "Sort") || strings.Contains(text, "Gather") || !strings.Contains(text, "Index Scan responses_export") {
		t.Errorf("plan of a batch: %s; want the index responses_export walked in order by one process, with no sort", text)
	}
}

func str(v any) string {
	s, _ := v.(string)
	return s
}
