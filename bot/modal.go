package bot

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/preorderbot/preorderbot/bot/blocks"
	"github.com/preorderbot/preorderbot/diagnostics"
	"github.com/preorderbot/preorderbot/store"
)

// validateSubmission checks a modal's inputs before the ack, because Slack shows inline errors only
// from the ack. It returns nil when the modal may close.
func (b *Bot) validateSubmission(ctx context.Context, req request) *slack.ViewSubmissionResponse {
	errs := map[string]string{}
	// The button behind the modal may have been used or expired while it was open: say so in the modal.
	if block, ok := firstInput[req.CallbackID]; ok {
		if problem := b.actionProblem(ctx, req.Metadata); problem != "" {
			return slack.NewErrorsViewSubmissionResponse(map[string]string{block: problem})
		}
	}
	switch req.CallbackID {
	case blocks.CallbackSchedule:
		v := req.Values
		if f := v[blocks.BlockScheduleFrequency][blocks.ActionScheduleFrequency]; !slices.Contains(b.freqs.get(), f) {
			errs[blocks.BlockScheduleFrequency] = "Pick one of the OMS's frequencies."
		}
		if l := strings.TrimSpace(v[blocks.BlockScheduleLimit][blocks.ActionScheduleLimit]); l != "" {
			if n, err := strconv.Atoi(l); err != nil || n < 1 || n > 10000 {
				errs[blocks.BlockScheduleLimit] = "The limit is a whole number from 1 to 10000."
			}
		}
		if t, ok := firstRun(v); ok && t.Before(b.now().Add(-5*time.Minute)) {
			errs[blocks.BlockScheduleFirstRun] = "The first run is in the past; pick a time from now on."
		}
	case blocks.CallbackLink:
		v := req.Values
		shop := v[blocks.BlockLinkShop][blocks.ActionLinkShop]
		if a, err := b.opts.Store.Action(ctx, req.Metadata); err == nil {
			conv, _ := b.opts.Store.Conversation(ctx, a.ConversationID)
			if !shopOffered(missingShops(clicked{action: a, conv: conv}), shop) {
				errs[blocks.BlockLinkShop] = "Pick one of the shops missing the link."
			}
		}
		if !diagnostics.ShopifyID(strings.TrimSpace(v[blocks.BlockLinkVariant][blocks.ActionLinkVariant])) {
			errs[blocks.BlockLinkVariant] = "The Shopify variant id is a number, like 44596467138724 (the end of the variant's admin URL)."
		}
		if !diagnostics.ShopifyID(strings.TrimSpace(v[blocks.BlockLinkInventoryItem][blocks.ActionLinkInventoryItem])) {
			errs[blocks.BlockLinkInventoryItem] = "The inventory item id is a number, like 46447064219812."
		}
	case blocks.CallbackEscalate:
		if n := len([]rune(req.Values[blocks.BlockEscalateNote][blocks.ActionEscalateNote])); n > 2000 {
			errs[blocks.BlockEscalateNote] = fmt.Sprintf("Keep the note under 2000 characters (it has %d).", n)
		}
	}
	if len(errs) == 0 {
		return nil
	}
	return slack.NewErrorsViewSubmissionResponse(errs)
}

// firstInput is where a modal shows a problem with the action itself rather than with one input.
var firstInput = map[string]string{
	blocks.CallbackSchedule: blocks.BlockScheduleFrequency,
	blocks.CallbackLink:     blocks.BlockLinkShop,
	blocks.CallbackEscalate: blocks.BlockEscalateNote,
}

// actionProblem says why a modal's action can no longer run, or "" when it can.
func (b *Bot) actionProblem(ctx context.Context, id string) string {
	a, err := b.opts.Store.Action(ctx, id)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return "This form's button is unknown to me; close it and use the card's buttons."
	case err != nil:
		return "I could not read this form's action from my database; please submit again."
	case a.UsedBy != "":
		return fmt.Sprintf("%s already did this at %s; close the form and press Re-check.", userName(a.UsedBy), a.UsedAt.UTC().Format("15:04 UTC"))
	case !a.ExpiresAt.IsZero() && !b.now().Before(a.ExpiresAt):
		return "This form's button expired; close it and press Re-check for fresh buttons."
	}
	return ""
}

// userName is how a modal's plain-text error names a user (mentions do not render there).
func userName(id string) string { return "User " + id }

func shopOffered(shops []diagnostics.ShopFacts, id string) bool {
	for _, s := range shops {
		if s.ShopID == id {
			return true
		}
	}
	return false
}

// firstRun reads the modal's first-run picker (unix seconds).
func firstRun(v map[string]map[string]string) (time.Time, bool) {
	s := v[blocks.BlockScheduleFirstRun][blocks.ActionScheduleFirstRun]
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		return time.Time{}, false
	}
	return time.Unix(n, 0), true
}

func (b *Bot) handleSubmission(ctx context.Context, req request) {
	if req.Rejected {
		return // the ack showed the errors and the modal stayed open
	}
	// A modal has no channel: answers go where its card is, found before anything can be refused.
	if a, err := b.opts.Store.Action(ctx, req.Metadata); err == nil {
		if conv, err := b.opts.Store.Conversation(ctx, a.ConversationID); err == nil {
			req.Channel = conv.Channel
		}
	}
	c, ok := b.loadAction(ctx, req, req.Metadata)
	if !ok {
		return
	}
	v := req.Values
	switch req.CallbackID {
	case blocks.CallbackEscalate:
		b.escalate(ctx, req, c, strings.TrimSpace(v[blocks.BlockEscalateNote][blocks.ActionEscalateNote]))
	case blocks.CallbackSchedule:
		if !b.authorise(ctx, req, c) {
			return
		}
		in := diagnostics.Input{Frequency: v[blocks.BlockScheduleFrequency][blocks.ActionScheduleFrequency]}
		if l := strings.TrimSpace(v[blocks.BlockScheduleLimit][blocks.ActionScheduleLimit]); l != "" {
			in.Limit = l
		}
		if t, ok := firstRun(v); ok {
			in.FirstRun = t
		}
		b.remediate(ctx, req, c, in)
	case blocks.CallbackLink:
		if !b.authorise(ctx, req, c) {
			return
		}
		c.remedy.ShopID = v[blocks.BlockLinkShop][blocks.ActionLinkShop]
		for _, s := range missingShops(c) {
			if s.ShopID == c.remedy.ShopID {
				c.remedy.ShopName = s.Name
			}
		}
		b.remediate(ctx, req, c, diagnostics.Input{
			ProductID:       c.action.Params["productId"],
			VariantID:       strings.TrimSpace(v[blocks.BlockLinkVariant][blocks.ActionLinkVariant]),
			InventoryItemID: strings.TrimSpace(v[blocks.BlockLinkInventoryItem][blocks.ActionLinkInventoryItem]),
		})
	}
}
