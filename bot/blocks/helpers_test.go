package blocks

import (
	"fmt"
	"unicode/utf8"

	"github.com/preorderbot/preorderbot/bot/slacktest"
	"github.com/slack-go/slack"
)

// messageButtons returns every button of a message's actions blocks, in order.
func messageButtons(m Message) []*slack.ButtonBlockElement {
	var out []*slack.ButtonBlockElement
	for _, b := range m.Blocks {
		a, ok := b.(*slack.ActionBlock)
		if !ok {
			continue
		}
		for _, e := range a.Elements.ElementSet {
			if btn, ok := e.(*slack.ButtonBlockElement); ok {
				out = append(out, btn)
			}
		}
	}
	return out
}

// validateMessage checks a rendering against Slack's limits, as the simulated Slack enforces them.
func validateMessage(m Message) error {
	if n := utf8.RuneCountInString(m.Text); n > maxFallbackText {
		return fmt.Errorf("fallback text of %d characters, limit %d", n, maxFallbackText)
	}
	return slacktest.ValidateBlocks(m.Blocks, slacktest.SurfaceMessage)
}

// validateModal checks a modal against Slack's limits, as the simulated Slack enforces them.
func validateModal(v slack.ModalViewRequest) error { return slacktest.ValidateView(v) }

// blockID returns the block_id of the block types this package renders.
func blockID(b slack.Block) string {
	switch b := b.(type) {
	case *slack.HeaderBlock:
		return b.BlockID
	case *slack.SectionBlock:
		return b.BlockID
	case *slack.ContextBlock:
		return b.BlockID
	case *slack.ActionBlock:
		return b.BlockID
	case *slack.InputBlock:
		return b.BlockID
	case *slack.DividerBlock:
		return b.BlockID
	}
	return ""
}

// actionID returns the action_id of the element types this package renders.
func actionID(e slack.BlockElement) string {
	switch e := e.(type) {
	case *slack.ButtonBlockElement:
		return e.ActionID
	case *slack.SelectBlockElement:
		return e.ActionID
	case *slack.PlainTextInputBlockElement:
		return e.ActionID
	case *slack.NumberInputBlockElement:
		return e.ActionID
	case *slack.DateTimePickerBlockElement:
		return e.ActionID
	}
	return ""
}
