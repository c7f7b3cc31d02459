package bot_test

import (
	"context"
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/preorderbot/preorderbot/bot/slacktest"
)

// hostile is every Slack control sequence a person can put in a command, and the characters that make
// them: none may reach a message unescaped, where it would ping a channel, a group or a person, or
// forge a link.
var hostile = []string{"<!channel>", "<!here>", "<!subteam^S123>", "<@U123>", "<https://x|y>", "A&B", "x<y", "y>z"}

// sent is everything the bot showed anyone: channel messages and thread replies, ephemerals, modals.
type sent struct {
	where  string
	text   string          // fallback text: mrkdwn
	blocks json.RawMessage // Block Kit
}

func everythingSent(s *slacktest.Server) []sent {
	var out []sent
	for _, ch := range []string{opsChannel, supportChannel} {
		for _, top := range s.Messages(ch) {
			for _, m := range s.Thread(ch, top.TS) {
				if m.User == slacktest.BotUserID {
					out = append(out, sent{where: ch + "/" + m.TS + " thread " + m.ThreadTS, text: m.Text, blocks: m.Blocks})
				}
			}
		}
	}
	for _, u := range []string{viewer, operator} {
		for _, m := range s.Ephemeral(u) {
			out = append(out, sent{where: "ephemeral to " + u, text: m.Text, blocks: m.Blocks})
		}
		for _, v := range s.OpenViews(u) {
			out = append(out, sent{where: "modal " + v.CallbackID, blocks: v.Blocks})
		}
	}
	return out
}

// mrkdwnTexts returns every mrkdwn text object in blocks. plain_text objects are left out: Slack shows
// them as typed and never turns them into mentions or links.
func mrkdwnTexts(t *testing.T, raw json.RawMessage) []string {
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	var v any
	require.NoError(t, json.Unmarshal(raw, &v))
	var out []string
	var walk func(any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if x["type"] == "mrkdwn" {
				s, _ := x["text"].(string)
				out = append(out, s)
			}
			for _, c := range x {
				walk(c)
			}
		case []any:
			for _, c := range x {
				walk(c)
			}
		}
	}
	walk(v)
	return out
}

var (
	// botMarkup is what the bot itself writes in mrkdwn: mentions of the people in this workspace, dates,
	// and links to the OMS, the Job Manager and Slack.
	botMarkup = regexp.MustCompile(`^<(@U0(ANA|BEN)|#C0[A-Z]+|!date\^[^>]*|https?://(127\.0\.0\.1|[a-z.-]*hotwax|[a-z-]+\.slack\.com)[^|>]*\|[^<>]*)>$`)
	markup    = regexp.MustCompile(`<[^<>]*>`)
	entity    = regexp.MustCompile(`&(amp|lt|gt);`)
	quote     = regexp.MustCompile(`(?m)^> `) // the bot's own block quotes
)

// assertInert fails when text holds a control sequence the bot did not write, or a bare &, < or >.
func assertInert(t *testing.T, where, text string) {
	t.Helper()
	for _, seq := range markup.FindAllString(text, -1) {
		assert.Regexp(t, botMarkup, seq, "%s: markup the bot did not write in %q", where, text)
	}
	rest := entity.ReplaceAllString(quote.ReplaceAllString(markup.ReplaceAllString(text, ""), ""), "")
	assert.NotContains(t, rest, "&", "%s: bare & in %q", where, text)
	assert.NotContains(t, rest, "<", "%s: bare < in %q", where, text)
	assert.NotContains(t, rest, ">", "%s: bare > in %q", where, text)
}

func TestHostileTextNeverReachesSlackUnescaped(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "healthy")
	var sentIDs []string
	for _, h := range hostile {
		for _, cmd := range []string{"check " + h, "check HW-JACKET-M " + h, "history " + h, "jobs " + h,
			h, "help " + h, "check store:" + h} {
			id, err := e.slack.SlashCommand(viewer, opsChannel, "/preorder "+cmd)
			require.NoError(t, err)
			mention, err := e.slack.Mention(viewer, opsChannel, cmd, "")
			require.NoError(t, err)
			sentIDs = append(sentIDs, id, mention)
		}
	}
	// Counting messages cannot tell a command answered from the late evidence reply of the one before:
	// wait until the bot has handled every request, answers included.
	handledAll(e, sentIDs)

	// A card for a hostile SKU offers escalation: its modal, the support thread and the packet too.
	before := len(botPosts(e.slack, opsChannel))
	e.slash(viewer, "check "+hostile[0])
	card := e.card(opsChannel, func(slacktest.Message) bool { return len(botPosts(e.slack, opsChannel)) > before })
	require.True(t, hasButton(card, "📨 Escalate to HotWax Support"), "%s", card.Blocks)
	e.click(viewer, card, "📨 Escalate to HotWax Support")
	v := e.openView(viewer)
	for _, text := range mrkdwnTexts(t, v.Blocks) {
		assertInert(t, "escalation modal", text)
	}
	e.escalate(operator, card, strings.Join(hostile, " "))
	e.waitFor("the support thread", func() bool { return len(topLevel(e.slack, supportChannel)) == 1 })

	all := everythingSent(e.slack)
	require.GreaterOrEqual(t, len(all), len(sentIDs), "every command was answered")
	for _, m := range all {
		assertInert(t, m.where+" text", m.text)
		for _, text := range mrkdwnTexts(t, m.blocks) {
			assertInert(t, m.where+" blocks", text)
		}
	}
}

// handledAll waits until Slack has the acks of the envelopes ids and the request journal is empty: a
// request leaves it only once handled, after every answer to it was sent. It gives up after 20 s
// without progress, however long the whole takes on a busy machine.
func handledAll(e *env, ids []string) {
	e.t.Helper()
	left := func() int {
		acked := map[string]bool{}
		for _, a := range e.slack.Acks() {
			acked[a.EnvelopeID] = true
		}
		n := 0
		for _, id := range ids {
			if !acked[id] {
				n++
			}
		}
		pending, err := e.journal.PendingRequests(context.Background())
		if err != nil {
			return n + 1
		}
		return n + len(pending)
	}
	last, progress := -1, time.Now()
	for n := left(); n > 0; n = left() {
		if n != last {
			last, progress = n, time.Now()
		}
		if time.Since(progress) > 20*time.Second {
			e.t.Fatalf("%d requests unacknowledged or unhandled for 20 s", n)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// jobs and history asked by mention answer only the asker, in the mention's thread: the channel sees
// nothing of a store's jobs or a SKU's past.
func TestJobsAndHistoryByMentionArePrivate(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "healthy")
	e.check("HW-JACKET-M")
	for _, tc := range []struct{ cmd, answer string }{
		{"jobs", "Pre-order jobs"}, {"history HW-JACKET-M", "History of HW-JACKET-M"},
	} {
		before := len(e.slack.Ephemeral(viewer))
		_, err := e.slack.Mention(viewer, opsChannel, tc.cmd, "")
		require.NoError(t, err)
		e.waitFor("the answer to "+tc.cmd, func() bool { return len(e.slack.Ephemeral(viewer)) > before })
		msgs := e.slack.Messages(opsChannel)
		asked := msgs[len(msgs)-1]
		require.Equal(t, viewer, asked.User, "the mention is the channel's last message")
		answer := e.slack.Ephemeral(viewer)[before]
		assert.Contains(t, answer.Text, tc.answer)
		assert.Equal(t, asked.TS, answer.ThreadTS, "answered in the mention's thread")
		assert.Len(t, e.slack.Thread(opsChannel, asked.TS), 1, "nothing posted for the channel to see")
		for _, m := range e.slack.Ephemeral(operator) {
			assert.NotContains(t, m.Text, tc.answer, "nobody else sees it")
		}
	}
}
