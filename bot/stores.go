package bot

import (
	"context"
	"strings"
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
	names := make([]string, 0, len(stores))
	for _, s := range stores {
		if s.ProductStoreID == storeID {
			return ""
		}
		name := "`" + s.ProductStoreID + "`"
		if s.Name != "" && s.Name != s.ProductStoreID {
			name += " (" + s.Name + ")"
		}
		names = append(names, name)
	}
	return "There is no product store `" + storeID + "` in HotWax, so I checked nothing. " +
		"The stores are: " + strings.Join(names, ", ") + ". Store ids are case-sensitive."
}
