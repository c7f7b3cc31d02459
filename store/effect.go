package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Effect is one change to the OMS that a fix claimed, keyed by what it changes (the domain's effect key),
// not by the button that asked for it: two cards, two buttons or two people asking for the same change
// find the same record, so the second is answered with what the first did.
type Effect struct {
	Key            string    `json:"key"`
	ActionID       string    `json:"actionId"`
	ConversationID uint64    `json:"conversationId"`
	By             string    `json:"by"` // Slack user id
	At             time.Time `json:"at"`
	Label          string    `json:"label"`
	// Result is "" while the write is under way, then ok, failed, rejected, unknown or already.
	Result  string    `json:"result,omitempty"`
	Summary string    `json:"summary,omitempty"`
	DoneAt  time.Time `json:"doneAt,omitzero"`
}

// ErrEffectBusy is returned when the same effect is being written by another claim.
var ErrEffectBusy = errors.New("effect under way")

// EffectBusyError names the claim under way that refused another.
type EffectBusyError struct {
	Effect Effect
}

func (e *EffectBusyError) Error() string {
	return fmt.Sprintf("effect %s under way since %s by %s", e.Effect.Key, e.Effect.At.UTC().Format(time.RFC3339), e.Effect.By)
}

// Is makes errors.Is(err, ErrEffectBusy) true for an *EffectBusyError.
func (e *EffectBusyError) Is(target error) bool { return target == ErrEffectBusy }

// ClaimEffectOn claims action id like ClaimActionOn and, in the same transaction, claims e.Key for e: a
// crash leaves the button used and the effect claimed, or neither. A claim of the same key without a
// result that is younger than stale refuses with an *EffectBusyError (its writer may still be at work,
// in this process or one that died); an older one was interrupted and is taken over, since the caller
// re-reads the OMS before it writes. It returns the record the claim replaced (zero when none), so the
// caller can say who made the change first.
func (db *DB) ClaimEffectOn(ctx context.Context, id, user string, now time.Time, audit *AuditRecord, e Effect,
	stale time.Duration, mutate func(*Conversation) error) (Action, Conversation, Effect, error) {
	var (
		a        Action
		c        Conversation
		prev     Effect
		claimErr error
	)
	err := db.Write(ctx, "claim effect", func(w *Writes) error {
		a, c, prev, claimErr = w.ClaimEffectOn(id, user, now, audit, e, stale, mutate)
		return claimErr
	})
	if claimErr != nil {
		return Action{}, Conversation{}, Effect{}, claimErr
	}
	if err != nil {
		return Action{}, Conversation{}, Effect{}, err
	}
	return a, c, prev, nil
}

// ClaimEffectOn is DB.ClaimEffectOn in the transaction, so that what the claim changes on the card (its
// redrawn version and buttons) commits with it. A refusal is returned as-is; the caller's Write then rolls
// back.
func (t *Writes) ClaimEffectOn(id, user string, now time.Time, audit *AuditRecord, e Effect, stale time.Duration,
	mutate func(*Conversation) error) (Action, Conversation, Effect, error) {
	if e.Key == "" {
		return Action{}, Conversation{}, Effect{}, fmt.Errorf("claim effect: empty key: %w", ErrInvalid)
	}
	var prev Effect
	a, c, refused, err := claimIn(t.tx, id, user, now, audit, mutate, func(tx *bolt.Tx) error {
		b, err := bucket(tx, bucketEffects)
		if err != nil {
			return err
		}
		prev = Effect{}
		switch err := get(b, bucketEffects, []byte(e.Key), &prev); {
		case errors.Is(err, ErrNotFound):
		case err != nil:
			return err
		case prev.Result == "" && now.Sub(prev.At) < stale:
			return &EffectBusyError{Effect: prev}
		}
		e.Result, e.Summary, e.DoneAt = "", "", time.Time{}
		return put(b, []byte(e.Key), e)
	})
	if refused != nil {
		return Action{}, Conversation{}, Effect{}, refused
	}
	if err != nil {
		return Action{}, Conversation{}, Effect{}, err
	}
	return a, c, prev, nil
}

// FinishEffect stores e under its key when the claim there is still the one made for action claimedBy
// (a claim taken over after it went stale is left alone). Storing the record the claim replaced undoes
// the claim, for a write that found the change already made.
func (db *DB) FinishEffect(ctx context.Context, claimedBy string, e Effect) error {
	return db.update(ctx, "finish effect", db.write(func(t *Writes) error { return t.FinishEffect(claimedBy, e) }))
}

// FinishEffect is DB.FinishEffect in the transaction.
func (t *Writes) FinishEffect(claimedBy string, e Effect) error {
	b, err := bucket(t.tx, bucketEffects)
	if err != nil {
		return err
	}
	var cur Effect
	if err := get(b, bucketEffects, []byte(e.Key), &cur); err != nil {
		return fmt.Errorf("effect %s: %w", e.Key, err)
	}
	if cur.ActionID != claimedBy {
		return nil
	}
	return put(b, []byte(e.Key), e)
}

// Effect returns the record of effect key, or ErrNotFound.
func (db *DB) Effect(ctx context.Context, key string) (Effect, error) {
	var e Effect
	err := db.view(ctx, "get effect", func(tx *bolt.Tx) error {
		b, err := bucket(tx, bucketEffects)
		if err != nil {
			return err
		}
		return get(b, bucketEffects, []byte(key), &e)
	})
	return e, err
}
