package bot_test

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/preorderbot/preorderbot/bot"
	"github.com/preorderbot/preorderbot/bot/slacktest"
	"github.com/preorderbot/preorderbot/diagnostics"
	"github.com/preorderbot/preorderbot/diagnostics/hotwax"
	"github.com/preorderbot/preorderbot/diagnostics/hotwax/hotwaxtest"
	"github.com/preorderbot/preorderbot/store"
)

const (
	opsChannel     = "C0PREORDER"
	supportChannel = "C0SUPPORT"
	operator       = "U0ANA" // listed in PREORDERBOT_OPERATORS
	viewer         = "U0BEN" // anyone else
	storeID        = "STORE"
)

// env is one bot running against a simulated Slack and a simulated OMS, as in production.
type env struct {
	t     testing.TB
	slack *slacktest.Server
	oms   *hotwaxtest.Server
	db    *store.DB
	// journal is the request journal's log, beside the store as in serve.
	journal *store.Journal
	opts    bot.Options
	bot     *bot.Bot
	stop    context.CancelFunc
	done    chan error
}

type botOptions = bot.Options

type hotwaxtestOptions = hotwaxtest.Options

type envOption func(*botOptions, *hotwaxtest.Options)

func newEnv(t testing.TB, scenario string, mods ...envOption) *env {
	t.Helper()
	sl := slacktest.NewTestServer(t, slacktest.Options{PingInterval: time.Second})
	omsOpts := hotwaxtest.Options{Scenario: scenario, RunDelay: 50 * time.Millisecond}
	path := filepath.Join(t.TempDir(), "preorderbot.db")
	db, err := store.Open(path, store.Options{})
	require.NoError(t, err)
	journal, err := store.OpenJournal(path+".journal", store.Options{})
	require.NoError(t, err)

	opts := bot.Options{
		AppToken: sl.AppToken(), BotToken: sl.BotToken(), APIURL: sl.APIURL(),
		Store: db, Journal: journal, StoreID: storeID,
		Operators: []string{operator}, SupportChannel: supportChannel,
		Workers: 4, EditInterval: 100 * time.Millisecond, WatchPoll: 50 * time.Millisecond,
		ShutdownTimeout: 5 * time.Second, PingInterval: 5 * time.Second,
		Logger: testLogger(t),
	}
	for _, m := range mods {
		m(&opts, &omsOpts)
	}
	oms := hotwaxtest.NewTestServer(t, omsOpts)
	hc, err := hotwax.New(hotwax.Options{BaseURL: oms.URL(), Token: oms.Token(), Timeout: 2 * time.Second, RetryWait: 10 * time.Millisecond})
	require.NoError(t, err)
	client := hotwax.NewOMS(hc)
	dopts := diagnostics.Options{Jobs: hotwax.DefaultJobs(), Deadline: 5 * time.Second}
	// As in serve, checks share the store-wide facts.
	facts := diagnostics.NewStoreFacts(diagnostics.DefaultStoreFactsTTL)
	chain := diagnostics.New(client, diagnostics.Options{Jobs: dopts.Jobs, Deadline: dopts.Deadline, StoreFacts: facts})
	if opts.Checker == nil {
		opts.Checker, opts.StoreFacts = diagnostics.Suggesting{Runner: chain, Catalog: client}, facts
	}
	opts.Catalog = client
	opts.Jobs = chain
	opts.Executor = diagnostics.NewExecutor(client, dopts)
	opts.Watcher = diagnostics.NewWatcher(client)
	if opts.Sweeper == nil {
		opts.Sweeper = diagnostics.NewSweeper(client, diagnostics.NewLimiter(4, 0), dopts)
	}

	e := &env{t: t, slack: sl, oms: oms, db: db, journal: journal, opts: opts}
	e.start()
	t.Cleanup(func() {
		e.shutdown()
		require.NoError(t, journal.Close())
		require.NoError(t, db.Close())
	})
	return e
}

func (e *env) start() {
	e.t.Helper()
	b, err := bot.New(e.opts)
	require.NoError(e.t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1) // the goroutine's own: a restart after a late stop replaces e.done
	e.bot, e.stop, e.done = b, cancel, done
	go func() { done <- b.Run(ctx) }()
	e.waitFor("socket mode ready", b.Ready)
}

func (e *env) shutdown() {
	if e.stop == nil {
		return
	}
	e.stop()
	select {
	case err := <-e.done:
		if err != nil && !errors.Is(err, context.Canceled) {
			e.t.Errorf("bot stopped with %v", err)
		}
	case <-time.After(10 * time.Second):
		e.t.Error("bot did not stop within 10 s")
	}
	e.stop = nil
}

// waitFor waits on the simulated Slack's change feed until cond holds. The limit is generous because a
// 50-SKU check under -race on a busy 2-core machine takes 10–20 s; it only bounds a test that already failed.
func (e *env) waitFor(what string, cond func() bool) {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	for !cond() {
		select {
		case <-ctx.Done():
			for _, m := range e.slack.Messages(opsChannel) {
				e.t.Logf("message %s by %s (thread %s, %d edits): %.300s %.3000s", m.TS, m.User, m.ThreadTS, m.Edits, m.Text, m.Blocks)
			}
			for _, u := range []string{viewer, operator} {
				for _, m := range e.slack.Ephemeral(u) {
					e.t.Logf("ephemeral to %s: %.300s", u, m.Text)
				}
			}
			e.t.Fatalf("timed out waiting for %s", what)
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// card is the bot's latest top-level message in a channel, once it shows its final state (a Re-check
// button, which progress cards do not have) and matches cond.
func (e *env) card(channel string, cond func(slacktest.Message) bool) slacktest.Message {
	e.t.Helper()
	var got slacktest.Message
	e.waitFor("final card in "+channel, func() bool {
		posts := botPosts(e.slack, channel)
		if len(posts) == 0 {
			return false
		}
		m := posts[len(posts)-1]
		if !strings.Contains(string(m.Blocks), `"preorder.recheck"`) || (cond != nil && !cond(m)) {
			return false
		}
		got = m
		return true
	})
	return got
}

// report is the last report the bot stored for the conversation behind a card.
func (e *env) report(m slacktest.Message) diagnostics.Report {
	e.t.Helper()
	conv, err := e.db.ConversationByCard(context.Background(), m.Channel, m.TS)
	require.NoError(e.t, err)
	var rs []diagnostics.Report
	require.NoError(e.t, json.Unmarshal(conv.LastReport, &rs))
	require.Len(e.t, rs, 1)
	return rs[0]
}

func (e *env) slash(user, text string) {
	e.t.Helper()
	_, err := e.slack.SlashCommand(user, opsChannel, "/preorder "+text)
	require.NoError(e.t, err)
}

// check runs /preorder check SKU and returns the final card and its report.
func (e *env) check(sku string) (slacktest.Message, diagnostics.Report) {
	e.t.Helper()
	before := len(e.slack.Messages(opsChannel))
	e.slash(viewer, "check "+sku)
	m := e.card(opsChannel, func(m slacktest.Message) bool {
		return len(e.slack.Messages(opsChannel)) > before && strings.HasPrefix(m.Text, sku)
	})
	return m, e.report(m)
}

var _ = http.StatusOK

// testLogger discards logs unless PREORDERBOT_TEST_LOG is set, for debugging a failing test.
func testLogger(t testing.TB) *slog.Logger {
	if os.Getenv("PREORDERBOT_TEST_LOG") == "" {
		return slog.New(slog.DiscardHandler)
	}
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
}
