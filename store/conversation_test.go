package store

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCreateConversation(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t, Options{})

	first, err := db.CreateConversation(ctx, Conversation{
		Kind: "check", SKUs: []string{"SKU-1", "SKU-2"}, ProductStoreID: "STORE", RequestedBy: "U1",
		Channel: "C1", CardTS: "1.1", Status: StatusChecking, LastReport: json.RawMessage(`{"a":1}`),
	})
	require.NoError(t, err)
	second, err := db.CreateConversation(ctx, Conversation{Kind: "check", Channel: "C1"})
	require.NoError(t, err)

	assert.Equal(t, Conversation{
		ID: 1, Kind: "check", SKUs: []string{"SKU-1", "SKU-2"}, ProductStoreID: "STORE", RequestedBy: "U1",
		Channel: "C1", CardTS: "1.1", Status: StatusChecking, LastReport: json.RawMessage(`{"a":1}`),
		CreatedAt: t0, UpdatedAt: t0,
	}, first)
	assert.Equal(t, uint64(2), second.ID)

	got, err := db.Conversation(ctx, first.ID)
	require.NoError(t, err)
	assert.Equal(t, first, got)
	got, err = db.ConversationByCard(ctx, "C1", "1.1")
	require.NoError(t, err)
	assert.Equal(t, first, got)
}

func TestUpdateConversation(t *testing.T) {
	errStop := errors.New("stop")
	later := t0.Add(time.Minute)
	tests := []struct {
		name      string
		mutate    func(*Conversation) error
		wantErr   error
		want      func(c Conversation) Conversation
		cardsGone []string // card ts no longer indexed
		cardsHere []string // card ts indexed to the conversation
	}{
		{
			name: "status and report",
			mutate: func(c *Conversation) error {
				c.Status, c.LastReport, c.UpdatedAt = StatusDone, json.RawMessage(`{"b":2}`), later
				return nil
			},
			want: func(c Conversation) Conversation {
				c.Status, c.LastReport, c.UpdatedAt = StatusDone, json.RawMessage(`{"b":2}`), later
				return c
			},
			cardsHere: []string{"1.1"},
		},
		{
			name: "card moves",
			mutate: func(c *Conversation) error {
				c.CardTS = "2.2"
				return nil
			},
			want: func(c Conversation) Conversation {
				c.CardTS, c.UpdatedAt = "2.2", t0.Add(time.Hour) // store clock, as mutate left UpdatedAt
				return c
			},
			cardsGone: []string{"1.1"},
			cardsHere: []string{"2.2"},
		},
		{
			name: "escalation thread, id cannot change",
			mutate: func(c *Conversation) error {
				c.ID = 99
				c.EscalationThread = &MessageRef{Channel: "CSUP", TS: "3.3"}
				return nil
			},
			want: func(c Conversation) Conversation {
				c.EscalationThread = &MessageRef{Channel: "CSUP", TS: "3.3"}
				c.UpdatedAt = t0.Add(time.Hour)
				return c
			},
			cardsHere: []string{"1.1"},
		},
		{
			name:      "mutate error aborts",
			mutate:    func(c *Conversation) error { c.Status = "lost"; return errStop },
			wantErr:   errStop,
			want:      func(c Conversation) Conversation { return c },
			cardsHere: []string{"1.1"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			now := t0
			db := mustOpen(t, Options{Now: func() time.Time { return now }})
			orig, err := db.CreateConversation(ctx, Conversation{Kind: "check", SKUs: []string{"S"},
				Channel: "C1", CardTS: "1.1", Status: StatusChecking})
			require.NoError(t, err)
			now = t0.Add(time.Hour)

			got, err := db.UpdateConversation(ctx, orig.ID, tt.mutate)
			if tt.wantErr != nil {
				require.ErrorIs(t, err, tt.wantErr)
			} else {
				require.NoError(t, err)
				assert.Equal(t, tt.want(orig), got)
			}
			stored, err := db.Conversation(ctx, orig.ID)
			require.NoError(t, err)
			assert.Equal(t, tt.want(orig), stored)
			for _, ts := range tt.cardsGone {
				_, err := db.ConversationByCard(ctx, "C1", ts)
				assert.ErrorIs(t, err, ErrNotFound, ts)
			}
			for _, ts := range tt.cardsHere {
				byCard, err := db.ConversationByCard(ctx, "C1", ts)
				require.NoError(t, err, ts)
				assert.Equal(t, stored, byCard)
			}
		})
	}
}

func TestConversationNotFound(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t, Options{})
	_, err := db.Conversation(ctx, 42)
	require.ErrorIs(t, err, ErrNotFound)
	_, err = db.ConversationByCard(ctx, "C1", "9.9")
	require.ErrorIs(t, err, ErrNotFound)
	_, err = db.UpdateConversation(ctx, 42, func(*Conversation) error { return nil })
	require.ErrorIs(t, err, ErrNotFound)
}
