package store

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

var keySchemaVersion = []byte("schema_version")

// migration brings the file from version-1 to version. Each one has its own test that seeds the previous
// layout, opens the store and checks the new one.
type migration struct {
	version uint64
	name    string
	migrate func(tx *bolt.Tx) error
}

// migrations MUST be ordered by version; append new ones at the end and update doc.go.
var migrations = []migration{
	{version: 1, name: "record buckets", migrate: migrateV1},
	{version: 2, name: "audit indexes by conversation and SKU", migrate: migrateV2},
	{version: 3, name: "envelope ids", migrate: migrateV3},
	{version: 4, name: "request journal", migrate: migrateV4},
	{version: 5, name: "index of conversations with work under way", migrate: migrateV5},
	{version: 6, name: "effect claims and opened modals", migrate: migrateV6},
	{version: 7, name: "time index for pruning, compressed large values", migrate: migrateV7},
	{version: 8, name: "sweep runs and per-SKU sweep results", migrate: migrateV8},
	{version: 9, name: "drop the audit index by conversation", migrate: migrateV9},
	{version: 10, name: "actions keyed by time, snapshots referring to their conversation's report", migrate: migrateV10},
	{version: 11, name: "drop the envelope ids and the request journal", migrate: migrateV11},
}

// SchemaVersion is the schema this binary writes.
var SchemaVersion = migrations[len(migrations)-1].version

// maxPlausibleSchema bounds the versions a future preorderbot could have written: one migration per
// release at most, so a version this far ahead is a damaged file or another program's, not an upgrade.
const maxPlausibleSchema = 1000

// errSkip rolls back the open transaction when there is nothing to migrate, saving a commit and an fsync.
var errSkip = errors.New("schema up to date")

// migrate runs, in one read-write transaction, every migration newer than the file's version.
func (db *DB) migrate() error {
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		meta, err := tx.CreateBucketIfNotExists(bucketMeta)
		if err != nil {
			return fmt.Errorf("create meta bucket: %w", err)
		}
		current, err := UnsafeSchemaVersion(tx)
		if err != nil {
			return err
		}
		if current > maxPlausibleSchema {
			return fmt.Errorf("schema version %d is impossible: %w", current, ErrDamaged)
		}
		if current > SchemaVersion {
			return fmt.Errorf("the file was written by a newer preorderbot (schema v%d, this binary knows up to v%d): %w",
				current, SchemaVersion, ErrSchema)
		}
		if current == SchemaVersion {
			return errSkip
		}
		for _, m := range migrations {
			if m.version <= current {
				continue
			}
			if err := m.migrate(tx); err != nil {
				return fmt.Errorf("migrate to v%d (%s): %w", m.version, m.name, err)
			}
			if err := meta.Put(keySchemaVersion, u64(m.version)); err != nil {
				return fmt.Errorf("record schema v%d: %w", m.version, err)
			}
			db.log.Info("store migrated", "path", db.path, "schema_version", m.version, "migration", m.name)
		}
		return nil
	})
	if errors.Is(err, errSkip) {
		return nil
	}
	return translate("migrate", err)
}

// UnsafeSchemaVersion reads the schema version inside the caller's transaction; 0 means a new file.
func UnsafeSchemaVersion(tx *bolt.Tx) (uint64, error) {
	meta := tx.Bucket(bucketMeta)
	if meta == nil {
		return 0, nil
	}
	v := meta.Get(keySchemaVersion)
	if v == nil {
		return 0, nil
	}
	if len(v) != 8 {
		return 0, fmt.Errorf("schema version is %d bytes long, want 8: %w", len(v), ErrDamaged)
	}
	return binary.BigEndian.Uint64(v), nil
}

// migrateV1 creates the original record buckets.
func migrateV1(tx *bolt.Tx) error {
	for _, name := range [][]byte{
		bucketConversations, bucketCards, bucketActions, bucketAudit, bucketSnapshots, bucketEscalations,
		bucketWatches,
	} {
		if _, err := tx.CreateBucketIfNotExists(name); err != nil {
			return fmt.Errorf("create bucket %s: %w", name, err)
		}
	}
	return nil
}

// migrateV2 adds the audit indexes that make per-conversation and per-SKU history a prefix scan instead of
// a walk over the whole trail, and back-fills them from the records already there. Records that no longer
// decode are left out of the indexes (they stay in audit).
func migrateV2(tx *bolt.Tx) error {
	byConv, err := tx.CreateBucketIfNotExists(bucketAuditByConv)
	if err != nil {
		return fmt.Errorf("create bucket %s: %w", bucketAuditByConv, err)
	}
	bySKU, err := tx.CreateBucketIfNotExists(bucketAuditBySKU)
	if err != nil {
		return fmt.Errorf("create bucket %s: %w", bucketAuditBySKU, err)
	}
	audit, err := bucket(tx, bucketAudit)
	if err != nil {
		return err
	}
	return audit.ForEach(func(k, v []byte) error {
		var rec AuditRecord
		if decode(bucketAudit, k, v, &rec) != nil {
			return nil
		}
		if rec.ConversationID != 0 {
			if err := byConv.Put(append(u64(rec.ConversationID), k...), []byte{}); err != nil {
				return fmt.Errorf("index audit by conversation: %w", err)
			}
		}
		return indexAudit(bySKU, k, rec)
	})
}

// migrateV9 deletes the audit index by conversation: nothing reads a conversation's trail, and every audit
// write paid for keeping it.
func migrateV9(tx *bolt.Tx) error {
	if tx.Bucket(bucketAuditByConv) == nil {
		return nil
	}
	if err := tx.DeleteBucket(bucketAuditByConv); err != nil {
		return fmt.Errorf("delete bucket %s: %w", bucketAuditByConv, err)
	}
	return nil
}

// migrateV10 changes no record: it marks the file as holding actions stored with their retention time
// under ids keyed by time (actioncodec.go) and snapshots that refer to a conversation's report
// (snapshot.go), which older binaries would misread. Records written before keep their format, which
// reads as before: actions with older ids stay in the time index and snapshots with their own report, until
// Prune removes them.
func migrateV10(*bolt.Tx) error { return nil }

// migrateV11 deletes the envelope ids and the request journal of the main file: the request journal's log
// (Journal) keeps both, and serve has not read them here since the journal got a file of its own.
func migrateV11(tx *bolt.Tx) error {
	for _, name := range [][]byte{bucketEnvelopes, bucketRequests} {
		if tx.Bucket(name) == nil {
			continue
		}
		if err := tx.DeleteBucket(name); err != nil {
			return fmt.Errorf("delete bucket %s: %w", name, err)
		}
	}
	return nil
}

// migrateV5 adds the index of conversations with work under way, so start-up finds them without reading
// every conversation, and fills it from the conversations already there.
func migrateV5(tx *bolt.Tx) error {
	busy, err := tx.CreateBucketIfNotExists(bucketBusy)
	if err != nil {
		return fmt.Errorf("create bucket %s: %w", bucketBusy, err)
	}
	convs, err := bucket(tx, bucketConversations)
	if err != nil {
		return err
	}
	return convs.ForEach(func(k, v []byte) error {
		var c Conversation
		if decode(bucketConversations, k, v, &c) != nil || !c.Busy() {
			return nil
		}
		return busy.Put(k, nil)
	})
}

// migrateV4 adds the journal of acknowledged requests not yet handled.
func migrateV4(tx *bolt.Tx) error {
	if _, err := tx.CreateBucketIfNotExists(bucketRequests); err != nil {
		return fmt.Errorf("create bucket %s: %w", bucketRequests, err)
	}
	return nil
}

// migrateV3 adds the envelope ids bucket used to drop Socket Mode redeliveries.
func migrateV3(tx *bolt.Tx) error {
	if _, err := tx.CreateBucketIfNotExists(bucketEnvelopes); err != nil {
		return fmt.Errorf("create bucket %s: %w", bucketEnvelopes, err)
	}
	return nil
}

// migrateV6 adds the claims of OMS changes by effect and the record of the modals the bot opened.
func migrateV6(tx *bolt.Tx) error {
	for _, name := range [][]byte{bucketEffects, bucketModals} {
		if _, err := tx.CreateBucketIfNotExists(name); err != nil {
			return fmt.Errorf("create bucket %s: %w", name, err)
		}
	}
	return nil
}

// migrateV7 adds the time index that lets Prune skip reading values, fills it from the conversations,
// actions and snapshots already there, and rewrites their large values compressed (see compress). Records
// that no longer decode get no entry, so pruning keeps them, as it did before.
func migrateV7(tx *bolt.Tx) error {
	if _, err := tx.CreateBucketIfNotExists(bucketByTime); err != nil {
		return fmt.Errorf("create bucket %s: %w", bucketByTime, err)
	}
	if err := reindexV7(tx, bucketConversations, func(v []byte) (time.Time, byte, []byte, bool) {
		var c Conversation
		if decode(bucketConversations, nil, v, &c) != nil {
			return time.Time{}, 0, nil, false
		}
		var card []byte
		if c.CardTS != "" {
			card = cardKey(c.Channel, c.CardTS)
		}
		return conversationTime(c), kindConversation, card, true
	}); err != nil {
		return err
	}
	if err := reindexV7(tx, bucketActions, func(v []byte) (time.Time, byte, []byte, bool) {
		var a Action
		ok := decode(bucketActions, nil, v, &a) == nil
		return actionTime(a), kindAction, nil, ok
	}); err != nil {
		return err
	}
	return reindexV7(tx, bucketSnapshots, func(v []byte) (time.Time, byte, []byte, bool) {
		var s Snapshot
		ok := decode(bucketSnapshots, nil, v, &s) == nil
		return snapshotTime(s), kindSnapshot, nil, ok
	})
}

// reindexV7 indexes by time, and stores compressed, every record of bucket name that entry can read.
func reindexV7(tx *bolt.Tx, name []byte, entry func(v []byte) (at time.Time, kind byte, value []byte, ok bool)) error {
	b, err := bucket(tx, name)
	if err != nil {
		return err
	}
	// A bucket must not change under ForEach: collect the keys first.
	var keys [][]byte
	if err := b.ForEach(func(k, _ []byte) error {
		keys = append(keys, bytes.Clone(k))
		return nil
	}); err != nil {
		return err
	}
	for _, k := range keys {
		v := b.Get(k)
		at, kind, value, ok := entry(v)
		if !ok {
			continue
		}
		if err := indexTime(tx, at, kind, k, value); err != nil {
			return err
		}
		if bytes.HasPrefix(v, zstdMagic) {
			continue
		}
		if packed := compress(v); len(packed) < len(v) {
			if err := b.Put(k, packed); err != nil {
				return fmt.Errorf("rewrite %s %s: %w", name, printableKey(k), err)
			}
		}
	}
	return nil
}
