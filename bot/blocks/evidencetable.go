package blocks

import (
	"strings"
	"unicode/utf8"

	"github.com/preorderbot/preorderbot/diagnostics"
	"github.com/slack-go/slack"
)

// Column widths of the several-SKU evidence table; longer values are cut with "…".
const (
	tableSKUWidth    = 24
	tableCauseWidth  = 30
	tableChecksWidth = 80
)

// EvidenceTable is the evidence of a several-SKU check as one thread reply: a table with a row per SKU
// that is not healthy (its most likely cause and the checks that did not pass), instead of a reply per SKU.
// The full evidence of one SKU is a /preorder check away.
func EvidenceTable(reports []diagnostics.Report) []ThreadMessage {
	var rows []string
	storeID, healthy := "", 0
	var checked string
	for _, r := range reports {
		storeID, checked = r.ProductStoreID, slackDate(r.CheckedAt)
		if r.Cause == diagnostics.CauseHealthy {
			healthy++
			continue
		}
		rows = append(rows, tableRow(r.SKU, r.Cause.Short(), strings.Join(notPassing(r), ", ")))
	}
	intro := []slack.Block{section("evidence", "*Evidence for "+itoa(len(reports))+" SKUs* · store `"+escape(storeID)+"` · checked "+checked+
		" · "+itoa(healthy)+" healthy, not listed below · `/preorder check SKU` for the full evidence of one SKU")}
	if len(rows) == 0 {
		return []ThreadMessage{newMessage("Evidence for "+itoa(len(reports))+" SKUs", intro)}
	}
	header := tableRow("SKU", "Most likely cause", "Checks that did not pass") + "\n" + strings.Repeat("-", tableSKUWidth+tableCauseWidth+tableChecksWidth+4)
	var body []slack.Block
	// Each section is one fenced table within Slack's section limit, its header repeated.
	for i, chunk := range packLines("", rows, maxSectionText-len(header)-10) {
		body = append(body, section("table."+itoa(i), "```\n"+header+"\n"+chunk+"\n```"))
	}
	return splitMessages("Evidence for "+itoa(len(reports))+" SKUs", intro, body)
}

// notPassing names a report's checks that did not pass, in the guide's order, marked ✗ (fails), ! (warns)
// or ? (unknown).
func notPassing(r diagnostics.Report) []string {
	var out []string
	for _, c := range r.Checks {
		if c.Status != diagnostics.StatusPass && c.Status != diagnostics.StatusSkip {
			out = append(out, tableMark(c.Status)+" "+checkTitle(c.ID))
		}
	}
	return out
}

// tableMark marks a check in a monospace table, where emoji would break the columns.
func tableMark(s diagnostics.Status) string {
	switch s {
	case diagnostics.StatusFail:
		return "✗"
	case diagnostics.StatusWarn:
		return "!"
	}
	return "?"
}

func tableRow(sku, cause, checks string) string {
	return cell(sku, tableSKUWidth) + "  " + cell(cause, tableCauseWidth) + "  " + escape(cut(checks, tableChecksWidth))
}

// cell pads or cuts s to width runes, escaped for mrkdwn.
func cell(s string, width int) string {
	s = cut(s, width)
	return escape(s) + strings.Repeat(" ", width-utf8.RuneCountInString(s))
}

func cut(s string, width int) string {
	if utf8.RuneCountInString(s) <= width {
		return s
	}
	return string([]rune(s)[:width-1]) + "…"
}
