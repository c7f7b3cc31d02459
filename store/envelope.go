package store

import (
	"context"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// SeenEnvelope records a Socket Mode envelope id and reports whether it was already recorded, atomically:
// of two deliveries of the same envelope, however close, exactly one gets false and is handled. Ids are
// forgotten after Options.EnvelopeRetention by Prune.
func (db *DB) SeenEnvelope(ctx context.Context, id string, now time.Time) (bool, error) {
	if id == "" {
		return false, fmt.Errorf("envelope without id: %w", ErrInvalid)
	}
	var seen bool
	// Never batched: envelopes mostly come one at a time, which Batch would make wait out its delay (see
	// ClaimActionOn).
	err := db.update(ctx, "seen envelope", func(tx *bolt.Tx) error {
		b, err := bucket(tx, bucketEnvelopes)
		if err != nil {
			return err
		}
		seen = b.Get([]byte(id)) != nil
		if seen {
			return nil
		}
		return b.Put([]byte(id), timeKey(now))
	})
	return seen, err
}
