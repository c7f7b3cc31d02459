package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/preorderbot/preorderbot/bot/blocks"
	"github.com/preorderbot/preorderbot/diagnostics"
	"github.com/preorderbot/preorderbot/store"
)

// isDigestClick reports a click on one of a digest's buttons.
func isDigestClick(req request) bool {
	return strings.HasPrefix(req.ActionID, "digest.") && req.Value != ""
}

// handleDigestClick runs a digest's button: a bulk fix, "Check these", or an escalation of a cause's SKUs.
// The button is checked as a check card's is (its own card, its card's version, not expired, not used).
func (b *Bot) handleDigestClick(ctx context.Context, req request) {
	c, ok := b.loadAction(ctx, req, req.Value)
	if !ok {
		return
	}
	d, ok := loadDigest(c.conv)
	if !ok {
		b.refuse(ctx, req, c, "not a digest", blocks.Refused(blocks.Refusal{Why: blocks.NotADigest}))
		return
	}
	switch c.action.Kind {
	case actionBulkFix:
		i, err := strconv.Atoi(c.action.Params[paramFix])
		if err != nil || i < 0 || i >= len(d.Fixes) || json.Unmarshal([]byte(c.action.Params["remedy"]), &c.remedy) != nil ||
			c.remedy.Effect(d.Store) != d.Fixes[i].Effect {
			b.refuse(ctx, req, c, "unreadable", blocks.Refused(blocks.Refusal{Why: blocks.UnreadableBulkFix}))
			return
		}
		if b.authorise(ctx, req, c) {
			b.bulkFix(ctx, req, c, i)
		}
	case actionBulkCheck:
		b.checkThese(ctx, req, c, d)
	case actionBulkEscalate:
		b.escalateList(ctx, req, c, d)
	default:
		b.refuse(ctx, req, c, "not a digest button", blocks.Refused(blocks.Refusal{Why: blocks.NotADigest}))
	}
}

// bulkFix makes one OMS write for every SKU a digest groups under it, through the same claims as a
// check card's fix: the button and the effect are claimed in one transaction with the digest's record of
// the fix under way, so two operators on two digests (or a digest and a check card) write once.
func (b *Bot) bulkFix(ctx context.Context, req request, c clicked, i int) {
	d, _ := loadDigest(c.conv)
	fix := d.Fixes[i]
	log := b.log.With("conversation_id", c.conv.ID, "effect", fix.Effect)
	unlock := b.locks.lock("effect/" + fix.Effect)
	defer unlock()
	started := b.now()
	detail := blocks.BulkLabel(c.remedy.Label, len(fix.SKUs))
	claim := store.Effect{Key: fix.Effect, ActionID: c.action.ID, ConversationID: c.conv.ID, By: req.User, At: started, Label: detail}
	_, conv, first, err := b.opts.Store.ClaimEffectOn(ctx, c.action.ID, req.User, started, &store.AuditRecord{
		Actor: req.User, Action: "claim:bulk-fix", ConversationID: c.conv.ID, ProductStoreID: d.Store,
		Card: &store.MessageRef{Channel: c.conv.Channel, TS: c.conv.CardTS}, Detail: detail,
	}, claim, effectStale, func(cv *store.Conversation) error {
		// Until the OMS's answer is recorded, the digest is busy: a restart finds it and finishes the fix.
		cv.InFlight = append(cv.InFlight, store.InFlight{Keys: []string{fix.Effect}, Label: detail, By: req.User, At: started, Until: untilAnswer})
		return changeDigest(cv, func(d *digest) {
			d.Fixes[i].set(fixFixing, blocks.BulkFixStatus{Step: blocks.BulkStarted, By: req.User, At: started, SKUs: len(fix.SKUs)})
		})
	})
	var used *store.UsedError
	var elsewhere *store.EffectBusyError
	switch {
	case errors.As(err, &used):
		b.refuse(ctx, req, c, "used", blocks.Refused(blocks.Refusal{Why: blocks.UsedDigestButton, Pressed: blocks.Pressed{By: used.By, At: used.At, Viewer: req.User}}))
		return
	case errors.As(err, &elsewhere):
		b.refuse(ctx, req, c, "under way", blocks.Refused(blocks.Refusal{Why: blocks.ChangeUnderwayBulk, Label: elsewhere.Effect.Label,
			Pressed: blocks.Pressed{By: elsewhere.Effect.By, At: elsewhere.Effect.At}}))
		return
	case errors.Is(err, store.ErrActionExpired):
		b.refuse(ctx, req, c, "expired", blocks.Refused(blocks.Refusal{Why: blocks.ExpiredDigest}))
		return
	case err != nil:
		log.Error("claim failed", "error", err)
		b.tell(ctx, req, blocks.Note(blocks.Canned(blocks.UnrecordedFix)))
		return
	}
	b.settle(req)
	b.redrawDigest(ctx, conv.ID, "")

	ctx, cancel := b.finishing(ctx, 2*remedyTimeout+finishTimeout)
	defer cancel()
	in := diagnostics.Input{Frequency: c.remedy.Frequency, Limit: c.remedy.Limit(), UserLogin: "slack:" + req.User}
	out, err := b.execute(ctx, c.remedy, in, conv)
	outcome, result := describeOutcome(out, err)
	b.metrics.observeRemedy("bulk:"+c.remedy.Kind, result)
	if result == "unknown" {
		// The write may have landed: the OMS tells, as after a restart.
		b.settleBulkFix(ctx, conv.ID, store.InFlight{Keys: []string{fix.Effect}, By: req.User, At: started, Until: untilAnswer},
			blocks.CutByTimeout)
		return
	}
	recorded := b.recordResult(claim, first, result, outcome, c.action.ID, &store.AuditRecord{
		Actor: req.User, Action: "remedy:bulk-" + c.remedy.Kind, ConversationID: conv.ID, ProductStoreID: d.Store,
		Card:    &store.MessageRef{Channel: conv.Channel, TS: conv.CardTS},
		Request: remedyRequest(c.remedy, in) + " skus=" + strconv.Itoa(len(fix.SKUs)), Outcome: result, Detail: outcome,
	})
	perSKU := func(w *store.Writes) error {
		for _, sku := range fix.SKUs {
			if _, err := w.AppendAudit(store.AuditRecord{Actor: req.User, Action: "remedy:bulk-" + c.remedy.Kind, ConversationID: conv.ID,
				SKU: sku, ProductStoreID: d.Store, Outcome: result, Detail: detail + ": " + outcome, At: b.now()}); err != nil {
				return err
			}
		}
		return nil
	}
	status := blocks.BulkFixStatus{Step: blocks.BulkAnswered, By: req.User, At: started, SKUs: len(fix.SKUs), Result: result, Outcome: outcome}
	state, watch := fixFailed, store.Watch{}
	switch {
	case result == "already":
		b.tell(ctx, req, blocks.Note(alreadyDone(first, outcome)))
		state = fixDone
	case err != nil:
		state = fixFailed
	case out.JobID != "":
		state = fixWatching
		watch = store.Watch{JobID: out.JobID, ConversationID: conv.ID, JobEnumID: c.remedy.Job, ShopID: c.remedy.ShopID,
			SKU: bulkWatchPrefix + strconv.Itoa(i), StartedAt: started, Deadline: started.Add(b.opts.WatchTimeout)}
		status = blocks.BulkFixStatus{Step: blocks.BulkWatching, By: req.User, At: started, SKUs: len(fix.SKUs), Took: &blocks.Taken{Kind: c.remedy.Kind, Label: c.remedy.Label, ShopName: c.remedy.ShopName}, JobID: out.JobID}
	default:
		state = fixDone
	}
	if err := b.opts.Store.Write(ctx, "record bulk fix", func(w *store.Writes) error {
		if err := recorded(w); err != nil {
			return err
		}
		if err := perSKU(w); err != nil {
			return err
		}
		if watch.JobID != "" {
			if err := w.PutWatch(watch); err != nil {
				return err
			}
		}
		_, err := w.UpdateConversation(conv.ID, func(cv *store.Conversation) error {
			cv.InFlight = slices.DeleteFunc(cv.InFlight, func(f store.InFlight) bool { return slices.Contains(f.Keys, fix.Effect) })
			return changeDigest(cv, func(d *digest) { d.Fixes[i].set(state, status) })
		})
		return err
	}); err != nil {
		log.Error("could not record the bulk fix", "error", err)
	}
	b.postThread(ctx, conv, blocks.Note(blocks.BulkFixLine(c.remedy.Label, status)))
	b.afterBulkFix(ctx, conv.ID, i, state, watch)
}

// afterBulkFix goes on from a bulk fix's recorded outcome: a fix done has its SKUs re-checked, which
// draws the digest; any other outcome is drawn at once, and a job to watch is then watched.
func (b *Bot) afterBulkFix(ctx context.Context, convID uint64, i int, state string, watch store.Watch) {
	if state == fixDone {
		b.recheckFix(ctx, convID, i, "", "")
		return
	}
	b.redrawDigest(ctx, convID, "")
	if state == fixWatching {
		b.watch(ctx, watch)
	}
}

// untilAnswer ends the in-flight record of a digest's bulk fix: the OMS's answer to its write, recorded.
const untilAnswer = "answer"

// bulkWatchPrefix marks a watch that follows a digest's bulk fix: its SKU field holds the fix's index.
const bulkWatchPrefix = "bulk:"

// endDigestWatch ends the watch of a bulk fix: re-checks its SKUs, then forgets the watch.
func (b *Bot) endDigestWatch(ctx context.Context, conv store.Conversation, w store.Watch, note string) {
	ctx, cancel := b.finishing(ctx, finishTimeout+b.opts.ShutdownTimeout)
	defer cancel()
	i, err := strconv.Atoi(strings.TrimPrefix(w.SKU, bulkWatchPrefix))
	if err != nil {
		i = -1 // names no fix: the watch is only forgotten
	}
	b.recheckFix(ctx, conv.ID, i, note, w.JobID)
}

// recheckFix checks again only the SKUs of bulk fix i, moves each to the cause it has now, and redraws
// the digest in place. The watch of watchedJob, when the fix had one, ends in the commit that records the
// re-check: a restart either resumes the watch or sees the fix re-checked, and so says it once.
func (b *Bot) recheckFix(ctx context.Context, convID uint64, i int, note, watchedJob string) {
	forget := func() { // the fix cannot be re-checked: its watch has nothing left to wait for
		if watchedJob == "" {
			return
		}
		if err := b.opts.Store.DeleteWatch(ctx, watchedJob); err != nil {
			b.log.Error("could not delete the watch", "job_id", watchedJob, "error", err)
		}
	}
	conv, err := b.opts.Store.Conversation(ctx, convID)
	if err != nil {
		forget()
		return
	}
	d, ok := loadDigest(conv)
	if !ok || i < 0 || i >= len(d.Fixes) {
		forget()
		return
	}
	skus := d.Fixes[i].SKUs
	b.opts.StoreFacts.Drop()
	now := map[string]diagnostics.SweepResult{}
	for start := 0; start < len(skus); start += MaxSKUs {
		reports, err := b.opts.Checker.Run(ctx, d.Store, skus[start:min(start+MaxSKUs, len(skus))])
		if err != nil {
			b.log.Warn("re-check of a bulk fix's SKUs failed", "error", err)
			continue
		}
		for _, r := range reports {
			pid := ""
			if r.Product != nil {
				pid = r.Product.ProductID
			}
			now[r.SKU] = diagnostics.Compact(r, pid)
		}
	}
	fixed := 0
	if err := b.opts.Store.Write(ctx, "re-check bulk fix", func(t *store.Writes) error {
		if watchedJob != "" {
			if err := t.DeleteWatch(watchedJob); err != nil {
				return err
			}
		}
		_, err := t.UpdateConversation(convID, func(cv *store.Conversation) error {
			return changeDigest(cv, func(d *digest) {
				fixed = d.recount(now)
				d.regroup(now)
				f := &d.Fixes[i]
				var by string
				if f.Status != nil {
					by = f.Status.By
				}
				f.set(fixDone, blocks.BulkFixStatus{Step: blocks.BulkRechecked, By: by, At: b.now(), SKUs: len(skus), Fixed: fixed, Still: stillWith(now)})
			})
		})
		return err
	}); err != nil {
		b.log.Error("could not record the re-check", "conversation_id", convID, "error", err)
		return
	}
	text := blocks.Rechecked(d.Fixes[i].Remedy.Label, len(skus), fixed)
	if note != "" {
		text = note + "\n" + text
	}
	b.redrawDigest(ctx, convID, text)
}

// recount moves each re-checked SKU from the cause the sweep found to the one it has now, and returns
// how many are healthy.
func (d *digest) recount(now map[string]diagnostics.SweepResult) int {
	healthy := 0
	for sku, r := range now {
		for cause, skus := range d.Problems {
			if j := slices.Index(skus, sku); j >= 0 {
				d.Problems[cause] = slices.Delete(skus, j, j+1)
				d.ByCause[cause]--
				if len(d.Problems[cause]) == 0 {
					delete(d.Problems, cause)
				}
			}
		}
		d.ByCause[r.Cause]++
		if r.Problem() {
			d.Problems[r.Cause] = append(d.Problems[r.Cause], sku)
		} else {
			healthy++
		}
	}
	return healthy
}

// regroup puts the re-checked SKUs that still have a problem under the bulk fixes they need now (a SKU
// linked by the association job next needs a full catalog sync), and takes them out of the fixes not yet
// pressed that they no longer need. Fixes keep their places: watches and buttons name them by index.
func (d *digest) regroup(now map[string]diagnostics.SweepResult) {
	open := func(f bulkFix) bool { return f.State == "" || f.State == fixFailed }
	for j := range d.Fixes {
		if open(d.Fixes[j]) {
			d.Fixes[j].SKUs = slices.DeleteFunc(d.Fixes[j].SKUs, func(s string) bool { _, ok := now[s]; return ok })
		}
	}
	for _, sku := range slices.Sorted(maps.Keys(now)) {
		r := now[sku]
		for _, m := range bulkRemedies(r) {
			key := m.Effect(d.Store)
			j := slices.IndexFunc(d.Fixes, func(f bulkFix) bool { return f.Effect == key })
			switch {
			case j < 0:
				d.Fixes = append(d.Fixes, bulkFix{Effect: key, Remedy: m, Cause: r.Cause, SKUs: []string{sku}})
			case open(d.Fixes[j]) && !slices.Contains(d.Fixes[j].SKUs, sku):
				d.Fixes[j].SKUs = append(d.Fixes[j].SKUs, sku)
			}
		}
	}
}

// stillWith counts the re-checked SKUs that still have a problem, by the cause they have now.
func stillWith(now map[string]diagnostics.SweepResult) map[diagnostics.Cause]int {
	n := map[diagnostics.Cause]int{}
	for _, r := range now {
		if r.Problem() {
			n[r.Cause]++
		}
	}
	return n
}

// redrawDigest draws the digest as stored, with fresh buttons, and posts note in its thread.
func (b *Bot) redrawDigest(ctx context.Context, convID uint64, note string) {
	unlock := b.lockCard(convID)
	defer unlock()
	b.showDigest(ctx, convID, nil, note)
}

// changeDigest applies change to the digest a conversation keeps, and marks its card to be drawn again
// until Slack shows the change (showDigest).
func changeDigest(cv *store.Conversation, change func(*digest)) error {
	d, ok := loadDigest(*cv)
	if !ok {
		return errNoDigest
	}
	change(&d)
	js, err := json.Marshal(d)
	if err != nil {
		return err
	}
	cv.LastReport = js
	cv.Redraw++
	return nil
}

// checkThese posts a check card per SKU of a cause, at most MaxCheckThese, in the digest's thread.
func (b *Bot) checkThese(ctx context.Context, req request, c clicked, d digest) {
	cause := diagnostics.Cause(c.action.Params[paramCause])
	skus := d.Problems[cause]
	if len(skus) == 0 {
		b.tell(ctx, req, blocks.Note(blocks.Canned(blocks.NothingToCheck)))
		return
	}
	if !b.claimDigestAction(ctx, req, c, &store.AuditRecord{
		Actor: req.User, Action: "bulk-check", ConversationID: c.conv.ID, ProductStoreID: d.Store, Detail: string(cause),
	}, blocks.UsedCheckThese) {
		return
	}
	skus = skus[:min(len(skus), blocks.MaxCheckThese)]
	for _, sku := range skus {
		card := request{Kind: kindMention, User: req.User, Channel: c.conv.Channel, ThreadTS: c.conv.CardTS}
		b.startCheck(ctx, card, Command{Name: cmdCheck, SKUs: []string{sku}, StoreID: d.Store})
	}
}

// escalateList sends the SKUs of a cause to HotWax Support, with the list attached as a CSV file.
func (b *Bot) escalateList(ctx context.Context, req request, c clicked, d digest) {
	cause := diagnostics.Cause(c.action.Params[paramCause])
	skus := d.Problems[cause]
	if !b.claimDigestAction(ctx, req, c, &store.AuditRecord{
		Actor: req.User, Action: "escalate:bulk", ConversationID: c.conv.ID, ProductStoreID: d.Store,
		Detail: fmt.Sprintf("%s: %d SKUs", cause, len(skus)),
	}, blocks.UsedEscalateThese) {
		return
	}
	channel, thread := b.opts.SupportChannel, ""
	if channel == "" {
		channel, thread = c.conv.Channel, c.conv.CardTS
	}
	summary := blocks.BulkEscalationNote(blocks.BulkEscalation{Store: d.Store, SKUs: len(skus), Cause: cause, By: req.User,
		Sweep: d.StartedAt, Mention: b.opts.SupportMention})
	ts, err := b.post(ctx, b.log, channel, thread, blocks.Note(summary))
	if err != nil {
		b.tell(ctx, req, blocks.Note(blocks.EscalationPostFailed(shortErr(err))))
		return
	}
	if thread == "" {
		thread = ts
	}
	rows := make([]diagnostics.SweepResult, len(skus))
	for i, s := range skus {
		rows[i] = diagnostics.SweepResult{SKU: s, Cause: cause}
	}
	words := blocks.CauseList(d.Store, cause, len(skus), d.StartedAt)
	b.uploadCSV(ctx, channel, thread, fmt.Sprintf("escalation-%s-%s.csv", d.Store, cause), words.Title, words.Comment, rows)
	sent := blocks.DigestEscalation{By: req.User, At: b.now(), SKUs: len(skus), Cause: cause}
	if _, err := b.opts.Store.UpdateConversation(ctx, c.conv.ID, func(cv *store.Conversation) error {
		return changeDigest(cv, func(d *digest) { d.Escalated = append(d.Escalated, sent) })
	}); err != nil {
		b.log.Error("could not record on the digest", "error", err)
	}
	b.redrawDigest(ctx, c.conv.ID, "")
}

// claimDigestAction claims a digest button that changes nothing in the OMS, with its audit record, and
// settles the request. A button already used is refused for the reason used, naming who pressed it and
// when; any other failure is told and nothing is done.
func (b *Bot) claimDigestAction(ctx context.Context, req request, c clicked, audit *store.AuditRecord, used blocks.RefusalReason) bool {
	_, _, err := b.opts.Store.ClaimActionOn(ctx, c.action.ID, req.User, b.now(), audit, func(*store.Conversation) error { return nil })
	var u *store.UsedError
	switch {
	case errors.As(err, &u):
		b.refuse(ctx, req, c, "used", blocks.Refused(blocks.Refusal{Why: used, Pressed: blocks.Pressed{By: u.By, At: u.At, Viewer: req.User}}))
		return false
	case err != nil:
		b.tell(ctx, req, blocks.Note(blocks.Canned(blocks.UnrecordedPress)))
		return false
	}
	b.settle(req)
	return true
}
