package slacktest_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/slack-go/slack"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/preorderbot/preorderbot/bot/slacktest"
)

func rep(n int) string { return strings.Repeat("a", n) }

func plain(s string) string { return fmt.Sprintf(`{"type":"plain_text","text":%q}`, s) }

func button(id, text, value string) string {
	return fmt.Sprintf(`{"type":"button","action_id":%q,"text":%s,"value":%q}`, id, plain(text), value)
}

func actions(elements ...string) string {
	return `{"type":"actions","elements":[` + strings.Join(elements, ",") + `]}`
}

func repeatJoin(s string, n int) string {
	parts := make([]string, n)
	for i := range parts {
		parts[i] = s
	}
	return strings.Join(parts, ",")
}

func buttons(n int) []string {
	var out []string
	for i := range n {
		out = append(out, button(fmt.Sprintf("b%d", i), "ok", "v"))
	}
	return out
}

func TestValidateBlocks(t *testing.T) {
	section := func(text string) string {
		return fmt.Sprintf(`{"type":"section","text":{"type":"mrkdwn","text":%q}}`, text)
	}
	option := func(text, value string) string { return fmt.Sprintf(`{"text":%s,"value":%q}`, plain(text), value) }
	tests := []struct {
		name    string
		blocks  string
		surface slacktest.Surface
		wantErr bool
	}{
		{"50 blocks in a message", "[" + repeatJoin(`{"type":"divider"}`, 50) + "]", slacktest.SurfaceMessage, false},
		{"51 blocks in a message", "[" + repeatJoin(`{"type":"divider"}`, 51) + "]", slacktest.SurfaceMessage, true},
		{"100 blocks in a modal", "[" + repeatJoin(`{"type":"divider"}`, 100) + "]", slacktest.SurfaceModal, false},
		{"101 blocks in a modal", "[" + repeatJoin(`{"type":"divider"}`, 101) + "]", slacktest.SurfaceModal, true},
		{"section text 3000", "[" + section(rep(3000)) + "]", slacktest.SurfaceMessage, false},
		{"section text 3001", "[" + section(rep(3001)) + "]", slacktest.SurfaceMessage, true},
		{"section text counts characters not bytes", "[" + section(strings.Repeat("é", 3000)) + "]", slacktest.SurfaceMessage, false},
		{"empty section text", "[" + section("") + "]", slacktest.SurfaceMessage, true},
		{"11 fields", `[{"type":"section","fields":[` + repeatJoin(`{"type":"mrkdwn","text":"f"}`, 11) + `]}]`, slacktest.SurfaceMessage, true},
		{"field 2001", `[{"type":"section","fields":[{"type":"mrkdwn","text":"` + rep(2001) + `"}]}]`, slacktest.SurfaceMessage, true},
		{"header 150", `[{"type":"header","text":` + plain(rep(150)) + `}]`, slacktest.SurfaceMessage, false},
		{"header 151", `[{"type":"header","text":` + plain(rep(151)) + `}]`, slacktest.SurfaceMessage, true},
		{"header in mrkdwn", `[{"type":"header","text":{"type":"mrkdwn","text":"x"}}]`, slacktest.SurfaceMessage, true},
		{"button text 75", "[" + actions(button("a", rep(75), "v")) + "]", slacktest.SurfaceMessage, false},
		{"button text 76", "[" + actions(button("a", rep(76), "v")) + "]", slacktest.SurfaceMessage, true},
		{"button value 2001", "[" + actions(button("a", "ok", rep(2001))) + "]", slacktest.SurfaceMessage, true},
		{"action_id 256", "[" + actions(button(rep(256), "ok", "v")) + "]", slacktest.SurfaceMessage, true},
		{"duplicate action_id in a block", "[" + actions(button("a", "one", "1"), button("a", "two", "2")) + "]", slacktest.SurfaceMessage, true},
		{"same action_id in two blocks", "[" + actions(button("a", "one", "1")) + "," + actions(button("a", "two", "2")) + "]", slacktest.SurfaceMessage, false},
		{"duplicate block_id", `[{"type":"divider","block_id":"x"},{"type":"divider","block_id":"x"}]`, slacktest.SurfaceMessage, true},
		{"block_id 256", `[{"type":"divider","block_id":"` + rep(256) + `"}]`, slacktest.SurfaceMessage, true},
		{"25 actions elements", "[" + actions(buttons(25)...) + "]", slacktest.SurfaceMessage, false},
		{"26 actions elements", "[" + actions(buttons(26)...) + "]", slacktest.SurfaceMessage, true},
		{"11 context elements", `[{"type":"context","elements":[` + repeatJoin(`{"type":"mrkdwn","text":"c"}`, 11) + `]}]`, slacktest.SurfaceMessage, true},
		{"option text 76", `[{"type":"actions","elements":[{"type":"static_select","action_id":"s","options":[` + option(rep(76), "v") + `]}]}]`, slacktest.SurfaceMessage, true},
		{"option value 151", `[{"type":"actions","elements":[{"type":"static_select","action_id":"s","options":[` + option("t", rep(151)) + `]}]}]`, slacktest.SurfaceMessage, true},
		{"6 overflow options", `[{"type":"actions","elements":[{"type":"overflow","action_id":"o","options":[` + repeatJoin(option("t", "v"), 6) + `]}]}]`, slacktest.SurfaceMessage, true},
		{"confirm title 101", `[{"type":"actions","elements":[{"type":"button","action_id":"b","text":` + plain("ok") + `,"confirm":{"title":` + plain(rep(101)) + `,"text":` + plain("sure?") + `,"confirm":` + plain("Yes") + `,"deny":` + plain("No") + `}}]}]`, slacktest.SurfaceMessage, true},
		{"confirm deny 31", `[{"type":"actions","elements":[{"type":"button","action_id":"b","text":` + plain("ok") + `,"confirm":{"title":` + plain("t") + `,"text":` + plain("sure?") + `,"confirm":` + plain("Yes") + `,"deny":` + plain(rep(31)) + `}}]}]`, slacktest.SurfaceMessage, true},
		{"accessory button text 76", `[{"type":"section","text":{"type":"mrkdwn","text":"x"},"accessory":` + button("a", rep(76), "v") + `}]`, slacktest.SurfaceMessage, true},
		{"not an array", `{"type":"divider"}`, slacktest.SurfaceMessage, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.True(t, json.Valid([]byte(tt.blocks)), "test JSON")
			err := slacktest.ValidateBlocks(tt.blocks, tt.surface)
			if !tt.wantErr {
				assert.NoError(t, err)
				return
			}
			assert.ErrorIs(t, err, slacktest.ErrInvalidBlocks)
			var le *slacktest.LimitError
			assert.ErrorAs(t, err, &le)
		})
	}
}

func TestValidateBlocksAcceptsSlackTypes(t *testing.T) {
	blocks := []slack.Block{slack.NewHeaderBlock(slack.NewTextBlockObject(slack.PlainTextType, rep(151), false, false))}
	assert.ErrorIs(t, slacktest.ValidateBlocks(blocks, slacktest.SurfaceMessage), slacktest.ErrInvalidBlocks)
	assert.ErrorIs(t, slacktest.ValidateBlocks(slack.Blocks{BlockSet: blocks}, slacktest.SurfaceMessage), slacktest.ErrInvalidBlocks)
	raw, err := json.Marshal(blocks)
	require.NoError(t, err)
	assert.ErrorIs(t, slacktest.ValidateBlocks(json.RawMessage(raw), slacktest.SurfaceMessage), slacktest.ErrInvalidBlocks)
	assert.NoError(t, slacktest.ValidateBlocks([]slack.Block{slack.NewDividerBlock()}, slacktest.SurfaceMessage))
}

func TestValidateView(t *testing.T) {
	tests := []struct {
		name    string
		view    string
		wantErr bool
	}{
		{"minimal modal", `{"type":"modal","title":` + plain("Link") + `,"blocks":[]}`, false},
		{"no title", `{"type":"modal","blocks":[]}`, true},
		{"title 25", `{"type":"modal","title":` + plain(rep(25)) + `,"blocks":[]}`, true},
		{"close 25", `{"type":"modal","title":` + plain("t") + `,"close":` + plain(rep(25)) + `,"blocks":[]}`, true},
		{"callback_id 256", `{"type":"modal","title":` + plain("t") + `,"callback_id":"` + rep(256) + `","blocks":[]}`, true},
		{"input without submit", `{"type":"modal","title":` + plain("t") + `,"blocks":[{"type":"input","label":` + plain("l") + `,"element":{"type":"plain_text_input","action_id":"i"}}]}`, true},
		{"input with submit", `{"type":"modal","title":` + plain("t") + `,"submit":` + plain("Go") + `,"blocks":[{"type":"input","label":` + plain("l") + `,"element":{"type":"plain_text_input","action_id":"i"}}]}`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := slacktest.ValidateView(tt.view)
			if tt.wantErr {
				assert.ErrorIs(t, err, slacktest.ErrInvalidBlocks)
			} else {
				assert.NoError(t, err)
			}
		})
	}
}
