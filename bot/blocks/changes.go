package blocks

import (
	"github.com/preorderbot/preorderbot/diagnostics"
)

// ChangeLines says each change between two checks in the operator's words: causes and checks by their
// titles, statuses as the card shows them. The lines are plain text; escape them for mrkdwn.
func ChangeLines(changes []diagnostics.Change) []string {
	causeMoved := false
	for _, c := range changes {
		causeMoved = causeMoved || c.Kind == diagnostics.ChangeCause
	}
	lines := make([]string, 0, len(changes))
	for _, c := range changes {
		switch c.Kind {
		case diagnostics.ChangeStatus:
			if !causeMoved { // the cause line already says it
				lines = append(lines, "Overall: "+statusWord(c.From)+" → "+statusWord(c.To))
			}
		case diagnostics.ChangeCause:
			lines = append(lines, "Cause: "+shortCause(c.From)+" → "+shortCause(c.To))
		case diagnostics.ChangeCauseGone:
			lines = append(lines, "No longer: "+shortCause(c.Name))
		case diagnostics.ChangeCauseAdded:
			lines = append(lines, "Also: "+shortCause(c.Name))
		case diagnostics.ChangeCheck:
			lines = append(lines, checkTitle(diagnostics.CheckID(c.Name))+": "+statusWord(c.From)+" → "+statusWord(c.To))
		case diagnostics.ChangeLinked:
			lines = append(lines, c.Name+": linked")
		case diagnostics.ChangeUnlinked:
			lines = append(lines, c.Name+": no longer linked")
		case diagnostics.ChangeListing:
			lines = append(lines, c.Name+": "+c.From+" → "+c.To)
		case diagnostics.ChangeAssociationJob:
			lines = append(lines, c.Name+" association job: "+c.From+" → "+c.To)
		}
	}
	return lines
}

var statusWords = map[diagnostics.Status]string{
	diagnostics.StatusPass:    "passes",
	diagnostics.StatusWarn:    "warns",
	diagnostics.StatusFail:    "fails",
	diagnostics.StatusSkip:    "skipped",
	diagnostics.StatusPending: "pending",
	diagnostics.StatusUnknown: "unknown",
}

// statusWord is a check status with its emoji, as the card shows it: "❌ fails".
func statusWord(s string) string {
	st := diagnostics.Status(s)
	w, ok := statusWords[st]
	if !ok {
		w = s
	}
	return statusEmoji(st) + " " + w
}
