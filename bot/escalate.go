package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/preorderbot/preorderbot/bot/blocks"
	"github.com/preorderbot/preorderbot/diagnostics"
	"github.com/preorderbot/preorderbot/store"
)

// Packet is everything HotWax Support needs about one escalation; the webhook receives it as JSON.
type Packet struct {
	SKU            string                  `json:"sku"`
	ProductStoreID string                  `json:"productStoreId"`
	Product        *diagnostics.Product    `json:"product"`
	Cause          string                  `json:"cause"`
	Causes         []string                `json:"causes"`
	Summary        string                  `json:"summary"`
	RequestedBy    string                  `json:"requestedBy"`
	Note           string                  `json:"note,omitempty"`
	Checks         []diagnostics.Check     `json:"checks"`
	Shops          []diagnostics.ShopFacts `json:"shops"`
	Timeline       []blocks.TimelineEntry  `json:"timeline"`
	CardURL        string                  `json:"cardUrl,omitempty"`
	ThreadURL      string                  `json:"threadUrl,omitempty"`
	Links          map[string]string       `json:"links"`
	CheckedAt      time.Time               `json:"checkedAt"`
}

// escalationTarget tells the escalate modal where the escalation goes, and the thread it joins if any.
func (b *Bot) escalationTarget(ctx context.Context, c clicked) (dest, thread string) {
	if b.opts.SupportChannel == "" {
		return "this card's thread, as a file to forward by hand (no support channel is configured: PREORDERBOT_SUPPORT_CHANNEL)", ""
	}
	dest = "<#" + b.opts.SupportChannel + ">"
	if b.opts.SupportWebhook != "" {
		dest += " and the support ticket webhook"
	}
	fp := store.Fingerprint{ProductStoreID: c.conv.ProductStoreID, SKU: c.action.Params["sku"], Cause: c.action.Params["cause"]}
	if e, err := b.opts.Store.Escalation(ctx, fp); err == nil {
		thread = b.permalink(ctx, e.Channel, e.ThreadTS)
	}
	return dest, thread
}

// escalate opens (or appends to) the support thread of the report's store, SKU and cause, links it from
// the card, and hands the packet to the support webhook when one is set.
func (b *Bot) escalate(ctx context.Context, req request, c clicked, userNote string) {
	log := b.log.With("conversation_id", c.conv.ID)
	sku := c.action.Params["sku"]
	report, ok := reportFor(c.conv, sku)
	if !ok {
		b.tell(ctx, req, note("This card has no finished report to escalate yet; press Re-check first."))
		return
	}
	card := &store.MessageRef{Channel: c.conv.Channel, TS: c.conv.CardTS}
	if _, err := b.opts.Store.ClaimAction(ctx, c.action.ID, req.User, b.now(), &store.AuditRecord{
		Actor: req.User, Action: "claim:escalate", ConversationID: c.conv.ID, SKU: sku, ProductStoreID: c.conv.ProductStoreID, Card: card,
	}); err != nil {
		b.tell(ctx, req, note("This escalation was already sent from this button; see the card's thread."))
		return
	}
	packet := b.packet(ctx, c.conv, report, req.User, userNote)

	if b.opts.SupportChannel == "" {
		b.uploadPacket(ctx, c.conv, packet)
		b.tell(ctx, req, note("No support channel is configured: an admin can set PREORDERBOT_SUPPORT_CHANNEL. I put the evidence packet in the card's thread as a file so you can forward it."))
		b.audit(ctx, store.AuditRecord{Actor: req.User, Action: "escalate", ConversationID: c.conv.ID, SKU: sku,
			ProductStoreID: c.conv.ProductStoreID, Card: card, Outcome: "packet file (no support channel)", Detail: userNote})
		return
	}

	fp := store.Fingerprint{ProductStoreID: c.conv.ProductStoreID, SKU: sku, Cause: report.Cause}
	esc, err := b.opts.Store.Escalation(ctx, fp)
	isNew := err != nil
	if isNew {
		ts, err := b.post(ctx, log, b.opts.SupportChannel, "", blocks.EscalationSummary(b.escalationView(report, packet)))
		if err != nil {
			b.tell(ctx, req, note("I could not post in the support channel ("+err.Error()+"). Is the bot invited there?"))
			return
		}
		esc = store.Escalation{Fingerprint: fp, Channel: b.opts.SupportChannel, ThreadTS: ts, OpenedBy: req.User, OpenedAt: b.now(), Status: "open"}
		if existing, created, err := b.opts.Store.OpenEscalation(ctx, esc); err == nil && !created {
			esc, isNew = existing, false // another click won the race; use its thread
		}
	} else {
		_, _ = b.post(ctx, log, esc.Channel, esc.ThreadTS, note(fmt.Sprintf("🔁 Escalated again by <@%s>: %s", req.User, firstNonEmpty(userNote, "(no note)"))))
	}
	packet.ThreadURL = b.permalink(ctx, esc.Channel, esc.ThreadTS)
	for _, m := range blocks.EscalationPacket(b.escalationView(report, packet)) {
		if _, err := b.post(ctx, log, esc.Channel, esc.ThreadTS, m); err != nil {
			break
		}
	}
	b.metrics.observeEscalation(isNew)

	if _, err := b.opts.Store.UpdateConversation(ctx, c.conv.ID, func(cv *store.Conversation) error {
		cv.EscalationThread = &store.MessageRef{Channel: esc.Channel, TS: esc.ThreadTS}
		return nil
	}); err != nil {
		log.Error("could not link the escalation", "error", err)
	}
	outcome := "thread " + esc.Channel + "/" + esc.ThreadTS
	if b.opts.SupportWebhook != "" {
		if err := b.sendWebhook(ctx, packet); err != nil {
			esc.WebhookPending, esc.LastError, esc.Attempts = true, err.Error(), esc.Attempts+1
			outcome += "; support ticket pending: " + err.Error()
		} else {
			esc.WebhookPending, esc.LastError = false, ""
			outcome += "; support ticket sent"
		}
		if err := b.opts.Store.PutEscalation(ctx, esc); err != nil {
			log.Error("could not record webhook state", "error", err)
		}
	}
	b.audit(ctx, store.AuditRecord{Actor: req.User, Action: "escalate", ConversationID: c.conv.ID, SKU: sku,
		ProductStoreID: c.conv.ProductStoreID, Card: card, Outcome: outcome, Detail: userNote})

	status := fmt.Sprintf("🆘 Escalated to HotWax Support by <@%s> at %s", req.User, slackTime(b.now()))
	if esc.WebhookPending {
		status += " · ticket pending (webhook will be retried)"
	}
	b.showStatus(ctx, c.conv, status, diagnostics.Remedy{Kind: diagnostics.RemedyEscalate})
	b.postThread(ctx, c.conv, note(fmt.Sprintf("🆘 <@%s> escalated this to HotWax Support: %s", req.User, firstNonEmpty(packet.ThreadURL, "<#"+esc.Channel+">"))))
}

func (b *Bot) escalationView(r diagnostics.Report, p Packet) blocks.Escalation {
	return blocks.Escalation{Report: r, Requester: p.RequestedBy, Note: p.Note, CardURL: p.CardURL, OMSBase: b.opts.OMSWebURL,
		Timeline: p.Timeline, Mention: b.opts.SupportMention}
}

func reportFor(conv store.Conversation, sku string) (diagnostics.Report, bool) {
	var reports []diagnostics.Report
	if json.Unmarshal(conv.LastReport, &reports) != nil {
		return diagnostics.Report{}, false
	}
	for _, r := range reports {
		if r.SKU == sku {
			return r, true
		}
	}
	return diagnostics.Report{}, false
}

// packet gathers the report, the audit timeline of the SKU and the links.
func (b *Bot) packet(ctx context.Context, conv store.Conversation, r diagnostics.Report, by, note string) Packet {
	p := Packet{
		SKU: r.SKU, ProductStoreID: r.ProductStoreID, Product: r.Product, Cause: r.Cause, Causes: r.Causes,
		Summary: blocks.CauseSentence(r), RequestedBy: by, Note: note, Checks: r.Checks, Shops: r.Shops,
		CardURL: b.permalink(ctx, conv.Channel, conv.CardTS), CheckedAt: r.CheckedAt,
		Links: map[string]string{"jobManager": "https://job-manager.hotwax.io/"},
	}
	if b.opts.OMSWebURL != "" && r.Product != nil {
		p.Links["omsProduct"] = b.opts.OMSWebURL + "/commerce/control/EditProduct?productId=" + r.Product.ProductID
	}
	recs, err := b.opts.Store.AuditBySKU(ctx, r.SKU)
	if err != nil {
		b.log.Warn("audit timeline unavailable", "error", err)
	}
	for _, a := range recs {
		if a.ProductStoreID != "" && a.ProductStoreID != r.ProductStoreID {
			continue
		}
		if strings.HasPrefix(a.Action, "claim:") {
			continue
		}
		what := a.Action
		if a.Detail != "" {
			what += ": " + a.Detail
		}
		p.Timeline = append(p.Timeline, blocks.TimelineEntry{At: a.At, Who: a.Actor, What: what, Outcome: a.Outcome})
	}
	return p
}

func (b *Bot) uploadPacket(ctx context.Context, conv store.Conversation, p Packet) {
	js, _ := json.MarshalIndent(p, "", "  ")
	thread := conv.ThreadTS
	if thread == "" {
		thread = conv.CardTS
	}
	_, err := b.api.UploadFileContext(ctx, slack.UploadFileParameters{
		Channel: conv.Channel, ThreadTimestamp: thread, Filename: "escalation-" + p.SKU + ".json",
		Title: "Escalation packet for " + p.SKU, Content: string(js), FileSize: len(js),
		InitialComment: "Evidence packet for HotWax Support (no support channel is configured).",
	})
	b.metrics.observeSlack("files.upload", err, false)
	if err != nil {
		b.log.Error("packet upload failed", "conversation_id", conv.ID, "error", err)
	}
}

// webhookAttempts and webhookBackoff shape one delivery; a delivery that still fails is retried later
// by retryPendingWebhooks, so a ticket is never lost.
const (
	webhookAttempts = 3
	webhookBackoff  = 500 * time.Millisecond
	webhookRetry    = time.Minute
)

func (b *Bot) sendWebhook(ctx context.Context, p Packet) error {
	js, err := json.Marshal(p)
	if err != nil {
		return err
	}
	var last error
	wait := webhookBackoff
	for attempt := 1; attempt <= webhookAttempts; attempt++ {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, b.opts.SupportWebhook, bytes.NewReader(js))
		if err != nil {
			return err
		}
		req.Header.Set("Content-Type", "application/json")
		resp, err := b.opts.HTTPClient.Do(req)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode < 300 {
				return nil
			}
			err = fmt.Errorf("support webhook answered %s", resp.Status)
		}
		last = err
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(wait):
		}
		wait *= 2
	}
	return last
}

// retryPendingWebhooks re-sends escalations whose webhook delivery failed, until each gets through.
func (b *Bot) retryPendingWebhooks(ctx context.Context) {
	if b.opts.SupportWebhook == "" {
		return
	}
	t := time.NewTicker(b.opts.WebhookRetry)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		pending, err := b.opts.Store.PendingEscalations(ctx)
		if err != nil {
			continue
		}
		for _, e := range pending {
			b.redeliver(ctx, e)
		}
	}
}

func (b *Bot) redeliver(ctx context.Context, e store.Escalation) {
	conv, ok := b.conversationOfEscalation(ctx, e)
	if !ok {
		return
	}
	r, _ := reportFor(conv, e.SKU)
	p := b.packet(ctx, conv, r, e.OpenedBy, "")
	p.ThreadURL = b.permalink(ctx, e.Channel, e.ThreadTS)
	err := b.sendWebhook(ctx, p)
	e.Attempts++
	if err != nil {
		e.LastError = err.Error()
	} else {
		e.WebhookPending, e.LastError = false, ""
		b.audit(ctx, store.AuditRecord{Actor: "preorderbot", Action: "escalate:webhook", SKU: e.SKU, ProductStoreID: e.ProductStoreID,
			Outcome: "support ticket sent", Detail: fmt.Sprintf("after %d attempts", e.Attempts)})
		_, _ = b.post(ctx, b.log, e.Channel, e.ThreadTS, note("🎫 The support ticket was delivered."))
	}
	if err := b.opts.Store.PutEscalation(ctx, e); err != nil {
		b.log.Error("could not record webhook retry", "error", err)
	}
}

// conversationOfEscalation finds the latest conversation whose card escalated to this thread.
func (b *Bot) conversationOfEscalation(ctx context.Context, e store.Escalation) (store.Conversation, bool) {
	recs, err := b.opts.Store.AuditBySKU(ctx, e.SKU)
	if err != nil {
		return store.Conversation{}, false
	}
	for i := len(recs) - 1; i >= 0; i-- {
		if recs[i].Action == "escalate" && recs[i].ConversationID != 0 {
			c, err := b.opts.Store.Conversation(ctx, recs[i].ConversationID)
			return c, err == nil
		}
	}
	return store.Conversation{}, false
}
