package slacktest_test

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/slack-go/slack"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/preorderbot/preorderbot/bot/slacktest"
)

func TestHistoryNewestFirstWithMetadataOnRequest(t *testing.T) {
	srv := slacktest.NewTestServer(t, slacktest.Options{})
	api := apiClient(srv)
	ctx := context.Background()
	var posted []string
	for i, key := range []string{"a", "b", "c"} {
		_, ts, err := api.PostMessageContext(ctx, "C0PREORDER", slack.MsgOptionText("card "+key, false),
			slack.MsgOptionMetadata(slack.SlackMetadata{EventType: "card_posted", EventPayload: map[string]any{"key": key, "n": i}}))
		require.NoError(t, err)
		posted = append(posted, ts)
	}
	_, _, err := api.PostMessageContext(ctx, "C0PREORDER", slack.MsgOptionText("reply", false), slack.MsgOptionTS(posted[0]))
	require.NoError(t, err)

	plain, err := api.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{ChannelID: "C0PREORDER"})
	require.NoError(t, err)
	require.Len(t, plain.Messages, 3, "a thread reply is not in the channel's history")
	assert.Equal(t, posted[2], plain.Messages[0].Timestamp, "newest first")
	assert.Empty(t, plain.Messages[0].Metadata.EventType, "metadata only when asked for")
	assert.Equal(t, 1, plain.Messages[2].ReplyCount)

	page, err := api.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{
		ChannelID: "C0PREORDER", IncludeAllMetadata: true, Limit: 2, Oldest: posted[0]})
	require.NoError(t, err)
	require.Len(t, page.Messages, 2, "oldest is exclusive")
	assert.False(t, page.HasMore)
	assert.Equal(t, "card_posted", page.Messages[0].Metadata.EventType)
	assert.Equal(t, "c", page.Messages[0].Metadata.EventPayload["key"])

	first, err := api.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{ChannelID: "C0PREORDER", Limit: 2})
	require.NoError(t, err)
	require.True(t, first.HasMore)
	rest, err := api.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{ChannelID: "C0PREORDER", Limit: 2, Cursor: first.ResponseMetaData.NextCursor})
	require.NoError(t, err)
	require.Len(t, rest.Messages, 1)
	assert.Equal(t, posted[0], rest.Messages[0].Timestamp)

	_, err = api.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{ChannelID: "C0NOPE"})
	assert.EqualError(t, err, "channel_not_found")
}

func TestRepliesParentFirst(t *testing.T) {
	srv := slacktest.NewTestServer(t, slacktest.Options{})
	api := apiClient(srv)
	ctx := context.Background()
	_, parent, err := api.PostMessageContext(ctx, "C0PREORDER", slack.MsgOptionText("card", false))
	require.NoError(t, err)
	for _, text := range []string{"one", "two"} {
		_, _, err := api.PostMessageContext(ctx, "C0PREORDER", slack.MsgOptionText(text, false), slack.MsgOptionTS(parent),
			slack.MsgOptionMetadata(slack.SlackMetadata{EventType: "reply", EventPayload: map[string]any{"text": text}}))
		require.NoError(t, err)
	}
	msgs, more, _, err := api.GetConversationRepliesContext(ctx, &slack.GetConversationRepliesParameters{
		ChannelID: "C0PREORDER", Timestamp: parent, IncludeAllMetadata: true})
	require.NoError(t, err)
	assert.False(t, more)
	require.Len(t, msgs, 3)
	assert.Equal(t, "card", msgs[0].Text)
	assert.Equal(t, "two", msgs[2].Metadata.EventPayload["text"])
	_, _, _, err = api.GetConversationRepliesContext(ctx, &slack.GetConversationRepliesParameters{ChannelID: "C0PREORDER", Timestamp: "1.000001"})
	assert.EqualError(t, err, "thread_not_found")
}

// A post whose answer is lost still lands: the caller sees a 5xx or a timeout, the channel has the message.
func TestPostLandsButItsAnswerIsLost(t *testing.T) {
	srv := slacktest.NewTestServer(t, slacktest.Options{})
	ctx := context.Background()
	srv.LandThenFailNext("chat.postMessage", http.StatusServiceUnavailable, 1)
	_, _, err := apiClient(srv).PostMessageContext(ctx, "C0PREORDER", slack.MsgOptionText("first", false))
	var sc slack.StatusCodeError
	require.True(t, errors.As(err, &sc), "got %v", err)
	assert.Equal(t, http.StatusServiceUnavailable, sc.Code)
	require.Len(t, srv.Messages("C0PREORDER"), 1)

	srv.LandThenHangNext("chat.postMessage", time.Second, 1)
	short := slack.New(srv.BotToken(), slack.OptionAPIURL(srv.APIURL()), slack.OptionHTTPClient(&http.Client{Timeout: 100 * time.Millisecond}))
	_, _, err = short.PostMessageContext(ctx, "C0PREORDER", slack.MsgOptionText("second", false))
	require.Error(t, err)
	assert.Len(t, srv.Messages("C0PREORDER"), 2, "the timed-out post landed")
}
