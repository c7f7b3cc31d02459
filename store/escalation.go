package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Fingerprint identifies one escalation: the same store, SKU and root cause share one support thread.
type Fingerprint struct {
	ProductStoreID string `json:"productStoreId"`
	SKU            string `json:"sku"`
	Cause          string `json:"cause"`
}

// Key is the escalations bucket key, store/sku/cause.
func (f Fingerprint) Key() string { return f.ProductStoreID + "/" + f.SKU + "/" + f.Cause }

// Escalation is the support-channel thread opened for a fingerprint and the state of its webhook delivery.
type Escalation struct {
	Fingerprint
	Channel        string    `json:"channel"`
	ThreadTS       string    `json:"threadTs"`
	OpenedBy       string    `json:"openedBy"`
	OpenedAt       time.Time `json:"openedAt"`
	Status         string    `json:"status"`
	WebhookPending bool      `json:"webhookPending,omitempty"`
	Attempts       int       `json:"attempts,omitempty"`
	LastError      string    `json:"lastError,omitempty"`
	// ConversationID is the card the escalation came from, whose status line follows the webhook.
	ConversationID uint64 `json:"conversationId,omitempty"`
	// Packet is the evidence packet the webhook must deliver, kept until it is delivered (an outbox).
	Packet json.RawMessage `json:"packet,omitempty"`
	// PacketGen counts the packets queued; a delivery clears the outbox only if no newer one replaced it.
	PacketGen int `json:"packetGen,omitempty"`
}

// PutEscalation creates or replaces the escalation of e.Fingerprint.
func (db *DB) PutEscalation(ctx context.Context, e Escalation) error {
	if e.SKU == "" || e.Cause == "" {
		return fmt.Errorf("escalation %q: %w", e.Key(), ErrInvalid)
	}
	return db.update(ctx, "put escalation", func(tx *bolt.Tx) error {
		b, err := bucket(tx, bucketEscalations)
		if err != nil {
			return err
		}
		return put(b, []byte(e.Key()), e)
	})
}

// OpenEscalation stores e unless its fingerprint already has an escalation, atomically. It returns the
// escalation now stored and whether it is e: a second escalation of the same cause finds the first thread
// (false) and should post into it. Only ThreadTS and Channel may be empty in e, to be set later with
// PutEscalation once the thread is posted.
func (db *DB) OpenEscalation(ctx context.Context, e Escalation) (Escalation, bool, error) {
	if e.SKU == "" || e.Cause == "" {
		return Escalation{}, false, fmt.Errorf("escalation %q: %w", e.Key(), ErrInvalid)
	}
	var (
		out     Escalation
		created bool
	)
	err := db.update(ctx, "open escalation", func(tx *bolt.Tx) error {
		b, err := bucket(tx, bucketEscalations)
		if err != nil {
			return err
		}
		err = get(b, bucketEscalations, []byte(e.Key()), &out)
		switch {
		case err == nil:
			created = false
			return nil
		case !errors.Is(err, ErrNotFound):
			return fmt.Errorf("escalation %s: %w", e.Key(), err)
		}
		out, created = e, true
		return put(b, []byte(e.Key()), e)
	})
	if err != nil {
		return Escalation{}, false, err
	}
	return out, created, nil
}

// Escalation returns the escalation of fp, ErrNotFound or a *CorruptError.
func (db *DB) Escalation(ctx context.Context, fp Fingerprint) (Escalation, error) {
	var e Escalation
	err := db.view(ctx, "get escalation", func(tx *bolt.Tx) error {
		b, err := bucket(tx, bucketEscalations)
		if err != nil {
			return err
		}
		if err := get(b, bucketEscalations, []byte(fp.Key()), &e); err != nil {
			return fmt.Errorf("escalation %s: %w", fp.Key(), err)
		}
		return nil
	})
	return e, err
}

// PendingEscalations lists escalations whose webhook delivery is still to be (re)tried, in key order.
func (db *DB) PendingEscalations(ctx context.Context) ([]Escalation, error) {
	var out []Escalation
	err := db.view(ctx, "pending escalations", func(tx *bolt.Tx) error {
		return db.forEach(tx, bucketEscalations, func(k, v []byte) error {
			var e Escalation
			if err := decode(bucketEscalations, k, v, &e); err != nil {
				return err
			}
			if e.WebhookPending {
				out = append(out, e)
			}
			return nil
		})
	})
	return out, err
}
