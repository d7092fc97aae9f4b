package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/customs-survey/surveyd/store"
)

// pruneAuditEvery is how often serve deletes the audit events older than
// the retention period.
const pruneAuditEvery = time.Hour

// pruneAudit deletes, now and then every interval until ctx ends, the audit
// events older than retention. Every instance of a deployment does it; the
// deletions do not conflict. A failure is logged and tried again at the
// next interval.
func pruneAudit(ctx context.Context, st *store.Store, retention, interval time.Duration, log *slog.Logger) {
	if retention <= 0 {
		return
	}
	ticker := time.NewTicker(interval)
	defer ticker.Stop()
	for {
		n, err := st.PruneAuditEvents(ctx, time.Now().Add(-retention))
		switch {
		case err != nil && ctx.Err() == nil:
			log.Warn("audit retention: pruning failed", "error", err.Error())
		case n > 0:
			log.Info("audit retention: events deleted", "count", n, "older_than", retention.String())
		}
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}
	}
}
