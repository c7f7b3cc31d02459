package bot

import (
	"context"
	"slices"
	"strconv"

	"github.com/preorderbot/preorderbot/bot/blocks"
	"github.com/preorderbot/preorderbot/diagnostics"
	"github.com/preorderbot/preorderbot/store"
)

// finishBulkFixes finishes the bulk fixes of a digest whose process stopped after claiming them and
// before recording the OMS's answer, so none stays "under way" for ever.
func (b *Bot) finishBulkFixes(ctx context.Context, conv store.Conversation) {
	ctx, cancel := b.finishing(ctx, remedyTimeout+finishTimeout)
	defer cancel()
	for _, f := range conv.InFlight {
		if f.Until == untilAnswer && len(f.Keys) > 0 {
			b.finishBulkFix(ctx, conv.ID, f)
		}
	}
}

// finishBulkFix finishes one bulk fix interrupted by a restart.
func (b *Bot) finishBulkFix(ctx context.Context, convID uint64, f store.InFlight) {
	unlock := b.locks.lock("effect/" + f.Keys[0])
	defer unlock()
	b.settleBulkFix(ctx, convID, f, blocks.CutByRestart)
}

// settleBulkFix ends a bulk fix whose OMS write has no known outcome (cut says what cut it short) by
// re-reading the OMS, as the executor does before it writes, and never writes: a pending schedule or a
// run started since the claim is the fix done (its job is watched, then its SKUs re-checked); no sign of
// it brings the fix's button back (a press re-reads the OMS again before writing); an OMS that cannot be
// read leaves the outcome unknown, and a new sweep is the way forward. The caller holds the effect's lock.
func (b *Bot) settleBulkFix(ctx context.Context, convID uint64, f store.InFlight, cut blocks.CutShort) {
	key := f.Keys[0]
	log := b.log.With("conversation_id", convID, "effect", key)
	conv, err := b.opts.Store.Conversation(ctx, convID)
	if err != nil {
		log.Error("could not read the digest of an interrupted bulk fix", "error", err)
		return
	}
	d, ok := loadDigest(conv)
	i := slices.IndexFunc(d.Fixes, func(x bulkFix) bool { return x.Effect == key })
	if !ok || i < 0 {
		log.Error("the digest no longer holds the interrupted bulk fix; forgetting it")
		b.endBulkInFlight(ctx, convID, key, nil)
		return
	}
	fix := d.Fixes[i]
	rctx, rcancel := context.WithTimeout(ctx, remedyTimeout)
	out, found, err := b.opts.Executor.Done(rctx, d.Store, fix.Remedy, diagnostics.Input{RanSince: f.At})
	rcancel()

	status := blocks.BulkFixStatus{By: f.By, At: f.At, SKUs: len(fix.SKUs), Cut: cut}
	var state, result string
	var watch store.Watch
	switch {
	case err != nil:
		state, result = fixUnknown, "unknown"
		status.Step, status.Outcome = blocks.BulkUnread, shortErr(err)
	case !found:
		state, result = fixFailed, "failed"
		status.Step = blocks.BulkNotFound
	case out.JobID != "":
		state, result = fixWatching, "ok"
		watch = store.Watch{JobID: out.JobID, ConversationID: convID, JobEnumID: fix.Remedy.Job, ShopID: fix.Remedy.ShopID,
			SKU: bulkWatchPrefix + strconv.Itoa(i), StartedAt: f.At, Deadline: f.At.Add(b.opts.WatchTimeout)}
		status.Step, status.Outcome, status.JobID = blocks.BulkFound, out.Summary, out.JobID
	default:
		state, result = fixDone, "ok"
		status.Step, status.Outcome = blocks.BulkFound, out.Summary
	}
	summary := blocks.SettledSummary(status)
	log.Info("settled a bulk fix whose write had no known outcome", "cut", cut, "result", result)

	// The claim is finished only while it is still this digest's: one taken over since is its new writer's.
	eff, err := b.opts.Store.Effect(ctx, key)
	ours := err == nil && eff.Result == "" && eff.ConversationID == convID
	b.endBulkInFlight(ctx, convID, key, func(w *store.Writes) error {
		if ours {
			audit := &store.AuditRecord{Actor: f.By, Action: "remedy:bulk-" + fix.Remedy.Kind, ConversationID: convID, ProductStoreID: d.Store,
				Card: &store.MessageRef{Channel: conv.Channel, TS: conv.CardTS}, Request: remedyRequest(fix.Remedy, diagnostics.Input{}) + " re-read: " + blocks.CutWhy(status),
				Outcome: result, Detail: summary}
			if err := b.recordResult(eff, store.Effect{}, result, summary, eff.ActionID, audit)(w); err != nil {
				return err
			}
		}
		for _, sku := range fix.SKUs {
			if _, err := w.AppendAudit(store.AuditRecord{Actor: f.By, Action: "remedy:bulk-" + fix.Remedy.Kind, ConversationID: convID,
				SKU: sku, ProductStoreID: d.Store, Outcome: result, Detail: fix.Remedy.Label + ": " + summary, At: b.now()}); err != nil {
				return err
			}
		}
		if watch.JobID != "" {
			if err := w.PutWatch(watch); err != nil {
				return err
			}
		}
		_, err := w.UpdateConversation(convID, func(cv *store.Conversation) error {
			return changeDigest(cv, func(d *digest) { d.Fixes[i].set(state, status) })
		})
		return err
	})
	b.postThread(ctx, conv, blocks.Note(blocks.BulkFixLine(fix.Remedy.Label, status)))
	b.afterBulkFix(ctx, convID, i, state, watch)
}

// endBulkInFlight removes a bulk fix's in-flight record from its digest, in one transaction with also.
func (b *Bot) endBulkInFlight(ctx context.Context, convID uint64, key string, also func(*store.Writes) error) {
	if err := b.opts.Store.Write(ctx, "finish interrupted bulk fix", func(w *store.Writes) error {
		if also != nil {
			if err := also(w); err != nil {
				return err
			}
		}
		_, err := w.UpdateConversation(convID, func(cv *store.Conversation) error {
			cv.InFlight = slices.DeleteFunc(cv.InFlight, func(f store.InFlight) bool { return slices.Contains(f.Keys, key) })
			return nil
		})
		return err
	}); err != nil {
		b.log.Error("could not record an interrupted bulk fix", "conversation_id", convID, "effect", key, "error", err)
	}
}
