package bot

import (
	"context"

	"github.com/preorderbot/preorderbot/bot/blocks"
)

// unknownStore says why a store: the command names does not exist, with the stores that do; "" when it
// exists, is the configured one, or the stores cannot be listed (the command then runs and says what it
// could not read).
func (b *Bot) unknownStore(ctx context.Context, storeID string) string {
	if storeID == "" || storeID == b.opts.StoreID || b.opts.Catalog == nil {
		return ""
	}
	stores, err := b.opts.Catalog.ProductStores(ctx)
	if err != nil || len(stores) == 0 {
		b.log.Warn("could not list the product stores", "error", err)
		return ""
	}
	known := make([]blocks.KnownStore, 0, len(stores))
	for _, s := range stores {
		if s.ProductStoreID == storeID {
			return ""
		}
		known = append(known, blocks.KnownStore{ID: s.ProductStoreID, Name: s.Name})
	}
	return blocks.UnknownStore(storeID, known)
}
