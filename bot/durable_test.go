package bot_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/preorderbot/preorderbot/bot"
	"github.com/preorderbot/preorderbot/diagnostics/hotwax/hotwaxtest"
	"github.com/preorderbot/preorderbot/store"
)

// A Slack outage at start (auth.test answering 503) is waited out, with the reason on /readyz, instead
// of being reported as rejected tokens.
func TestStartWaitsOutASlackOutage(t *testing.T) {
	t.Parallel()
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
	t.Parallel()
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

// A request is acknowledged only once its journal entry is on disk: while the journal cannot commit,
// Slack gets no ack; once it can, the ack follows and the request is handled.
func TestAckWaitsForTheJournal(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "healthy")
	e.shutdown()
	slow := &stalledJournal{Journal: e.journal, holding: make(chan struct{}), release: make(chan struct{})}
	e.opts.Journal = slow
	e.start()
	env, err := e.slack.SlashCommand(viewer, opsChannel, "/preorder check HW-JACKET-M")
	require.NoError(t, err)
	<-slow.holding
	time.Sleep(500 * time.Millisecond)
	_, acked := e.slack.AckFor(env)
	assert.False(t, acked, "acked before the journal could commit")
	close(slow.release)
	e.waitFor("ack after the commit", func() bool { _, ok := e.slack.AckFor(env); return ok })
	e.card(opsChannel, nil)
}

// stalledJournal holds its first commit of a request until release, as a slow disk would.
type stalledJournal struct {
	*store.Journal
	once             sync.Once
	holding, release chan struct{}
}

func (j *stalledJournal) JournalRequests(ctx context.Context, rs []store.JournaledRequest, done []string) (map[string]bool, error) {
	if len(rs) > 0 {
		j.once.Do(func() {
			close(j.holding)
			<-j.release
		})
	}
	return j.Journal.JournalRequests(ctx, rs, done)
}

// A card post answered 503 or timing out had landed: the bot finds it instead of posting a second card.
func TestCardPostThatLandedIsNotRepeated(t *testing.T) {
	t.Parallel()
	cases := map[string]func(e *env){
		"503":     func(e *env) { e.slack.LandThenFailNext("chat.postMessage", 503, 1) },
		"timeout": func(e *env) { e.slack.LandThenHangNext("chat.postMessage", 3*time.Second, 1) },
	}
	for name, fault := range cases {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, "healthy", func(o *botOptions, _ *hotwaxtest.Options) {
				o.HTTPClient = &http.Client{Timeout: time.Second}
			})
			fault(e)
			e.check("HW-JACKET-M")
			assert.Len(t, botPosts(e.slack, opsChannel), 1, "one card")
			assert.GreaterOrEqual(t, e.slack.Count("conversations.history"), 1, "it looked before posting again")
		})
	}
}

// A revoked bot token mid-check leaves the card unfinished: /readyz says so, the conversation is not
// done, and the next start (with the token back) finishes the card.
func TestRevokedTokenMidCheckIsFinishedAtRestart(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "healthy", func(_ *botOptions, o *hotwaxtest.Options) { o.Latency = 200 * time.Millisecond })
	e.slash(viewer, "check HW-JACKET-M")
	e.waitFor("progress card", func() bool { return len(botPosts(e.slack, opsChannel)) == 1 })
	e.slack.Revoke(e.slack.BotToken(), "token_revoked")
	e.waitFor("not ready, with the reason", func() bool {
		return strings.Contains(strings.Join(e.bot.Problems(), " "), "token_revoked")
	})
	busy, err := e.db.BusyConversations(context.Background())
	require.NoError(t, err)
	require.Len(t, busy, 1, "the check is not done while its card is not final")
	assert.Equal(t, store.StatusChecking, busy[0].Status)

	e.shutdown()
	e.slack.Revoke(e.slack.BotToken(), "")
	e.start()
	card := e.card(opsChannel, nil)
	assert.True(t, strings.HasPrefix(card.Text, "HW-JACKET-M: "), "finished at restart, got %q", card.Text)
	assert.Len(t, botPosts(e.slack, opsChannel), 1)
	e.waitFor("the conversation done", func() bool {
		busy, err := e.db.BusyConversations(context.Background())
		return err == nil && len(busy) == 0
	})
	assert.Empty(t, e.bot.Problems())
}

// A process stopped after the card landed but before its ts was saved leaves an orphan card: the next
// start finds it by its client message id and finishes it, instead of posting a second one.
func TestOrphanCardIsFoundAndFinished(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "healthy", func(o *botOptions, _ *hotwaxtest.Options) { o.ShutdownTimeout = 500 * time.Millisecond })
	e.slack.LandThenHangNext("chat.postMessage", 20*time.Second, 1)
	e.slash(viewer, "check HW-JACKET-M")
	e.waitFor("the card in the channel", func() bool { return len(botPosts(e.slack, opsChannel)) == 1 })
	e.shutdown() // the post's answer never came: the card's ts is not saved
	busy, err := e.db.BusyConversations(context.Background())
	require.NoError(t, err)
	require.Len(t, busy, 1)
	require.Empty(t, busy[0].CardTS, "the stop came before the ts was saved")

	e.start()
	card := e.card(opsChannel, nil)
	assert.True(t, strings.HasPrefix(card.Text, "HW-JACKET-M: "), "got %q", card.Text)
	assert.Len(t, botPosts(e.slack, opsChannel), 1, "the orphan was finished, not duplicated")
}

// A card post still in flight when its process stops lands after the next start first looks for it:
// the start looks again before posting, so the card is finished, not left at "Checking" beside a second.
func TestOrphanCardLandingLateIsNotPostedTwice(t *testing.T) {
	t.Parallel()
	const late = 2 * time.Second
	e := newEnv(t, "healthy", func(o *botOptions, _ *hotwaxtest.Options) { o.ShutdownTimeout = 300 * time.Millisecond })
	e.slack.LandLateNext("chat.postMessage", late, 1)
	e.slash(viewer, "check HW-JACKET-M")
	e.waitFor("the check under way", func() bool {
		busy, err := e.db.BusyConversations(context.Background())
		return err == nil && len(busy) == 1
	})
	landed := time.Now().Add(late)
	e.shutdown()
	require.Empty(t, botPosts(e.slack, opsChannel), "the post has not landed when the process stops")

	e.start()
	e.waitFor("the conversation done", func() bool {
		busy, err := e.db.BusyConversations(context.Background())
		return err == nil && len(busy) == 0
	})
	time.Sleep(time.Until(landed.Add(500 * time.Millisecond)))
	posts := botPosts(e.slack, opsChannel)
	require.Equal(t, 1, len(posts), "the late card was finished, not posted again")
	assert.True(t, strings.HasPrefix(posts[0].Text, "HW-JACKET-M: "), "got %q", posts[0].Text)
	assert.Contains(t, string(posts[0].Blocks), `"preorder.recheck"`, "the card is final")
}
