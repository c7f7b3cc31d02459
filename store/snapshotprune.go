package store

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"
)

// pruneSnapshotsRound bounds the expired snapshots one round of pruneSnapshots gathers (about 40 bytes
// each), so that a long-neglected store is pruned in rounds of bounded memory.
const pruneSnapshotsRound = 64 << 10

// pruneSnapshots deletes the snapshots whose retention started before cutoff, in the order of their keys.
// Snapshots are keyed by store and SKU, in no time order: deleted in the time index's order, every
// transaction of PruneBatch would rewrite most of the bucket's pages, and a pass as many times over.
// In key order, each page is rewritten about once. The time index entries to delete are read first, in a
// read-only transaction; each write transaction deletes an entry and its snapshot only if the entry is
// still there, since a newer snapshot stored meanwhile has replaced it.
func (db *DB) pruneSnapshots(ctx context.Context, cutoff time.Time) (int, error) {
	total := 0
	for {
		entries, err := db.expiredSnapshots(ctx, cutoff)
		if err != nil {
			return total, err
		}
		n, err := db.deleteSnapshots(ctx, entries)
		total += n
		if err != nil || len(entries) < pruneSnapshotsRound {
			return total, err
		}
	}
}

// deleteSnapshots deletes, in the order of the snapshots' keys and smallBatches × PruneBatch per
// transaction, the time index entries and their snapshots that are still there.
func (db *DB) deleteSnapshots(ctx context.Context, entries [][]byte) (int, error) {
	slices.SortFunc(entries, func(a, b []byte) int { return bytes.Compare(a[9:], b[9:]) })
	total := 0
	for chunk := range slices.Chunk(entries, smallBatches*db.opts.PruneBatch) {
		var deleted int
		err := db.update(ctx, "prune snapshots", func(tx *bolt.Tx) error {
			deleted = 0
			idx, err := bucket(tx, bucketByTime)
			if err != nil {
				return err
			}
			snaps, err := bucket(tx, bucketSnapshots)
			if err != nil {
				return err
			}
			for _, k := range chunk {
				if idx.Get(k) == nil {
					continue // replaced since
				}
				if err := idx.Delete(k); err != nil {
					return fmt.Errorf("delete time index entry %s: %w", printableKey(k), err)
				}
				if err := snaps.Delete(k[9:]); err != nil {
					return fmt.Errorf("delete snapshot %s: %w", printableKey(k[9:]), err)
				}
				deleted++
			}
			return nil
		})
		if err != nil {
			return total, err
		}
		total += deleted
	}
	return total, nil
}

// expiredSnapshots returns the time index keys of snapshots whose retention started before cutoff, at most
// pruneSnapshotsRound of them.
func (db *DB) expiredSnapshots(ctx context.Context, cutoff time.Time) ([][]byte, error) {
	var out [][]byte
	end := timeKey(cutoff)
	err := db.view(ctx, "find expired snapshots", func(tx *bolt.Tx) error {
		idx, err := bucket(tx, bucketByTime)
		if err != nil {
			return err
		}
		c := idx.Cursor()
		for k, _ := c.First(); k != nil && len(out) < pruneSnapshotsRound; k, _ = c.Next() {
			if bytes.Compare(k[:min(8, len(k))], end) >= 0 {
				break
			}
			if len(k) > 9 && k[8] == kindSnapshot {
				out = append(out, bytes.Clone(k))
			}
		}
		return nil
	})
	return out, err
}
