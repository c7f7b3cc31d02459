package blocks

import "github.com/slack-go/slack"

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
