package blocks

import (
	"strings"

	"github.com/slack-go/slack"
)

// Note is a one-section message the bot writes itself, in mrkdwn so its mentions and dates render. Text
// from people or the OMS inside it must already be escaped with Escape.
func Note(mrkdwn string) Message {
	return newMessage(mrkdwn, []slack.Block{section("note", mrkdwn)})
}

// Changes is the thread reply after a re-check: the verdict (mrkdwn), then what changed since the last
// check, one plain-text line each.
func Changes(lines []string, verdict string) Message {
	var sb strings.Builder
	sb.WriteString(verdict)
	if len(lines) == 0 {
		sb.WriteString("\nNothing changed since the last check.")
	} else {
		sb.WriteString("\n*What changed since the last check:*")
		for _, l := range lines {
			sb.WriteString("\n• " + escape(l))
		}
	}
	return Note(sb.String())
}
