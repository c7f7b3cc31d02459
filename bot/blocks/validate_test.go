package blocks

import (
	"strings"
	"testing"

	"github.com/slack-go/slack"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestValidateMessage proves the validator catches each limit, so TestLimits passing means something.
func TestValidateMessage(t *testing.T) {
	long := func(n int) string { return strings.Repeat("x", n) }
	btn := func(id, value, label string) *slack.ButtonBlockElement {
		return slack.NewButtonBlockElement(id, value, plain(label))
	}
	many := func(n int, mk func(i int) slack.Block) []slack.Block {
		var bs []slack.Block
		for i := range n {
			bs = append(bs, mk(i))
		}
		return bs
	}
	tests := []struct {
		name    string
		msg     Message
		wantErr string // empty: valid
	}{
		{"valid", Message{Text: "ok", Blocks: []slack.Block{section("a", "hi"), slack.NewActionBlock("b", btn("x", "v", "Go"))}}, ""},
		{"fallback text", Message{Text: long(4001)}, "fallback text is 4001 chars"},
		{"too many blocks", Message{Text: "t", Blocks: many(51, func(i int) slack.Block { return slack.NewDividerBlock() })}, "51 blocks"},
		{"section text", Message{Blocks: []slack.Block{slack.NewSectionBlock(mrkdwn(long(3001)), nil, nil)}}, "text is 3001 chars"},
		{"empty section", Message{Blocks: []slack.Block{slack.NewSectionBlock(nil, nil, nil)}}, "neither text nor fields"},
		{"too many fields", Message{Blocks: []slack.Block{slack.NewSectionBlock(nil,
			[]*slack.TextBlockObject{mrkdwn("1"), mrkdwn("2"), mrkdwn("3"), mrkdwn("4"), mrkdwn("5"), mrkdwn("6"),
				mrkdwn("7"), mrkdwn("8"), mrkdwn("9"), mrkdwn("10"), mrkdwn("11")}, nil)}}, "11 fields"},
		{"long field", Message{Blocks: []slack.Block{slack.NewSectionBlock(nil, []*slack.TextBlockObject{mrkdwn(long(2001))}, nil)}}, "field 0 is 2001 chars"},
		{"header", Message{Blocks: []slack.Block{slack.NewHeaderBlock(plain(long(151)))}}, "text is 151 chars"},
		{"mrkdwn header", Message{Blocks: []slack.Block{slack.NewHeaderBlock(mrkdwn("x"))}}, "must be plain_text"},
		{"duplicate block id", Message{Blocks: []slack.Block{section("a", "1"), section("a", "2")}}, "duplicate block_id"},
		{"long block id", Message{Blocks: []slack.Block{section(long(256), "1")}}, "block_id is 256 chars"},
		{"button text", Message{Blocks: []slack.Block{slack.NewActionBlock("b", btn("x", "v", long(76)))}}, "text is 76 chars"},
		{"button value", Message{Blocks: []slack.Block{slack.NewActionBlock("b", btn("x", long(2001), "Go"))}}, "value is 2001 chars"},
		{"action id", Message{Blocks: []slack.Block{slack.NewActionBlock("b", btn(long(256), "v", "Go"))}}, "action_id is 256 chars"},
		{"duplicate action id", Message{Blocks: []slack.Block{slack.NewActionBlock("b", btn("x", "1", "A"), btn("x", "2", "B"))}}, "duplicate action_id"},
		{"too many buttons", Message{Blocks: []slack.Block{slack.NewActionBlock("b", func() []slack.BlockElement {
			var es []slack.BlockElement
			for i := range 26 {
				es = append(es, btn(RemedyActionID(i), "v", "Go"))
			}
			return es
		}()...)}}, "26 elements"},
		{"confirm text", Message{Blocks: []slack.Block{slack.NewActionBlock("b",
			btn("x", "v", "Go").WithConfirm(slack.NewConfirmationBlockObject(plain("T"), plain(long(301)), plain("Yes"), plain("No"))))}}, "confirm text is 301 chars"},
		{"confirm button", Message{Blocks: []slack.Block{slack.NewActionBlock("b",
			btn("x", "v", "Go").WithConfirm(slack.NewConfirmationBlockObject(plain("T"), plain("t"), plain(long(31)), plain("No"))))}}, "confirm button is 31 chars"},
		{"context elements", Message{Blocks: []slack.Block{slack.NewContextBlock("c", func() []slack.MixedElement {
			var es []slack.MixedElement
			for range 11 {
				es = append(es, mrkdwn("x"))
			}
			return es
		}()...)}}, "11 elements"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := validateMessage(tt.msg)
			if tt.wantErr == "" {
				assert.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.wantErr)
		})
	}
}

func TestValidateModal(t *testing.T) {
	opt := func(value, text string) *slack.OptionBlockObject {
		return slack.NewOptionBlockObject(value, plain(text), nil)
	}
	sel := func(opts ...*slack.OptionBlockObject) slack.Block {
		return slack.NewInputBlock("s", plain("Shop"), nil, slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, nil, "sel", opts...))
	}
	tests := []struct {
		name    string
		view    slack.ModalViewRequest
		wantErr string
	}{
		{"valid", modal("cb", "Title", "Go", "key", []slack.Block{sel(opt("1", "One"))}), ""},
		{"title", modal("cb", "", "Go", "", nil), "modal title is empty"},
		{"long title", slack.ModalViewRequest{Title: plain(strings.Repeat("t", 25))}, "modal title is 25 chars"},
		{"long submit", slack.ModalViewRequest{Title: plain("t"), Submit: plain(strings.Repeat("s", 25))}, "modal submit is 25 chars"},
		{"metadata", modal("cb", "T", "Go", strings.Repeat("m", 3001), nil), "private_metadata is 3001 chars"},
		{"callback id", modal(strings.Repeat("c", 256), "T", "Go", "", nil), "callback_id is 256 chars"},
		{"option text", modal("cb", "T", "Go", "", []slack.Block{sel(opt("1", strings.Repeat("o", 76)))}), "text is 76 chars"},
		{"option value", modal("cb", "T", "Go", "", []slack.Block{sel(opt(strings.Repeat("v", 151), "One"))}), "value is 151 chars"},
		{"no options", modal("cb", "T", "Go", "", []slack.Block{sel()}), "0 options"},
		{"too many blocks", modal("cb", "T", "Go", "", func() []slack.Block {
			var bs []slack.Block
			for range 101 {
				bs = append(bs, slack.NewDividerBlock())
			}
			return bs
		}()), "101 blocks"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := validateModal(tt.view)
			if tt.wantErr == "" {
				assert.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.wantErr)
		})
	}
}

func TestTruncate(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		limit int
		want  string
	}{
		{"short", "abc", 10, "abc"},
		{"exact", "abcde", 5, "abcde"},
		{"cut with marker", strings.Repeat("a", 100), 40, strings.Repeat("a", 12) + "… (truncated, 88 more chars)"},
		{"runes not bytes", strings.Repeat("é", 50), 50, strings.Repeat("é", 50)},
		{"marker longer than limit", strings.Repeat("a", 100), 5, "aaaa…"},
		{"no broken escape", strings.Repeat("a", 9) + "&amp;" + strings.Repeat("b", 100), 40, strings.Repeat("a", 9) + "… (truncated, 105 more chars)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := truncate(tt.in, tt.limit)
			assert.Equal(t, tt.want, got)
			assert.LessOrEqual(t, len([]rune(got)), tt.limit)
		})
	}
}

func TestPackLines(t *testing.T) {
	lines := []string{strings.Repeat("a", 6), strings.Repeat("b", 6), strings.Repeat("c", 30)}
	got := packLines("T", lines, 15)
	assert.Equal(t, []string{"T\naaaaaa\nbbbbbb", strings.Repeat("c", 14) + "…"}, got)
}
