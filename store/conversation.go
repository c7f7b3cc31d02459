package store

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Conversation statuses the bot uses; the store accepts any string.
const (
	StatusChecking = "checking"
	StatusDone     = "done"
	StatusFixing   = "fixing"
	StatusWatching = "watching"
	StatusFixed    = "fixed"
	StatusFailed   = "failed"
)

// MessageRef points at one Slack message (or thread parent) by channel and timestamp.
type MessageRef struct {
	Channel string `json:"channel"`
	TS      string `json:"ts"`
	URL     string `json:"url,omitempty"` // its permalink, when known, so showing the link costs no Slack call
}

// Conversation is one request to the bot (a check of one or more SKUs) and the card that shows it.
type Conversation struct {
	ID               uint64          `json:"id"`
	Kind             string          `json:"kind"` // "check"
	SKUs             []string        `json:"skus"`
	ProductStoreID   string          `json:"productStoreId"`
	RequestedBy      string          `json:"requestedBy"` // Slack user id
	Channel          string          `json:"channel"`
	CardTS           string          `json:"cardTs,omitempty"`
	ThreadTS         string          `json:"threadTs,omitempty"`
	Status           string          `json:"status"`
	LastReport       json.RawMessage `json:"lastReport,omitempty"` // opaque to the store
	CreatedAt        time.Time       `json:"createdAt"`
	UpdatedAt        time.Time       `json:"updatedAt"`
	EscalationThread *MessageRef     `json:"escalationThread,omitempty"`

	// CardVersion counts the renders of the card; a button from an older render is refused.
	CardVersion int `json:"cardVersion,omitempty"`
	// InFlight lists the remedies under way on the card. Their buttons stay hidden until they end, so
	// nobody can start the same fix twice from a re-drawn card.
	InFlight []InFlight `json:"inFlight,omitempty"`
	// Escalated is the last escalation sent from the card; the card words its line from it.
	Escalated *Escalated `json:"escalated,omitempty"`
	// Lines are lasting status lines (mrkdwn) by topic ("escalation"), recorded before the facts above
	// were; the card shows them as they are, unless newer facts of the same topic replace them. Nothing
	// writes them any more.
	Lines map[string]string `json:"lines,omitempty"`
	// Request is the envelope id of the request that opened the conversation, so a replayed request
	// does not open it twice.
	Request string `json:"request,omitempty"`
	// Escalating is an escalation claimed but not yet finished; a restart finishes it.
	Escalating *EscalationIntent `json:"escalating,omitempty"`
	// Redraw counts the changes recorded since Slack last confirmed a card that shows them all; while it is
	// not zero the card may show less than is stored, and a restart draws it again.
	Redraw int `json:"redraw,omitempty"`
}

// EscalationIntent is an escalation someone asked for: enough to send it again after a crash.
type EscalationIntent struct {
	SKU  string    `json:"sku"`
	By   string    `json:"by"`
	Note string    `json:"note,omitempty"`
	At   time.Time `json:"at"`
}

// Escalated is an escalation sent from a card: who sent it and when, and how its support ticket went.
type Escalated struct {
	By string    `json:"by"` // Slack user id
	At time.Time `json:"at"`
	// Ticket is the support ticket's delivery: TicketSent, TicketPending, or empty when no webhook is set.
	Ticket string `json:"ticket,omitempty"`
}

// Support ticket deliveries of an Escalated.
const (
	TicketSent    = "sent"
	TicketPending = "pending"
)

// Busy reports whether work is under way on the conversation: a check, a fix, an escalation or a card
// to draw again that a restart must finish. Busy conversations are indexed (see BusyConversations).
func (c Conversation) Busy() bool {
	return c.Status == StatusChecking || len(c.InFlight) > 0 || c.Escalating != nil || c.Redraw > 0
}

// InFlight is one remedy under way: what it blocks, what happened to it so far, and what ends it. The card
// words its status line from these facts.
type InFlight struct {
	Keys  []string  `json:"keys"`            // remedies it hides (the bot's kind/job/shop keys)
	Label string    `json:"label,omitempty"` // the remedy's label
	Took  *Took     `json:"took,omitempty"`  // the fix the OMS took, once it took it
	Done  string    `json:"done,omitempty"`  // what the OMS did in the past tense, as stored before Took; nothing writes it any more
	By    string    `json:"by"`              // Slack user id
	At    time.Time `json:"at"`              // when it started
	JobID string    `json:"jobId,omitempty"` // the watched job, once known
	// When the watched job runs: now (a one-off run), at NextRun (the first run the operator picked when
	// FirstRun), or as soon as the OMS picks it up when NextRun is zero.
	RunsNow  bool      `json:"runsNow,omitempty"`
	FirstRun bool      `json:"firstRun,omitempty"`
	NextRun  time.Time `json:"nextRun,omitzero"`
	Until    string    `json:"until"`          // "watch": ends with the watch; "recheck": ends at the next re-check
	Since    time.Time `json:"since,omitzero"` // when Until became "recheck": only a re-check begun later ends it
	// Interrupted: a restart ended the watch before the job ran, so nobody knows whether the OMS got it.
	Interrupted bool `json:"interrupted,omitempty"`
	// Line is the status line (mrkdwn) of a fix recorded before the facts above were; the card shows it as
	// it is. Nothing writes it any more.
	Line string `json:"line,omitempty"`
}

// Took is a fix the OMS took, whose job the bot watches: the card says it in the past tense.
type Took struct {
	Kind     string `json:"kind"`               // the remedy's kind
	Label    string `json:"label"`              // the remedy's label
	ShopName string `json:"shopName,omitempty"` // the shop a link was made to
}

// ErrBusy is returned by a ClaimActionOn whose guard refuses: the same fix is already under way.
var ErrBusy = errors.New("already under way")

// BusyError names the remedy under way that refused a claim, and who started it.
type BusyError struct {
	InFlight InFlight
}

func (e *BusyError) Error() string {
	return fmt.Sprintf("already under way since %s by %s", e.InFlight.At.UTC().Format(time.RFC3339), e.InFlight.By)
}

// Is makes errors.Is(err, ErrBusy) true for a *BusyError.
func (e *BusyError) Is(target error) bool { return target == ErrBusy }

// cardKey is the cards bucket key, channel/ts.
func cardKey(channel, ts string) []byte { return []byte(channel + "/" + ts) }

// CreateConversation stores c under a new id and, when it has a card, indexes the card. Empty CreatedAt
// and UpdatedAt are filled from the store's clock. It returns the stored record.
func (db *DB) CreateConversation(ctx context.Context, c Conversation) (Conversation, error) {
	if c.CreatedAt.IsZero() {
		c.CreatedAt = db.opts.Now()
	}
	if c.UpdatedAt.IsZero() {
		c.UpdatedAt = c.CreatedAt
	}
	err := db.update(ctx, "create conversation", func(tx *bolt.Tx) error {
		convs, err := bucket(tx, bucketConversations)
		if err != nil {
			return err
		}
		id, err := convs.NextSequence()
		if err != nil {
			return fmt.Errorf("next conversation id: %w", err)
		}
		c.ID = id
		return putConversation(tx, c, nil)
	})
	if err != nil {
		return Conversation{}, err
	}
	return c, nil
}

// UpdateConversation loads conversation id, applies mutate and stores the result, all in one transaction,
// so concurrent updates never lose each other's changes. The card index follows a changed CardTS or
// Channel. UpdatedAt is moved to the store's clock unless mutate moved it forward itself. An error from
// mutate aborts the update and is returned as-is.
func (db *DB) UpdateConversation(ctx context.Context, id uint64, mutate func(*Conversation) error) (Conversation,
	error) {
	var out Conversation
	var mutateErr error // returned untouched, unlike storage errors
	err := db.update(ctx, "update conversation", db.write(func(t *Writes) error {
		var err error
		out, err = t.UpdateConversation(id, func(c *Conversation) error {
			if mutateErr = mutate(c); mutateErr != nil {
				return errAbort
			}
			return nil
		})
		return err
	}))
	if mutateErr != nil {
		return Conversation{}, mutateErr
	}
	if err != nil {
		return Conversation{}, err
	}
	return out, nil
}

// UpdateConversation is DB.UpdateConversation in the transaction: an error from mutate is returned
// as-is, and the caller's Write then rolls back.
func (t *Writes) UpdateConversation(id uint64, mutate func(*Conversation) error) (Conversation, error) {
	old, err := unsafeConversation(t.tx, id)
	if err != nil {
		return Conversation{}, err
	}
	c := old
	c.SKUs = slices.Clone(old.SKUs)
	if err := mutate(&c); err != nil {
		return Conversation{}, err
	}
	c.ID = id
	if !c.UpdatedAt.After(old.UpdatedAt) {
		c.UpdatedAt = t.db.opts.Now()
	}
	if len(c.LastReport) > 0 && !slices.Contains(t.updated, id) {
		t.updated = append(t.updated, id)
	}
	if !slices.Contains(t.packLater, id) {
		t.packLater = append(t.packLater, id)
	}
	return c, putConversationWith(t.tx, c, &old, putPlain)
}

// Conversation returns conversation id, ErrNotFound or a *CorruptError.
func (db *DB) Conversation(ctx context.Context, id uint64) (Conversation, error) {
	var c Conversation
	err := db.view(ctx, "get conversation", func(tx *bolt.Tx) error {
		var err error
		c, err = unsafeConversation(tx, id)
		return err
	})
	return c, err
}

// ConversationByCard finds the conversation shown by the card at channel/ts, which is what a button click
// carries.
func (db *DB) ConversationByCard(ctx context.Context, channel, ts string) (Conversation, error) {
	var c Conversation
	err := db.view(ctx, "get conversation by card", func(tx *bolt.Tx) error {
		cards, err := bucket(tx, bucketCards)
		if err != nil {
			return err
		}
		v := cards.Get(cardKey(channel, ts))
		if v == nil {
			return fmt.Errorf("card %s/%s: %w", channel, ts, ErrNotFound)
		}
		if len(v) != 8 {
			return &CorruptError{Bucket: string(bucketCards), Key: channel + "/" + ts,
				Err: fmt.Errorf("want 8-byte id, have %d bytes", len(v))}
		}
		c, err = unsafeConversation(tx, binary.BigEndian.Uint64(v))
		return err
	})
	return c, err
}

// BusyConversations returns the conversations with work under way (Conversation.Busy), from their index:
// what a restart must finish. Records that no longer decode are logged and skipped.
func (db *DB) BusyConversations(ctx context.Context) ([]Conversation, error) {
	var out []Conversation
	err := db.view(ctx, "busy conversations", func(tx *bolt.Tx) error {
		return db.forEach(tx, bucketBusy, func(k, _ []byte) error {
			if len(k) != 8 {
				return nil
			}
			c, err := unsafeConversation(tx, binary.BigEndian.Uint64(k))
			if errors.Is(err, ErrNotFound) {
				return nil
			}
			if err != nil {
				return err
			}
			out = append(out, c)
			return nil
		})
	})
	return out, err
}

// unsafeConversation reads a conversation inside the caller's transaction.
func unsafeConversation(tx *bolt.Tx, id uint64) (Conversation, error) {
	convs, err := bucket(tx, bucketConversations)
	if err != nil {
		return Conversation{}, err
	}
	var c Conversation
	if err := get(convs, bucketConversations, u64(id), &c); err != nil {
		return Conversation{}, fmt.Errorf("conversation %d: %w", id, err)
	}
	return c, nil
}

// putConversation writes c and keeps the cards index in step with its card; old is the previous version.
func putConversation(tx *bolt.Tx, c Conversation, old *Conversation) error {
	return putConversationWith(tx, c, old, put)
}

// putConversationWith is putConversation storing c's value with store (put, or putPlain).
func putConversationWith(tx *bolt.Tx, c Conversation, old *Conversation, store func(*bolt.Bucket, []byte, any) error) error {
	convs, err := bucket(tx, bucketConversations)
	if err != nil {
		return err
	}
	cards, err := bucket(tx, bucketCards)
	if err != nil {
		return err
	}
	// Ids and card timestamps only grow, and updates mostly touch the newest conversations.
	convs.FillPercent, cards.FillPercent = appendFill, appendFill
	if err := store(convs, u64(c.ID), c); err != nil {
		return fmt.Errorf("conversation %d: %w", c.ID, err)
	}
	if old != nil {
		if err := unindexTime(tx, conversationTime(*old), kindConversation, u64(c.ID)); err != nil {
			return err
		}
	}
	var card []byte
	if c.CardTS != "" {
		card = cardKey(c.Channel, c.CardTS)
	}
	if err := indexTime(tx, conversationTime(c), kindConversation, u64(c.ID), card); err != nil {
		return err
	}
	if old != nil && old.CardTS != "" && (old.CardTS != c.CardTS || old.Channel != c.Channel) {
		if err := cards.Delete(cardKey(old.Channel, old.CardTS)); err != nil {
			return fmt.Errorf("unindex card of conversation %d: %w", c.ID, err)
		}
	}
	if c.CardTS != "" {
		if err := cards.Put(cardKey(c.Channel, c.CardTS), u64(c.ID)); err != nil {
			return fmt.Errorf("index card of conversation %d: %w", c.ID, err)
		}
	}
	busy, err := bucket(tx, bucketBusy)
	if err != nil {
		return err
	}
	if c.Busy() {
		err = busy.Put(u64(c.ID), nil)
	} else {
		err = busy.Delete(u64(c.ID))
	}
	if err != nil {
		return fmt.Errorf("index work under way of conversation %d: %w", c.ID, err)
	}
	return nil
}
