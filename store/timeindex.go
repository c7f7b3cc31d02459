package store

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// The time index lists the records that Options.Retention prunes (conversations, actions, snapshots) by
// the time their retention counts from, so that Prune walks only the expired head of one bucket and never
// reads a value. Keys are <8-byte BE unix nanos><kind><record key>; a conversation's entry holds its card
// key, so that pruning it can drop the card index without decoding the conversation.
const (
	kindConversation byte = 'c'
	kindAction       byte = 'a'
	kindSnapshot     byte = 's'
)

func timeIndexKey(at time.Time, kind byte, key []byte) []byte {
	k := make([]byte, 0, 9+len(key))
	k = append(k, timeKey(at)...)
	k = append(k, kind)
	return append(k, key...)
}

// conversationTime is when a conversation's retention starts: its last update.
func conversationTime(c Conversation) time.Time { return c.UpdatedAt }

// actionTime is when an action's retention starts: its creation or, when later, its expiry.
func actionTime(a Action) time.Time {
	if a.ExpiresAt.After(a.CreatedAt) {
		return a.ExpiresAt
	}
	return a.CreatedAt
}

// snapshotTime is when a snapshot's retention starts: the check it records.
func snapshotTime(s Snapshot) time.Time { return s.At }

// indexTime adds the index entry of one record; value is what pruning it needs besides its key.
func indexTime(tx *bolt.Tx, at time.Time, kind byte, key, value []byte) error {
	idx, err := bucket(tx, bucketByTime)
	if err != nil {
		return err
	}
	idx.FillPercent = appendFill // entries arrive roughly in time order
	if err := idx.Put(timeIndexKey(at, kind, key), value); err != nil {
		return fmt.Errorf("index %s by time: %w", printableKey(key), err)
	}
	return nil
}

// unindexTime removes the index entry of one record.
func unindexTime(tx *bolt.Tx, at time.Time, kind byte, key []byte) error {
	idx, err := bucket(tx, bucketByTime)
	if err != nil {
		return err
	}
	if err := idx.Delete(timeIndexKey(at, kind, key)); err != nil {
		return fmt.Errorf("unindex %s by time: %w", printableKey(key), err)
	}
	return nil
}

// unindexTimeAnyAt removes every index entry of one record whatever its time: for a record replaced when
// the old version no longer decodes. It walks the whole index, which only that rare case pays for.
func unindexTimeAnyAt(tx *bolt.Tx, kind byte, key []byte) error {
	idx, err := bucket(tx, bucketByTime)
	if err != nil {
		return err
	}
	var stale [][]byte
	err = idx.ForEach(func(k, _ []byte) error {
		if len(k) == 9+len(key) && k[8] == kind && bytes.Equal(k[9:], key) {
			stale = append(stale, bytes.Clone(k))
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, k := range stale {
		if err := idx.Delete(k); err != nil {
			return fmt.Errorf("unindex %s by time: %w", printableKey(key), err)
		}
	}
	return nil
}

// pruneByTime deletes the records whose index time is before cutoff, PruneBatch per write transaction,
// oldest first.
func (db *DB) pruneByTime(tx *bolt.Tx, cutoff time.Time, st *PruneStats) (deleted int, more bool, err error) {
	idx, err := bucket(tx, bucketByTime)
	if err != nil {
		return 0, false, err
	}
	end := timeKey(cutoff)
	var victims [][2][]byte
	c := idx.Cursor()
	for k, v := c.First(); k != nil && bytes.Compare(k[:min(8, len(k))], end) < 0; k, v = c.Next() {
		if len(victims) == db.opts.PruneBatch {
			more = true
			break
		}
		// Copy: deleting under a cursor may skip entries, and the memory belongs to the tx.
		victims = append(victims, [2][]byte{bytes.Clone(k), bytes.Clone(v)})
	}
	for _, kv := range victims {
		if err := idx.Delete(kv[0]); err != nil {
			return 0, false, fmt.Errorf("delete time index entry %s: %w", printableKey(kv[0]), err)
		}
		if len(kv[0]) < 9 {
			continue
		}
		if err := db.pruneRecord(tx, kv[0][8], kv[0][9:], kv[1], st); err != nil {
			return 0, false, err
		}
	}
	return len(victims), more, nil
}

// pruneRecord deletes one expired record and what refers to it.
func (db *DB) pruneRecord(tx *bolt.Tx, kind byte, key, value []byte, st *PruneStats) error {
	var name []byte
	switch kind {
	case kindConversation:
		name = bucketConversations
		if err := unindexConversation(tx, key, value); err != nil {
			return err
		}
		st.Conversations++
	case kindAction:
		name = bucketActions
		st.Actions++
	case kindSnapshot:
		name = bucketSnapshots
		st.Snapshots++
	default:
		db.log.Error("dropping time index entry of unknown kind", "kind", kind, "key", printableKey(key))
		return nil
	}
	b, err := bucket(tx, name)
	if err != nil {
		return err
	}
	if err := b.Delete(key); err != nil {
		return fmt.Errorf("delete %s %s: %w", name, printableKey(key), err)
	}
	return nil
}

// unindexConversation removes the busy entry of a pruned conversation and its card entry (card is the
// card key its time index entry held) if the card still points at it.
func unindexConversation(tx *bolt.Tx, id, card []byte) error {
	busy, err := bucket(tx, bucketBusy)
	if err != nil {
		return err
	}
	if err := busy.Delete(id); err != nil {
		return fmt.Errorf("unindex work under way of conversation %s: %w", printableKey(id), err)
	}
	if len(card) == 0 {
		return nil
	}
	cards, err := bucket(tx, bucketCards)
	if err != nil {
		return err
	}
	if cur := cards.Get(card); len(cur) == 8 && bytes.Equal(cur, id) {
		if err := cards.Delete(card); err != nil {
			return fmt.Errorf("unindex card of conversation %d: %w", binary.BigEndian.Uint64(id), err)
		}
	}
	return nil
}
