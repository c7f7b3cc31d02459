package store

import (
	"context"
	"encoding/json"
	"fmt"
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

// JournalRequests is the journal's group commit: it records rs, in order, each with its envelope id
// (as SeenEnvelope does), and removes the requests done, all in one transaction and one fsync. Requests
// arriving together and the removals of requests handled since the last commit so share one commit,
// and an ack never waits behind a removal of its own. It returns the ids recorded now: the others were
// recorded before (a redelivery, or twice in rs) and must not be handled again. Removing an absent
// request is not an error.
func (db *DB) JournalRequests(ctx context.Context, rs []JournaledRequest, done []string) (map[string]bool, error) {
	var fresh map[string]bool
	err := db.update(ctx, "journal requests", func(tx *bolt.Tx) error {
		fresh = make(map[string]bool, len(rs))
		b, err := bucket(tx, bucketRequests)
		if err != nil {
			return err
		}
		seen, err := bucket(tx, bucketEnvelopes)
		if err != nil {
			return err
		}
		for _, id := range done {
			if err := b.Delete([]byte(id)); err != nil {
				return err
			}
		}
		for _, r := range rs {
			if r.ID == "" {
				return fmt.Errorf("request without id: %w", ErrInvalid)
			}
			if seen.Get([]byte(r.ID)) != nil {
				continue
			}
			if err := put(b, []byte(r.ID), r); err != nil {
				return err
			}
			if err := seen.Put([]byte(r.ID), timeKey(r.At)); err != nil {
				return err
			}
			fresh[r.ID] = true
		}
		return nil
	})
	return fresh, err
}

// PendingRequests lists the journal in key order; records that no longer decode are logged and skipped.
func (db *DB) PendingRequests(ctx context.Context) ([]JournaledRequest, error) {
	var out []JournaledRequest
	err := db.view(ctx, "pending requests", func(tx *bolt.Tx) error {
		return db.forEach(tx, bucketRequests, func(k, v []byte) error {
			var r JournaledRequest
			if err := decode(bucketRequests, k, v, &r); err != nil {
				return err
			}
			out = append(out, r)
			return nil
		})
	})
	return out, err
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
