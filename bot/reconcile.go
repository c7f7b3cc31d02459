package bot

import (
	"context"
	"slices"
	"time"

	"github.com/preorderbot/preorderbot/store"
)

// reconcile finishes what a previous process left half-done, so nothing acknowledged is lost. It reads
// the index of busy conversations, however old:
//   - a check interrupted mid-way is run again on its card (the card is posted first if it never was);
//   - an escalation claimed but not finished is sent;
//   - a fix recorded as under way with no stored watch (the process stopped between the OMS write and the
//     watch) is marked unknown: the card asks for a re-check instead of offering the fix again;
//   - a digest's bulk fix claimed but without the OMS's answer is looked for in the OMS (finishBulkFixes);
//   - a digest whose last change Slack may not show yet is drawn again.
func (b *Bot) reconcile(ctx context.Context) {
	convs, err := b.opts.Store.BusyConversations(ctx)
	if err != nil {
		b.log.Error("could not list conversations with work under way", "error", err)
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
		if c.Status == store.StatusChecking {
			b.log.Info("finishing a check interrupted by a restart", "conversation_id", c.ID)
			goOn(ctx, drained, func(ctx context.Context) { b.resumeCheck(ctx, c) })
		}
		if c.Escalating != nil {
			b.log.Info("finishing an escalation interrupted by a restart", "conversation_id", c.ID)
			goOn(ctx, drained, func(ctx context.Context) { b.sendEscalation(ctx, c.ID, *c.Escalating) })
		}
		if c.Kind == kindDigest {
			switch {
			case len(c.InFlight) > 0: // each fix finished draws the digest
				b.log.Info("finishing bulk fixes interrupted by a restart", "conversation_id", c.ID)
				goOn(ctx, drained, func(ctx context.Context) { b.finishBulkFixes(ctx, c) })
			case c.Redraw > 0:
				b.log.Info("drawing a digest whose last change a restart cut off", "conversation_id", c.ID)
				goOn(ctx, drained, func(ctx context.Context) { b.redrawDigest(ctx, c.ID, "") })
			}
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
					cv.InFlight[i].Until, cv.InFlight[i].Since = untilRecheck, b.now()
					cv.InFlight[i].Interrupted = true
				}
			}
			return nil
		}); err != nil {
			b.log.Error("could not mark interrupted fixes", "conversation_id", c.ID, "error", err)
			continue
		}
		goOn(ctx, drained, func(ctx context.Context) { b.redraw(ctx, c.ID, "") })
	}
}

// resumeCheck runs an interrupted check again on its card. A card whose ts was never saved (the process
// stopped between the post and the save) is looked for by its client message id before one is posted.
func (b *Bot) resumeCheck(ctx context.Context, c store.Conversation) {
	log := b.log.With("conversation_id", c.ID)
	if c.CardTS == "" {
		ts, err := b.findLanded(ctx, c.Channel, c.ThreadTS, cardKey(c), c.CreatedAt)
		if err != nil {
			log.Error("could not look for the card of an interrupted check; finishing it at the next start", "error", err)
			return
		}
		if ts != "" {
			log.Info("found the card of an interrupted check", "ts", ts)
		} else if ts, err = b.postCard(ctx, log, c); err != nil {
			b.markConversation(ctx, c.ID, store.StatusFailed)
			return
		}
		if c, err = b.opts.Store.UpdateConversation(ctx, c.ID, func(cv *store.Conversation) error {
			cv.CardTS = ts
			return nil
		}); err != nil {
			log.Error("could not record card", "error", err)
			return
		}
	}
	b.runCheck(ctx, c, checkRun{by: c.RequestedBy})
}

// carriedOn finds the journaled requests that opened a conversation: they are not handled again. A check
// still running is reconcile's to finish, and its request settles now; a check with its result, whose
// card Slack may not show yet, gets its card drawn again (identical when Slack had it) by refinish.
func (b *Bot) carriedOn(ctx context.Context, pending []store.JournaledRequest) (carriedOn map[string]bool, refinish []carried) {
	ids := make([]string, len(pending))
	oldest := b.now()
	for i, p := range pending {
		ids[i] = p.ID
		if p.At.Before(oldest) {
			oldest = p.At
		}
	}
	// A conversation is created after its request arrived; the margin covers clocks of two processes.
	opened, err := b.opts.Store.ConversationsOpenedBy(ctx, ids, oldest.Add(-time.Minute))
	if err != nil {
		b.log.Error("could not look up the conversations of journaled requests", "error", err)
	}
	carriedOn = map[string]bool{}
	for _, p := range pending {
		c, ok := opened[p.ID]
		switch {
		case !ok:
		case c.Busy():
			b.settle(request{DedupeKey: p.ID}) // removed by the first commit
		default:
			refinish = append(refinish, carried{request: request{DedupeKey: p.ID}, conv: c.ID})
		}
		carriedOn[p.ID] = ok
	}
	return carriedOn, refinish
}

// carried is a journaled request that opened a conversation.
type carried struct {
	request request
	conv    uint64
}

// refinish draws again the cards of checks that have their result but may not show it yet, then lets
// their requests leave the journal.
func (b *Bot) refinish(ctx context.Context, cs []carried) {
	for _, c := range cs {
		b.log.Info("finishing the card of a check interrupted by a restart", "conversation_id", c.conv)
		b.redraw(ctx, c.conv, "")
		if ctx.Err() == nil {
			b.settle(c.request)
		}
	}
}
