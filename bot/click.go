package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/preorderbot/preorderbot/bot/blocks"
	"github.com/preorderbot/preorderbot/diagnostics"
	"github.com/preorderbot/preorderbot/store"
)

// Executor performs a remedy against the OMS; diagnostics.Executor satisfies it.
type Executor interface {
	Execute(ctx context.Context, storeID string, r diagnostics.Remedy, in diagnostics.Input) (diagnostics.Outcome, error)
}

// clicked is a button's action, loaded from the store and checked against the card it sits on.
type clicked struct {
	action store.Action
	conv   store.Conversation
	remedy diagnostics.Remedy
}

// loadAction finds a button's action and refuses, with the reason, one that is unknown, tampered,
// expired or used. Nothing changes when it refuses.
func (b *Bot) loadAction(ctx context.Context, req request, id string) (clicked, bool) {
	a, err := b.opts.Store.Action(ctx, id)
	if err != nil {
		if errors.Is(err, store.ErrNotFound) {
			b.tell(ctx, req, blocks.Note("This button is unknown to me: it may come from an old card or been altered. Run `/preorder check SKU` again."))
		} else {
			b.log.Error("action lookup failed", "error", err)
			b.tell(ctx, req, blocks.Note("I could not read this button's action from my database. Please try again."))
		}
		return clicked{}, false
	}
	conv, err := b.opts.Store.Conversation(ctx, a.ConversationID)
	if err != nil {
		b.tell(ctx, req, blocks.Note("This button's check is gone (older than the retention period). Run `/preorder check SKU` again."))
		return clicked{}, false
	}
	// A click arrives from a message; its card must be the one the action was made for.
	if req.Kind == kindClick && req.ViewID == "" && (conv.Channel != req.Channel || conv.CardTS != req.MessageTS) {
		b.log.Warn("action used on a foreign card", "action", a.ID, "channel", req.Channel, "ts", req.MessageTS)
		b.tell(ctx, req, blocks.Note("This button does not belong to this card, so I did nothing."))
		return clicked{}, false
	}
	if req.Kind == kindClick && a.Kind != diagnostics.RemedyRecheck && a.Params["v"] != "" && a.Params["v"] != strconv.Itoa(conv.CardVersion) {
		b.tell(ctx, req, blocks.Note("This button is from an earlier version of this card, so I did nothing. Use the buttons the card shows now."))
		return clicked{}, false
	}
	// A re-check changes nothing, so an old Re-check button still works.
	if a.Kind != diagnostics.RemedyRecheck && !a.ExpiresAt.IsZero() && !b.now().Before(a.ExpiresAt) {
		b.tell(ctx, req, blocks.Note(fmt.Sprintf("This button expired at %s. Press Re-check for fresh buttons.", slackTime(a.ExpiresAt))))
		return clicked{}, false
	}
	if a.UsedBy != "" && a.Kind != diagnostics.RemedyRecheck {
		b.tell(ctx, req, blocks.Note(fmt.Sprintf("<@%s> already used this button at %s. Press Re-check for the current state.", a.UsedBy, slackTime(a.UsedAt))))
		return clicked{}, false
	}
	c := clicked{action: a, conv: conv}
	if js := a.Params["remedy"]; js != "" {
		if err := json.Unmarshal([]byte(js), &c.remedy); err != nil {
			b.tell(ctx, req, blocks.Note("This button's stored action no longer reads; press Re-check."))
			return clicked{}, false
		}
	}
	c.remedy.Kind = a.Kind
	return c, true
}

func (b *Bot) handleClick(ctx context.Context, req request) {
	if !strings.HasPrefix(req.ActionID, "preorder.") || req.Value == "" {
		return // link buttons and other elements need only the ack
	}
	c, ok := b.loadAction(ctx, req, req.Value)
	if !ok {
		return
	}
	switch c.action.Kind {
	case diagnostics.RemedyRecheck:
		b.recheck(ctx, c.conv, req.User, "", true)
	case diagnostics.RemedyEscalate:
		dest, thread := b.escalationTarget(ctx, c)
		b.openModal(ctx, req, blocks.EscalateModal(blocks.EscalateForm{
			SKU: c.action.Params["sku"], Cause: c.action.Params["cause"], Destination: dest, ThreadURL: thread,
			Note: c.remedy.Params["note"], PrivateMetadata: c.action.ID,
		}))
	case diagnostics.RemedyScheduleJob:
		if b.authorise(ctx, req, c) {
			limit, _ := strconv.Atoi(c.remedy.Params["limit"])
			b.openModal(ctx, req, blocks.ScheduleModal(blocks.ScheduleForm{
				Remedy: c.remedy, SKU: c.action.Params["sku"], Frequencies: b.freqs.get(),
				FirstRun: b.now().Add(time.Minute).Truncate(time.Minute), Limit: limit, PrivateMetadata: c.action.ID,
			}))
		}
	case diagnostics.RemedyLinkProduct:
		if b.authorise(ctx, req, c) {
			r, _ := reportFor(c.conv, c.action.Params["sku"])
			form := blocks.LinkForm{SKU: r.SKU, Shops: r.Shops, Selected: c.remedy.ShopID, PrivateMetadata: c.action.ID}
			if r.Product != nil {
				form.ProductID, form.ProductName = r.Product.ProductID, r.Product.Name
			}
			b.openModal(ctx, req, blocks.LinkModal(form))
		}
	case diagnostics.RemedyEnableJob, diagnostics.RemedyRunJob:
		// The button's confirm dialog was the confirmation.
		if b.authorise(ctx, req, c) {
			b.remediate(ctx, req, c, diagnostics.Input{Frequency: c.remedy.Frequency})
		}
	default:
		b.tell(ctx, req, blocks.Note("I don't know this kind of button ("+c.action.Kind+")."))
	}
}

// missingShops lists the shops a link modal offers: connected shops the report shows unlinked.
func missingShops(c clicked) []diagnostics.ShopFacts {
	r, ok := reportFor(c.conv, c.action.Params["sku"])
	if !ok {
		return nil
	}
	var out []diagnostics.ShopFacts
	for _, s := range r.Shops {
		if s.Role != diagnostics.RoleDisconnected && !s.Linked {
			out = append(out, s)
		}
	}
	return out
}

// authorise checks the clicking user now, not when the card was drawn, and audits a refusal.
func (b *Bot) authorise(ctx context.Context, req request, c clicked) bool {
	ok, err := b.auth.allowed(ctx, req.User)
	if err != nil {
		b.log.Warn("operator groups unreadable; refusing", "error", err)
	}
	if ok {
		return true
	}
	b.audit(ctx, store.AuditRecord{
		Actor: req.User, Action: "refused:" + c.action.Kind, ConversationID: c.conv.ID, SKU: c.action.Params["sku"],
		ProductStoreID: c.conv.ProductStoreID, Card: &store.MessageRef{Channel: c.conv.Channel, TS: c.conv.CardTS},
		Outcome: "not an operator", Detail: c.remedy.Label,
	})
	b.metrics.observeRemedy(c.action.Kind, "refused")
	b.tell(ctx, req, blocks.Note(fmt.Sprintf(refusal, req.User)))
	return false
}

func (b *Bot) openModal(ctx context.Context, req request, view slack.ModalViewRequest) {
	_, err := b.api.OpenViewContext(ctx, req.TriggerID, view)
	b.metrics.observeSlack("views.open", err, false)
	if err != nil {
		b.log.Error("views.open failed", "error", err)
		b.tell(ctx, req, blocks.Note("I could not open the form (Slack said "+err.Error()+"). Press the button again."))
	}
}

// slackTime renders a time that each reader sees in their own time zone.
func slackTime(t time.Time) string {
	return fmt.Sprintf("<!date^%d^{date_short_pretty} {time}|%s>", t.Unix(), t.UTC().Format("2006-01-02 15:04 UTC"))
}
