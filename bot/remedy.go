package bot

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/preorderbot/preorderbot/bot/blocks"
	"github.com/preorderbot/preorderbot/diagnostics"
	"github.com/preorderbot/preorderbot/store"
)

// remedyTimeout bounds one OMS write; past it the outcome is unknown and the card says so.
const remedyTimeout = 30 * time.Second

// effectStale is how long a claimed OMS change without a result holds off the same change: past it its
// writer has died, and the next writer re-reads the OMS before writing.
const effectStale = 2*remedyTimeout + finishTimeout

// remediate makes one OMS write per effect, whichever card, button or person asks. Writes of the same
// effect wait for each other (a keyed lock in this process, a claim in the store across restarts); the
// button, the effect and the card's record of the fix under way are claimed in one transaction; the
// executor re-reads the OMS before it writes, so a second request finds the first one's change and its
// asker is told who made it and when. Then the card and its thread say how it went, and the job started
// is watched.
func (b *Bot) remediate(ctx context.Context, req request, c clicked, in diagnostics.Input) {
	log := b.log.With("conversation_id", c.conv.ID, "action", c.action.ID, "kind", c.action.Kind)
	in.UserLogin = "slack:" + req.User
	card := &store.MessageRef{Channel: c.conv.Channel, TS: c.conv.CardTS}
	sku := c.action.Params["sku"]
	effect := c.remedy.Effect(c.conv.ProductStoreID)
	unlock := b.locks.lock("effect/" + effect)
	locked := true
	defer func() {
		if locked {
			unlock()
		}
	}()
	started := b.now()
	fix := store.InFlight{
		Keys: b.inFlightKeys(c.remedy), Label: c.remedy.Label, By: req.User, At: started, Until: untilWatch,
	}
	claim := store.Effect{Key: effect, ActionID: c.action.ID, ConversationID: c.conv.ID, By: req.User, At: started, Label: c.remedy.Label}
	audit := &store.AuditRecord{
		Actor: req.User, Action: "claim:" + c.action.Kind, ConversationID: c.conv.ID, SKU: sku,
		ProductStoreID: c.conv.ProductStoreID, Card: card, Detail: c.remedy.Label,
	}
	hide := func(cv *store.Conversation) error {
		for _, f := range cv.InFlight {
			if overlaps(f.Keys, fix.Keys) {
				return &store.BusyError{InFlight: f}
			}
		}
		cv.InFlight = append(cv.InFlight, fix)
		cv.Status = store.StatusFixing
		return nil
	}
	// The claim and the card redrawn without the fix's button are one commit: a click costs one fsync.
	var (
		conv     store.Conversation
		first    store.Effect
		redrawn  *blocks.Message
		claimErr error
	)
	err := b.opts.Store.Write(ctx, "claim fix", func(w *store.Writes) error {
		_, conv, first, claimErr = w.ClaimEffectOn(c.action.ID, req.User, started, audit, claim, effectStale, hide)
		if claimErr != nil {
			return claimErr
		}
		if reports := lastReports(conv); len(reports) > 0 {
			msg, err := b.storeCardIn(w, conv.ID, reports, checkRun{}, nil)
			if err != nil {
				return err
			}
			redrawn = &msg
		}
		return nil
	})
	err = cmp.Or(claimErr, err)
	var used *store.UsedError
	var busy *store.BusyError
	var elsewhere *store.EffectBusyError
	switch {
	case errors.As(err, &used):
		b.refuse(ctx, req, c, "used", blocks.Refused(blocks.Refusal{Why: blocks.UsedFix, Pressed: blocks.Pressed{By: used.By, At: used.At, Viewer: req.User}}))
		return
	case errors.As(err, &busy):
		b.refuse(ctx, req, c, "under way", blocks.Refused(blocks.Refusal{Why: blocks.FixUnderwayHere, Pressed: blocks.Pressed{By: busy.InFlight.By, At: busy.InFlight.At}}))
		return
	case errors.As(err, &elsewhere):
		b.refuse(ctx, req, c, "under way", blocks.Refused(blocks.Refusal{Why: blocks.ChangeUnderway, Label: elsewhere.Effect.Label,
			Pressed: blocks.Pressed{By: elsewhere.Effect.By, At: elsewhere.Effect.At}}))
		return
	case errors.Is(err, store.ErrActionExpired):
		b.refuse(ctx, req, c, "expired", blocks.Refused(blocks.Refusal{Why: blocks.Expired}))
		return
	case err != nil:
		log.Error("claim failed", "error", err)
		b.tell(ctx, req, blocks.Note(blocks.Canned(blocks.UnrecordedAction)))
		return
	}
	c.conv = conv
	b.settle(req) // the claim and the fix under way now carry it across a restart
	if redrawn != nil {
		b.show(ctx, conv, conv.CardVersion+1, *redrawn)
	}

	// The write and what follows it finish even if shutdown begins: an OMS write must be recorded.
	ctx, cancel := b.finishing(ctx, 2*remedyTimeout+finishTimeout)
	defer cancel()
	out, err := b.execute(ctx, c.remedy, in, c.conv)
	outcome, result := describeOutcome(out, err)
	b.metrics.observeRemedy(c.action.Kind, result)
	// The write's result, the button's and the audit are committed with what the card shows next, in
	// one transaction; the effect stays locked until then, so the next writer of it finds the result.
	recorded := b.recordResult(claim, first, result, outcome, c.action.ID, &store.AuditRecord{
		Actor: req.User, Action: "remedy:" + c.action.Kind, ConversationID: c.conv.ID, SKU: sku,
		ProductStoreID: c.conv.ProductStoreID, Card: card, Request: remedyRequest(c.remedy, in), Outcome: result, Detail: outcome,
	})
	if result == "already" {
		// Nothing was written: the asker learns who made the change, and the card shows the OMS as it is.
		b.endFix(ctx, c.conv.ID, fix, nil, recorded)
		unlock()
		locked = false
		b.tell(ctx, req, blocks.Note(alreadyDone(first, outcome)))
		b.recheck(ctx, c.conv, req.User, "", false)
		return
	}
	line := blocks.ResultLine(blocks.Result{Result: result, By: req.User, Label: c.remedy.Label, Outcome: outcome})
	b.postThread(ctx, c.conv, blocks.Note(line))

	job := c.remedy
	if next, ok := b.opts.Executor.FollowUp(c.remedy); ok && err == nil {
		// The link is recorded before the sync that pushes it is asked for.
		if werr := b.opts.Store.Write(ctx, "record remedy", recorded); werr != nil {
			log.Error("could not record the remedy's result", "error", werr)
		}
		recorded = nil
		unlock()
		locked = false
		job = next
		// Only a run that starts after the link can push it (hotwax-api §7).
		out, err = b.execute(ctx, job, diagnostics.Input{UserLogin: in.UserLogin, RanSince: b.now()}, c.conv)
		text, res := describeOutcome(out, err)
		result = res
		b.audit(ctx, store.AuditRecord{Actor: req.User, Action: "remedy:" + job.Kind, ConversationID: c.conv.ID, SKU: sku,
			ProductStoreID: c.conv.ProductStoreID, Card: card, Request: remedyRequest(job, diagnostics.Input{}), Outcome: res, Detail: text})
		line = blocks.ResultLine(blocks.Result{Result: res, Label: job.Label, Outcome: text})
		b.postThread(ctx, c.conv, blocks.Note(line))
	}

	switch {
	case result == "unknown":
		// Never a blind retry: the fix stays hidden until a re-check shows whether it happened.
		b.redrawWith(ctx, c.conv.ID, line, b.endingFix(c.conv.ID, fix, func(f *store.InFlight) {
			f.Until, f.Since = untilRecheck, b.now()
		}, recorded))
	case err != nil:
		b.redrawWith(ctx, c.conv.ID, line, b.endingFix(c.conv.ID, fix, nil, recorded)) // the fix did not happen: its button comes back
	case out.JobID == "":
		b.endFix(ctx, c.conv.ID, fix, nil, recorded)
		unlock()
		locked = false
		b.recheck(ctx, c.conv, req.User, line, false)
	default:
		w := store.Watch{
			JobID: out.JobID, ConversationID: c.conv.ID, JobEnumID: job.Job, ShopID: job.ShopID, SKU: sku,
			StartedAt: started, Deadline: started.Add(b.opts.WatchTimeout),
		}
		watching := b.endingFix(c.conv.ID, fix, func(f *store.InFlight) {
			f.JobID, f.Took = out.JobID, &store.Took{Kind: job.Kind, Label: job.Label, ShopName: job.ShopName}
			runs := b.whenItRuns(job, in, out)
			f.RunsNow, f.FirstRun, f.NextRun = runs.Now, runs.First, runs.At
		}, func(tx *store.Writes) error {
			if recorded != nil {
				if err := recorded(tx); err != nil {
					return err
				}
			}
			return tx.PutWatch(w)
		})
		b.redrawWith(ctx, c.conv.ID, line, func(tx *store.Writes) error {
			if err := watching(tx); err != nil {
				return err
			}
			_, err := tx.UpdateConversation(c.conv.ID, func(cv *store.Conversation) error {
				cv.Status = store.StatusWatching
				return nil
			})
			return err
		})
		b.watch(ctx, w)
	}
}

// recordResult is the transaction part that records a write's result: on its effect's claim, on its
// button's action, and in the audit.
func (b *Bot) recordResult(claim, first store.Effect, result, outcome, actionID string, audit *store.AuditRecord) func(*store.Writes) error {
	done := claim
	done.Result, done.Summary, done.DoneAt = result, outcome, b.now()
	if result == "already" && first.Result == "ok" {
		done = first
	}
	return func(tx *store.Writes) error {
		if err := tx.FinishEffect(claim.ActionID, done); err != nil {
			return fmt.Errorf("record the effect's result: %w", err)
		}
		if err := tx.SetActionResult(actionID, result+": "+outcome, audit); err != nil {
			return fmt.Errorf("record the remedy's result: %w", err)
		}
		return nil
	}
}

// execute performs one remedy with the OMS write's time budget.
func (b *Bot) execute(ctx context.Context, r diagnostics.Remedy, in diagnostics.Input, conv store.Conversation) (diagnostics.Outcome, error) {
	wctx, cancel := context.WithTimeout(ctx, remedyTimeout)
	defer cancel()
	defer b.opts.StoreFacts.Drop() // the write changed the OMS: no check may read the facts from before it
	return b.opts.Executor.Execute(wctx, conv.ProductStoreID, r, in)
}

// endFix edits the in-flight record of fix with change, or removes it when change is nil, in one
// transaction with also when not nil.
func (b *Bot) endFix(ctx context.Context, convID uint64, fix store.InFlight, change func(*store.InFlight), also func(*store.Writes) error) {
	if err := b.opts.Store.Write(ctx, "end fix", b.endingFix(convID, fix, change, also)); err != nil {
		b.log.Error("could not update the fix under way", "conversation_id", convID, "error", err)
	}
}

// endingFix is endFix's transaction part, for the conversation fix is on.
func (b *Bot) endingFix(convID uint64, fix store.InFlight, change func(*store.InFlight), also func(*store.Writes) error) func(*store.Writes) error {
	same := func(f store.InFlight) bool { return f.At.Equal(fix.At) && slices.Equal(f.Keys, fix.Keys) }
	return func(tx *store.Writes) error {
		if also != nil {
			if err := also(tx); err != nil {
				return err
			}
		}
		_, err := tx.UpdateConversation(convID, func(c *store.Conversation) error {
			if change == nil {
				c.InFlight = slices.DeleteFunc(c.InFlight, same)
			}
			for i := range c.InFlight {
				if same(c.InFlight[i]) {
					change(&c.InFlight[i])
				}
			}
			if len(c.InFlight) == 0 && c.Status == store.StatusFixing {
				c.Status = store.StatusDone
			}
			return nil
		})
		return err
	}
}

// describeOutcome is what happened, in the words of the card, the audit and the effect's record, and
// its result: ok, already, rejected, failed or unknown.
func describeOutcome(out diagnostics.Outcome, err error) (string, string) {
	return blocks.OutcomeText(out, err), outcomeResult(out, err)
}

func outcomeResult(out diagnostics.Outcome, err error) string {
	var ve *diagnostics.ValidationError
	switch {
	case err == nil && out.Already:
		return "already"
	case err == nil:
		return "ok"
	case errors.As(err, &ve):
		return "rejected"
	case diagnostics.OutcomeUnknown(err):
		return "unknown"
	default: // refused by the OMS, or failed on the way

		return "failed"
	}
}

// alreadyDone answers someone whose fix the OMS already showed: who made the change and when, when the
// bot made it.
func alreadyDone(first store.Effect, outcome string) string {
	if first.Result == "ok" {
		return blocks.Already(blocks.AlreadyDone{Made: blocks.Pressed{By: first.By, At: first.At}, Label: first.Label, Summary: first.Summary})
	}
	return blocks.Already(blocks.AlreadyDone{Outcome: outcome})
}

// remedyRequest summarises the OMS request for the audit trail; it never holds credentials.
func remedyRequest(r diagnostics.Remedy, in diagnostics.Input) string {
	parts := []string{r.Kind}
	if r.Job != "" {
		parts = append(parts, "job="+r.Job)
	}
	if r.ShopID != "" {
		parts = append(parts, "shop="+r.ShopID)
	}
	if f := cmp.Or(in.Frequency, r.Frequency); f != "" {
		parts = append(parts, "frequency="+f)
	}
	if in.Limit != "" {
		parts = append(parts, "limit="+in.Limit)
	}
	if in.VariantID != "" {
		parts = append(parts, "variant="+in.VariantID, "inventoryItem="+in.InventoryItemID)
	}
	parts = append(parts, r.Settings()...)
	return strings.Join(parts, " ")
}

func (b *Bot) postThread(ctx context.Context, conv store.Conversation, m blocks.Message) {
	thread := conv.ThreadTS
	if thread == "" {
		thread = conv.CardTS
	}
	_, _ = b.post(ctx, b.log.With("conversation_id", conv.ID), conv.Channel, thread, m)
}
