package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/slack-go/slack"

	"github.com/preorderbot/preorderbot/bot/blocks"
	"github.com/preorderbot/preorderbot/diagnostics"
	"github.com/preorderbot/preorderbot/store"
)

// ProgressChecker is a Checker that reports each check as it finishes, so the card can fill in.
type ProgressChecker interface {
	RunWithProgress(ctx context.Context, storeID string, skus []string, progress func(sku string, c diagnostics.Check)) ([]diagnostics.Report, error)
}

// startCheck records the conversation, posts the card with every check pending, and runs the chain.
func (b *Bot) startCheck(ctx context.Context, req request, cmd Command) {
	storeID := cmd.StoreID
	if storeID == "" {
		storeID = b.opts.StoreID
	}
	conv, err := b.opts.Store.CreateConversation(ctx, store.Conversation{
		Kind: "check", SKUs: cmd.SKUs, ProductStoreID: storeID, RequestedBy: req.User,
		Channel: req.Channel, ThreadTS: mentionThread(req), Status: store.StatusChecking, CreatedAt: b.now(), Request: req.DedupeKey,
	})
	if err != nil {
		b.log.Error("could not record conversation", "error", err)
		b.tell(ctx, req, blocks.Note(blocks.Canned(blocks.CheckNotStarted)))
		return
	}
	log := b.log.With("conversation_id", conv.ID, "skus", cmd.SKUs)
	ts, err := b.postCard(ctx, log, conv)
	if err != nil && (ctx.Err() != nil || mayHaveLanded(err)) {
		// The card may be in the channel: the next start looks for it and finishes it.
		log.Error("could not post the card; it is looked for at the next start", "error", err)
		return
	}
	if err != nil {
		b.tell(ctx, req, blocks.Note(postFailure(err)))
		b.markConversation(ctx, conv.ID, store.StatusFailed)
		return
	}
	// The card's ts is stored with the check's result: a restart before then finds the card by its client
	// message id. The request stays in the journal until Slack shows the final card.
	conv.CardTS = ts
	if _, final := b.runCheck(ctx, conv, checkRun{by: req.User, first: true}); !final {
		b.keepJournaled(req)
	}
}

// postCard posts a conversation's card with every check pending. Its client message id comes from the
// conversation, stored before the post, so a restart can find a card whose ts was never saved.
func (b *Bot) postCard(ctx context.Context, log *slog.Logger, conv store.Conversation) (string, error) {
	return b.postOnce(ctx, log, conv.Channel, conv.ThreadTS, cardKey(conv), conv.CreatedAt,
		blocks.Progress(conv.SKUs, nil, conv.RequestedBy, b.now()))
}

// cardKey is the client message id of a conversation's card.
func cardKey(conv store.Conversation) string {
	return fmt.Sprintf("card-%d-%d", conv.ID, conv.CreatedAt.UnixNano())
}

// mentionThread is the thread a mention is answered in; slash commands answer in the channel.
func mentionThread(req request) string {
	if req.Kind == kindMention {
		return req.ThreadTS
	}
	return ""
}

// postFailure turns a failed card post into words the user can act on.
func postFailure(err error) string {
	var se slack.SlackErrorResponse
	errors.As(err, &se)
	return blocks.CardNotPosted(se.Err, err.Error())
}

// checkRun is what a (re-)check carries besides the conversation: who triggered it and the lines the
// card shows about remedies in progress.
type checkRun struct {
	by           string
	outcome      string
	verdict      bool      // add "fixed" or "still failing" to the outcome: a re-check after a remedy
	clearRecheck bool      // a re-check someone asked for ends the fixes whose outcome was unknown
	started      time.Time // when the chain began reading the OMS
	// first is the check a command started: its result commit stores the card's ts and marks it done, and
	// its request, kept in the journal until Slack shows the final card, is what a restart finishes.
	first bool
}

// finishTimeout bounds the work after a check or a fix has its answer: storing it and editing the card.
const finishTimeout = 30 * time.Second

// runCheck runs the chain for a conversation, fills its card in as checks finish, then shows the verdict,
// posts the evidence in the card's thread and keeps the report for the next "what changed". final is
// false when Slack did not take the final card: the conversation is then left "checking".
func (b *Bot) runCheck(ctx context.Context, conv store.Conversation, run checkRun) (reports []diagnostics.Report, final bool) {
	unlock := b.lockCard(conv.ID)
	defer unlock()
	log := b.log.With("conversation_id", conv.ID, "skus", conv.SKUs)
	started := b.now()
	run.started = started

	ed := &cardEditor{b: b, log: log, conv: conv, every: b.opts.EditInterval}
	ed.start()
	var err error
	if pc, ok := b.opts.Checker.(ProgressChecker); ok {
		reports, err = pc.RunWithProgress(ctx, conv.ProductStoreID, conv.SKUs, ed.progress)
	} else {
		reports, err = b.opts.Checker.Run(ctx, conv.ProductStoreID, conv.SKUs)
	}
	ed.stop()
	if err != nil || len(reports) == 0 {
		log.Error("check failed", "error", err)
		reports = unavailableReports(conv, err, started)
	}
	for _, r := range reports {
		b.metrics.observeCheck(string(r.Cause), b.now().Sub(started))
		b.metrics.observeJobFailures(r.FailedRuns())
	}

	// From here on the work finishes even if shutdown cancels ctx: a card must never stay at "checking".
	ctx, cancel := b.finishing(ctx, finishTimeout)
	defer cancel()
	changes := b.changesSinceLast(ctx, conv.ProductStoreID, reports)
	// The report is stored before the card shows its buttons: a click must find what the card shows.
	msg, stored := b.storeCard(ctx, conv.ID, reports, run, changes, b.keep(log, conv, reports, run))
	if err := b.update(ctx, log, conv.Channel, conv.CardTS, msg); err != nil {
		// A first check's request stays in the journal, any other conversation stays "checking": the next
		// start finishes the card.
		log.Error("final card edit failed; the card is finished at the next start", "error", err)
		return reports, false
	}
	if run.first && stored {
		b.postEvidence(ctx, log, conv, reports)
		return reports, true
	}
	// Done only now that Slack shows the final card.
	if _, err := b.opts.Store.UpdateConversation(ctx, conv.ID, func(c *store.Conversation) error {
		if c.CardTS == "" {
			c.CardTS = conv.CardTS
		}
		if c.Status == store.StatusChecking || c.Status == "" {
			c.Status = store.StatusDone
		}
		return nil
	}); err != nil {
		log.Error("could not mark the check done", "error", err)
	}
	b.postEvidence(ctx, log, conv, reports)
	return reports, true
}

// unavailableReports stands in when the chain itself failed, so the card says so instead of "checking".
func unavailableReports(conv store.Conversation, err error, at time.Time) []diagnostics.Report {
	msg := "the diagnostic chain returned no report"
	if err != nil {
		msg = err.Error()
	}
	out := make([]diagnostics.Report, len(conv.SKUs))
	for i, sku := range conv.SKUs {
		out[i] = diagnostics.Report{
			SKU: sku, ProductStoreID: conv.ProductStoreID, Status: diagnostics.StatusUnknown,
			Cause: diagnostics.CauseOMSUnavailable, Causes: []diagnostics.Cause{diagnostics.CauseOMSUnavailable},
			Failures:  []diagnostics.Failure{{Kind: diagnostics.FailureUnexpected, Call: "diagnostic chain", Message: msg}},
			CheckedAt: at,
		}
	}
	return out
}

// changesSinceLast compares each report with the last stored one for its SKU.
func (b *Bot) changesSinceLast(ctx context.Context, storeID string, reports []diagnostics.Report) []string {
	if len(reports) != 1 {
		return nil
	}
	snap, err := b.opts.Store.Snapshot(ctx, storeID, reports[0].SKU)
	if err != nil {
		return nil
	}
	var old diagnostics.Report
	if json.Unmarshal(snap.Report, &old) != nil {
		return nil
	}
	return blocks.ChangeLines(diagnostics.Diff(old, reports[0]))
}

func hasRemedy(r diagnostics.Report, kind string) bool {
	for _, rem := range r.Remedies {
		if rem.Kind == kind {
			return true
		}
	}
	return false
}

// remedyParams is what a button's action remembers: the remedy itself and the SKU it is for.
func remedyParams(r diagnostics.Report, rem diagnostics.Remedy) map[string]string {
	js, _ := json.Marshal(rem)
	p := map[string]string{"remedy": string(js), "sku": r.SKU, "store": r.ProductStoreID, "cause": string(r.Cause)}
	if r.Product != nil {
		p["productId"] = r.Product.ProductID
	}
	return p
}

func (b *Bot) permalink(ctx context.Context, channel, ts string) string {
	link, err := b.api.GetPermalinkContext(ctx, &slack.PermalinkParameters{Channel: channel, Ts: ts})
	b.metrics.observeSlack("chat.getPermalink", err, false)
	if err != nil {
		return ""
	}
	return link
}

// postEvidence puts the raw facts in the card's thread, so the card stays short.
func (b *Bot) postEvidence(ctx context.Context, log *slog.Logger, conv store.Conversation, reports []diagnostics.Report) {
	thread := conv.ThreadTS
	if thread == "" {
		thread = conv.CardTS
	}
	msgs := blocks.EvidenceTable(reports) // several SKUs: one reply with a table, not one per SKU
	if len(reports) == 1 {
		msgs = blocks.Evidence(reports[0], b.opts.OMSWebURL)
	}
	for _, m := range msgs {
		if _, err := b.post(ctx, log, conv.Channel, thread, m); err != nil {
			return
		}
	}
}

// keep stores the reports on the conversation and as the SKUs' snapshots, and audits the check, in the
// transaction that draws the card. A first check also stores its card's ts there and is marked done:
// its request, still in the journal, says whether Slack shows the final card yet.
func (b *Bot) keep(log *slog.Logger, conv store.Conversation, reports []diagnostics.Report, run checkRun) func(*store.Writes) error {
	js, err := json.Marshal(reports)
	if err != nil {
		log.Error("could not encode reports", "error", err)
		return nil
	}
	return func(w *store.Writes) error {
		if _, err := w.UpdateConversation(conv.ID, func(c *store.Conversation) error {
			c.LastReport = js
			if conv.CardTS != "" {
				c.CardTS = conv.CardTS
			}
			if run.first && (c.Status == store.StatusChecking || c.Status == "") {
				c.Status = store.StatusDone
			}
			return nil
		}); err != nil {
			return fmt.Errorf("store the report: %w", err)
		}
		for _, r := range reports {
			rj, _ := json.Marshal(r)
			if err := w.PutSnapshot(store.Snapshot{ProductStoreID: conv.ProductStoreID, SKU: r.SKU, Report: rj, At: b.now()}); err != nil {
				return fmt.Errorf("store the snapshot of %s: %w", r.SKU, err)
			}
			if _, err := w.AppendAudit(store.AuditRecord{
				Actor: run.by, Action: "check", ConversationID: conv.ID, SKU: r.SKU, ProductStoreID: conv.ProductStoreID,
				Card: &store.MessageRef{Channel: conv.Channel, TS: conv.CardTS}, Outcome: string(r.Cause), At: b.now(),
				Detail: fmt.Sprintf("%d OMS calls in %s", r.OMSCalls, time.Duration(r.Elapsed).Round(time.Millisecond)),
			}); err != nil {
				return fmt.Errorf("audit the check: %w", err)
			}
		}
		return nil
	}
}

func (b *Bot) audit(ctx context.Context, rec store.AuditRecord) {
	if rec.At.IsZero() {
		rec.At = b.now()
	}
	if _, err := b.opts.Store.AppendAudit(ctx, rec); err != nil {
		b.log.Error("audit append failed", "action", rec.Action, "error", err)
	}
}

func (b *Bot) markConversation(ctx context.Context, id uint64, status string) {
	if _, err := b.opts.Store.UpdateConversation(ctx, id, func(c *store.Conversation) error {
		c.Status = status
		return nil
	}); err != nil {
		b.log.Error("could not update conversation", "conversation_id", id, "error", err)
	}
}
