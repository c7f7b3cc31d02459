package store

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"maps"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Action is what one button does. The button's value carries only the opaque ID; the parameters, the
// creator, the expiry and whether it was used live here, so a forged or replayed click changes nothing.
type Action struct {
	ID             string            `json:"id"`
	Kind           string            `json:"kind"`
	Params         map[string]string `json:"params,omitempty"`
	ConversationID uint64            `json:"conversationId"`
	CreatedBy      string            `json:"createdBy"`
	CreatedAt      time.Time         `json:"createdAt"`
	ExpiresAt      time.Time         `json:"expiresAt,omitzero"` // zero: never expires
	UsedBy         string            `json:"usedBy,omitempty"`
	UsedAt         time.Time         `json:"usedAt,omitzero"`
	Result         string            `json:"result,omitempty"`
}

// NewActionID returns an id for an action created now: unguessable, well inside Slack's 2,000-character
// button value, and keyed by time (see newActionID).
func NewActionID() string { return newActionID(time.Now()) }

// newActionID returns timeIDPrefix, then the 5-byte big-endian unix seconds of at followed by 16 random
// bytes in lower-case base32hex, 35 characters in all. Base32hex sorts like the bytes it encodes, so the
// actions bucket holds the actions in the order they were created: pruning deletes its head, a few pages,
// instead of one action on every page (random ids did, rewriting most of the bucket each pass).
func newActionID(at time.Time) string {
	var b [3 + 5 + 16]byte
	binary.BigEndian.PutUint64(b[:8], uint64(max(at.Unix(), 0)))
	_, _ = rand.Read(b[8:]) // crypto/rand.Read never fails (Go 1.24+)
	return timeIDPrefix + timeIDEncoding.EncodeToString(b[3:])
}

// CreateActions stores several actions in one transaction (the buttons of one card). Actions without an ID
// get a new one and those without CreatedAt get the store's clock; the stored actions are returned in
// order. An ID already present fails the whole call with ErrExists.
func (db *DB) CreateActions(ctx context.Context, actions ...Action) ([]Action, error) {
	var out []Action
	err := db.update(ctx, "create actions", db.write(func(t *Writes) error {
		var err error
		out, err = t.CreateActions(actions...)
		return err
	}))
	if err != nil {
		return nil, err
	}
	return out, nil
}

// CreateActions is DB.CreateActions in the transaction.
func (t *Writes) CreateActions(actions ...Action) ([]Action, error) {
	out := make([]Action, len(actions))
	for i, a := range actions {
		if a.CreatedAt.IsZero() {
			a.CreatedAt = t.db.opts.Now()
		}
		if a.ID == "" {
			a.ID = newActionID(a.CreatedAt)
		}
		a.Params = maps.Clone(a.Params)
		out[i] = a
	}
	b, err := bucket(t.tx, bucketActions)
	if err != nil {
		return nil, err
	}
	for _, a := range out {
		if b.Get([]byte(a.ID)) != nil {
			return nil, fmt.Errorf("action %s: %w", a.ID, ErrExists)
		}
		if err := putAction(t.tx, a); err != nil {
			return nil, err
		}
		if _, ok := idTime([]byte(a.ID)); ok {
			continue // Prune finds it by its key
		}
		// An id from elsewhere sorts anywhere: the time index finds it. CreatedAt and ExpiresAt never
		// change after creation, so this entry stays right.
		if err := indexTime(t.tx, actionTime(a), kindAction, []byte(a.ID), nil); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Action returns the action id, ErrNotFound or a *CorruptError.
func (db *DB) Action(ctx context.Context, id string) (Action, error) {
	var a Action
	err := db.view(ctx, "get action", func(tx *bolt.Tx) error {
		var err error
		a, err = unsafeAction(tx, id)
		return err
	})
	return a, err
}

// ClaimActionOn atomically checks that action id exists, has not expired at now and was not used, marks it
// used by user at now and, in the same transaction, applies mutate to the action's conversation: a fix and
// the card's record of it commit together, so a crash leaves both or neither. audit, when not nil, is
// appended in that transaction too, so a click costs one fsync. Of any number of concurrent or later claims
// exactly one succeeds; the others get a *UsedError (errors.Is ErrActionUsed) naming the winner. An unknown
// id gives ErrNotFound, an expired one ErrActionExpired; an error from mutate (for example a *BusyError)
// aborts the claim and is returned as-is. None of these writes anything.
//
// Never batched: mutate need not be idempotent, a person waits on every click and clicks seldom coincide,
// and on this disk a lone write through bbolt's Batch waits out the delay before its commit
// (BenchmarkBatchOrUpdate: about 5 ms alone, 9 ms with a 2 ms delay, 17–25 ms with bbolt's 10 ms).
func (db *DB) ClaimActionOn(ctx context.Context, id, user string, now time.Time, audit *AuditRecord,
	mutate func(*Conversation) error) (Action, Conversation, error) {
	return db.claimOn(ctx, id, user, now, audit, mutate, nil)
}

// claimOn is ClaimActionOn with also, when not nil, a guard run in the same transaction after mutate: its
// error aborts the claim and is returned as-is.
func (db *DB) claimOn(ctx context.Context, id, user string, now time.Time, audit *AuditRecord,
	mutate func(*Conversation) error, also func(*bolt.Tx) error) (Action, Conversation, error) {
	var (
		claimed  Action
		conv     Conversation
		claimErr error
	)
	err := db.update(ctx, "claim action", func(tx *bolt.Tx) error {
		var err error
		claimed, conv, claimErr, err = claimIn(tx, id, user, now, audit, mutate, also)
		if claimErr != nil {
			return errAbort
		}
		return err
	})
	if claimErr != nil {
		return Action{}, Conversation{}, claimErr
	}
	if err != nil {
		return Action{}, Conversation{}, err
	}
	return claimed, conv, nil
}

// claimIn is claimOn's transaction: refused is why the claim was refused (the caller rolls back), err a
// storage error.
func claimIn(tx *bolt.Tx, id, user string, now time.Time, audit *AuditRecord, mutate func(*Conversation) error,
	also func(*bolt.Tx) error) (claimed Action, conv Conversation, refused, err error) {
	a, err := unsafeAction(tx, id)
	if err == nil {
		err = claimable(a, now)
	}
	if err != nil {
		return Action{}, Conversation{}, err, nil
	}
	old, err := unsafeConversation(tx, a.ConversationID)
	if err != nil {
		return Action{}, Conversation{}, nil, err
	}
	c := old
	if refused = mutate(&c); refused != nil {
		return Action{}, Conversation{}, refused, nil
	}
	if also != nil {
		if refused = also(tx); refused != nil {
			return Action{}, Conversation{}, refused, nil
		}
	}
	c.UpdatedAt = now
	if err := putConversation(tx, c, &old); err != nil {
		return Action{}, Conversation{}, nil, err
	}
	claimed, err = unsafeClaim(tx, a, user, now, audit)
	return claimed, c, nil, err
}

// claimable refuses an action that was used or has expired at now.
func claimable(a Action, now time.Time) error {
	switch {
	case a.UsedBy != "":
		return &UsedError{ActionID: a.ID, By: a.UsedBy, At: a.UsedAt}
	case !a.ExpiresAt.IsZero() && !now.Before(a.ExpiresAt):
		return fmt.Errorf("action %s expired at %s: %w", a.ID, a.ExpiresAt.UTC().Format(time.RFC3339), ErrActionExpired)
	}
	return nil
}

// unsafeClaim marks a used by user at now and appends audit, when not nil, in the caller's transaction.
func unsafeClaim(tx *bolt.Tx, a Action, user string, now time.Time, audit *AuditRecord) (Action, error) {
	a.UsedBy, a.UsedAt = user, now
	if err := putAction(tx, a); err != nil {
		return Action{}, err
	}
	if audit != nil {
		rec := *audit
		if rec.At.IsZero() {
			rec.At = now
		}
		if _, err := unsafeAppendAudit(tx, rec); err != nil {
			return Action{}, err
		}
	}
	return a, nil
}

// SetActionResult records the outcome of a claimed action and, when audit is not nil, appends it in the
// same transaction.
func (db *DB) SetActionResult(ctx context.Context, id, result string, audit *AuditRecord) error {
	return db.batch(ctx, "set action result", db.write(func(t *Writes) error { return t.SetActionResult(id, result, audit) }))
}

// SetActionResult is DB.SetActionResult in the transaction.
func (t *Writes) SetActionResult(id, result string, audit *AuditRecord) error {
	a, err := unsafeAction(t.tx, id)
	if err != nil {
		return err
	}
	a.Result = result
	if err := putAction(t.tx, a); err != nil {
		return err
	}
	if audit != nil {
		if _, err := t.AppendAudit(*audit); err != nil {
			return err
		}
	}
	return nil
}

func unsafeAction(tx *bolt.Tx, id string) (Action, error) {
	b, err := bucket(tx, bucketActions)
	if err != nil {
		return Action{}, err
	}
	v := b.Get([]byte(id))
	if v == nil {
		return Action{}, fmt.Errorf("action %s: %w", id, ErrNotFound)
	}
	a, err := decodeAction([]byte(id), v)
	if err != nil {
		return Action{}, fmt.Errorf("action %s: %w", id, err)
	}
	return a, nil
}

func putAction(tx *bolt.Tx, a Action) error {
	b, err := bucket(tx, bucketActions)
	if err != nil {
		return err
	}
	b.FillPercent = appendFill // ids made by newActionID only grow
	v, err := encodeAction(a)
	if err == nil {
		err = b.Put([]byte(a.ID), v)
	}
	if err != nil {
		return fmt.Errorf("action %s: %w", a.ID, err)
	}
	return nil
}
