package bot

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/slack-go/slack"

	"github.com/preorderbot/preorderbot/bot/blocks"
)

// health holds why the bot cannot do its job right now, by kind, for /readyz.
type health struct {
	mu       sync.Mutex
	problems map[blocks.UnreadyKind]blocks.Unready
}

func (h *health) set(u blocks.Unready) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.problems == nil {
		h.problems = map[blocks.UnreadyKind]blocks.Unready{}
	}
	h.problems[u.Kind] = u
}

func (h *health) clear(kind blocks.UnreadyKind) {
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.problems, kind)
}

func (h *health) list() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := make([]string, 0, len(h.problems))
	for _, p := range h.problems {
		out = append(out, blocks.UnreadyReason(p))
	}
	slices.Sort(out)
	return out
}

// Problems says what keeps the bot from its job besides the Socket Mode connection (Ready): Slack
// refusing the bot token, or Slack unreachable at start. Empty when nothing does.
func (b *Bot) Problems() []string { return b.health.list() }

// tokenRejection returns Slack's error code when err says the token itself is no good: the only
// answers that a retry cannot fix and that the operator must act on.
func tokenRejection(err error) (string, bool) {
	var se slack.SlackErrorResponse
	if !errors.As(err, &se) {
		return "", false
	}
	switch se.Err {
	case "invalid_auth", "account_inactive", "token_revoked", "not_authed":
		return se.Err, true
	}
	return "", false
}

// noteSlackResult keeps readiness in step with what Slack answers the bot token: a rejected token makes
// the bot not ready (its cards cannot be finished) until a call succeeds again.
func (b *Bot) noteSlackResult(err error) {
	if code, ok := tokenRejection(err); ok {
		b.health.set(blocks.Unready{Kind: blocks.TokenRejected, Detail: code})
		return
	}
	if err == nil {
		b.health.clear(blocks.TokenRejected)
	}
}

// authMaxWait caps the gap between two auth.test attempts at start.
const authMaxWait = 30 * time.Second

// authenticate asks Slack who the bot is. A rejected token ends it with ErrSlackAuth; anything else (a
// Slack outage, a proxy, DNS) is retried with backoff while /readyz says why the bot is not ready.
func (b *Bot) authenticate(ctx context.Context) (*slack.AuthTestResponse, error) {
	wait := 500 * time.Millisecond
	for attempt := 1; ; attempt++ {
		auth, err := b.api.AuthTestContext(ctx)
		if err == nil {
			b.health.clear(blocks.SlackUnreachable)
			b.noteSlackResult(nil)
			return auth, nil
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if code, ok := tokenRejection(err); ok {
			return nil, fmt.Errorf("%w: auth.test answered %s: check SLACK_BOT_TOKEN and that the app is installed", ErrSlackAuth, code)
		}
		b.health.set(blocks.Unready{Kind: blocks.SlackUnreachable, Detail: err.Error(), Attempt: attempt})
		b.log.Warn("slack auth.test failed; retrying", "attempt", attempt, "in", wait, "error", err)
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(wait):
		}
		wait = min(2*wait, authMaxWait)
	}
}
