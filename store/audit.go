package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// AuditRecord is one entry of the append-only trail: who did what, where, what was asked of the OMS and
// what came of it.
type AuditRecord struct {
	Seq            uint64      `json:"seq"` // assigned by the store, unique
	At             time.Time   `json:"at"`
	Actor          string      `json:"actor"`  // Slack user id, or "preorderbot" for the bot itself
	Action         string      `json:"action"` // e.g. "check", "claim:run-job", "escalate"
	ConversationID uint64      `json:"conversationId,omitempty"`
	SKU            string      `json:"sku,omitempty"`
	ProductStoreID string      `json:"productStoreId,omitempty"`
	Card           *MessageRef `json:"card,omitempty"`
	Request        string      `json:"request,omitempty"` // OMS request summary, never credentials
	Outcome        string      `json:"outcome,omitempty"`
	Detail         string      `json:"detail,omitempty"`
}

// AppendAudit appends rec (At defaults to the store's clock) and returns it with its Seq.
func (db *DB) AppendAudit(ctx context.Context, rec AuditRecord) (AuditRecord, error) {
	if rec.At.IsZero() {
		rec.At = db.opts.Now()
	}
	var out AuditRecord
	err := db.batch(ctx, "append audit", db.write(func(t *Writes) error {
		var err error
		out, err = t.AppendAudit(rec)
		return err
	}))
	if err != nil {
		return AuditRecord{}, err
	}
	return out, nil
}

// AppendAudit is DB.AppendAudit in the transaction.
func (t *Writes) AppendAudit(rec AuditRecord) (AuditRecord, error) {
	if rec.At.IsZero() {
		rec.At = t.db.opts.Now()
	}
	return unsafeAppendAudit(t.tx, rec)
}

// AuditBySKU returns the trail of sku, across conversations and stores, in time order.
func (db *DB) AuditBySKU(ctx context.Context, sku string) ([]AuditRecord, error) {
	return db.auditByIndex(ctx, "audit by sku", bucketAuditBySKU, append([]byte(sku), 0))
}

// auditByIndex follows an index bucket's prefix to the audit records. Index keys end with the audit key,
// so the prefix scan already yields time order.
func (db *DB) auditByIndex(ctx context.Context, op string, index, prefix []byte) ([]AuditRecord, error) {
	var out []AuditRecord
	err := db.view(ctx, op, func(tx *bolt.Tx) error {
		idx, err := bucket(tx, index)
		if err != nil {
			return err
		}
		audit, err := bucket(tx, bucketAudit)
		if err != nil {
			return err
		}
		c := idx.Cursor()
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			auditKey := k[len(prefix):]
			var rec AuditRecord
			err := get(audit, bucketAudit, auditKey, &rec)
			switch {
			case errors.Is(err, ErrNotFound):
				continue // pruned between index and record; harmless
			case err != nil:
				db.log.Error("skipping unreadable record", "error", err)
				continue
			}
			out = append(out, rec)
		}
		return nil
	})
	return out, err
}

// unsafeAppendAudit writes rec and its index entries inside the caller's transaction.
func unsafeAppendAudit(tx *bolt.Tx, rec AuditRecord) (AuditRecord, error) {
	audit, err := bucket(tx, bucketAudit)
	if err != nil {
		return AuditRecord{}, err
	}
	bySKU, err := bucket(tx, bucketAuditBySKU)
	if err != nil {
		return AuditRecord{}, err
	}
	audit.FillPercent = appendFill
	seq, err := audit.NextSequence()
	if err != nil {
		return AuditRecord{}, fmt.Errorf("next audit sequence: %w", err)
	}
	rec.Seq = seq
	rec.At = rec.At.UTC()
	key := auditKey(rec)
	if err := put(audit, key, rec); err != nil {
		return AuditRecord{}, fmt.Errorf("audit: %w", err)
	}
	if err := indexAudit(bySKU, key, rec); err != nil {
		return AuditRecord{}, err
	}
	return rec, nil
}

// auditKey is big-endian unix nanos then the sequence: time order, unique even within one nanosecond.
func auditKey(rec AuditRecord) []byte {
	return append(timeKey(rec.At), u64(rec.Seq)...)
}

// indexAudit adds the audit_by_sku entry of the record stored under key.
func indexAudit(bySKU *bolt.Bucket, key []byte, rec AuditRecord) error {
	if rec.SKU != "" {
		if err := bySKU.Put(append(append([]byte(rec.SKU), 0), key...), []byte{}); err != nil {
			return fmt.Errorf("index audit by sku: %w", err)
		}
	}
	return nil
}

// unindexAudit removes what indexAudit added.
func unindexAudit(bySKU *bolt.Bucket, key []byte, rec AuditRecord) error {
	if rec.SKU != "" {
		if err := bySKU.Delete(append(append([]byte(rec.SKU), 0), key...)); err != nil {
			return fmt.Errorf("unindex audit by sku: %w", err)
		}
	}
	return nil
}
