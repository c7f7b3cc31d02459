package store

import (
	"context"
	"encoding/json"
	"fmt"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	bolt "go.etcd.io/bbolt"
)

// Every benchmark runs with fsync on, as the bot does. The "8 writers" variants run 8 goroutines
// (RunParallel with parallelism 8/GOMAXPROCS), with and without bbolt's Batch where the call site may
// batch.

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

// BenchmarkClaimActionOn measures one click: claim, its conversation and its audit record, one
// transaction, one fsync.
func BenchmarkClaimActionOn(b *testing.B) {
	ctx := context.Background()
	seedActions := func(b *testing.B, db *DB, n int) []string {
		conv, err := db.CreateConversation(ctx, Conversation{Kind: "check", Channel: "C1", CardTS: "1.1"})
		require.NoError(b, err)
		ids := make([]string, n)
		acts := make([]Action, n)
		for i := range acts {
			ids[i] = NewActionID()
			acts[i] = Action{ID: ids[i], Kind: "run-job", ConversationID: conv.ID, ExpiresAt: t0.Add(time.Hour)}
		}
		_, err = db.CreateActions(ctx, acts...)
		require.NoError(b, err)
		return ids
	}
	audit := &AuditRecord{Actor: "U1", Action: "claim:run-job", ConversationID: 1, SKU: "SKU-1"}
	b.Run("serial", func(b *testing.B) {
		db := mustOpen(b, Options{})
		ids := seedActions(b, db, b.N)
		b.ResetTimer()
		for i := range b.N {
			if _, _, err := db.ClaimActionOn(ctx, ids[i], "U1", t0, audit, keepConversation); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("8writers", func(b *testing.B) {
		db := mustOpen(b, Options{})
		ids := seedActions(b, db, b.N)
		var next atomic.Int64
		setParallel8(b)
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				id := ids[next.Add(1)-1]
				if _, _, err := db.ClaimActionOn(ctx, id, "U1", t0, audit, keepConversation); err != nil {
					b.Error(err)
					return
				}
			}
		})
	})
}

func BenchmarkConversationLookup(b *testing.B) {
	ctx := context.Background()
	db := mustOpen(b, Options{})
	fillLarge(b, db, 10_000, conversationsOnly)
	cards := make([]MessageRef, 10_000)
	for i := range cards {
		c, err := db.Conversation(ctx, uint64(i+1))
		require.NoError(b, err)
		cards[i] = MessageRef{Channel: c.Channel, TS: c.CardTS}
	}
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
			i = (i + 1) % len(cards)
			if _, err := db.ConversationByCard(ctx, cards[i].Channel, cards[i].TS); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func runtimeProcs() int { return runtime.GOMAXPROCS(0) }

// BenchmarkBatchOrUpdate measures, for each write that could go through bbolt's Batch, one writer and
// eight concurrent writers committing with a transaction of their own (update) or with Batch and a 10 ms
// (bbolt's default) or 2 ms delay. ns/op is wall time per write: with 8 writers each waits about 8 times
// that. The choice each call site made from these figures is written beside it (see DB.batch).
func BenchmarkBatchOrUpdate(b *testing.B) {
	audit := AuditRecord{At: t0, Actor: "U1", Action: "check", ConversationID: 1, SKU: "SKU-1"}
	sites := []struct {
		name  string
		write func(i int64) func(tx *bolt.Tx) error
		seed  func(b *testing.B, db *DB, n int)
	}{
		{"audit", func(int64) func(tx *bolt.Tx) error {
			return func(tx *bolt.Tx) error { _, err := unsafeAppendAudit(tx, audit); return err }
		}, nil},
		{"claim", func(i int64) func(tx *bolt.Tx) error {
			return func(tx *bolt.Tx) error {
				a, err := unsafeAction(tx, fmt.Sprintf("act-%d", i))
				if err == nil {
					_, err = unsafeClaim(tx, a, "U1", t0, &audit)
				}
				return err
			}
		}, func(b *testing.B, db *DB, n int) {
			acts := make([]Action, 0, n+1)
			for i := range int64(n + 1) {
				acts = append(acts, Action{ID: fmt.Sprintf("act-%d", i), Kind: "run-job", ConversationID: 1,
					CreatedAt: t0, ExpiresAt: t0.Add(time.Hour)})
			}
			_, err := db.CreateActions(context.Background(), acts...)
			require.NoError(b, err)
		}},
	}
	modes := []struct {
		name  string
		delay time.Duration // 0: a transaction of its own
	}{{"update", 0}, {"batch-10ms", 10 * time.Millisecond}, {"batch-2ms", 2 * time.Millisecond}}
	for _, site := range sites {
		for _, writers := range []int{1, 8} {
			for _, m := range modes {
				b.Run(fmt.Sprintf("%s/%dwriters/%s", site.name, writers, m.name), func(b *testing.B) {
					db := mustOpen(b, Options{})
					if site.seed != nil {
						site.seed(b, db, b.N)
					}
					commit := db.bolt.Update
					if m.delay > 0 {
						db.bolt.MaxBatchDelay = m.delay
						commit = db.bolt.Batch
					}
					var next atomic.Int64
					b.ResetTimer()
					if writers == 1 {
						for range b.N {
							if err := commit(site.write(next.Add(1))); err != nil {
								b.Fatal(err)
							}
						}
						return
					}
					b.SetParallelism(max(1, writers/runtimeProcs()))
					b.RunParallel(func(pb *testing.PB) {
						for pb.Next() {
							if err := commit(site.write(next.Add(1))); err != nil {
								b.Error(err)
								return
							}
						}
					})
				})
			}
		}
	}
}
