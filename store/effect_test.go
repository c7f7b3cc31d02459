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

// Two buttons asking for the same OMS change at once: one claim wins; the change stays claimed
// until its result is stored, unless the claim went stale (its writer died).
func TestClaimEffectOn(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t, Options{})
	now := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	var acts []Action
	for i := range 2 {
		conv, err := db.CreateConversation(ctx, Conversation{Kind: "check", SKUs: []string{"HW-1"}, Channel: "C1", CardTS: "1." + string(rune('1'+i))})
		require.NoError(t, err)
		a, err := db.CreateActions(ctx, Action{Kind: "run-job", ConversationID: conv.ID, ExpiresAt: now.Add(time.Hour)},
			Action{Kind: "run-job", ConversationID: conv.ID, ExpiresAt: now.Add(time.Hour)})
		require.NoError(t, err)
		acts = append(acts, a...)
	}
	noop := func(*Conversation) error { return nil }
	claim := func(a Action, at time.Time) (Effect, error) {
		_, _, prev, err := db.ClaimEffectOn(ctx, a.ID, "U"+a.ID[:2], at, nil,
			Effect{Key: "run/STORE/SYNC/10001", ActionID: a.ID, ConversationID: a.ConversationID, By: "U" + a.ID[:2], At: at}, time.Minute, noop)
		return prev, err
	}

	var wins atomic.Int32
	var winner atomic.Value
	var wg sync.WaitGroup
	for _, a := range acts[:2:2] {
		wg.Go(func() {
			if _, err := claim(a, now); err == nil {
				wins.Add(1)
				winner.Store(a)
			} else {
				assert.ErrorIs(t, err, ErrEffectBusy)
			}
		})
	}
	wg.Wait()
	require.Equal(t, int32(1), wins.Load())
	first := winner.Load().(Action)
	loser := acts[0]
	if loser.ID == first.ID {
		loser = acts[1]
	}
	a, err := db.Action(ctx, loser.ID)
	require.NoError(t, err)
	assert.Empty(t, a.UsedBy, "a refused claim leaves its button unused")

	// Still under way a few seconds later, on the other card.
	_, err = claim(acts[2], now.Add(5*time.Second))
	var busy *EffectBusyError
	require.ErrorAs(t, err, &busy)
	assert.Equal(t, first.ID, busy.Effect.ActionID)

	// Done: the next claim goes ahead and learns who did it first.
	done, err := db.Effect(ctx, "run/STORE/SYNC/10001")
	require.NoError(t, err)
	done.Result, done.Summary, done.DoneAt = "ok", "sync started", now.Add(10*time.Second)
	require.NoError(t, db.FinishEffect(ctx, first.ID, done))
	prev, err := claim(acts[2], now.Add(20*time.Second))
	require.NoError(t, err)
	assert.Equal(t, done, prev)

	// Undone by the claim's owner only: restoring the first record keeps who made the change.
	require.NoError(t, db.FinishEffect(ctx, loser.ID, Effect{Key: done.Key, ActionID: loser.ID, Result: "bogus"}))
	require.NoError(t, db.FinishEffect(ctx, acts[2].ID, prev))
	got, err := db.Effect(ctx, done.Key)
	require.NoError(t, err)
	assert.Equal(t, done, got)

	// A claim without a result past the stale limit was interrupted: it is taken over.
	_, err = claim(acts[3], now.Add(30*time.Second))
	require.NoError(t, err)
	_, err = claim(loser, now.Add(31*time.Second))
	require.True(t, errors.Is(err, ErrEffectBusy))
	_, err = claim(loser, now.Add(2*time.Minute))
	require.NoError(t, err)
}

func TestModals(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t, Options{})
	m := Modal{ExternalID: "x1", User: "U1", ActionID: "a1", CallbackID: "preorder.link", OpenedAt: time.Unix(1, 0).UTC()}
	require.NoError(t, db.PutModal(ctx, m))
	got, err := db.Modal(ctx, "x1")
	require.NoError(t, err)
	assert.Equal(t, m, got)
	_, err = db.Modal(ctx, "x2")
	assert.ErrorIs(t, err, ErrNotFound)
	assert.ErrorIs(t, db.PutModal(ctx, Modal{}), ErrInvalid)
}
