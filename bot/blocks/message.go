package blocks

import (
	"regexp"
	"strings"
	"sync"

	"github.com/slack-go/slack"
)

// Message is a rendered message: blocks plus the plain-text fallback Slack shows in notifications and
// screen readers. Text stays within maxFallbackText so chat.update never answers msg_too_long.
type Message struct {
	Text   string        `json:"text"`
	Blocks []slack.Block `json:"blocks"`
}

// ThreadMessage is a reply posted in a card's thread (evidence, escalation packet).
type ThreadMessage = Message

// newMessage builds a Message with its fallback text made safe and cut to Slack's limit. Every message the
// bot sends is built here, so no caller can forget to escape its fallback.
func newMessage(text string, blocks []slack.Block) Message {
	return Message{Text: truncate(fallbackText(text), maxFallbackText), Blocks: blocks}
}

// fallbackText is the plain-text reading of a message, safe as notification text whatever the caller
// passed: mrkdwn whose user text is escaped (a Note), or words holding a SKU as someone typed it. Slack
// markup reads as Slack shows it (a mention as @id, a link or date as its label), entities are decoded,
// then &, < and > are encoded again: nothing in it can mention, link or broadcast, and escaped text is
// not escaped twice.
func fallbackText(s string) string {
	s = slackMarkup().ReplaceAllStringFunc(s, func(m string) string { return markupWords(m[1 : len(m)-1]) })
	return escape(mrkdwnUnescaper.Replace(s))
}

// slackMarkup is one <…> control sequence: a mention, channel, broadcast, date or link.
var slackMarkup = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`<[^<>]*>`) })

var mrkdwnUnescaper = strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&")

// markupWords is what Slack shows for the inside of a control sequence, without resolving names.
func markupWords(inner string) string {
	if i := strings.LastIndexByte(inner, '|'); i >= 0 {
		return inner[i+1:]
	}
	switch {
	case strings.HasPrefix(inner, "@"), strings.HasPrefix(inner, "#"):
		return inner
	case strings.HasPrefix(inner, "!subteam^"):
		return "@" + strings.TrimPrefix(inner, "!subteam^")
	case strings.HasPrefix(inner, "!date^"):
		return ""
	case strings.HasPrefix(inner, "!"):
		return "@" + inner[1:]
	}
	return inner
}
