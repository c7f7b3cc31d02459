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

// JournalRequests records several requests in one transaction (one fsync), in order. A request whose
// id SeenEnvelope already recorded is not journaled again: it is a redelivery of one being handled or
// handled, and must not be replayed after a restart.
func (db *DB) JournalRequests(ctx context.Context, rs []JournaledRequest) error {
	return db.update(ctx, "journal requests", func(tx *bolt.Tx) error {
		b, err := bucket(tx, bucketRequests)
		if err != nil {
			return err
		}
		seen, err := bucket(tx, bucketEnvelopes)
		if err != nil {
			return err
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
		}
		return nil
	})
}

// DoneRequest removes requests from the journal, in one commit; removing an absent one is not an error,
// and when none is present it costs no commit (a handler settles its request as soon as its state carries
// it, and again when it ends).
func (db *DB) DoneRequest(ctx context.Context, ids ...string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	var present bool
	if err := db.view(ctx, "done request", func(tx *bolt.Tx) error {
		b, err := bucket(tx, bucketRequests)
		for _, id := range ids {
			present = present || (err == nil && b.Get([]byte(id)) != nil)
		}
		return nil
	}); err != nil || !present {
		return err
	}
	return translate("done request", db.bolt.Batch(db.counted(func(tx *bolt.Tx) error {
		b, err := bucket(tx, bucketRequests)
		if err != nil {
			return err
		}
		for _, id := range ids {
			if err := b.Delete([]byte(id)); err != nil {
				return err
			}
		}
		return nil
	})))
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

// SeenEnvelopes reports which of ids SeenEnvelope has recorded. It only reads, so it never waits for a
// writer.
func (db *DB) SeenEnvelopes(ctx context.Context, ids []string) (map[string]bool, error) {
	seen := map[string]bool{}
	err := db.view(ctx, "seen envelopes", func(tx *bolt.Tx) error {
		b, err := bucket(tx, bucketEnvelopes)
		if err != nil {
			return err
		}
		for _, id := range ids {
			if b.Get([]byte(id)) != nil {
				seen[id] = true
			}
		}
		return nil
	})
	return seen, err
}
