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
	"github.com/preorderbot/preorderbot/diagnostics/hotwax/hotwaxtest"
)

// SIGTERM while a check is in flight: the bot stops taking work but the card still ends final.
func TestShutdownFinishesWorkInFlight(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "healthy", func(_ *botOptions, o *hotwaxtest.Options) { o.Latency = 300 * time.Millisecond })
	e.slash(viewer, "check HW-JACKET-M")
	e.waitFor("progress card", func() bool { return len(botPosts(e.slack, opsChannel)) == 1 })
	e.shutdown()
	card := botPosts(e.slack, opsChannel)[0]
	assert.True(t, strings.HasPrefix(card.Text, "HW-JACKET-M: "), "the final card was posted before Run returned, got %q", card.Text)
	assert.Contains(t, string(card.Blocks), `"preorder.recheck"`)
}

// A revoked app token ends Run with an error that names the settings, instead of retrying forever.
func TestRevokedAppTokenStopsTheBot(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "healthy")
	e.shutdown()
	e.slack.Revoke(e.slack.AppToken(), "token_revoked")
	b, err := bot.New(e.opts)
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err = b.Run(ctx)
	require.Error(t, err)
	assert.True(t, errors.Is(err, bot.ErrSlackAuth))
	assert.Contains(t, err.Error(), "SLACK_APP_TOKEN")
	assert.NoError(t, ctx.Err(), "it gave up at once, not at the deadline")
}
