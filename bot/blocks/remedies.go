package blocks

import (
	"fmt"
	"strconv"

	"github.com/preorderbot/preorderbot/diagnostics"
	"github.com/slack-go/slack"
)

// maxRemedyButtons bounds the fix buttons of one card (two actions blocks); a report with more remedies
// than that is pathological and the rest are named in a context line instead.
const maxRemedyButtons = 2 * maxActionElements

// remedyBlocks renders one button per remedy, then the always-present Re-check (and Escalate) block.
// The first fix is the primary button: remedies arrive most likely first. When a failing job has no fix
// the bot can run, the escalation moves to the front instead.
func remedyBlocks(r diagnostics.Report, meta CardMeta) []slack.Block {
	recheckID := meta.RecheckID
	escalateID := meta.EscalateID
	likelyTypo := r.Cause == diagnostics.CauseUnknownSKU && len(r.SimilarSKUs) > 0
	if likelyTypo {
		escalateID = "" // the card suggests SKUs instead
	}
	var fixes []slack.BlockElement
	hidden := 0
	for i, m := range r.Remedies {
		rb := remedyAt(meta.Remedies, i)
		id := rb.ActionID
		switch {
		case m.Kind == diagnostics.RemedyRecheck:
			if recheckID == "" {
				recheckID = id
			}
		case m.Kind == diagnostics.RemedyEscalate:
			if id != "" && !likelyTypo {
				escalateID = id
			}
		case id == "":
		case len(fixes) == maxRemedyButtons:
			hidden++
		default:
			fixes = append(fixes, remedyButton(i, m, id))
		}
	}
	// The first button is the primary one: the first fix, or the escalation when only Support can act.
	escalation := escalateFirst(r) && escalateID != ""
	if escalation {
		if len(fixes) == maxRemedyButtons {
			fixes, hidden = fixes[:len(fixes)-1], hidden+1
		}
		fixes = append([]slack.BlockElement{button(ActionEscalate, escalateID, "📨 Escalate to HotWax Support")}, fixes...)
	}
	if len(fixes) > 0 {
		fixes[0].(*slack.ButtonBlockElement).WithStyle(slack.StylePrimary)
	}
	var out []slack.Block
	for start := 0; start < len(fixes); start += maxActionElements {
		end := min(start+maxActionElements, len(fixes))
		out = append(out, slack.NewActionBlock("remedies."+strconv.Itoa(start/maxActionElements), fixes[start:end]...))
	}
	if hidden > 0 {
		out = append(out, contextLine("remedies.hidden", fmt.Sprintf("%d more fixes are not shown as buttons.", hidden)))
	}
	controls := []slack.BlockElement{button(ActionRecheck, recheckID, "🔄 Re-check")}
	if escalateID != "" && !escalation {
		controls = append(controls, button(ActionEscalate, escalateID, "📨 Escalate to HotWax Support"))
	}
	return append(out, slack.NewActionBlock("actions", controls...))
}

// remedyButton is the button of one remedy. Enabling or running a job changes the OMS at once, so Slack
// asks for confirmation; scheduling, linking and escalating open a modal, which is their confirmation.
func remedyButton(i int, m diagnostics.Remedy, actionID string) *slack.ButtonBlockElement {
	b := button(RemedyActionID(i), actionID, remedyLabel(m))
	switch m.Kind {
	case diagnostics.RemedyEnableJob:
		text := fmt.Sprintf("Enable “%s” (%s) for %s, %s. It runs right after it is enabled; the card then says when it runs next.",
			jobName(m.Job), m.Job, remedyShop(m), frequencyName(m.Frequency))
		b.WithConfirm(confirm("Enable this job?", text, "Enable", "Cancel"))
	case diagnostics.RemedyRunJob:
		text := fmt.Sprintf("Run “%s” (%s) once now for %s.", jobName(m.Job), m.Job, remedyShop(m))
		if m.Frequency != "" {
			text += " Its schedule (" + frequencyName(m.Frequency) + ") does not change."
		}
		b.WithConfirm(confirm("Run this job now?", text, "Run now", "Cancel"))
	}
	return b
}

// remedyLabel is the remedy's own label, or a description when the chain left it empty.
func remedyLabel(m diagnostics.Remedy) string {
	if m.Label != "" {
		return m.Label
	}
	return m.Kind + " " + remedyShop(m)
}

// remedyShop names the shop a remedy targets; store-wide jobs have none.
func remedyShop(m diagnostics.Remedy) string {
	switch {
	case m.ShopName != "":
		return m.ShopName
	case m.ShopID != "":
		return "shop " + m.ShopID
	}
	return "the whole store"
}

// remedyAt is s[i], or no button past the end: the bot may give fewer buttons than remedies.
func remedyAt(s []RemedyButton, i int) RemedyButton {
	if i < len(s) {
		return s[i]
	}
	return RemedyButton{}
}
