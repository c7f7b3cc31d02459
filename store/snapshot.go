package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
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

// A snapshot whose report is also in the LastReport of a conversation updated in the same Writes (a check
// keeps both) is stored as a reference to that report instead of a second copy: snapshotRefTag, the 8-byte
// big-endian unix nanos of At, the conversation id, then the report's index in LastReport (uvarint) and the
// FNV-64a sum of its JSON. It reads as not found once the conversation is pruned or holds another report.
// Other snapshots are stored as JSON, compressed when large.
const snapshotRefTag byte = 0x02

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
	if ref := t.reportRef(s); ref != nil {
		if err := b.Put(key, ref); err != nil {
			return fmt.Errorf("put %s: %w", printableKey(key), err)
		}
	} else if err := put(b, key, s); err != nil {
		return err
	}
	return indexTime(t.tx, snapshotTime(s), kindSnapshot, key, nil)
}

// reportRef returns the stored form of s as a reference to the same report in a conversation this Writes
// updated, or nil when none holds it.
func (t *Writes) reportRef(s Snapshot) []byte {
	want, err := json.Marshal(s.Report) // compacted as a conversation stores it
	if err != nil {
		return nil
	}
	for _, id := range t.updated {
		c, err := unsafeConversation(t.tx, id)
		if err != nil {
			continue
		}
		var reports []json.RawMessage
		if json.Unmarshal(c.LastReport, &reports) != nil {
			continue
		}
		for i, r := range reports {
			if bytes.Equal(r, want) {
				v := make([]byte, 17, 17+binary.MaxVarintLen64+8)
				v[0] = snapshotRefTag
				binary.BigEndian.PutUint64(v[1:], uint64(max(s.At.UnixNano(), 0)))
				binary.BigEndian.PutUint64(v[9:], id)
				v = binary.AppendUvarint(v, uint64(i))
				return binary.BigEndian.AppendUint64(v, reportSum(r))
			}
		}
	}
	return nil
}

func reportSum(report []byte) uint64 {
	h := fnv.New64a()
	_, _ = h.Write(report)
	return h.Sum64()
}

// Snapshot returns the snapshot of storeID/sku, ErrNotFound or a *CorruptError.
func (db *DB) Snapshot(ctx context.Context, storeID, sku string) (Snapshot, error) {
	var s Snapshot
	err := db.view(ctx, "get snapshot", func(tx *bolt.Tx) error {
		b, err := bucket(tx, bucketSnapshots)
		if err != nil {
			return err
		}
		key := snapshotKey(storeID, sku)
		v := b.Get(key)
		if v == nil {
			return fmt.Errorf("snapshot %s/%s: %w", storeID, sku, ErrNotFound)
		}
		if s, err = decodeSnapshot(tx, key, v); err != nil {
			return fmt.Errorf("snapshot %s/%s: %w", storeID, sku, err)
		}
		s.ProductStoreID, s.SKU = storeID, sku
		return nil
	})
	return s, err
}

// snapshotRef is a decoded reference to a conversation's report.
type snapshotRef struct {
	at             time.Time
	conversationID uint64
	index          uint64
	sum            uint64
}

func decodeSnapshotRef(key, v []byte) (snapshotRef, error) {
	corrupt := &CorruptError{Bucket: string(bucketSnapshots), Key: printableKey(key)}
	if len(v) < 17 {
		corrupt.Err = errors.New("reference shorter than its header")
		return snapshotRef{}, corrupt
	}
	ref := snapshotRef{at: keyTime(v[1:9]), conversationID: binary.BigEndian.Uint64(v[9:17])}
	index, n := binary.Uvarint(v[17:])
	if n <= 0 || len(v) != 17+n+8 {
		corrupt.Err = errors.New("reference of the wrong length")
		return snapshotRef{}, corrupt
	}
	ref.index, ref.sum = index, binary.BigEndian.Uint64(v[17+n:])
	return ref, nil
}

// decodeSnapshot reads a stored snapshot, following a reference to its conversation's report.
func decodeSnapshot(tx *bolt.Tx, key, v []byte) (Snapshot, error) {
	var s Snapshot
	if len(v) == 0 || v[0] != snapshotRefTag {
		err := decode(bucketSnapshots, key, v, &s)
		return s, err
	}
	ref, err := decodeSnapshotRef(key, v)
	if err != nil {
		return s, err
	}
	c, err := unsafeConversation(tx, ref.conversationID)
	if err != nil {
		return s, fmt.Errorf("report of conversation %d: %w", ref.conversationID, err)
	}
	var reports []json.RawMessage
	if json.Unmarshal(c.LastReport, &reports) != nil || ref.index >= uint64(len(reports)) ||
		reportSum(reports[ref.index]) != ref.sum {
		return s, fmt.Errorf("conversation %d holds a newer report: %w", ref.conversationID, ErrNotFound)
	}
	s.Report, s.At = reports[ref.index], ref.at
	return s, nil
}

// unindexSnapshot removes the time index entry of the snapshot stored under key, if any.
func unindexSnapshot(tx *bolt.Tx, b *bolt.Bucket, key []byte) error {
	v := b.Get(key)
	if v == nil {
		return nil // none yet
	}
	at, err := storedSnapshotTime(key, v)
	if err != nil {
		return unindexTimeAnyAt(tx, kindSnapshot, key)
	}
	return unindexTime(tx, at, kindSnapshot, key)
}

// storedSnapshotTime is the retention start (snapshotTime) of a stored snapshot.
func storedSnapshotTime(key, v []byte) (time.Time, error) {
	if len(v) > 0 && v[0] == snapshotRefTag {
		ref, err := decodeSnapshotRef(key, v)
		return ref.at, err
	}
	var old Snapshot
	err := decode(bucketSnapshots, key, v, &old)
	return snapshotTime(old), err
}
