package store

import (
	"context"
	"encoding/json"
	"time"

	bolt "go.etcd.io/bbolt"
)

// JournaledRequest is a request the bot acknowledged to Slack and has not finished handling. Slack does
// not re-send what was acknowledged, so the journal is what makes a crash lose nothing: at start the bot
// handles what it finds here.
type JournaledRequest struct {
	ID      string          `json:"id"` // the Socket Mode envelope id
	At      time.Time       `json:"at"`
	Payload json.RawMessage `json:"payload"` // opaque to the store
}

// ConversationsOpenedBy finds the conversations opened by the requests ids (Conversation.Request) among
// those created at or after since: a journaled request that opened one was carried to a card before a
// restart, and handling it again would post a second card. It walks back from the newest conversation
// and stops at the first older than since, so it reads only what was created since.
func (db *DB) ConversationsOpenedBy(ctx context.Context, ids []string, since time.Time) (map[string]Conversation, error) {
	want := make(map[string]bool, len(ids))
	for _, id := range ids {
		want[id] = true
	}
	out := map[string]Conversation{}
	if len(want) == 0 {
		return out, nil
	}
	err := db.view(ctx, "conversations opened by requests", func(tx *bolt.Tx) error {
		convs, err := bucket(tx, bucketConversations)
		if err != nil {
			return err
		}
		cur := convs.Cursor()
		for k, v := cur.Last(); k != nil; k, v = cur.Prev() {
			if v == nil || len(k) != 8 {
				continue
			}
			var c Conversation
			if err := decode(bucketConversations, k, v, &c); err != nil {
				db.log.Warn("skipping an unreadable conversation", "error", err)
				continue
			}
			if c.CreatedAt.Before(since) {
				break
			}
			if c.Request != "" && want[c.Request] {
				out[c.Request] = c
			}
		}
		return nil
	})
	return out, err
}
