package bot

import (
	"strings"

	"github.com/slack-go/slack"

	"github.com/preorderbot/preorderbot/bot/blocks"
)

// maxText keeps a thread note inside a section's 3000 characters.
const maxText = 2900

// note is a one-section thread message in mrkdwn, written by the bot itself (mentions and dates render).
func note(mrkdwn string) blocks.Message {
	if r := []rune(mrkdwn); len(r) > maxText {
		mrkdwn = string(r[:maxText]) + "… (truncated)"
	}
	return blocks.Message{
		Text:   mrkdwn,
		Blocks: []slack.Block{slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, mrkdwn, false, false), nil, nil)},
	}
}

// changesNote is the thread reply after a re-check: the verdict, then what changed since the last check.
func changesNote(lines []string, verdict string) blocks.Message {
	var sb strings.Builder
	sb.WriteString(verdict)
	if len(lines) == 0 {
		sb.WriteString("\nNothing changed since the last check.")
	} else {
		sb.WriteString("\n*What changed since the last check:*")
		for _, l := range lines {
			sb.WriteString("\n• " + l)
		}
	}
	return note(sb.String())
}
