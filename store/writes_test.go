package store

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A card's result is one commit, and a failure anywhere in it keeps none of it.
func TestWriteIsOneCommitAllOrNothing(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t, Options{})
	conv, err := db.CreateConversation(ctx, Conversation{Kind: "check", SKUs: []string{"SKU-1"}, ProductStoreID: "STORE", Channel: "C1"})
	require.NoError(t, err)
	acts, err := db.CreateActions(ctx, Action{Kind: "recheck", ConversationID: conv.ID})
	require.NoError(t, err)
	require.Len(t, acts, 1)

	before := db.Commits()
	boom := errors.New("boom")
	err = db.Write(ctx, "draw card", func(w *Writes) error {
		if _, err := w.UpdateConversation(conv.ID, func(c *Conversation) error { c.CardVersion = 7; return nil }); err != nil {
			return err
		}
		if _, err := w.CreateActions(Action{ID: "a-lost", Kind: "run-job", ConversationID: conv.ID}); err != nil {
			return err
		}
		return boom
	})
	require.ErrorContains(t, err, boom.Error())
	got, err := db.Conversation(ctx, conv.ID)
	require.NoError(t, err)
	assert.Zero(t, got.CardVersion, "rolled back")
	_, err = db.Action(ctx, "a-lost")
	assert.ErrorIs(t, err, ErrNotFound, "rolled back")

	err = db.Write(ctx, "draw card", func(w *Writes) error {
		if _, err := w.UpdateConversation(conv.ID, func(c *Conversation) error { c.CardVersion = 1; return nil }); err != nil {
			return err
		}
		if _, err := w.CreateActions(Action{ID: "a-kept", Kind: "run-job", ConversationID: conv.ID}); err != nil {
			return err
		}
		if err := w.PutSnapshot(Snapshot{ProductStoreID: "STORE", SKU: "SKU-1", Report: []byte(`{}`)}); err != nil {
			return err
		}
		if err := w.SetActionResult(acts[0].ID, "ok", &AuditRecord{Actor: "U1", Action: "check", ConversationID: conv.ID, SKU: "SKU-1"}); err != nil {
			return err
		}
		return w.PutWatch(Watch{JobID: "J1", ConversationID: conv.ID})
	})
	require.NoError(t, err)
	assert.Equal(t, before+1, db.Commits(), "one commit for all of it")
	got, err = db.Conversation(ctx, conv.ID)
	require.NoError(t, err)
	assert.Equal(t, 1, got.CardVersion)
	a, err := db.Action(ctx, acts[0].ID)
	require.NoError(t, err)
	assert.Equal(t, "ok", a.Result)
	_, err = db.Action(ctx, "a-kept")
	assert.NoError(t, err)
	trail := auditOfConversation(t, db, conv.ID)
	assert.Len(t, trail, 1)
}
