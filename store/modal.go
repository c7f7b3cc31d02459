package store

import (
	"context"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Modal is a form the bot opened: for whom, from which button, and of which kind. A submission is
// accepted only for a modal recorded here, from its user, for its button, with its callback id.
type Modal struct {
	ExternalID string    `json:"externalId"` // the view's external_id, set by the bot before it opens it
	ViewID     string    `json:"viewId,omitempty"`
	User       string    `json:"user"`
	ActionID   string    `json:"actionId"`
	CallbackID string    `json:"callbackId"`
	OpenedAt   time.Time `json:"openedAt"`
}

// PutModal records a modal about to be opened, or its view id once Slack gave it one.
func (db *DB) PutModal(ctx context.Context, m Modal) error {
	if m.ExternalID == "" {
		return fmt.Errorf("put modal: empty external id: %w", ErrInvalid)
	}
	return db.batch(ctx, "put modal", func(tx *bolt.Tx) error {
		b, err := bucket(tx, bucketModals)
		if err != nil {
			return err
		}
		return put(b, []byte(m.ExternalID), m)
	})
}

// Modal returns the modal recorded under externalID, or ErrNotFound.
func (db *DB) Modal(ctx context.Context, externalID string) (Modal, error) {
	var m Modal
	err := db.view(ctx, "get modal", func(tx *bolt.Tx) error {
		b, err := bucket(tx, bucketModals)
		if err != nil {
			return err
		}
		if err := get(b, bucketModals, []byte(externalID), &m); err != nil {
			return fmt.Errorf("modal %s: %w", externalID, err)
		}
		return nil
	})
	return m, err
}
