package store

import (
	"context"
	"errors"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	bolt "go.etcd.io/bbolt"
)

// A claim and the card's record of the fix under way commit together, and a guard refusing the fix
// leaves the action unused.
func TestClaimActionOn(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t, Options{})
	now := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	conv, err := db.CreateConversation(ctx, Conversation{Kind: "check", SKUs: []string{"HW-1"}, Channel: "C1", CardTS: "1.1"})
	require.NoError(t, err)
	acts, err := db.CreateActions(ctx,
		Action{ID: NewActionID(), Kind: "run-job", ConversationID: conv.ID, CreatedAt: now, ExpiresAt: now.Add(time.Hour)},
		Action{ID: NewActionID(), Kind: "run-job", ConversationID: conv.ID, CreatedAt: now, ExpiresAt: now.Add(time.Hour)})
	require.NoError(t, err)

	guard := func(c *Conversation) error {
		for _, f := range c.InFlight {
			if f.Keys[0] == "run-job/SYNC/10001" {
				return &BusyError{InFlight: f}
			}
		}
		c.InFlight = append(c.InFlight, InFlight{Keys: []string{"run-job/SYNC/10001"}, By: "U1", At: now, Until: "watch"})
		return nil
	}
	// Two buttons for the same fix (say, from two renders of the card), clicked at once: one fix starts.
	var wins atomic.Int32
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() {
			_, _, err := db.ClaimActionOn(ctx, acts[i%2].ID, "U1", now, &AuditRecord{Actor: "U1", Action: "claim:run-job", ConversationID: conv.ID}, guard)
			if err == nil {
				wins.Add(1)
				return
			}
			assert.True(t, errors.Is(err, ErrBusy) || errors.Is(err, ErrActionUsed), "%v", err)
		})
	}
	wg.Wait()
	assert.Equal(t, int32(1), wins.Load())

	got, err := db.Conversation(ctx, conv.ID)
	require.NoError(t, err)
	require.Len(t, got.InFlight, 1)
	used := 0
	for _, a := range acts {
		a, err := db.Action(ctx, a.ID)
		require.NoError(t, err)
		if a.UsedBy != "" {
			used++
		}
	}
	assert.Equal(t, 1, used, "a refused claim leaves its action unused")
	audit := auditOfConversation(t, db, conv.ID)
	assert.Len(t, audit, 1, "only the winning claim is audited")
}

func TestBusyConversations(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t, Options{})
	idle, err := db.CreateConversation(ctx, Conversation{Kind: "check", SKUs: []string{"A"}, Status: StatusDone})
	require.NoError(t, err)
	checking, err := db.CreateConversation(ctx, Conversation{Kind: "check", SKUs: []string{"B"}, Status: StatusChecking})
	require.NoError(t, err)
	fixing, err := db.CreateConversation(ctx, Conversation{Kind: "check", SKUs: []string{"C"}, Status: StatusDone,
		InFlight: []InFlight{{Keys: []string{"k"}, Until: "watch"}}})
	require.NoError(t, err)
	escalating, err := db.CreateConversation(ctx, Conversation{Kind: "check", SKUs: []string{"D"}, Status: StatusDone,
		Escalating: &EscalationIntent{SKU: "D", By: "U1"}})
	require.NoError(t, err)

	ids := func() []uint64 {
		cs, err := db.BusyConversations(ctx)
		require.NoError(t, err)
		var out []uint64
		for _, c := range cs {
			out = append(out, c.ID)
		}
		return out
	}
	assert.Equal(t, []uint64{checking.ID, fixing.ID, escalating.ID}, ids())
	_, err = db.UpdateConversation(ctx, fixing.ID, func(c *Conversation) error {
		c.InFlight = nil
		return nil
	})
	require.NoError(t, err)
	_, err = db.UpdateConversation(ctx, idle.ID, func(c *Conversation) error {
		c.Status = StatusChecking
		return nil
	})
	require.NoError(t, err)
	assert.Equal(t, []uint64{idle.ID, checking.ID, escalating.ID}, ids(), "the index follows every update")
}

func TestMigrateV4ToV5IndexesBusyConversations(t *testing.T) {
	path := filepath.Join(t.TempDir(), "preorderbot.db")
	seedVersion(t, path, 4, func(tx *bolt.Tx) {
		convs := tx.Bucket(bucketConversations)
		require.NoError(t, put(convs, u64(1), Conversation{ID: 1, Status: StatusDone}))
		require.NoError(t, put(convs, u64(2), Conversation{ID: 2, Status: StatusChecking}))
		require.NoError(t, convs.Put(u64(3), []byte("{not json")))
	})
	db := mustOpenPath(t, path, Options{})
	assertVersion(t, db, SchemaVersion)
	busy, err := db.BusyConversations(context.Background())
	require.NoError(t, err)
	require.Len(t, busy, 1)
	assert.Equal(t, uint64(2), busy[0].ID)
}

// keepConversation is a mutate that leaves the conversation as it is.
func keepConversation(*Conversation) error { return nil }
