package slacktest_test

import (
	"context"
	"testing"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"

	"github.com/preorderbot/preorderbot/bot/slacktest"
)

// BenchmarkSlashCommandAckRoundTrip measures envelope out → slack-go parses → ack recorded.
func BenchmarkSlashCommandAckRoundTrip(b *testing.B) {
	srv, err := slacktest.New(slacktest.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	client := socketmode.New(slack.New(srv.BotToken(), slack.OptionAppLevelToken(srv.AppToken()), slack.OptionAPIURL(srv.APIURL())))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() { _ = client.RunContext(ctx) }()
	go func() {
		for evt := range client.Events {
			if evt.Request != nil && evt.Request.EnvelopeID != "" {
				_ = client.AckCtx(ctx, evt.Request.EnvelopeID, nil)
			}
		}
	}()
	if err := srv.WaitFor(ctx, func() bool { return srv.LiveConnections() == 1 }); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		id, err := srv.SlashCommand("U0ANA", "C0PREORDER", "help")
		if err != nil {
			b.Fatal(err)
		}
		if err := srv.WaitFor(ctx, func() bool { _, ok := srv.AckFor(id); return ok }); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPostMessage measures one chat.postMessage with a card's blocks through slack-go.
func BenchmarkPostMessage(b *testing.B) {
	srv, err := slacktest.New(slacktest.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	api := slack.New(srv.BotToken(), slack.OptionAPIURL(srv.APIURL()))
	blocks := cardBlocks("Re-check", "Escalate")
	for b.Loop() {
		if _, _, err := api.PostMessage("C0PREORDER", slack.MsgOptionText("card", false), slack.MsgOptionBlocks(blocks...)); err != nil {
			b.Fatal(err)
		}
	}
}
