package blocks

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/slack-go/slack"
)

func mrkdwn(s string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.MarkdownType, s, false, false)
}

func plain(s string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.PlainTextType, s, true, false)
}

// header is a header block; its plain text is cut to Slack's 150 characters.
func header(id, text string) *slack.HeaderBlock {
	return slack.NewHeaderBlock(plain(truncate(text, maxHeaderText)), slack.HeaderBlockOptionBlockID(id))
}

// section is a mrkdwn section cut to Slack's 3000 characters.
func section(id, text string) *slack.SectionBlock {
	return slack.NewSectionBlock(mrkdwn(truncate(text, maxSectionText)), nil, nil, slack.SectionBlockOptionBlockID(id))
}

// contextLine is a one-element context block.
func contextLine(id, text string) *slack.ContextBlock {
	return slack.NewContextBlock(id, mrkdwn(truncate(text, maxContextText)))
}

// packSections packs lines into as few sections as possible, each within the section text limit, with
// block ids prefix.0, prefix.1 …; the title opens the first section. Packing rows into text instead of one
// block per row is what keeps a 50-row card under Slack's 50 blocks.
func packSections(prefix, title string, lines []string) []slack.Block {
	var out []slack.Block
	chunks := packLines(title, lines, maxSectionText)
	for i, c := range chunks {
		out = append(out, section(prefix+"."+strconv.Itoa(i), c))
	}
	return out
}

// packLines joins lines with newlines into chunks of at most limit characters; a line longer than the
// limit is truncated on its own.
func packLines(title string, lines []string, limit int) []string {
	var chunks []string
	var b strings.Builder
	n := 0
	add := func(line string) {
		line = truncate(line, limit)
		l := utf8.RuneCountInString(line)
		if n > 0 && n+1+l > limit {
			chunks = append(chunks, b.String())
			b.Reset()
			n = 0
		}
		if n > 0 {
			b.WriteByte('\n')
			n++
		}
		b.WriteString(line)
		n += l
	}
	if title != "" {
		add(title)
	}
	for _, l := range lines {
		add(l)
	}
	if n > 0 {
		chunks = append(chunks, b.String())
	}
	return chunks
}

// button is a button with its label cut to Slack's 75 characters.
func button(actionID, value, label string) *slack.ButtonBlockElement {
	return slack.NewButtonBlockElement(actionID, value, plain(truncate(label, maxButtonText)))
}

// confirm is a confirmation dialog within Slack's limits.
func confirm(title, text, yes, no string) *slack.ConfirmationBlockObject {
	return slack.NewConfirmationBlockObject(
		plain(truncate(title, maxConfirmTitle)),
		plain(truncate(text, maxConfirmText)),
		plain(truncate(yes, maxConfirmButton)),
		plain(truncate(no, maxConfirmButton)),
	)
}
