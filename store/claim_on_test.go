package store

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
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
	audit, err := db.AuditByConversation(ctx, conv.ID)
	require.NoError(t, err)
	assert.Len(t, audit, 1, "only the winning claim is audited")
}

func TestRecentConversations(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t, Options{})
	base := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	for i := range 5 {
		_, err := db.CreateConversation(ctx, Conversation{Kind: "check", SKUs: []string{"S"}, CreatedAt: base.Add(time.Duration(i) * time.Hour)})
		require.NoError(t, err)
	}
	got, err := db.RecentConversations(ctx, base.Add(3*time.Hour))
	require.NoError(t, err)
	require.Len(t, got, 2)
	assert.Equal(t, base.Add(4*time.Hour), got[0].CreatedAt, "newest first")
	assert.Equal(t, base.Add(3*time.Hour), got[1].CreatedAt)
}
