package blocks

import (
	"github.com/preorderbot/preorderbot/diagnostics"
	"github.com/slack-go/slack"
)

// unavailableCard says the OMS could not be reached and which calls failed. It offers only Re-check: no
// fix can be chosen from a check that did not run.
func unavailableCard(r diagnostics.Report, meta CardMeta) Message {
	blocks := []slack.Block{
		header("header", "❓ "+r.SKU+" · could not check"),
		section("verdict", causeSentence(r.Cause, r)+"\nStore `"+escape(r.ProductStoreID)+"`"),
	}
	blocks = append(blocks, liveLines(meta)...)
	if lines := failureLines(r.Failures); len(lines) > 0 {
		blocks = append(blocks, packSections("failures", "*Calls that failed*", lines)...)
	}
	recheck := meta.RecheckID
	for i, m := range r.Remedies {
		if recheck == "" && m.Kind == diagnostics.RemedyRecheck {
			recheck = at(meta.ActionIDs, i)
		}
	}
	blocks = append(blocks,
		slack.NewActionBlock("actions", button(ActionRecheck, recheck, "🔄 Re-check")),
		askedBy(r, meta.Requester),
	)
	return newMessage(r.SKU+": "+causeSentence(r.Cause, r), blocks)
}

// failureLines lists failed OMS calls with a short error; the full text goes to the thread.
func failureLines(fs []diagnostics.Failure) []string {
	lines := make([]string, 0, len(fs))
	for _, f := range fs {
		lines = append(lines, "• `"+escape(f.Call)+"`: "+escape(truncate(oneLine(f.Error), 300)))
	}
	return lines
}
