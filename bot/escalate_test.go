package bot_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/preorderbot/preorderbot/bot"
	"github.com/preorderbot/preorderbot/bot/blocks"
	"github.com/preorderbot/preorderbot/bot/slacktest"
	"github.com/preorderbot/preorderbot/diagnostics/hotwax/hotwaxtest"
)

func (e *env) escalate(user string, card slacktest.Message, noteText string) {
	e.t.Helper()
	before := len(e.slack.OpenViews(user))
	e.click(user, card, "📨 Escalate to HotWax Support")
	e.waitFor("escalate modal", func() bool { return len(e.slack.OpenViews(user)) > before })
	v := e.openView(user)
	e.submit(user, v, map[string]map[string]string{blocks.BlockEscalateNote: {blocks.ActionEscalateNote: noteText}})
}

func topLevel(s *slacktest.Server, channel string) []slacktest.Message {
	var out []slacktest.Message
	for _, m := range s.Messages(channel) {
		if m.ThreadTS == "" {
			out = append(out, m)
		}
	}
	return out
}

func TestEscalationThreadWithPacket(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "job-failing", func(o *botOptions, _ *hotwaxtest.Options) { o.SupportMention = "<!subteam^S0HOTWAX>" })
	card, _ := e.check("HW-GLOVE-L")
	e.click(operator, card, "Run Preorder Catalog Sync again for Acme CA") // a step already taken
	e.waitFor("the watched run's re-check to say what changed", func() bool {
		for _, m := range e.slack.Thread(opsChannel, card.TS) {
			if strings.Contains(m.Text, "Still failing") {
				return true
			}
		}
		return false
	})
	e.settled(card)

	e.escalate(viewer, card, "Customers in Canada see no pre-order button")
	e.waitFor("support thread with the packet", func() bool {
		top := topLevel(e.slack, supportChannel)
		if len(top) != 1 {
			return false
		}
		var all strings.Builder
		for _, m := range e.slack.Thread(supportChannel, top[0].TS) {
			all.WriteString(unescape(m.Blocks))
		}
		// The evidence is the last of the packet's messages; "job-failures" alone also names a block id of the first.
		return strings.Contains(all.String(), "Evidence for") && strings.Contains(all.String(), "Steps already taken")
	})
	summary := topLevel(e.slack, supportChannel)[0]
	assert.Contains(t, summary.Text, "HW-GLOVE-L")
	body := unescape(summary.Blocks)
	assert.Contains(t, body, "Customers in Canada see no pre-order button")
	assert.Contains(t, body, "Acme CA")
	assert.Contains(t, body, "<@"+viewer+">")
	assert.Contains(t, body, "<!subteam^S0HOTWAX>", "the configured support mention")

	var packet strings.Builder
	for _, m := range e.slack.Thread(supportChannel, summary.TS) {
		packet.WriteString(unescape(m.Blocks))
	}
	p := packet.String()
	assert.Contains(t, p, "write_products", "the failing run's error text")
	assert.Contains(t, p, "job-failures", "every check with its evidence")
	assert.Contains(t, p, "<@"+operator+">", "the timeline of steps already taken")
	assert.Contains(t, p, "job-manager.hotwax.io", "links")

	// The card links to the thread, and the card's thread says where it went.
	e.waitFor("the card to link the escalation", func() bool {
		m, _ := e.slack.Message(card.Channel, card.TS)
		return strings.Contains(string(m.Blocks), "Escalated")
	})
	assert.Contains(t, e.audit("HW-GLOVE-L"), "escalate=thread "+supportChannel+"/"+summary.TS)

	// A second escalation of the same store, SKU and cause appends to the same thread.
	card2, _ := e.check("HW-GLOVE-L")
	e.escalate(operator, card2, "still broken")
	e.waitFor("the second escalation in the first thread", func() bool {
		for _, m := range e.slack.Thread(supportChannel, summary.TS) {
			if strings.Contains(m.Text, "Escalated again") {
				return true
			}
		}
		return false
	})
	assert.Len(t, topLevel(e.slack, supportChannel), 1, "one thread per store, SKU and cause")

	// The history links both escalations to their one thread, asking Slack for its permalink once.
	e.waitFor("the second card to link the escalation", func() bool {
		m, _ := e.slack.Message(card2.Channel, card2.TS)
		return strings.Contains(string(m.Blocks), "Escalated")
	})
	links := e.slack.Count("chat.getPermalink")
	e.slash(viewer, "history HW-GLOVE-L")
	e.waitFor("the history", func() bool { return len(e.slack.Ephemeral(viewer)) > 0 })
	assert.Equal(t, links+1, e.slack.Count("chat.getPermalink"), "one permalink for the thread both escalations name")
}

func TestEscalationWebhookRetriedUntilDelivered(t *testing.T) {
	t.Parallel()
	var calls atomic.Int32
	var mu sync.Mutex
	var got bot.Packet
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := calls.Add(1)
		if n <= 3 { // the first delivery's three attempts fail
			http.Error(w, "ticketing is down", http.StatusBadGateway)
			return
		}
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		defer mu.Unlock()
		assert.NoError(t, json.Unmarshal(body, &got))
	}))
	defer hook.Close()

	e := newEnv(t, "job-failing", func(o *botOptions, _ *hotwaxtest.Options) {
		o.SupportWebhook = hook.URL
		o.WebhookRetry = 200 * time.Millisecond
	})
	card, _ := e.check("HW-GLOVE-L")
	e.escalate(viewer, card, "please look")
	e.waitFor("the escalation audited with its ticket pending", func() bool {
		return strings.Contains(strings.Join(e.audit("HW-GLOVE-L"), " "), "support ticket pending")
	})
	e.waitFor("the webhook delivered on retry", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return got.SKU != ""
	})
	mu.Lock()
	assert.Equal(t, "HW-GLOVE-L", got.SKU)
	assert.Equal(t, "job-failing", string(got.Cause))
	assert.NotEmpty(t, got.Checks)
	assert.NotEmpty(t, got.ThreadURL)
	mu.Unlock()
	e.waitFor("delivery audited", func() bool {
		return strings.Contains(strings.Join(e.audit("HW-GLOVE-L"), " "), "escalate:webhook=support ticket sent")
	})
	e.waitFor("the card to say the ticket was sent", func() bool {
		m, _ := e.slack.Message(card.Channel, card.TS)
		return strings.Contains(string(m.Blocks), "support ticket sent")
	})
	m, _ := e.slack.Message(card.Channel, card.TS)
	assert.Regexp(t, `\|support thread(>|\\u003e) · support ticket sent`, string(m.Blocks), "the escalation's line still links the support thread")
}

func TestEscalationWithoutSupportChannel(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "job-failing", func(o *botOptions, _ *hotwaxtest.Options) { o.SupportChannel = "" })
	card, _ := e.check("HW-GLOVE-L")
	e.click(viewer, card, "📨 Escalate to HotWax Support")
	v := e.openView(viewer)
	assert.Contains(t, string(mustJSON(t, v)), "PREORDERBOT_SUPPORT_CHANNEL", "the modal says what to set")
	e.submit(viewer, v, map[string]map[string]string{blocks.BlockEscalateNote: {blocks.ActionEscalateNote: ""}})
	e.waitFor("the packet as a file", func() bool { fs := e.slack.Files(); return len(fs) == 1 && len(fs[0].Content) > 0 })
	f := e.slack.Files()[0]
	assert.Contains(t, string(f.Content), `"sku": "HW-GLOVE-L"`)
	e.waitFor("the user told what to set", func() bool { return len(e.slack.Ephemeral(viewer)) > 0 })
	assert.Contains(t, e.slack.Ephemeral(viewer)[0].Text, "PREORDERBOT_SUPPORT_CHANNEL")
	assert.Empty(t, e.slack.Messages(supportChannel))
}

// unescape undoes encoding/json's HTML escaping, so assertions can name Slack's <@U…> mentions.
func unescape(js []byte) string {
	return strings.NewReplacer(`\u003c`, "<", `\u003e`, ">", `\u0026`, "&").Replace(string(js))
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	js, err := json.Marshal(v)
	require.NoError(t, err)
	return js
}

// A process stopped after the support thread's summary landed and before its ts was saved leaves the
// escalation reserved without a thread: the next start finds the summary by its client message id and
// posts the packet under it, instead of opening a second thread.
func TestEscalationSummaryThatLandedIsNotPostedTwice(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "job-failing", func(o *botOptions, _ *hotwaxtest.Options) { o.ShutdownTimeout = 300 * time.Millisecond })
	card, _ := e.check("HW-GLOVE-L")
	e.settled(card)

	e.click(viewer, card, "📨 Escalate to HotWax Support")
	e.waitFor("escalate modal", func() bool { return len(e.slack.OpenViews(viewer)) == 1 })
	posts := e.slack.Count("chat.postMessage")
	e.waitFor("the card's thread done", func() bool {
		time.Sleep(300 * time.Millisecond)
		n := e.slack.Count("chat.postMessage")
		defer func() { posts = n }()
		return n == posts
	})
	e.slack.LandThenHangNext("chat.postMessage", 20*time.Second, 1) // the summary's
	e.submit(viewer, e.openView(viewer), map[string]map[string]string{blocks.BlockEscalateNote: {blocks.ActionEscalateNote: "Customers in Canada see no pre-order button"}})
	e.waitFor("the summary in the support channel", func() bool { return len(topLevel(e.slack, supportChannel)) == 1 })
	e.shutdown() // its answer never came: the thread's ts is not saved

	e.start()
	e.waitFor("the packet under the summary", func() bool {
		top := topLevel(e.slack, supportChannel)
		if len(top) == 0 {
			return false
		}
		for _, m := range e.slack.Thread(supportChannel, top[0].TS) {
			if strings.Contains(unescape(m.Blocks), "Evidence for") {
				return true
			}
		}
		return false
	})
	assert.Len(t, topLevel(e.slack, supportChannel), 1, "one support thread")
}
