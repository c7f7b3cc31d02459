package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
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
	Cause          diagnostics.Cause       `json:"cause"`
	Causes         []diagnostics.Cause     `json:"causes"`
	Summary        string                  `json:"summary"`
	RequestedBy    string                  `json:"requestedBy"`
	Note           string                  `json:"note,omitempty"`
	Checks         []diagnostics.Check     `json:"checks"`
	Shops          []diagnostics.ShopFacts `json:"shops"`
	Failures       []diagnostics.Failure   `json:"failures,omitempty"` // OMS calls that failed, each once
	Timeline       []blocks.TimelineEntry  `json:"timeline"`
	CardURL        string                  `json:"cardUrl,omitempty"`
	ThreadURL      string                  `json:"threadUrl,omitempty"`
	Links          map[string]string       `json:"links"`
	CheckedAt      time.Time               `json:"checkedAt"`
}

// escalationTarget tells the escalate modal where the escalation goes. It makes no Slack call: the modal
// must open within the click's 3 s.
func (b *Bot) escalationTarget(ctx context.Context, c clicked) blocks.EscalationTarget {
	t := blocks.EscalationTarget{SupportChannel: b.opts.SupportChannel, Webhook: b.opts.SupportWebhook != ""}
	if t.SupportChannel == "" {
		return t
	}
	fp := store.Fingerprint{ProductStoreID: c.conv.ProductStoreID, SKU: c.action.Params["sku"], Cause: c.action.Params["cause"]}
	if e, err := b.opts.Store.Escalation(ctx, fp); err == nil && e.ThreadTS != "" {
		t.ThreadChannel, t.ThreadBy = e.Channel, e.OpenedBy
	}
	return t
}

// escalate opens (or appends to) the support thread of the report's store, SKU and cause, links it from
// the card, and hands the packet to the support webhook when one is set.
func (b *Bot) escalate(ctx context.Context, req request, c clicked, userNote string) {
	log := b.log.With("conversation_id", c.conv.ID)
	sku := c.action.Params["sku"]
	if _, ok := reportFor(c.conv, sku); !ok {
		b.tell(ctx, req, blocks.Note(blocks.Canned(blocks.NoReportToEscalate)))
		return
	}
	card := &store.MessageRef{Channel: c.conv.Channel, TS: c.conv.CardTS}
	intent := store.EscalationIntent{SKU: sku, By: req.User, Note: userNote, At: b.now()}
	// The claim and the intent commit together: from here a crash cannot lose the escalation.
	_, _, err := b.opts.Store.ClaimActionOn(ctx, c.action.ID, req.User, intent.At, &store.AuditRecord{
		Actor: req.User, Action: "claim:escalate", ConversationID: c.conv.ID, SKU: sku, ProductStoreID: c.conv.ProductStoreID, Card: card,
	}, func(cv *store.Conversation) error {
		cv.Escalating = &intent
		return nil
	})
	var used *store.UsedError
	switch {
	case errors.As(err, &used):
		b.tell(ctx, req, blocks.Note(blocks.Refused(blocks.Refusal{Why: blocks.UsedEscalate, Pressed: blocks.Pressed{By: used.By, At: used.At}})))
		return
	case errors.Is(err, store.ErrActionExpired):
		b.tell(ctx, req, blocks.Note(blocks.Refused(blocks.Refusal{Why: blocks.Expired})))
		return
	case err != nil:
		log.Error("claim failed", "error", err)
		b.tell(ctx, req, blocks.Note(blocks.Canned(blocks.UnrecordedEscalation)))
		return
	}
	b.settle(req)
	if b.opts.SupportChannel == "" {
		b.tell(ctx, req, blocks.Note(blocks.Canned(blocks.NoSupportChannel)))
	}
	if err := b.sendEscalation(ctx, c.conv.ID, intent); err != nil {
		b.tell(ctx, req, blocks.Note(blocks.SupportPostFailed(shortErr(err))))
	}
}

// sendEscalation carries out an escalation intent: the support thread (or the packet as a file when no
// support channel is set), the evidence packet, the webhook ticket and the card's status line. It runs
// again at start for an intent a crash left, so each step tolerates having been done already.
func (b *Bot) sendEscalation(ctx context.Context, convID uint64, intent store.EscalationIntent) error {
	// Sending finishes even if shutdown begins: the claim is taken, the escalation must go out.
	ctx, cancel := b.finishing(ctx, finishTimeout+webhookBudget)
	defer cancel()
	log := b.log.With("conversation_id", convID)
	conv, err := b.opts.Store.Conversation(ctx, convID)
	if err != nil {
		return err
	}
	done := func(sent *store.Escalated) {
		if _, err := b.opts.Store.UpdateConversation(ctx, convID, func(cv *store.Conversation) error {
			cv.Escalating = nil
			if sent != nil {
				cv.Escalated = sent
			}
			return nil
		}); err != nil {
			log.Error("could not record the escalation", "error", err)
		}
	}
	report, _ := reportFor(conv, intent.SKU)
	card := &store.MessageRef{Channel: conv.Channel, TS: conv.CardTS}
	packet := b.packet(ctx, conv, report, intent.By, intent.Note)

	if b.opts.SupportChannel == "" {
		b.uploadPacket(ctx, conv, packet)
		b.audit(ctx, store.AuditRecord{Actor: intent.By, Action: "escalate", ConversationID: convID, SKU: intent.SKU,
			ProductStoreID: conv.ProductStoreID, Card: card, Outcome: "packet file (no support channel)", Detail: intent.Note})
		done(nil)
		return nil
	}

	esc, isNew, err := b.supportThread(ctx, conv, report, packet, intent.By, intent.Note)
	if err != nil {
		log.Error("support thread failed", "error", err)
		done(nil)
		b.redraw(ctx, convID, "") // a fresh Escalate button
		return err
	}
	packet.ThreadURL = b.permalink(ctx, esc.Channel, esc.ThreadTS)
	for _, m := range blocks.EscalationPacket(b.escalationView(report, packet)) {
		if _, err := b.post(ctx, log, esc.Channel, esc.ThreadTS, m); err != nil {
			break
		}
	}
	b.metrics.observeEscalation(isNew)

	outcome := "thread " + esc.Channel + "/" + esc.ThreadTS
	sent := &store.Escalated{By: intent.By, At: intent.At}
	if b.opts.SupportWebhook != "" {
		sent.Ticket = store.TicketPending
		if b.deliver(ctx, esc.Fingerprint, packet, convID) {
			sent.Ticket = store.TicketSent
		}
		outcome += "; support ticket " + sent.Ticket
	}
	if _, err := b.opts.Store.UpdateConversation(ctx, convID, func(cv *store.Conversation) error {
		cv.EscalationThread = &store.MessageRef{Channel: esc.Channel, TS: esc.ThreadTS, URL: packet.ThreadURL}
		return nil
	}); err != nil {
		log.Error("could not link the escalation", "error", err)
	}
	done(sent)
	b.audit(ctx, store.AuditRecord{Actor: intent.By, Action: "escalate", ConversationID: convID, SKU: intent.SKU,
		ProductStoreID: conv.ProductStoreID, Card: card, Outcome: outcome, Detail: intent.Note})
	b.redraw(ctx, convID, "")
	b.postThread(ctx, conv, blocks.Note(blocks.EscalatedNote(intent.By, packet.ThreadURL, esc.Channel)))
	return nil
}

// supportThread finds the thread of the report's store, SKU and cause, or opens it. The fingerprint is
// reserved in the store before the summary is posted, under one lock, so two escalations at once open
// one thread; a reservation left by a crash (no thread yet) is completed by the next escalation.
func (b *Bot) supportThread(ctx context.Context, conv store.Conversation, report diagnostics.Report, packet Packet, by, userNote string) (store.Escalation, bool, error) {
	fp := store.Fingerprint{ProductStoreID: conv.ProductStoreID, SKU: report.SKU, Cause: string(report.Cause)}
	unlock := b.locks.lock("escalation/" + fp.Key()) // held across the post: other fingerprints go on
	defer unlock()
	esc, reserved, err := b.opts.Store.OpenEscalation(ctx, store.Escalation{
		Fingerprint: fp, Channel: b.opts.SupportChannel, OpenedBy: by, OpenedAt: b.now(), Status: "open", ConversationID: conv.ID,
	})
	if err != nil {
		return store.Escalation{}, false, err
	}
	if esc.ThreadTS != "" {
		_, err := b.post(ctx, b.log, esc.Channel, esc.ThreadTS, blocks.Note(blocks.EscalatedAgain(by, userNote)))
		return esc, false, err
	}
	// The summary's client message id comes from the reservation, so the summary of a reservation a
	// stopped process left is found, not posted twice.
	key := fmt.Sprintf("escalation-%s-%d", fp.Key(), esc.OpenedAt.UnixNano())
	ts := ""
	if !reserved {
		if ts, err = b.findLanded(ctx, esc.Channel, "", key, esc.OpenedAt); err != nil {
			return store.Escalation{}, false, err
		}
	}
	if ts == "" {
		ts, err = b.postOnce(ctx, b.log, esc.Channel, "", key, esc.OpenedAt, blocks.EscalationSummary(b.escalationView(report, packet)))
		if err != nil {
			return store.Escalation{}, false, err
		}
	}
	b.escMu.Lock() // the outbox fields are escMu's
	defer b.escMu.Unlock()
	if cur, err := b.opts.Store.Escalation(ctx, fp); err == nil {
		esc = cur
	}
	esc.ThreadTS, esc.ConversationID = ts, conv.ID
	return esc, true, b.opts.Store.PutEscalation(ctx, esc)
}

func (b *Bot) escalationView(r diagnostics.Report, p Packet) blocks.Escalation {
	return blocks.Escalation{Report: r, Requester: p.RequestedBy, Note: p.Note, CardURL: p.CardURL, OMSBase: b.opts.OMSWebURL,
		Timeline: p.Timeline, Mention: b.opts.SupportMention}
}

// lastReports decodes the reports the conversation's card shows; nil when it has none yet.
func lastReports(conv store.Conversation) []diagnostics.Report {
	var reports []diagnostics.Report
	if json.Unmarshal(conv.LastReport, &reports) != nil {
		return nil
	}
	return reports
}

func reportFor(conv store.Conversation, sku string) (diagnostics.Report, bool) {
	for _, r := range lastReports(conv) {
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
		Summary: blocks.CauseSentence(r), RequestedBy: by, Note: note, Checks: r.Checks, Shops: r.Shops, Failures: r.Failures,
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
	words := blocks.PacketFile(p.SKU)
	_, err := b.api.UploadFileContext(ctx, slack.UploadFileParameters{
		Channel: conv.Channel, ThreadTimestamp: thread, Filename: "escalation-" + p.SKU + ".json",
		Title: words.Title, Content: string(js), FileSize: len(js), InitialComment: words.Comment,
	})
	b.metrics.observeSlack("files.upload", err, false)
	if err != nil {
		b.log.Error("packet upload failed", "conversation_id", conv.ID, "error", err)
	}
}

// webhookAttempts and webhookBackoff shape one delivery; a delivery that still fails stays in the
// escalation's outbox and retryPendingWebhooks sends it again, so a ticket is never lost.
const (
	webhookAttempts = 3
	webhookBackoff  = 500 * time.Millisecond
	webhookTimeout  = 10 * time.Second
	webhookBudget   = webhookAttempts*webhookTimeout + 4*webhookBackoff
)

// deliver puts the packet in the escalation's outbox before the first attempt, so a crash mid-delivery
// leaves it pending, then sends it. It reports whether the ticket got through.
func (b *Bot) deliver(ctx context.Context, fp store.Fingerprint, p Packet, convID uint64) bool {
	js, err := json.Marshal(p)
	if err != nil {
		b.log.Error("could not encode the support packet", "error", err)
		return false
	}
	b.escMu.Lock()
	esc, err := b.opts.Store.Escalation(ctx, fp)
	if err == nil {
		esc.Packet, esc.WebhookPending, esc.ConversationID = js, true, convID
		esc.PacketGen++ // a newer packet replaces one still pending: it carries the same case, later
		err = b.opts.Store.PutEscalation(ctx, esc)
	}
	busy := b.delivering[fp.Key()]
	b.delivering[fp.Key()] = true // one delivery at a time per ticket
	b.escMu.Unlock()
	if err != nil {
		b.log.Error("could not queue the support ticket", "error", err)
		if !busy {
			b.escMu.Lock()
			delete(b.delivering, fp.Key())
			b.escMu.Unlock()
		}
		return false
	}
	if busy {
		return false // a delivery is running; the retry loop sends the newer packet after it
	}
	err = b.sendWebhook(ctx, js)
	b.recordDelivery(ctx, fp, esc.PacketGen, err)
	return err == nil
}

// recordDelivery notes an attempt's result for packet generation gen; a delivered packet leaves the
// outbox unless a newer one replaced it meanwhile.
func (b *Bot) recordDelivery(ctx context.Context, fp store.Fingerprint, gen int, sendErr error) store.Escalation {
	b.escMu.Lock()
	defer b.escMu.Unlock()
	delete(b.delivering, fp.Key())
	esc, err := b.opts.Store.Escalation(ctx, fp)
	if err != nil {
		b.log.Error("could not read the escalation", "error", err)
		return esc
	}
	esc.Attempts++
	switch {
	case sendErr != nil:
		esc.LastError = sendErr.Error()
	case esc.PacketGen == gen:
		esc.WebhookPending, esc.LastError, esc.Packet = false, "", nil
	}
	if err := b.opts.Store.PutEscalation(ctx, esc); err != nil {
		b.log.Error("could not record the support ticket's delivery", "error", err)
	}
	return esc
}

// sendWebhook POSTs the packet, retrying with backoff. Its errors never quote the webhook's URL, which
// may carry a secret: they end up in the audit trail and on cards.
func (b *Bot) sendWebhook(ctx context.Context, packet []byte) error {
	var last error
	wait := webhookBackoff
	for attempt := 1; attempt <= webhookAttempts; attempt++ {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, b.opts.SupportWebhook, bytes.NewReader(packet))
		if err != nil {
			return errors.New("the support webhook URL is not valid")
		}
		req.Header.Set("Content-Type", "application/json")
		resp, err := b.webhook.Do(req)
		switch {
		case err != nil:
			var ue *url.Error
			if errors.As(err, &ue) {
				err = ue.Err
			}
			last = fmt.Errorf("could not reach the support webhook: %w", err)
		case resp.StatusCode < 300:
			resp.Body.Close()
			return nil
		default:
			resp.Body.Close()
			last = fmt.Errorf("the support webhook answered %s", resp.Status)
		}
		select {
		case <-ctx.Done():
			return last
		case <-time.After(wait):
		}
		wait *= 2
	}
	return last
}

// retryPendingWebhooks re-sends the tickets left in the outbox, until each gets through.
func (b *Bot) retryPendingWebhooks(ctx context.Context) {
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
			b.log.Error("could not list pending support tickets", "error", err)
			continue
		}
		for _, e := range pending {
			b.redeliver(ctx, e)
		}
	}
}

func (b *Bot) redeliver(ctx context.Context, listed store.Escalation) {
	b.escMu.Lock()
	busy := b.delivering[listed.Key()]
	e, err := b.opts.Store.Escalation(ctx, listed.Fingerprint) // the newest packet, read under the lock
	if busy || err != nil || ctx.Err() != nil || !e.WebhookPending {
		b.escMu.Unlock()
		return
	}
	b.delivering[e.Key()] = true
	b.escMu.Unlock()
	if len(e.Packet) == 0 {
		b.log.Error("pending support ticket has no packet; dropping it", "escalation", e.Key())
		b.recordDelivery(ctx, e.Fingerprint, e.PacketGen, nil)
		return
	}
	err = b.sendWebhook(ctx, e.Packet)
	e = b.recordDelivery(ctx, e.Fingerprint, e.PacketGen, err)
	if err != nil {
		b.log.Warn("support ticket still pending", "escalation", e.Key(), "attempts", e.Attempts, "error", err)
		return
	}
	b.audit(ctx, store.AuditRecord{Actor: "preorderbot", Action: "escalate:webhook", SKU: e.SKU, ProductStoreID: e.ProductStoreID,
		ConversationID: e.ConversationID, Outcome: "support ticket sent", Detail: fmt.Sprintf("after %d attempts", e.Attempts)})
	_, _ = b.post(ctx, b.log, e.Channel, e.ThreadTS, blocks.Note(blocks.Canned(blocks.TicketDelivered)))
	if e.ConversationID == 0 {
		return
	}
	if _, err := b.opts.Store.UpdateConversation(ctx, e.ConversationID, func(c *store.Conversation) error {
		sent := store.Escalated{By: e.OpenedBy, At: e.OpenedAt} // for a card escalated before escalations were facts
		if c.Escalated != nil {
			sent = *c.Escalated
		}
		sent.Ticket = store.TicketSent
		c.Escalated = &sent
		return nil
	}); err == nil {
		b.redraw(ctx, e.ConversationID, "")
	}
}
