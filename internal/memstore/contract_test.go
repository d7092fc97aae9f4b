package memstore_test

import (
	"testing"
	"time"

	"github.com/customs-survey/surveyd/internal/memstore"
	"github.com/customs-survey/surveyd/internal/storetest"
)

// TestContract checks the fake against the storage contract that package
// store passes on both databases.
func TestContract(t *testing.T) {
	storetest.Run(t, func(t *testing.T, now func() time.Time) storetest.Store { return memstore.New(now) })
}
