package bot

import (
	"context"
	"slices"

	"github.com/preorderbot/preorderbot/store"
)

// reconcile finishes what a previous process left half-done, so nothing acknowledged is lost:
//   - a card still "checking" (the process stopped mid-check) gets its check run again;
//   - a fix recorded as under way with no stored watch (the process stopped between the OMS write and
//     the watch) is marked unknown: the card asks for a re-check instead of offering the fix again.
func (b *Bot) reconcile(ctx context.Context) {
	convs, err := b.opts.Store.RecentConversations(ctx, b.now().Add(-b.opts.ActionTTL))
	if err != nil {
		b.log.Error("could not list recent conversations", "error", err)
		return
	}
	ws, err := b.opts.Store.Watches(ctx)
	if err != nil {
		b.log.Error("could not list watches", "error", err)
		return
	}
	watched := map[string]bool{}
	for _, w := range ws {
		watched[w.JobID] = true
	}
	for _, c := range convs {
		if c.Status == store.StatusChecking && c.CardTS != "" {
			b.log.Info("finishing a check interrupted by a restart", "conversation_id", c.ID)
			b.watchWG.Go(func() { b.runCheck(ctx, c, checkRun{by: c.RequestedBy}) })
			continue
		}
		orphaned := func(f store.InFlight) bool { return f.Until == untilWatch && !watched[f.JobID] }
		if !slices.ContainsFunc(c.InFlight, orphaned) {
			continue
		}
		b.log.Info("marking fixes interrupted by a restart", "conversation_id", c.ID)
		if _, err := b.opts.Store.UpdateConversation(ctx, c.ID, func(cv *store.Conversation) error {
			for i, f := range cv.InFlight {
				if orphaned(f) {
					cv.InFlight[i].Until = untilRecheck
					cv.InFlight[i].Line = "⚠️ The bot restarted while this fix was under way, so I don't know whether the OMS got it. " +
						"Press Re-check before trying again. (" + f.Line + ")"
				}
			}
			return nil
		}); err != nil {
			b.log.Error("could not mark interrupted fixes", "conversation_id", c.ID, "error", err)
			continue
		}
		b.redraw(ctx, c.ID, "")
	}
}
