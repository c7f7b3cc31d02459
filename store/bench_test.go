package store

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	bolt "go.etcd.io/bbolt"
)

// Every benchmark runs with fsync on, as the bot does. The "8 writers" variants run 8 goroutines
// (RunParallel with parallelism 8/GOMAXPROCS) with and without bbolt's Batch.

var benchReport = json.RawMessage(`{"verdict":"association-job-not-scheduled","checks":[{"id":"product","status":"pass"}]}`)

func writerModes() []struct {
	name  string
	batch bool
} {
	return []struct {
		name  string
		batch bool
	}{{"update", false}, {"batch", true}}
}

func setParallel8(b *testing.B) {
	b.SetParallelism(max(1, 8/runtimeProcs()))
}

func BenchmarkAuditAppend(b *testing.B) {
	ctx := context.Background()
	rec := AuditRecord{Actor: "U1", Action: "run-job", ConversationID: 1, SKU: "SKU-1", ProductStoreID: "STORE",
		Request: "scheduleService JOB_A", Outcome: "ok"}
	b.Run("serial", func(b *testing.B) {
		db := mustOpen(b, Options{})
		for b.Loop() {
			if _, err := db.AppendAudit(ctx, rec); err != nil {
				b.Fatal(err)
			}
		}
	})
	for _, m := range writerModes() {
		b.Run("8writers/"+m.name, func(b *testing.B) {
			db := mustOpen(b, Options{Batch: m.batch})
			setParallel8(b)
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if _, err := db.AppendAudit(ctx, rec); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}

func BenchmarkConversationUpdate(b *testing.B) {
	ctx := context.Background()
	mutate := func(c *Conversation) error {
		c.Status, c.LastReport = StatusDone, benchReport
		return nil
	}
	b.Run("serial", func(b *testing.B) {
		db := mustOpen(b, Options{})
		c, err := db.CreateConversation(ctx, Conversation{Kind: "check", SKUs: []string{"SKU-1"}})
		require.NoError(b, err)
		for b.Loop() {
			if _, err := db.UpdateConversation(ctx, c.ID, mutate); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("8writers/update", func(b *testing.B) {
		db := mustOpen(b, Options{})
		var ids []uint64
		for range 8 {
			c, err := db.CreateConversation(ctx, Conversation{Kind: "check", SKUs: []string{"SKU-1"}})
			require.NoError(b, err)
			ids = append(ids, c.ID)
		}
		var next atomic.Uint64
		setParallel8(b)
		b.RunParallel(func(pb *testing.PB) {
			id := ids[next.Add(1)%uint64(len(ids))]
			for pb.Next() {
				if _, err := db.UpdateConversation(ctx, id, mutate); err != nil {
					b.Error(err)
					return
				}
			}
		})
	})
}

// BenchmarkClaimAction measures one click: claim plus its audit record, one transaction, one fsync.
func BenchmarkClaimAction(b *testing.B) {
	ctx := context.Background()
	seedActions := func(b *testing.B, db *DB, n int) []string {
		ids := make([]string, n)
		acts := make([]Action, n)
		for i := range acts {
			ids[i] = NewActionID()
			acts[i] = Action{ID: ids[i], Kind: "run-job", ConversationID: 1, ExpiresAt: t0.Add(time.Hour)}
		}
		_, err := db.CreateActions(ctx, acts...)
		require.NoError(b, err)
		return ids
	}
	audit := &AuditRecord{Actor: "U1", Action: "claim:run-job", ConversationID: 1, SKU: "SKU-1"}
	b.Run("serial", func(b *testing.B) {
		db := mustOpen(b, Options{})
		ids := seedActions(b, db, b.N)
		b.ResetTimer()
		for i := range b.N {
			if _, err := db.ClaimAction(ctx, ids[i], "U1", t0, audit); err != nil {
				b.Fatal(err)
			}
		}
	})
	for _, m := range writerModes() {
		b.Run("8writers/"+m.name, func(b *testing.B) {
			db := mustOpen(b, Options{Batch: m.batch})
			ids := seedActions(b, db, b.N)
			var next atomic.Int64
			setParallel8(b)
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					id := ids[next.Add(1)-1]
					if _, err := db.ClaimAction(ctx, id, "U1", t0, audit); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}

func BenchmarkConversationLookup(b *testing.B) {
	ctx := context.Background()
	db := mustOpen(b, Options{})
	seedConversations(b, db, 10_000)
	b.Run("by-id", func(b *testing.B) {
		var i uint64
		for b.Loop() {
			i = i%10_000 + 1
			if _, err := db.Conversation(ctx, i); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("by-card", func(b *testing.B) {
		i := 0
		for b.Loop() {
			i = (i + 1) % 10_000
			if _, err := db.ConversationByCard(ctx, "C1", fmt.Sprintf("%d.000100", i)); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkOpen100k reports the file size and the time to open (and find the schema current) with 100,000
// conversations, their cards and a report each.
func BenchmarkOpen100k(b *testing.B) {
	path := filepath.Join(b.TempDir(), "preorderbot.db")
	db, err := Open(path, Options{})
	require.NoError(b, err)
	seedConversations(b, db, 100_000)
	var used int64
	require.NoError(b, db.bolt.View(func(tx *bolt.Tx) error { used = tx.Size(); return nil }))
	require.NoError(b, db.Close())
	st, err := os.Stat(path)
	require.NoError(b, err)

	for b.Loop() {
		db, err := Open(path, Options{})
		if err != nil {
			b.Fatal(err)
		}
		_ = db.Close()
	}
	// The file is bbolt's pre-grown mmap size; the pages in use are the data size.
	b.ReportMetric(float64(st.Size())/(1<<20), "file-MiB")
	b.ReportMetric(float64(used)/(1<<20), "used-MiB")
}

// seedConversations writes n conversations (cards C1/<i>.000100) in a few large transactions.
func seedConversations(b *testing.B, db *DB, n int) {
	b.Helper()
	const chunk = 10_000
	for start := 0; start < n; start += chunk {
		err := db.bolt.Update(func(tx *bolt.Tx) error {
			convs := tx.Bucket(bucketConversations)
			for i := start; i < min(n, start+chunk); i++ {
				id, err := convs.NextSequence()
				if err != nil {
					return err
				}
				c := Conversation{ID: id, Kind: "check", SKUs: []string{fmt.Sprintf("SKU-%d", i)},
					ProductStoreID: "STORE", RequestedBy: "U012AB3CD", Channel: "C1",
					CardTS: fmt.Sprintf("%d.000100", i), Status: StatusDone, LastReport: benchReport,
					CreatedAt: t0, UpdatedAt: t0}
				if err := putConversation(tx, c, nil); err != nil {
					return err
				}
			}
			return nil
		})
		require.NoError(b, err)
	}
}

func runtimeProcs() int { return runtime.GOMAXPROCS(0) }
