package blocks

import (
	"strings"
	"time"

	"github.com/preorderbot/preorderbot/diagnostics"
	"github.com/slack-go/slack"
)

// Progress renders the living card while the chain runs: every check of diagnostics.CheckIDs is pending (⏳)
// until it appears in done, then shows its status and summary. done is typically a partial Report's Checks.
func Progress(skus []string, done []diagnostics.Check, requester string, now time.Time) Message {
	byID := make(map[diagnostics.CheckID]diagnostics.Check, len(done))
	for _, c := range done {
		byID[c.ID] = c
	}
	checks := make([]diagnostics.Check, 0, len(diagnostics.CheckIDs))
	for _, id := range diagnostics.CheckIDs {
		c, ok := byID[id]
		if !ok {
			c = diagnostics.Check{ID: id, Status: diagnostics.StatusPending}
		}
		checks = append(checks, c)
	}
	what := "Checking " + skuList(skus) + " …"
	blocks := []slack.Block{header("header", "⏳ "+what)}
	blocks = append(blocks, packSections("checks", "", checkLines(checks))...)
	blocks = append(blocks, contextLine("context", "Asked by "+userMention(requester)+" · started "+slackDate(now)))
	return newMessage(what, blocks)
}

// skuList names the SKUs being checked: a few by name, the rest counted.
func skuList(skus []string) string {
	const shown = 5
	switch {
	case len(skus) == 0:
		return "SKU"
	case len(skus) == 1:
		return "SKU " + skus[0]
	case len(skus) <= shown:
		return "SKUs " + strings.Join(skus, ", ")
	}
	return "SKUs " + strings.Join(skus[:shown], ", ") + " and " + itoa(len(skus)-shown) + " more"
}
