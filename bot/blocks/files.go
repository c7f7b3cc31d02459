package blocks

import (
	"fmt"
	"time"

	"github.com/preorderbot/preorderbot/diagnostics"
)

// FileWords are the title and the comment of a file the bot shares in a thread.
type FileWords struct {
	Title   string
	Comment string
}

// SweepList words the CSV of every SKU with a problem that a sweep of store found.
func SweepList(store string, skus int) FileWords {
	return FileWords{
		Title:   fmt.Sprintf("Every SKU with a problem in the sweep of %s", store),
		Comment: fmt.Sprintf("The full list: %d SKUs with a problem (sku, productId, cause, causes, failing checks, shops not listed).", skus),
	}
}

// CauseList words the CSV of a sweep's SKUs with one cause, sent to Support.
func CauseList(store string, cause diagnostics.Cause, skus int, swept time.Time) FileWords {
	return FileWords{
		Title:   fmt.Sprintf("SKUs of %s that %s", store, cause.SKUsThat()),
		Comment: fmt.Sprintf("%d SKUs, from the sweep of %s.", skus, swept.UTC().Format("2006-01-02 15:04 UTC")),
	}
}

// PacketFile words the evidence packet put in a card's thread when no support channel is configured.
func PacketFile(sku string) FileWords {
	return FileWords{
		Title:   "Escalation packet for " + sku,
		Comment: "Evidence packet for HotWax Support (no support channel is configured).",
	}
}
