package blocks

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/preorderbot/preorderbot/diagnostics"
	"github.com/slack-go/slack"
)

// MatrixMeta is what the several-SKU card needs beyond the reports.
type MatrixMeta struct {
	Requester string    // Slack user id of who asked
	RecheckID string    // opaque action id of the Re-check button
	Now       time.Time // when the checks finished
}

// Matrix renders several SKUs as one compact card: one line per SKU (status, SKU, cause in short words,
// linked shops), packed into sections so even 50 SKUs stay far below Slack's 50 blocks.
func Matrix(reports []diagnostics.Report, meta MatrixMeta) Message {
	healthy, problems, unknown := 0, 0, 0
	rows := make([]string, 0, len(reports))
	for _, r := range reports {
		switch {
		case !r.Cause.Problem():
			healthy++
		case r.Cause.Uncertain():
			unknown++
		default:
			problems++
		}
		rows = append(rows, matrixRow(r))
	}
	summary := fmt.Sprintf("%d SKUs checked: %d healthy, %d need attention, %d could not be checked",
		len(reports), healthy, problems, unknown)
	blocks := []slack.Block{
		header("header", "Pre-order check · "+strconv.Itoa(len(reports))+" SKUs"),
		section("summary", summary),
	}
	blocks = append(blocks, packSections("rows", "", rows)...)
	if lines := failureLines(diagnostics.RunFailures(reports)); len(lines) > 0 {
		blocks = append(blocks, packSections("failures", "*Could not read*", lines)...)
	}
	blocks = append(blocks,
		slack.NewActionBlock("actions", button(ActionRecheck, meta.RecheckID, "🔄 Re-check all")),
		contextLine("context", "Asked by "+userMention(meta.Requester)+" · checked "+slackDate(meta.Now)+
			" · `/preorder check SKU` for the full card of one SKU"),
	)
	return newMessage(summary, blocks)
}

// matrixRow is one SKU: emoji, SKU, short cause and the shops it is linked to.
func matrixRow(r diagnostics.Report) string {
	var linked []string
	for _, s := range r.Shops {
		if s.Linked {
			linked = append(linked, escape(shopName(s)))
		}
	}
	shops := "linked: none"
	if len(linked) > 0 {
		shops = "linked: " + strings.Join(linked, ", ")
	}
	if r.Cause == diagnostics.CauseUnknownSKU || r.Cause == diagnostics.CauseOMSUnavailable {
		shops = ""
	}
	row := reportEmoji(r) + " `" + escape(r.SKU) + "` " + r.Cause.Short()
	if shops != "" {
		row += " · " + shops
	}
	return row
}

func itoa(n int) string { return strconv.Itoa(n) }
