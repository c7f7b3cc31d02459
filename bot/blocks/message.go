package blocks

import "github.com/slack-go/slack"

// Message is a rendered message: blocks plus the plain-text fallback Slack shows in notifications and
// screen readers. Text stays within maxFallbackText so chat.update never answers msg_too_long.
type Message struct {
	Text   string        `json:"text"`
	Blocks []slack.Block `json:"blocks"`
}

// ThreadMessage is a reply posted in a card's thread (evidence, escalation packet).
type ThreadMessage = Message

// newMessage builds a Message with its fallback text cut to Slack's limit.
func newMessage(text string, blocks []slack.Block) Message {
	return Message{Text: truncate(text, maxFallbackText), Blocks: blocks}
}
