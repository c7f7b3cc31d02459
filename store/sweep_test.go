package store

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	bolt "go.etcd.io/bbolt"
)

func TestSweepResultsRoundTrip(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t, Options{})
	day1 := time.Date(2026, 11, 1, 7, 0, 0, 0, time.UTC)
	day2 := day1.Add(24 * time.Hour)
	require.NoError(t, db.PutSweepResults(ctx, "STORE", day1, []SweepSKU{
		{SKU: "A", Cause: "association-job-not-scheduled", Failing: []string{"shop-links", "association-job"}},
		{SKU: "AB", Cause: "healthy"},
		{SKU: "", Cause: "unknown-sku"},
	}))
	require.NoError(t, db.PutSweepResults(ctx, "STORE", day2, []SweepSKU{
		{SKU: "A", Cause: "a-cause-added-later", Failing: []string{"a-new-check"}},
	}))
	require.NoError(t, db.PutSweepResults(ctx, "OTHER", day2, []SweepSKU{{SKU: "A", Cause: "healthy"}}))

	got, err := db.SweepHistory(ctx, "STORE", "A", 0)
	require.NoError(t, err)
	assert.Equal(t, []SweepEntry{
		{Store: "STORE", At: day2, Cause: "a-cause-added-later", Failing: []string{"a-new-check"}},
		{Store: "STORE", At: day1, Cause: "association-job-not-scheduled", Failing: []string{"shop-links", "association-job"}},
	}, got, "newest first, only this store and exactly this SKU (not AB)")
	got, err = db.SweepHistory(ctx, "STORE", "A", 1)
	require.NoError(t, err)
	assert.Len(t, got, 1)
	got, err = db.SweepHistory(ctx, "STORE", "AB", 0)
	require.NoError(t, err)
	assert.Equal(t, []SweepEntry{{Store: "STORE", At: day1, Cause: "healthy", Failing: []string{}}}, got)

	require.NoError(t, db.PutSweepRun(ctx, SweepRun{Store: "STORE", StartedAt: day1, SKUs: 3, ByCause: map[string]int{"healthy": 1}}))
	require.NoError(t, db.PutSweepRun(ctx, SweepRun{Store: "STORE", StartedAt: day2, SKUs: 1, StartedBy: "U1"}))
	runs, err := db.SweepRuns(ctx, "STORE", day2)
	require.NoError(t, err)
	require.Len(t, runs, 1)
	assert.Equal(t, "U1", runs[0].StartedBy)
}

func TestSweepRecordsArePruned(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 12, 3, 7, 0, 0, 0, time.UTC)
	db := mustOpen(t, Options{PruneBatch: 2, Now: func() time.Time { return now }})
	old, recent := now.Add(-31*24*time.Hour), now.Add(-29*24*time.Hour)
	for _, at := range []time.Time{old, recent} {
		require.NoError(t, db.PutSweepResults(ctx, "STORE", at, []SweepSKU{{SKU: "A", Cause: "healthy"}, {SKU: "B", Cause: "healthy"}}))
		require.NoError(t, db.PutSweepRun(ctx, SweepRun{Store: "STORE", StartedAt: at}))
	}
	st, err := db.Prune(ctx, now)
	require.NoError(t, err)
	assert.Equal(t, 3, st.Sweeps, "one run and two results")
	got, err := db.SweepHistory(ctx, "STORE", "A", 0)
	require.NoError(t, err)
	require.Len(t, got, 1)
	assert.Equal(t, recent, got[0].At)
	runs, err := db.SweepRuns(ctx, "STORE", time.Time{})
	require.NoError(t, err)
	assert.Len(t, runs, 1)
}

func TestSweepRejectsKeysItCannotRead(t *testing.T) {
	db := mustOpen(t, Options{})
	require.Error(t, db.PutSweepResults(context.Background(), "ST\x00ORE", time.Now(), []SweepSKU{{SKU: "A", Cause: "healthy"}}))
	require.Error(t, db.PutSweepRun(context.Background(), SweepRun{}))
}

func TestMigrateV8AddsSweepBuckets(t *testing.T) {
	path := filepath.Join(t.TempDir(), "v7.db")
	raw, err := bolt.Open(path, 0o600, nil)
	require.NoError(t, err)
	require.NoError(t, raw.Update(func(tx *bolt.Tx) error {
		for _, m := range migrations[:7] {
			if err := m.migrate(tx); err != nil {
				return err
			}
		}
		meta, err := tx.CreateBucketIfNotExists(bucketMeta)
		if err != nil {
			return err
		}
		return meta.Put(keySchemaVersion, u64(7))
	}))
	require.NoError(t, raw.Close())
	db := mustOpenPath(t, path, Options{})
	assertVersion(t, db, SchemaVersion)
	require.NoError(t, db.PutSweepResults(context.Background(), "STORE", time.Now(), []SweepSKU{{SKU: "A", Cause: "healthy"}}))
}

// BenchmarkSweepRecords30Days stores 30 daily sweeps of 10,000 SKUs (70% healthy, the rest with one of the
// other causes and two or three failing checks) and reports the file size. Target: ≤ 50 MB.
func BenchmarkSweepRecords30Days(b *testing.B) {
	ctx := context.Background()
	causes := []string{"association-job-not-scheduled", "associated-after-sync", "job-failing", "needs-manual-link", "unexplained"}
	for b.Loop() {
		path := filepath.Join(b.TempDir(), "sweeps.db")
		db := mustOpenPath(b, path, Options{})
		start := time.Date(2026, 11, 1, 7, 0, 0, 0, time.UTC)
		for day := range 30 {
			at := start.Add(time.Duration(day) * 24 * time.Hour)
			batch := make([]SweepSKU, 0, 1000)
			for n := range 10_000 {
				r := SweepSKU{SKU: fmt.Sprintf("SKU-%06d", n), Cause: "healthy"}
				if (n*7+day)%10 >= 7 {
					r.Cause = causes[(n+day)%len(causes)]
					r.Failing = []string{"shop-links", "association-job", "shop-listing"}[:2+n%2]
				}
				batch = append(batch, r)
				if len(batch) == cap(batch) {
					require.NoError(b, db.PutSweepResults(ctx, "STORE", at, batch))
					batch = batch[:0]
				}
			}
			require.NoError(b, db.PutSweepRun(ctx, SweepRun{Store: "STORE", StartedAt: at, SKUs: 10_000}))
		}
		require.NoError(b, db.Close())
		fi, err := os.Stat(path)
		require.NoError(b, err)
		b.ReportMetric(float64(fi.Size())/(1<<20), "file-MB")
	}
}
