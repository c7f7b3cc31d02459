package slacktest_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/preorderbot/preorderbot/bot/slacktest"
)

func postCard(t *testing.T, srv *slacktest.Server) string {
	t.Helper()
	_, ts, err := apiClient(srv).PostMessage("C0PREORDER", slack.MsgOptionText("card", false),
		slack.MsgOptionBlocks(cardBlocks("Re-check", "Escalate")...))
	require.NoError(t, err)
	return ts
}

func TestClickButtonPayloadParsesInSlackGo(t *testing.T) {
	srv := slacktest.NewTestServer(t, slacktest.Options{})
	client := startBot(t, srv)
	ts := postCard(t, srv)

	id, err := srv.ClickButton("U0ANA", "C0PREORDER", ts, "Escalate")
	require.NoError(t, err)
	evt := nextEvent(t, client, socketmode.EventTypeInteractive)
	assert.Equal(t, id, evt.Request.EnvelopeID)
	cb, ok := evt.Data.(slack.InteractionCallback)
	require.True(t, ok)
	assert.Equal(t, slack.InteractionTypeBlockActions, cb.Type)
	require.Len(t, cb.ActionCallback.BlockActions, 1, "block_id present, so not filed as an attachment action")
	action := cb.ActionCallback.BlockActions[0]
	assert.Equal(t, "actions", action.BlockID)
	assert.Equal(t, "preorder.btnb", action.ActionID)
	assert.Equal(t, "v:Escalate", action.Value)
	assert.Equal(t, "Escalate", action.Text.Text)
	assert.Equal(t, "U0ANA", cb.User.ID)
	assert.Equal(t, "C0PREORDER", cb.Channel.ID)
	assert.Equal(t, ts, cb.Container.MessageTs)
	assert.Equal(t, "C0PREORDER", cb.Container.ChannelID)
	assert.Equal(t, ts, cb.Message.Timestamp)
	assert.Len(t, cb.Message.Blocks.BlockSet, 2)
	assert.NotEmpty(t, cb.ResponseURL)
	require.NoError(t, client.Ack(*evt.Request))

	// The trigger_id is fresh and registered: it opens a modal once.
	view := slack.ModalViewRequest{Type: slack.VTModal, Title: slack.NewTextBlockObject(slack.PlainTextType, "Escalate", false, false)}
	_, err = apiClient(srv).OpenView(cb.TriggerID, view)
	require.NoError(t, err)
	_, err = apiClient(srv).OpenView(cb.TriggerID, view)
	assert.Equal(t, "exchanged_trigger_id", slackErr(t, err))

	_, err = srv.ClickButton("U0ANA", "C0PREORDER", ts, "Nope")
	assert.ErrorIs(t, err, slacktest.ErrNoSuchButton)
	_, err = srv.ClickButton("U0ANA", "C0PREORDER", "1.000001", "Escalate")
	assert.ErrorIs(t, err, slacktest.ErrNoSuchMessage)
}

func TestBlocksWithoutIDsGetThem(t *testing.T) {
	srv := slacktest.NewTestServer(t, slacktest.Options{})
	client := startBot(t, srv)
	_, ts, err := apiClient(srv).PostMessage("C0PREORDER", slack.MsgOptionBlocks(
		slack.NewActionBlock("", slack.NewButtonBlockElement("", "v", slack.NewTextBlockObject(slack.PlainTextType, "Go", false, false)))))
	require.NoError(t, err)
	_, err = srv.ClickButton("U0ANA", "C0PREORDER", ts, "Go")
	require.NoError(t, err)
	cb := nextEvent(t, client, socketmode.EventTypeInteractive).Data.(slack.InteractionCallback)
	require.Len(t, cb.ActionCallback.BlockActions, 1)
	assert.NotEmpty(t, cb.ActionCallback.BlockActions[0].BlockID)
	assert.NotEmpty(t, cb.ActionCallback.BlockActions[0].ActionID)
}

func TestResponseURL(t *testing.T) {
	tests := []struct {
		name  string
		msg   func(url string) []slack.MsgOption
		check func(t *testing.T, srv *slacktest.Server, ts string)
	}{
		{"replace original", func(url string) []slack.MsgOption {
			return []slack.MsgOption{slack.MsgOptionText("done", false), slack.MsgOptionReplaceOriginal(url)}
		}, func(t *testing.T, srv *slacktest.Server, ts string) {
			m, ok := srv.Message("C0PREORDER", ts)
			require.True(t, ok)
			assert.Equal(t, "done", m.Text)
			assert.Equal(t, 1, m.Edits)
		}},
		{"delete original", func(url string) []slack.MsgOption { return []slack.MsgOption{slack.MsgOptionDeleteOriginal(url)} }, func(t *testing.T, srv *slacktest.Server, ts string) {
			_, ok := srv.Message("C0PREORDER", ts)
			assert.False(t, ok)
		}},
		{"in channel", func(url string) []slack.MsgOption {
			return []slack.MsgOption{slack.MsgOptionText("follow-up", false), slack.MsgOptionResponseURL(url, slack.ResponseTypeInChannel)}
		}, func(t *testing.T, srv *slacktest.Server, ts string) {
			msgs := srv.Messages("C0PREORDER")
			require.Len(t, msgs, 2)
			assert.Equal(t, "follow-up", msgs[1].Text)
		}},
		{"ephemeral by default", func(url string) []slack.MsgOption {
			return []slack.MsgOption{slack.MsgOptionText("only you", false), slack.MsgOptionResponseURL(url, "")}
		}, func(t *testing.T, srv *slacktest.Server, ts string) {
			eph := srv.Ephemeral("U0ANA")
			require.Len(t, eph, 1)
			assert.Equal(t, "only you", eph[0].Text)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := slacktest.NewTestServer(t, slacktest.Options{})
			client := startBot(t, srv)
			ts := postCard(t, srv)
			_, err := srv.ClickButton("U0ANA", "C0PREORDER", ts, "Re-check")
			require.NoError(t, err)
			cb := nextEvent(t, client, socketmode.EventTypeInteractive).Data.(slack.InteractionCallback)
			_, _, err = slack.New("").PostMessage("", tt.msg(cb.ResponseURL)...)
			require.NoError(t, err)
			tt.check(t, srv, ts)
			call := srv.Calls("response_url")
			require.Len(t, call, 1)
			assert.Contains(t, call[0].ContentType, "application/json")
		})
	}
}

func TestResponseURLAllowsFiveUses(t *testing.T) {
	srv := slacktest.NewTestServer(t, slacktest.Options{})
	client := startBot(t, srv)
	_, err := srv.SlashCommand("U0ANA", "C0PREORDER", "help")
	require.NoError(t, err)
	cmd := nextEvent(t, client, socketmode.EventTypeSlashCommand).Data.(slack.SlashCommand)
	for range 5 {
		_, _, err := slack.New("").PostMessage("", slack.MsgOptionResponseURL(cmd.ResponseURL, ""), slack.MsgOptionText("x", false))
		require.NoError(t, err)
	}
	_, _, err = slack.New("").PostMessage("", slack.MsgOptionResponseURL(cmd.ResponseURL, ""), slack.MsgOptionText("x", false))
	var sce slack.StatusCodeError
	require.ErrorAs(t, err, &sce)
	assert.Equal(t, 404, sce.Code)
	assert.Len(t, srv.Ephemeral("U0ANA"), 5)
}

func linkModal() slack.ModalViewRequest {
	txt := func(s string) *slack.TextBlockObject {
		return slack.NewTextBlockObject(slack.PlainTextType, s, false, false)
	}
	shop := slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, txt("Shop"), "shop_select",
		slack.NewOptionBlockObject("10000", txt("Canada"), nil), slack.NewOptionBlockObject("10001", txt("US"), nil))
	return slack.ModalViewRequest{
		Type: slack.VTModal, Title: txt("Link product"), Submit: txt("Link"), CallbackID: "preorder.link",
		NotifyOnClose: true, PrivateMetadata: "s:17",
		Blocks: slack.Blocks{BlockSet: []slack.Block{
			slack.NewInputBlock("variant", txt("Variant id"), nil, slack.NewPlainTextInputBlockElement(nil, "variant_input")),
			slack.NewInputBlock("shop", txt("Shop"), nil, shop),
			slack.NewActionBlock("more", slack.NewButtonBlockElement("preorder.help", "h", txt("Help"))),
		}},
	}
}

func TestSubmitView(t *testing.T) {
	srv := slacktest.NewTestServer(t, slacktest.Options{})
	client := startBot(t, srv)
	view, err := apiClient(srv).OpenView(srv.IssueTrigger("U0ANA"), linkModal())
	require.NoError(t, err)

	type result struct {
		payload json.RawMessage
		err     error
	}
	submit := func(values map[string]map[string]string) chan result {
		ch := make(chan result, 1)
		go func() {
			p, err := srv.SubmitView(context.Background(), "U0ANA", view.ID, values)
			ch <- result{p, err}
		}()
		return ch
	}

	done := submit(map[string]map[string]string{"variant": {"variant_input": "abc"}, "shop": {"shop_select": "10000"}})
	evt := nextEvent(t, client, socketmode.EventTypeInteractive)
	cb := evt.Data.(slack.InteractionCallback)
	assert.Equal(t, slack.InteractionTypeViewSubmission, cb.Type)
	assert.Equal(t, "preorder.link", cb.View.CallbackID)
	assert.Equal(t, "s:17", cb.View.PrivateMetadata)
	assert.Equal(t, view.ID, cb.View.ID)
	assert.Equal(t, "abc", cb.View.State.Values["variant"]["variant_input"].Value)
	assert.Equal(t, "10000", cb.View.State.Values["shop"]["shop_select"].SelectedOption.Value)
	assert.Equal(t, "Canada", cb.View.State.Values["shop"]["shop_select"].SelectedOption.Text.Text)
	require.NoError(t, client.Ack(*evt.Request, slack.NewErrorsViewSubmissionResponse(map[string]string{"variant": "must be a number"})))
	res := <-done
	require.NoError(t, res.err)
	assert.JSONEq(t, `{"response_action":"errors","errors":{"variant":"must be a number"}}`, string(res.payload))
	require.Len(t, srv.OpenViews("U0ANA"), 1, "errors keep the modal open")

	done = submit(map[string]map[string]string{"variant": {"variant_input": "44596467138724"}})
	evt = nextEvent(t, client, socketmode.EventTypeInteractive)
	cb = evt.Data.(slack.InteractionCallback)
	assert.Nil(t, cb.View.State.Values["shop"]["shop_select"].SelectedOption.Text, "an untouched select is null")
	require.NoError(t, client.Ack(*evt.Request))
	res = <-done
	require.NoError(t, res.err)
	assert.Empty(t, srv.OpenViews("U0ANA"), "an empty ack closes the modal")

	_, err = srv.SubmitView(context.Background(), "U0ANA", view.ID, nil)
	assert.ErrorIs(t, err, slacktest.ErrNoSuchView)
}

func TestSubmitViewUpdateAndTimeout(t *testing.T) {
	srv := slacktest.NewTestServer(t, slacktest.Options{AckTimeout: 500 * time.Millisecond})
	client := startBot(t, srv)
	view, err := apiClient(srv).OpenView(srv.IssueTrigger("U0ANA"), linkModal())
	require.NoError(t, err)

	go func() {
		evt := nextEventAsync(client, socketmode.EventTypeInteractive)
		next := linkModal()
		next.Title.Text = "Linked"
		assert.NoError(t, client.Ack(*evt.Request, slack.NewUpdateViewSubmissionResponse(&next)))
	}()
	_, err = srv.SubmitView(context.Background(), "U0ANA", view.ID, map[string]map[string]string{"variant": {"variant_input": "1"}})
	require.NoError(t, err)
	open := srv.OpenViews("U0ANA")
	require.Len(t, open, 1)
	assert.Equal(t, "Linked", open[0].Title)
	assert.Equal(t, view.ID, open[0].ID)

	_, err = srv.SubmitView(context.Background(), "U0ANA", view.ID, map[string]map[string]string{"nope": {"x": "1"}})
	assert.Error(t, err, "values must name inputs of the view")

	_, err = srv.SubmitView(context.Background(), "U0ANA", view.ID, nil)
	assert.ErrorIs(t, err, slacktest.ErrOperationTimeout)
}

func TestCloseViewAndClickInView(t *testing.T) {
	srv := slacktest.NewTestServer(t, slacktest.Options{})
	client := startBot(t, srv)
	view, err := apiClient(srv).OpenView(srv.IssueTrigger("U0ANA"), linkModal())
	require.NoError(t, err)

	_, err = srv.ClickButtonInView("U0ANA", view.ID, "Help")
	require.NoError(t, err)
	cb := nextEvent(t, client, socketmode.EventTypeInteractive).Data.(slack.InteractionCallback)
	assert.Equal(t, slack.InteractionTypeBlockActions, cb.Type)
	require.Len(t, cb.ActionCallback.BlockActions, 1)
	assert.Equal(t, "more", cb.ActionCallback.BlockActions[0].BlockID)
	assert.Equal(t, view.ID, cb.View.ID)
	assert.Equal(t, view.ID, cb.Container.ViewID)

	id, err := srv.CloseView("U0ANA", view.ID)
	require.NoError(t, err)
	require.NotEmpty(t, id, "notify_on_close asks for view_closed")
	cb = nextEvent(t, client, socketmode.EventTypeInteractive).Data.(slack.InteractionCallback)
	assert.Equal(t, slack.InteractionTypeViewClosed, cb.Type)
	assert.Empty(t, srv.OpenViews("U0ANA"))
}

func TestSubscribeStreamsChanges(t *testing.T) {
	srv := slacktest.NewTestServer(t, slacktest.Options{})
	feed, cancel := srv.Subscribe()
	ts := postCard(t, srv)
	_, _, _, err := apiClient(srv).UpdateMessage("C0PREORDER", ts, slack.MsgOptionText("v2", false))
	require.NoError(t, err)
	require.NoError(t, apiClient(srv).AddReaction("eyes", slack.NewRefToMessage("C0PREORDER", ts)))

	var kinds []slacktest.ChangeKind
	for range 3 {
		c := <-feed
		kinds = append(kinds, c.Kind)
		assert.Equal(t, ts, c.TS)
	}
	assert.Equal(t, []slacktest.ChangeKind{slacktest.MessagePosted, slacktest.MessageUpdated, slacktest.ReactionAdded}, kinds)
	cancel()
	_, open := <-feed
	assert.False(t, open, "cancel closes the feed")
}

// nextEventAsync is nextEvent for goroutines, where t.Fatal is not allowed.
func nextEventAsync(client *socketmode.Client, typ socketmode.EventType) socketmode.Event {
	for evt := range client.Events {
		if evt.Type == typ {
			return evt
		}
	}
	return socketmode.Event{}
}
