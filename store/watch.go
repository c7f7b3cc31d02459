package store

import (
	"context"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Watch asks the bot to re-check a conversation when an OMS job's run finishes. Watches survive restarts:
// the bot lists them at start-up and resumes polling.
type Watch struct {
	JobID          string    `json:"jobId"`
	ConversationID uint64    `json:"conversationId"`
	JobEnumID      string    `json:"jobEnumId"`
	ShopID         string    `json:"shopId,omitempty"`
	SKU            string    `json:"sku,omitempty"`
	StartedAt      time.Time `json:"startedAt"`
	Deadline       time.Time `json:"deadline"`
	Attempts       int       `json:"attempts,omitempty"`
}

// PutWatch creates or replaces the watch of w.JobID.
func (db *DB) PutWatch(ctx context.Context, w Watch) error {
	return db.update(ctx, "put watch", db.write(func(t *Writes) error { return t.PutWatch(w) }))
}

// PutWatch is DB.PutWatch in the transaction.
func (t *Writes) PutWatch(w Watch) error {
	if w.JobID == "" {
		return fmt.Errorf("watch without job id: %w", ErrInvalid)
	}
	b, err := bucket(t.tx, bucketWatches)
	if err != nil {
		return err
	}
	return put(b, []byte(w.JobID), w)
}

// DeleteWatch removes the watch of jobID; removing an absent watch is not an error.
func (db *DB) DeleteWatch(ctx context.Context, jobID string) error {
	return db.update(ctx, "delete watch", db.write(func(t *Writes) error { return t.DeleteWatch(jobID) }))
}

// DeleteWatch is DB.DeleteWatch in the transaction: ending a watch in the commit that records what its
// end changed means a restart either resumes the watch or sees its result, never both.
func (t *Writes) DeleteWatch(jobID string) error {
	if jobID == "" {
		return fmt.Errorf("watch without job id: %w", ErrInvalid)
	}
	b, err := bucket(t.tx, bucketWatches)
	if err != nil {
		return err
	}
	return b.Delete([]byte(jobID))
}

// Watches lists every watch in job id order; unreadable records are logged and skipped.
func (db *DB) Watches(ctx context.Context) ([]Watch, error) {
	var out []Watch
	err := db.view(ctx, "list watches", func(tx *bolt.Tx) error {
		return db.forEach(tx, bucketWatches, func(k, v []byte) error {
			var w Watch
			if err := decode(bucketWatches, k, v, &w); err != nil {
				return err
			}
			out = append(out, w)
			return nil
		})
	})
	return out, err
}

// forEach calls fn for every entry of a bucket; a *CorruptError from fn is logged with bucket and key and
// the entry skipped, any other error stops the walk.
func (db *DB) forEach(tx *bolt.Tx, name []byte, fn func(k, v []byte) error) error {
	b, err := bucket(tx, name)
	if err != nil {
		return err
	}
	return b.ForEach(func(k, v []byte) error {
		err := fn(k, v)
		if err != nil && isCorrupt(err) {
			db.log.Error("skipping unreadable record", "bucket", string(name), "key", printableKey(k),
				"error", err)
			return nil
		}
		return err
	})
}
