package bot_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/preorderbot/preorderbot/bot"
	"github.com/preorderbot/preorderbot/store"
)

// A Slack outage at start (auth.test answering 503) is waited out, with the reason on /readyz, instead
// of being reported as rejected tokens.
func TestStartWaitsOutASlackOutage(t *testing.T) {
	e := newEnv(t, "healthy")
	e.shutdown()
	before := e.slack.Count("auth.test")
	e.slack.FailHTTPNext("auth.test", 503, 2)
	b, err := bot.New(e.opts)
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- b.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })

	e.waitFor("the reason on readiness", func() bool { return len(b.Problems()) > 0 })
	assert.Contains(t, strings.Join(b.Problems(), "\n"), "auth.test")
	assert.False(t, b.Ready())
	e.waitFor("connected after the outage", func() bool { return b.Ready() && len(b.Problems()) == 0 })
	assert.Equal(t, before+3, e.slack.Count("auth.test"))
}

// Only the four answers that mean the token is no good stop the bot at start.
func TestStartStopsOnTokenRejection(t *testing.T) {
	for _, code := range []string{"invalid_auth", "account_inactive", "token_revoked", "not_authed"} {
		t.Run(code, func(t *testing.T) {
			e := newEnv(t, "healthy")
			e.shutdown()
			e.slack.FailNext("auth.test", code, 1)
			b, err := bot.New(e.opts)
			require.NoError(t, err)
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			err = b.Run(ctx)
			require.Error(t, err)
			assert.True(t, errors.Is(err, bot.ErrSlackAuth))
			assert.Contains(t, err.Error(), code)
			assert.NoError(t, ctx.Err(), "it gave up at once")
		})
	}
	t.Run("other errors are retried", func(t *testing.T) {
		e := newEnv(t, "healthy")
		e.shutdown()
		before := e.slack.Count("auth.test")
		e.slack.FailNext("auth.test", "fatal_error", 1)
		e.start()
		assert.Equal(t, before+2, e.slack.Count("auth.test"))
	})
}

// A request is acknowledged only once its journal entry is on disk: while the store cannot commit, Slack
// gets no ack; once it can, the ack follows and the request is handled.
func TestAckWaitsForTheJournal(t *testing.T) {
	e := newEnv(t, "healthy")
	ctx := context.Background()
	conv, err := e.db.CreateConversation(ctx, store.Conversation{Kind: "check", Channel: opsChannel, Status: store.StatusDone, CreatedAt: time.Now()})
	require.NoError(t, err)
	holding, release := make(chan struct{}), make(chan struct{})
	go func() {
		// Holds bbolt's only write transaction, as a slow disk would.
		_, _ = e.db.UpdateConversation(ctx, conv.ID, func(*store.Conversation) error {
			close(holding)
			<-release
			return nil
		})
	}()
	<-holding
	env, err := e.slack.SlashCommand(viewer, opsChannel, "/preorder check HW-JACKET-M")
	require.NoError(t, err)
	time.Sleep(500 * time.Millisecond)
	_, acked := e.slack.AckFor(env)
	assert.False(t, acked, "acked before the journal could commit")
	close(release)
	e.waitFor("ack after the commit", func() bool { _, ok := e.slack.AckFor(env); return ok })
	e.card(opsChannel, nil)
}
