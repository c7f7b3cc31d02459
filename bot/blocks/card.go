package blocks

import (
	"cmp"
	"fmt"
	"strings"
	"time"

	"github.com/preorderbot/preorderbot/diagnostics"
	"github.com/slack-go/slack"
)

// CardMeta is what the final card needs beyond the report: who asked, the opaque action ids the bot
// created for the buttons, and the living state of the conversation (remedies in progress, outcomes,
// escalation, changes since the last check).
type CardMeta struct {
	Requester string // Slack user id of who asked

	// Remedies[i] is the button of Report.Remedies[i]. A remedy without one, or without an action id,
	// gets no button: the bot could not route its click.
	Remedies []RemedyButton
	// RecheckID is the action id of the Re-check button; when empty a recheck remedy's id is used.
	RecheckID string
	// EscalateID offers an Escalate button when the report has no escalate remedy.
	EscalateID string

	Fixes         []FixUnderway // the fixes under way, one status line each
	Escalated     *Escalated    // the last escalation sent from the card, shown after the fixes' lines
	Status        string        // lasting lines stored before they were stored as facts (mrkdwn), shown as they are
	Outcome       string        // who did what, when, and what the OMS answered (mrkdwn)
	EscalationURL string        // permalink of the support thread
	Changes       []string      // what changed since the last check, one line each (plain text)
	// Fixing holds the checks with a fix under way: true when all of the check's fixes are, false when
	// some are. The card shows them as being fixed.
	Fixing map[diagnostics.CheckID]bool
}

// RemedyButton is what a remedy's button carries beside the remedy itself.
type RemedyButton struct {
	ActionID string // the opaque action id sent as the button value
}

// Card renders the final card of one SKU: verdict, per-shop matrix, checks, buttons and context.
func Card(r diagnostics.Report, meta CardMeta) Message {
	if r.Cause == diagnostics.CauseOMSUnavailable {
		return unavailableCard(r, meta)
	}
	r, fixingAll := underWay(r, meta.Fixing)
	blocks := []slack.Block{cardHeader(r), verdict(r, fixingAll)}
	if others := otherCauses(r); len(others) > 0 {
		blocks = append(blocks, packSections("causes", "*Also applies:*", others)...)
	}
	if lines := failureLines(r.Failures); len(lines) > 0 {
		blocks = append(blocks, packSections("failures", "*Could not read, so some checks are unknown*", lines)...)
	}
	if lines := jobFailureLines(r); len(lines) > 0 {
		blocks = append(blocks, packSections("failed-runs", "*Why the job fails*", lines)...)
	}
	blocks = append(blocks, liveLines(meta)...)
	blocks = append(blocks, slack.NewDividerBlock())
	if r.Cause == diagnostics.CauseUnknownSKU {
		blocks = append(blocks, section("similar", similarSKUs(r)))
	} else if lines := shopLines(r.Shops); len(lines) > 0 { // an unknown SKU is linked nowhere: no news
		blocks = append(blocks, packSections("shops", "*Shops*", lines)...)
	}
	blocks = append(blocks, packSections("checks", "*Checks*", checkLines(r.Checks))...)
	if len(meta.Changes) > 0 {
		blocks = append(blocks, packSections("changes", "*What changed since the last check*", bullets(meta.Changes))...)
	}
	blocks = append(blocks, remedyBlocks(r, meta)...)
	blocks = append(blocks, askedBy(r, meta.Requester))
	return newMessage(r.SKU+": "+causeSentence(r.Cause, r), blocks)
}

func cardHeader(r diagnostics.Report) *slack.HeaderBlock {
	title := reportEmoji(r) + " " + r.SKU
	if r.Product != nil && r.Product.Name != "" {
		title += " · " + r.Product.Name
	}
	return header("header", title)
}

// verdict states the most likely cause first; that sentence is the answer the operator came for.
func verdict(r diagnostics.Report, fixing bool) *slack.SectionBlock {
	lead := "*Most likely cause:* "
	switch {
	case fixing:
		lead = "*Fix under way for:* "
	case r.Cause == diagnostics.CauseHealthy:
		lead = "*All good:* "
	case r.Cause == diagnostics.CauseIncomplete:
		lead = "*Could not check everything:* "
	}
	return section("verdict", lead+causeSentence(r.Cause, r)+"\nStore `"+escape(r.ProductStoreID)+"`")
}

// otherCauses lists the causes after the first, one bullet each.
func otherCauses(r diagnostics.Report) []string {
	var lines []string
	for _, c := range r.Causes {
		if c == r.Cause || c == diagnostics.CauseHealthy {
			continue
		}
		lines = append(lines, "• "+causeSentence(c, r))
	}
	return lines
}

// liveLines are the optional status, outcome and escalation lines the bot keeps current.
func liveLines(meta CardMeta) []slack.Block {
	var out []slack.Block
	status := statusText(meta)
	if status != "" {
		out = append(out, contextLine("status", status))
	}
	if meta.Outcome != "" {
		out = append(out, section("outcome", meta.Outcome))
	}
	if meta.EscalationURL != "" && !strings.Contains(status, meta.EscalationURL) { // one escalation line, not two
		out = append(out, contextLine("escalation", "📨 Escalated to HotWax Support: <"+meta.EscalationURL+"|support thread>"))
	}
	return out
}

// similarSKUs suggests the store's SKUs closest to an unknown one, for a typo or the wrong case.
func similarSKUs(r diagnostics.Report) string {
	if len(r.SimilarSKUs) == 0 {
		return "No SKU of store `" + escape(r.ProductStoreID) + "` looks like `" + escape(r.SKU) + "`. SKUs are case-sensitive: copy it from the product page."
	}
	codes := make([]string, len(r.SimilarSKUs))
	for i, s := range r.SimilarSKUs {
		codes[i] = "`" + escape(s) + "`"
	}
	return "*Did you mean* " + strings.Join(codes, ", ") + "? SKUs are case-sensitive."
}

// shopLines is the per-shop matrix: role, linked?, listing status, last sync.
func shopLines(shops []diagnostics.ShopFacts) []string {
	lines := make([]string, 0, len(shops))
	for _, s := range shops {
		if s.Role == diagnostics.RoleDisconnected {
			lines = append(lines, fmt.Sprintf("*%s* `%s` · ⚪ disconnected: HotWax has no access to this shop",
				escape(shopName(s)), escape(s.ShopID)))
			continue
		}
		facts := "✅ linked · " + escape(cmp.Or(s.Listing, "No listing data"))
		if !s.Linked {
			facts = "❌ not linked"
			if s.Listing != "" && s.Listing != diagnostics.ListingNotLinked { // else it says "not linked" twice
				facts += " · " + escape(s.Listing)
			}
		}
		lines = append(lines, fmt.Sprintf("*%s* `%s` · %s · %s · last sync %s",
			escape(shopName(s)), escape(s.ShopID), s.Role, facts, slackDate(s.LastSync)))
	}
	return lines
}

// checkLines shows each check's status and one-line summary, in the guide's order.
func checkLines(checks []diagnostics.Check) []string {
	lines := make([]string, 0, len(checks))
	for _, c := range checks {
		line := statusEmoji(c.Status) + " *" + checkTitle(c.ID) + "*"
		if c.Summary != "" {
			line += " — " + escape(truncate(oneLine(c.Summary), 300))
		}
		lines = append(lines, line)
	}
	return lines
}

func bullets(items []string) []string {
	lines := make([]string, 0, len(items))
	for _, it := range items {
		lines = append(lines, "• "+escape(oneLine(it)))
	}
	return lines
}

// askedBy is the context line: who asked, when, and what the check cost.
func askedBy(r diagnostics.Report, requester string) *slack.ContextBlock {
	text := fmt.Sprintf("Asked by %s · checked %s · %d OMS calls in %s",
		userMention(requester), slackDate(r.CheckedAt), r.OMSCalls, elapsed(r.Elapsed))
	return contextLine("context", text)
}

func elapsed(d diagnostics.Duration) string {
	return time.Duration(d).Round(time.Millisecond).String()
}
