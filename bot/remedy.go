package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/preorderbot/preorderbot/bot/blocks"
	"github.com/preorderbot/preorderbot/diagnostics"
	"github.com/preorderbot/preorderbot/diagnostics/hotwax"
	"github.com/preorderbot/preorderbot/store"
)

// remedyTimeout bounds one OMS write; past it the outcome is unknown and the card says so.
const remedyTimeout = 30 * time.Second

// remediate claims the action (exactly once, with its audit record in the same transaction), performs
// the remedy against the OMS, shows the outcome on the card and in its thread, and watches the job.
func (b *Bot) remediate(ctx context.Context, req request, c clicked, in diagnostics.Input) {
	log := b.log.With("conversation_id", c.conv.ID, "action", c.action.ID, "kind", c.action.Kind)
	in.UserLogin = "slack:" + req.User
	card := &store.MessageRef{Channel: c.conv.Channel, TS: c.conv.CardTS}
	sku := c.action.Params["sku"]
	_, err := b.opts.Store.ClaimAction(ctx, c.action.ID, req.User, b.now(), &store.AuditRecord{
		Actor: req.User, Action: "claim:" + c.action.Kind, ConversationID: c.conv.ID, SKU: sku,
		ProductStoreID: c.conv.ProductStoreID, Card: card, Detail: c.remedy.Label,
	})
	var used *store.UsedError
	switch {
	case errors.As(err, &used):
		b.tell(ctx, req, note(fmt.Sprintf("<@%s> already used this button at %s, so I did nothing.", used.By, slackTime(used.At))))
		return
	case errors.Is(err, store.ErrActionExpired):
		b.tell(ctx, req, note("This button expired. Press Re-check for fresh buttons."))
		return
	case err != nil:
		log.Error("claim failed", "error", err)
		b.tell(ctx, req, note("I could not record this action, so I did nothing. Please try again."))
		return
	}

	b.markConversation(ctx, c.conv.ID, store.StatusFixing)
	b.showStatus(ctx, c.conv, fmt.Sprintf("⏳ %s — started by <@%s> at %s", c.remedy.Label, req.User, slackTime(b.now())), c.remedy)

	wctx, cancel := context.WithTimeout(ctx, remedyTimeout)
	out, err := b.opts.Executor.Execute(wctx, c.conv.ProductStoreID, c.remedy, in)
	cancel()
	outcome, result := describeOutcome(c.remedy, out, err)
	b.metrics.observeRemedy(c.action.Kind, result)
	if serr := b.opts.Store.SetActionResult(ctx, c.action.ID, result+": "+outcome, &store.AuditRecord{
		Actor: req.User, Action: "remedy:" + c.action.Kind, ConversationID: c.conv.ID, SKU: sku,
		ProductStoreID: c.conv.ProductStoreID, Card: card, Request: remedyRequest(c.remedy, in), Outcome: result, Detail: outcome,
	}); serr != nil {
		log.Error("could not record the remedy's result", "error", serr)
	}
	line := fmt.Sprintf("%s <@%s> · %s · %s", resultEmoji(result), req.User, c.remedy.Label, outcome)
	b.postThread(ctx, c.conv, note(line))

	if err == nil && c.remedy.Kind == diagnostics.RemedyLinkProduct && b.opts.CatalogSyncJob != "" {
		// A link made after the shop's last sync is never picked up by delta syncs (hotwax-api §7), so
		// the link is followed by a full sync of that shop, which the watch then follows.
		sync := diagnostics.Remedy{Kind: diagnostics.RemedyRunJob, Job: b.opts.CatalogSyncJob, ShopID: c.remedy.ShopID,
			ShopName: c.remedy.ShopName, Params: map[string]string{"includeAll": "Y"}, Label: "Run full catalog sync" + where(c.remedy)}
		wctx, cancel := context.WithTimeout(ctx, remedyTimeout)
		out, err = b.opts.Executor.Execute(wctx, c.conv.ProductStoreID, sync, diagnostics.Input{UserLogin: in.UserLogin})
		cancel()
		text, res := describeOutcome(sync, out, err)
		b.audit(ctx, store.AuditRecord{Actor: req.User, Action: "remedy:" + sync.Kind, ConversationID: c.conv.ID, SKU: sku,
			ProductStoreID: c.conv.ProductStoreID, Card: card, Request: remedyRequest(sync, diagnostics.Input{}), Outcome: res, Detail: text})
		b.postThread(ctx, c.conv, note(fmt.Sprintf("%s %s · %s", resultEmoji(res), sync.Label, text)))
		c.remedy = sync
	}
	if err != nil || out.JobID == "" {
		b.markConversation(ctx, c.conv.ID, store.StatusDone)
		b.recheck(ctx, c.conv, req.User, line)
		return
	}
	w := store.Watch{
		JobID: out.JobID, ConversationID: c.conv.ID, JobEnumID: c.remedy.Job, ShopID: c.remedy.ShopID, SKU: sku,
		StartedAt: b.now(), Deadline: b.now().Add(b.opts.WatchTimeout),
	}
	if err := b.opts.Store.PutWatch(ctx, w); err != nil {
		log.Error("could not record the watch", "error", err)
	}
	b.markConversation(ctx, c.conv.ID, store.StatusWatching)
	status := fmt.Sprintf("%s\n⏳ %s by <@%s> at %s; watching job %s, %s", line, pastTense(c.remedy), req.User, slackTime(b.now()),
		out.JobID, b.whenItRuns(c.remedy, in))
	b.showStatus(ctx, c.conv, status, c.remedy)
	b.watch(ctx, w)
}

// showStatus redraws the card from its last report with a status line, hiding the remedy in progress
// so nobody can start it twice.
func (b *Bot) showStatus(ctx context.Context, conv store.Conversation, status string, hide diagnostics.Remedy) {
	unlock := b.lockCard(conv.ID)
	defer unlock()
	conv, err := b.opts.Store.Conversation(ctx, conv.ID)
	if err != nil {
		return
	}
	var reports []diagnostics.Report
	if json.Unmarshal(conv.LastReport, &reports) != nil || len(reports) == 0 {
		return
	}
	for i := range reports {
		reports[i].Remedies = withoutRemedy(reports[i].Remedies, hide)
	}
	msg, err := b.renderCard(ctx, conv, reports, checkRun{status: status}, nil)
	if err != nil {
		b.log.Error("could not render status", "error", err)
	}
	_ = b.update(ctx, b.log.With("conversation_id", conv.ID), conv.Channel, conv.CardTS, msg)
}

func withoutRemedy(rs []diagnostics.Remedy, hide diagnostics.Remedy) []diagnostics.Remedy {
	var out []diagnostics.Remedy
	for _, r := range rs {
		if r.Kind == hide.Kind && r.Job == hide.Job && r.ShopID == hide.ShopID {
			continue
		}
		if r.Kind == diagnostics.RemedyLinkProduct && hide.Kind == diagnostics.RemedyLinkProduct {
			continue
		}
		out = append(out, r)
	}
	return out
}

// describeOutcome says what happened in an operator's words; result is ok, failed or unknown.
func describeOutcome(r diagnostics.Remedy, out diagnostics.Outcome, err error) (string, string) {
	var ve *diagnostics.ValidationError
	var ae *hotwax.APIError
	switch {
	case err == nil:
		if out.Summary != "" {
			return out.Summary, "ok"
		}
		return "done", "ok"
	case errors.As(err, &ve):
		return "not sent: " + ve.Error(), "rejected"
	case errors.Is(err, hotwax.ErrOutcomeUnknown), errors.Is(err, context.DeadlineExceeded):
		return "the OMS did not answer in time, so I don't know whether it happened. Press Re-check before trying again.", "unknown"
	case errors.As(err, &ae):
		return "the OMS refused: " + strings.Join(ae.Messages, "; "), "failed"
	default:
		return "failed: " + err.Error(), "failed"
	}
}

func resultEmoji(result string) string {
	switch result {
	case "ok":
		return "✅"
	case "unknown":
		return "⚠️"
	}
	return "❌"
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
	if f := firstNonEmpty(in.Frequency, r.Frequency); f != "" {
		parts = append(parts, "frequency="+f)
	}
	if in.Limit != "" {
		parts = append(parts, "limit="+in.Limit)
	}
	if in.VariantID != "" {
		parts = append(parts, "variant="+in.VariantID, "inventoryItem="+in.InventoryItemID)
	}
	for k, v := range r.Params {
		parts = append(parts, k+"="+v)
	}
	return strings.Join(parts, " ")
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

func pastTense(r diagnostics.Remedy) string {
	switch r.Kind {
	case diagnostics.RemedyScheduleJob, diagnostics.RemedyEnableJob:
		return strings.Replace(r.Label, "Schedule", "Scheduled", 1)
	case diagnostics.RemedyLinkProduct:
		return "Linked the product" + where(r)
	}
	return strings.Replace(r.Label, "Run", "Started", 1)
}

func where(r diagnostics.Remedy) string {
	if r.ShopName != "" {
		return " to " + r.ShopName
	}
	return ""
}

func (b *Bot) postThread(ctx context.Context, conv store.Conversation, m blocks.Message) {
	thread := conv.ThreadTS
	if thread == "" {
		thread = conv.CardTS
	}
	_, _ = b.post(ctx, b.log.With("conversation_id", conv.ID), conv.Channel, thread, m)
}
