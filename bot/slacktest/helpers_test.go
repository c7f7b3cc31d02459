package slacktest_test

import (
	"context"
	"testing"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"
	"github.com/stretchr/testify/require"

	"github.com/preorderbot/preorderbot/bot/slacktest"
)

// guard bounds every wait so a broken behaviour fails the test instead of hanging it.
const guard = 10 * time.Second

func waitCtx(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), guard)
	t.Cleanup(cancel)
	return ctx
}

func apiClient(srv *slacktest.Server) *slack.Client {
	return slack.New(srv.BotToken(), slack.OptionAppLevelToken(srv.AppToken()), slack.OptionAPIURL(srv.APIURL()))
}

// startBot runs a real slack-go Socket Mode client against srv until the test ends.
func startBot(t *testing.T, srv *slacktest.Server, opts ...socketmode.Option) *socketmode.Client {
	t.Helper()
	client := socketmode.New(apiClient(srv), opts...)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = client.RunContext(ctx)
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	return client
}

// nextEvent returns the next event of type typ, skipping lifecycle events of other types.
func nextEvent(t *testing.T, client *socketmode.Client, typ socketmode.EventType) socketmode.Event {
	t.Helper()
	timeout := time.NewTimer(guard)
	defer timeout.Stop()
	for {
		select {
		case evt := <-client.Events:
			if evt.Type == typ {
				return evt
			}
		case <-timeout.C:
			t.Fatalf("no %s event", typ)
		}
	}
}

func waitFor(t *testing.T, srv *slacktest.Server, what string, cond func() bool) {
	t.Helper()
	require.NoError(t, srv.WaitFor(waitCtx(t), cond), what)
}

// socketmodeRun runs a Socket Mode client until RunContext returns (a fatal error) or the guard ends.
func socketmodeRun(t *testing.T, srv *slacktest.Server) error {
	t.Helper()
	return socketmode.New(apiClient(srv)).RunContext(waitCtx(t))
}
