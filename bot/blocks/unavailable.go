package blocks

import (
	"github.com/preorderbot/preorderbot/diagnostics"
	"github.com/slack-go/slack"
)

// unavailableCard says the OMS could not be reached or refused the credentials, and which calls failed. It
// offers only Re-check: no fix can be chosen from a check that did not run.
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
			recheck = remedyAt(meta.Remedies, i).ActionID
		}
	}
	blocks = append(blocks,
		slack.NewActionBlock("actions", button(ActionRecheck, recheck, "🔄 Re-check")),
		askedBy(r, meta.Requester),
	)
	return newMessage(r.SKU+": "+causeSentence(r.Cause, r), blocks)
}

// failureLines says each failed OMS call once: which call, what happened in plain words, and what to fix.
func failureLines(fs []diagnostics.Failure) []string {
	lines := make([]string, 0, len(fs))
	for _, f := range fs {
		line := "• " + failureEmoji(f.Kind) + " `" + escape(truncate(f.Call, 300)) + "`: " + escape(truncate(oneLine(f.Message), 300))
		if f.Fix != "" {
			line += "\n    _Fix:_ " + escape(truncate(oneLine(f.Fix), 300))
		}
		lines = append(lines, line)
	}
	return lines
}

// failureEmoji marks what kind of failure it was, so a card full of them can be scanned.
func failureEmoji(k diagnostics.FailureKind) string {
	switch k {
	case diagnostics.FailureUnreachable:
		return "🔌"
	case diagnostics.FailureCredentials:
		return "🔑"
	case diagnostics.FailureSolr:
		return "🔎"
	case diagnostics.FailureUnexpected:
		return "🧩"
	}
	return "⚠️"
}
