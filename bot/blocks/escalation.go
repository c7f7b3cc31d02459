package blocks

import (
	"cmp"
	"strings"
	"time"

	"github.com/preorderbot/preorderbot/diagnostics"
	"github.com/slack-go/slack"
)

// Escalation is a case handed to HotWax Support: the report, who asked and why, and what was already done.
type Escalation struct {
	Report    diagnostics.Report
	Requester string // Slack user id
	Note      string // the requester's note, may be empty
	CardURL   string // permalink of the card in the operators' channel
	OMSBase   string // OMS web address for product links
	Timeline  []TimelineEntry
	// Mention is who Support wants notified of a new thread, in Slack's own syntax (<@U…>, <!subteam^S…>);
	// it is configuration, not user input, so it is not escaped.
	Mention string
}

// TimelineEntry is one step already taken, from the audit log.
type TimelineEntry struct {
	At      time.Time
	Who     string // Slack user id
	What    string // "Scheduled “Associate Products with Sub Catalog” for Acme CA (HOURLY, limit 100)"
	Outcome string // "OMS answered job M100500", "failed: …"
}

// EscalationSummary is the message that opens the support thread: enough for Support to triage without
// opening anything else.
func EscalationSummary(e Escalation) Message {
	r := e.Report
	product := "unknown"
	if r.Product != nil {
		product = escape(r.Product.Name) + " (`" + escape(r.Product.ProductID) + "`)"
	}
	affected := affectedShops(r)
	fields := []*slack.TextBlockObject{
		mrkdwn("*SKU*\n" + escape(r.SKU)),
		mrkdwn("*Product*\n" + truncate(product, 500)),
		mrkdwn("*Store*\n" + escape(r.ProductStoreID)),
		mrkdwn("*Shops affected*\n" + truncate(cmp.Or(nameList(affected), "none found"), 1000)),
		mrkdwn("*Most likely cause*\n" + r.Cause.Short()),
		mrkdwn("*Requested by*\n" + userMention(e.Requester)),
	}
	title := "Pre-order sync escalation: " + r.SKU
	blocks := []slack.Block{
		header("header", "📨 "+title),
		slack.NewSectionBlock(nil, fields, nil, slack.SectionBlockOptionBlockID("facts")),
		section("cause", causeSentence(r.Cause, r)),
	}
	if m := strings.TrimSpace(e.Mention); m != "" {
		blocks = append(blocks, section("mention", truncate(m, 500)+" a new pre-order sync case needs you."))
	}
	if note := strings.TrimSpace(e.Note); note != "" {
		blocks = append(blocks, section("note", "*Note*\n"+quote(truncate(escape(note), maxSectionText-200))))
	}
	var refs []string
	if e.CardURL != "" {
		refs = append(refs, "<"+e.CardURL+"|Open the card>")
	}
	refs = append(refs, links(r, e.OMSBase))
	blocks = append(blocks, contextLine("links", strings.Join(refs, " · ")+" · evidence in this thread"))
	return newMessage(title+": "+causeSentence(r.Cause, r), blocks)
}

// EscalationPacket is the evidence packet posted in the support thread: the steps already taken, then every
// check with its evidence.
func EscalationPacket(e Escalation) []ThreadMessage {
	lines := make([]string, 0, len(e.Timeline))
	for _, t := range e.Timeline {
		line := "• " + slackDate(t.At) + " · " + userMention(t.Who) + " " + escape(oneLine(t.What))
		if t.Outcome != "" {
			line += " → " + truncate(escape(oneLine(t.Outcome)), maxEvidenceValue)
		}
		lines = append(lines, line)
	}
	if len(lines) == 0 {
		lines = []string{"No remedy was tried before escalating."}
	}
	causes := make([]string, 0, len(e.Report.Causes))
	for _, c := range e.Report.Causes {
		causes = append(causes, "• "+causeSentence(c, e.Report))
	}
	var body []slack.Block
	if len(causes) > 0 {
		body = append(body, packSections("causes", "*Causes that apply, most likely first*", causes)...)
	}
	if failures := failureSummary(e.Report); len(failures) > 0 {
		body = append(body, packSections("failed-runs", "*Failed runs*", failures)...)
	}
	body = append(body, packSections("timeline", "*Steps already taken*", lines)...)
	out := splitMessages("Steps already taken for "+e.Report.SKU, nil, body)
	return append(out, Evidence(e.Report, e.OMSBase)...)
}

// affectedShops names the connected shops that lack the link or whose listing is not "Listed".
func affectedShops(r diagnostics.Report) []string {
	var names []string
	for _, s := range r.Shops {
		if s.Role == diagnostics.RoleDisconnected {
			continue
		}
		if !s.Linked || (s.Listing != "" && s.Listing != "Listed") {
			names = append(names, escape(shopName(s)))
		}
	}
	return names
}

// quote renders text as a mrkdwn block quote, line by line.
func quote(s string) string {
	return "> " + strings.ReplaceAll(s, "\n", "\n> ")
}
