package store

import (
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"
	"unicode/utf8"

	bolt "go.etcd.io/bbolt"
)

// Bucket names; doc.go draws the tree.
var (
	bucketMeta          = []byte("meta")
	bucketConversations = []byte("conversations")
	bucketCards         = []byte("cards")
	bucketActions       = []byte("actions")
	bucketAudit         = []byte("audit")
	bucketAuditByConv   = []byte("audit_by_conversation")
	bucketAuditBySKU    = []byte("audit_by_sku")
	bucketSnapshots     = []byte("snapshots")
	bucketEscalations   = []byte("escalations")
	bucketWatches       = []byte("watches")
	bucketEnvelopes     = []byte("envelopes")
	bucketRequests      = []byte("requests")
	bucketBusy          = []byte("busy_conversations")
	bucketEffects       = []byte("effects")
	bucketModals        = []byte("modals")
	bucketByTime        = []byte("by_time")
)

// appendFill packs pages of buckets whose keys only grow (conversation ids, audit time keys): bbolt's
// default of half-full pages suits random inserts and would double these buckets' size.
const appendFill = 0.9

// bucket returns a top-level bucket, or ErrSchema when a file opened read-only predates it.
func bucket(tx *bolt.Tx, name []byte) (*bolt.Bucket, error) {
	b := tx.Bucket(name)
	if b == nil {
		return nil, fmt.Errorf("bucket %s missing: %w", name, ErrSchema)
	}
	return b, nil
}

// u64 encodes n as an 8-byte big-endian key, which sorts like the number.
func u64(n uint64) []byte {
	return binary.BigEndian.AppendUint64(make([]byte, 0, 8), n)
}

// timeKey encodes t as big-endian unix nanoseconds; times before 1970 sort as 1970.
func timeKey(t time.Time) []byte {
	n := t.UnixNano()
	if n < 0 {
		n = 0
	}
	return u64(uint64(n))
}

// keyTime decodes the first 8 bytes of a key made by timeKey.
func keyTime(k []byte) time.Time {
	if len(k) < 8 {
		return time.Time{}
	}
	return time.Unix(0, int64(binary.BigEndian.Uint64(k[:8]))).UTC()
}

// printableKey renders a key for errors and logs: text keys as-is, binary keys in hex.
func printableKey(k []byte) string {
	for _, c := range k {
		if c < 0x20 || c >= 0x7f {
			return "0x" + hex.EncodeToString(k)
		}
	}
	if !utf8.Valid(k) {
		return "0x" + hex.EncodeToString(k)
	}
	return string(k)
}

// put stores v as JSON under key, compressed when large (see compress).
func put(b *bolt.Bucket, key []byte, v any) error { return putJSON(b, key, v, compress) }

// putPlain stores v as JSON under key, uncompressed: for a value compressed later in its transaction.
func putPlain(b *bolt.Bucket, key []byte, v any) error {
	return putJSON(b, key, v, func(data []byte) []byte { return data })
}

// putJSON stores v as JSON under key, as pack makes it.
func putJSON(b *bolt.Bucket, key []byte, v any, pack func([]byte) []byte) error {
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode %s: %w", printableKey(key), err)
	}
	if err := b.Put(key, pack(data)); err != nil {
		return fmt.Errorf("put %s: %w", printableKey(key), err)
	}
	return nil
}

// get decodes the JSON stored under key into v. json.Unmarshal copies everything it keeps, so nothing in v
// refers to memory owned by the transaction. It returns ErrNotFound or a *CorruptError.
func get(b *bolt.Bucket, name, key []byte, v any) error {
	data := b.Get(key)
	if data == nil {
		return ErrNotFound
	}
	return decode(name, key, data, v)
}

// decode unmarshals a stored value, plain or compressed, naming bucket and key when it fails.
func decode(name, key, stored []byte, v any) error {
	data, err := decompress(stored)
	if err != nil {
		return &CorruptError{Bucket: string(name), Key: printableKey(key), Err: err}
	}
	if err := json.Unmarshal(data, v); err != nil {
		return &CorruptError{Bucket: string(name), Key: printableKey(key), Err: err}
	}
	return nil
}

// pageSize is the page size of new files (an existing file keeps its own). bbolt splits a full leaf so that
// the new one starts with three entries, so pages of values appended in key order (conversations of about
// 650 bytes each) end up holding three fewer than fit: 4 of 6 in a 4 KiB page, 23 of 25 in 16 KiB.
const pageSize = 16 << 10

// allocSize is how much the file grows at a time once it is large (bbolt's default is 16 MiB).
const allocSize = 4 << 20
