package bot

import (
	"context"
	"slices"
	"time"

	"github.com/preorderbot/preorderbot/bot/blocks"
	"github.com/preorderbot/preorderbot/diagnostics"
	"github.com/preorderbot/preorderbot/store"
)

// JobWatcher finds the run of a scheduled or run-now job; diagnostics.Watcher satisfies it.
type JobWatcher interface {
	RunOf(ctx context.Context, storeID, enumID, shopID, jobID string, since time.Time) (diagnostics.JobRun, bool, error)
}

// maxPoll caps the gap between two polls of a watched job.
const maxPoll = 5 * time.Minute

// resumeWatches restarts the watches a previous process left, so a restart loses no follow-up.
func (b *Bot) resumeWatches(ctx context.Context) {
	ws, err := b.opts.Store.Watches(ctx)
	if err != nil {
		b.log.Error("could not list watches", "error", err)
		return
	}
	for _, w := range ws {
		b.log.Info("resuming watch", "job_id", w.JobID, "conversation_id", w.ConversationID)
		b.watch(ctx, w)
	}
}

// watch polls the OMS with backoff until the job's run finishes or the deadline passes, then re-checks
// the SKU and says on the card whether that fixed it. Shutdown leaves the watch stored for the next start.
//
// A watch outlives the request that started it: it keeps ctx's values but lasts until the drain ends,
// and stops waiting for its next poll once the socket stops.
func (b *Bot) watch(ctx context.Context, w store.Watch) {
	if b.opts.Watcher == nil {
		return
	}
	goOn(ctx, drained, func(ctx context.Context) {
		waiting, stopWaiting := until(ctx, stopped)
		defer stopWaiting()
		b.watchCount(1)
		defer b.watchCount(-1)
		log := b.log.With("conversation_id", w.ConversationID, "job_id", w.JobID)
		conv, err := b.opts.Store.Conversation(ctx, w.ConversationID)
		if err != nil {
			log.Warn("watched conversation is gone; dropping the watch", "error", err)
			_ = b.opts.Store.DeleteWatch(ctx, w.JobID)
			return
		}
		wait := b.opts.WatchPoll
		for {
			if !b.now().Before(w.Deadline) {
				b.endWatch(ctx, conv, w, blocks.WatchTimedOut(w.JobID, w.Deadline))
				return
			}
			select {
			case <-waiting.Done():
				return // shutdown: the stored watch resumes at the next start
			case <-time.After(wait):
			}
			run, done, err := b.opts.Watcher.RunOf(ctx, conv.ProductStoreID, w.JobEnumID, w.ShopID, w.JobID, w.StartedAt)
			if err != nil {
				log.Warn("watch poll failed", "error", err)
			}
			if done {
				b.auditRun(ctx, conv, run)
				b.endWatch(ctx, conv, w, runNote(run))
				return
			}
			w.Attempts++
			_ = b.opts.Store.PutWatch(ctx, w)
			wait = min(wait*3/2, maxPoll)
		}
	})
}

// actionJobRun is the audit action of a watched job run's end, so the history says how it ended.
const actionJobRun = "job-run"

func (b *Bot) auditRun(ctx context.Context, conv store.Conversation, run diagnostics.JobRun) {
	result, what := "ok", "Job run "+run.JobID+" finished"
	if run.Failed() {
		result, what = "failed", "Job run "+run.JobID+" failed"
	}
	for _, sku := range conv.SKUs {
		b.audit(ctx, store.AuditRecord{Actor: "preorderbot", Action: actionJobRun, ConversationID: conv.ID, SKU: sku,
			ProductStoreID: conv.ProductStoreID, Request: what, Outcome: result, Detail: run.Result})
	}
}

// runNote says on the card how a watched run ended: a failed run as failed, with the OMS's words.
func runNote(run diagnostics.JobRun) string {
	return blocks.JobRunEnded(blocks.JobRunEnd{JobID: run.JobID, At: run.Finished, Failed: run.Failed(), Said: shortText(run.Result)})
}

// endWatch ends the fix the watch followed, re-checks and shows the result, and only then forgets the
// watch: a crash before that resumes it at the next start and re-checks again.
func (b *Bot) endWatch(ctx context.Context, conv store.Conversation, w store.Watch, note string) {
	if conv.Kind == kindDigest {
		b.endDigestWatch(ctx, conv, w, note)
		return
	}
	ctx, cancel := b.finishing(ctx, finishTimeout+b.opts.ShutdownTimeout)
	defer cancel()
	// One commit ends the watch and the fix and marks the card checking: a restart after it finishes the
	// re-check from the mark, and one before it resumes the watch; neither re-checks twice.
	if err := b.opts.Store.Write(ctx, "end watch", func(t *store.Writes) error {
		if _, err := t.UpdateConversation(conv.ID, func(c *store.Conversation) error {
			c.InFlight = slices.DeleteFunc(c.InFlight, func(f store.InFlight) bool { return f.JobID == w.JobID })
			c.Status = store.StatusChecking
			return nil
		}); err != nil {
			return err
		}
		return t.DeleteWatch(w.JobID)
	}); err != nil {
		b.log.Error("could not end the watched fix", "conversation_id", conv.ID, "job_id", w.JobID, "error", err)
	}
	b.recheck(ctx, conv, "preorderbot", note, false)
}

func (b *Bot) watchCount(delta int) {
	b.watchesMu.Lock()
	b.watches += delta
	n := b.watches
	b.watchesMu.Unlock()
	b.metrics.setWatches(n)
}

// recheck runs the chain again on the same card and says in its thread what changed. asked is true when
// a person pressed Re-check: that ends the fixes whose outcome was unknown, since the card now shows it.
func (b *Bot) recheck(ctx context.Context, conv store.Conversation, by, note string, asked bool) {
	conv, err := b.opts.Store.Conversation(ctx, conv.ID)
	if err != nil {
		b.log.Error("re-check of a missing conversation", "conversation_id", conv.ID, "error", err)
		return
	}
	before := lastReports(conv)
	b.opts.StoreFacts.Drop() // a re-check reads the OMS as it is now
	// Marked checking first, so a restart mid-way finishes the re-check and the card.
	b.markConversation(ctx, conv.ID, store.StatusChecking)
	reports, final := b.runCheck(ctx, conv, checkRun{by: by, outcome: note, verdict: true, clearRecheck: asked})
	underWay := 0
	if _, err := b.opts.Store.UpdateConversation(ctx, conv.ID, func(c *store.Conversation) error {
		underWay = len(c.InFlight)
		switch {
		case !final: // Slack does not show the verdict yet: the next start finishes the card
		case len(c.InFlight) > 0: // another fix is still under way
			c.Status = store.StatusWatching
		case allHealthy(reports) && len(before) > 0 && !allHealthy(before):
			c.Status = store.StatusFixed
		default:
			c.Status = store.StatusDone
		}
		return nil
	}); err != nil {
		b.log.Error("could not update conversation", "conversation_id", conv.ID, "error", err)
	}
	var lines []string
	if len(before) == len(reports) {
		for i := range reports {
			for _, l := range blocks.ChangeLines(diagnostics.Diff(before[i], reports[i])) {
				lines = append(lines, reports[i].SKU+": "+l)
			}
		}
	}
	b.postThread(ctx, conv, blocks.Changes(lines, blocks.Recheck(reports, underWay)))
}

func allHealthy(rs []diagnostics.Report) bool {
	for _, r := range rs {
		if r.Cause != diagnostics.CauseHealthy {
			return false
		}
	}
	return len(rs) > 0
}
