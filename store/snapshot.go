package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Snapshot is the last report for one SKU in one product store, kept to say what changed since.
type Snapshot struct {
	ProductStoreID string          `json:"productStoreId"`
	SKU            string          `json:"sku"`
	Report         json.RawMessage `json:"report"` // opaque to the store
	At             time.Time       `json:"at"`
}

func snapshotKey(storeID, sku string) []byte { return []byte(storeID + "/" + sku) }

// PutSnapshot replaces the snapshot of s.ProductStoreID/s.SKU (At defaults to the store's clock).
func (db *DB) PutSnapshot(ctx context.Context, s Snapshot) error {
	return db.update(ctx, "put snapshot", db.write(func(t *Writes) error { return t.PutSnapshot(s) }))
}

// PutSnapshot is DB.PutSnapshot in the transaction.
func (t *Writes) PutSnapshot(s Snapshot) error {
	if s.SKU == "" {
		return fmt.Errorf("snapshot without sku: %w", ErrInvalid)
	}
	if s.At.IsZero() {
		s.At = t.db.opts.Now()
	}
	b, err := bucket(t.tx, bucketSnapshots)
	if err != nil {
		return err
	}
	key := snapshotKey(s.ProductStoreID, s.SKU)
	if err := unindexSnapshot(t.tx, b, key); err != nil {
		return err
	}
	if err := put(b, key, s); err != nil {
		return err
	}
	return indexTime(t.tx, snapshotTime(s), kindSnapshot, key, nil)
}

// Snapshot returns the snapshot of storeID/sku, ErrNotFound or a *CorruptError.
func (db *DB) Snapshot(ctx context.Context, storeID, sku string) (Snapshot, error) {
	var s Snapshot
	err := db.view(ctx, "get snapshot", func(tx *bolt.Tx) error {
		b, err := bucket(tx, bucketSnapshots)
		if err != nil {
			return err
		}
		if err := get(b, bucketSnapshots, snapshotKey(storeID, sku), &s); err != nil {
			return fmt.Errorf("snapshot %s/%s: %w", storeID, sku, err)
		}
		return nil
	})
	return s, err
}

// unindexSnapshot removes the time index entry of the snapshot stored under key, if any.
func unindexSnapshot(tx *bolt.Tx, b *bolt.Bucket, key []byte) error {
	var old Snapshot
	switch err := get(b, bucketSnapshots, key, &old); {
	case err == nil:
		return unindexTime(tx, snapshotTime(old), kindSnapshot, key)
	case isCorrupt(err):
		return unindexTimeAnyAt(tx, kindSnapshot, key)
	default:
		return nil // none yet
	}
}
