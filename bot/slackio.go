package bot

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/preorderbot/preorderbot/bot/blocks"
)

// postRetryFor bounds how long a card post or edit keeps being retried after slack-go's own 429 retries.
const postRetryFor = 2 * time.Minute

// post sends a message (a card, or a thread reply when threadTS is set) and returns its ts. A failure
// that may be transient is logged and retried without ever posting the message twice (see postOnce).
func (b *Bot) post(ctx context.Context, log *slog.Logger, channel, threadTS string, m blocks.Message) (string, error) {
	return b.postOnce(ctx, log, channel, threadTS, newPostKey(), b.now(), m)
}

// postMetadataType marks the bot's messages with a client message id (event_payload.key), so a post
// whose answer was lost can be found again.
const postMetadataType = "preorderbot_post"

// postOnce posts m carrying key in its metadata. An attempt that may have landed (a 5xx, a timeout, a
// dropped connection) is looked for, by key, in the messages since since, before any new attempt: a
// retry never shows the message twice. A caller that wrote key down before posting can find the message
// the same way after a crash (findPost).
func (b *Bot) postOnce(ctx context.Context, log *slog.Logger, channel, threadTS, key string, since time.Time, m blocks.Message) (string, error) {
	opts := []slack.MsgOption{slack.MsgOptionText(m.Text, false), slack.MsgOptionBlocks(m.Blocks...),
		slack.MsgOptionMetadata(slack.SlackMetadata{EventType: postMetadataType, EventPayload: map[string]any{"key": key}})}
	if threadTS != "" {
		opts = append(opts, slack.MsgOptionTS(threadTS))
	}
	var ts string
	unsure := false
	err := b.retrying(ctx, log, "chat.postMessage", func() error {
		if unsure {
			found, err := b.findPost(ctx, channel, threadTS, key, since)
			switch {
			case err != nil && !permanent(err):
				return err // still unsure: look again before posting
			case err != nil:
				log.Warn("cannot look for a post that may have landed; posting again", "error", err)
			case found != "":
				log.Info("a post answered with an error had landed", "ts", found)
				ts = found
				return nil
			}
			unsure = false
		}
		_, t, err := b.api.PostMessageContext(ctx, channel, opts...)
		unsure = err != nil && mayHaveLanded(err)
		ts = t
		return err
	})
	return ts, err
}

// newPostKey is a fresh client message id.
func newPostKey() string {
	var k [12]byte
	_, _ = rand.Read(k[:])
	return hex.EncodeToString(k[:])
}

// findPostPages bounds how far back findPost reads: a page is 200 messages.
const findPostPages = 5

// clockSkew is the room left for Slack's clock, which stamps a message's ts, against ours.
const clockSkew = 2 * time.Minute

// findPost looks for the bot's message carrying key, posted in channel (or in threadTS's thread) by a
// postOnce that began at since, and returns its ts, or "" when there is none. Only the messages of the
// window such a post can land in are read, newest first: in a busy channel, looked for long after, the
// post is still within the pages read.
func (b *Bot) findPost(ctx context.Context, channel, threadTS, key string, since time.Time) (string, error) {
	oldest := fmt.Sprintf("%d.000000", since.Add(-clockSkew).Unix())
	latest := fmt.Sprintf("%d.999999", since.Add(postRetryFor+slackCallTimeout+clockSkew).Unix())
	cursor := ""
	for range findPostPages {
		var (
			msgs []slack.Message
			next string
			err  error
		)
		if threadTS != "" {
			method := "conversations.replies"
			msgs, _, next, err = b.api.GetConversationRepliesContext(ctx, &slack.GetConversationRepliesParameters{
				ChannelID: channel, Timestamp: threadTS, Oldest: oldest, Latest: latest, Inclusive: true, Cursor: cursor, Limit: 200,
				IncludeAllMetadata: true})
			b.metrics.observeSlack(method, err, false)
		} else {
			var h *slack.GetConversationHistoryResponse
			h, err = b.api.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{
				ChannelID: channel, Oldest: oldest, Latest: latest, Inclusive: true, Cursor: cursor, Limit: 200, IncludeAllMetadata: true})
			b.metrics.observeSlack("conversations.history", err, false)
			if err == nil {
				msgs, next = h.Messages, h.ResponseMetaData.NextCursor
			}
		}
		if err != nil {
			return "", fmt.Errorf("look for post %s: %w", key, err)
		}
		for _, m := range msgs {
			if m.Metadata.EventType == postMetadataType && m.Metadata.EventPayload["key"] == key {
				return m.Timestamp, nil
			}
		}
		if next == "" {
			return "", nil
		}
		cursor = next
	}
	return "", nil
}

// landingGrace is how long a post a stopped process sent may take to land: Slack may still be working on
// a request whose sender died.
const landingGrace = 3 * time.Second

// findLanded is findPost for a post a stopped process may have made (a card or a thread whose ts was never
// saved). When it is not there and that process may have been posting it moments ago, it looks once more
// after landingGrace: a post that lands after the look would otherwise be followed by a second one.
func (b *Bot) findLanded(ctx context.Context, channel, threadTS, key string, since time.Time) (string, error) {
	ts, err := b.findPost(ctx, channel, threadTS, key, since)
	if err != nil || ts != "" || b.now().Sub(since) > postRetryFor+slackCallTimeout {
		return ts, err
	}
	select {
	case <-ctx.Done():
		return "", ctx.Err()
	case <-time.After(landingGrace):
	}
	return b.findPost(ctx, channel, threadTS, key, since)
}

// mayHaveLanded reports a failed call whose effect may still have happened: Slack's answer was lost or
// was a server error, not a refusal.
func mayHaveLanded(err error) bool {
	var se slack.SlackErrorResponse
	if errors.As(err, &se) {
		switch se.Err {
		case "internal_error", "fatal_error", "service_unavailable", "request_timeout":
			return true
		}
		return false
	}
	var rl *slack.RateLimitedError
	if errors.As(err, &rl) {
		return false
	}
	var sc slack.StatusCodeError
	if errors.As(err, &sc) {
		return sc.Code >= 500
	}
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		return false // never sent
	}
	return true // a timeout or a connection dropped mid-answer
}

// update edits a card in place.
func (b *Bot) update(ctx context.Context, log *slog.Logger, channel, ts string, m blocks.Message) error {
	return b.retrying(ctx, log, "chat.update", func() error {
		_, _, _, err := b.api.UpdateMessageContext(ctx, channel, ts,
			slack.MsgOptionText(m.Text, false), slack.MsgOptionBlocks(m.Blocks...))
		return err
	})
}

// tell answers one person privately: through the request's response_url when it has one (works in any
// channel, even where the bot is not a member), else as an ephemeral message.
func (b *Bot) tell(ctx context.Context, req request, m blocks.Message) {
	var err error
	if req.ResponseURL != "" {
		_, _, _, err = b.api.SendMessageContext(ctx, req.Channel, slack.MsgOptionText(m.Text, false),
			slack.MsgOptionBlocks(m.Blocks...), slack.MsgOptionResponseURL(req.ResponseURL, slack.ResponseTypeEphemeral))
		b.metrics.observeSlack("response_url", err, false)
		if err == nil {
			return
		}
		b.log.Debug("response_url failed; trying chat.postEphemeral", "error", err)
	}
	if req.Kind == kindMention {
		// The mention was public, so is the answer: an ephemeral reply in a thread is easy to miss.
		if _, err := b.post(ctx, b.log, req.Channel, req.ThreadTS, m); err != nil {
			b.log.Warn("could not answer user", "user", req.User, "channel", req.Channel, "error", err)
		}
		return
	}
	opts := []slack.MsgOption{slack.MsgOptionText(m.Text, false), slack.MsgOptionBlocks(m.Blocks...)}
	_, err = b.api.PostEphemeralContext(ctx, req.Channel, req.User, opts...)
	b.metrics.observeSlack("chat.postEphemeral", err, false)
	if err != nil {
		b.log.Warn("could not answer user", "user", req.User, "channel", req.Channel, "error", err)
	}
}

// retrying runs a Web API call until it succeeds, fails permanently, or postRetryFor passes.
func (b *Bot) retrying(ctx context.Context, log *slog.Logger, method string, call func() error) error {
	deadline := time.Now().Add(postRetryFor)
	wait := 500 * time.Millisecond
	for attempt := 1; ; attempt++ {
		err := call()
		b.metrics.observeSlack(method, err, false)
		b.noteSlackResult(err)
		if err == nil {
			return nil
		}
		var rl *slack.RateLimitedError
		if errors.As(err, &rl) {
			wait = max(wait, rl.RetryAfter)
		}
		if ctx.Err() != nil || permanent(err) || time.Now().Add(wait).After(deadline) {
			log.Error("slack call failed", "method", method, "attempt", attempt, "error", err)
			return err
		}
		log.Warn("slack call failed; retrying", "method", method, "attempt", attempt, "in", wait, "error", err)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(wait):
		}
		wait = min(2*wait, 10*time.Second)
	}
}

// permanent reports Slack answers that no retry can change.
func permanent(err error) bool {
	var se slack.SlackErrorResponse
	if errors.As(err, &se) {
		switch se.Err {
		case "ratelimited", "rate_limited", "internal_error", "fatal_error", "service_unavailable", "request_timeout":
			return false
		}
		return true
	}
	var sc slack.StatusCodeError
	if errors.As(err, &sc) {
		return sc.Code < 500 && sc.Code != http.StatusTooManyRequests
	}
	return errors.Is(err, context.Canceled)
}

// instrument counts every Slack HTTP call and 429 by method, including slack-go's own retries.
func instrument(c *http.Client, m *Metrics) *http.Client {
	if m == nil {
		return c
	}
	cp := *c
	base := cp.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	cp.Transport = roundTripFunc(func(r *http.Request) (*http.Response, error) {
		resp, err := base.RoundTrip(r)
		method := r.URL.Path[strings.LastIndex(r.URL.Path, "/")+1:]
		if resp != nil && resp.StatusCode == http.StatusTooManyRequests {
			m.slackLimited.Inc(method)
		}
		return resp, err
	})
	return &cp
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
