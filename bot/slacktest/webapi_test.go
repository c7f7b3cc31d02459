package slacktest_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/preorderbot/preorderbot/bot/slacktest"
)

var tsPattern = regexp.MustCompile(`^\d{10}\.\d{6}$`)

func cardBlocks(buttons ...string) []slack.Block {
	var els []slack.BlockElement
	for i, b := range buttons {
		els = append(els, slack.NewButtonBlockElement("preorder.btn"+string(rune('a'+i)), "v:"+b, slack.NewTextBlockObject(slack.PlainTextType, b, false, false)))
	}
	blocks := []slack.Block{slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, "*SKU1* not on child shops", false, false), nil, nil, slack.SectionBlockOptionBlockID("summary"))}
	if len(els) > 0 {
		blocks = append(blocks, slack.NewActionBlock("actions", els...))
	}
	return blocks
}

func slackErr(t *testing.T, err error) string {
	t.Helper()
	var se slack.SlackErrorResponse
	require.ErrorAs(t, err, &se)
	return se.Err
}

func TestPostUpdateAndRead(t *testing.T) {
	srv := slacktest.NewTestServer(t, slacktest.Options{})
	api := apiClient(srv)
	ctx := context.Background()

	ch, ts, err := api.PostMessageContext(ctx, "C0PREORDER", slack.MsgOptionText("Checking SKU1", false), slack.MsgOptionBlocks(cardBlocks("Re-check")...))
	require.NoError(t, err)
	assert.Equal(t, "C0PREORDER", ch)
	assert.Regexp(t, tsPattern, ts)

	_, ts2, err := api.PostMessageContext(ctx, "#preorder-ops", slack.MsgOptionText("second", false))
	require.NoError(t, err)
	assert.Greater(t, ts2, ts, "ts increase")

	_, reply, err := api.PostMessageContext(ctx, "C0PREORDER", slack.MsgOptionText("evidence", false), slack.MsgOptionTS(ts))
	require.NoError(t, err)

	_, _, _, err = api.UpdateMessageContext(ctx, "C0PREORDER", ts, slack.MsgOptionText("SKU1: fixed", false), slack.MsgOptionBlocks(cardBlocks()...))
	require.NoError(t, err)

	msgs := srv.Messages("C0PREORDER")
	require.Len(t, msgs, 2, "the reply is in the thread, not the channel")
	assert.Equal(t, "SKU1: fixed", msgs[0].Text)
	assert.Equal(t, 1, msgs[0].Edits)
	assert.Equal(t, srv.BotUserID(), msgs[0].User)
	assert.Equal(t, []string{reply}, msgs[0].Replies)
	assert.JSONEq(t, `[{"type":"section","block_id":"summary","text":{"type":"mrkdwn","text":"*SKU1* not on child shops"}}]`, string(msgs[0].Blocks))

	thread := srv.Thread("C0PREORDER", ts)
	require.Len(t, thread, 2)
	assert.Equal(t, "evidence", thread[1].Text)
	assert.Equal(t, ts, thread[1].ThreadTS)

	calls := srv.Calls("chat.update")
	require.Len(t, calls, 1)
	assert.Equal(t, ts, calls[0].Form.Get("ts"))
	assert.Empty(t, calls[0].Form.Get("token"), "tokens are never recorded")
	require.Len(t, calls[0].Blocks, 1)
	assert.Equal(t, slack.MBTSection, calls[0].Blocks[0].BlockType())
	assert.Equal(t, 3, srv.Count("chat.postMessage"))
}

func TestChatErrors(t *testing.T) {
	srv := slacktest.NewTestServer(t, slacktest.Options{})
	api := apiClient(srv)
	ctx := context.Background()
	_, ts, err := api.PostMessageContext(ctx, "C0PREORDER", slack.MsgOptionText("card", false))
	require.NoError(t, err)

	tests := []struct {
		name string
		call func() error
		want string
	}{
		{"post to unknown channel", func() error {
			_, _, err := api.PostMessageContext(ctx, "C0NOPE", slack.MsgOptionText("x", false))
			return err
		}, "channel_not_found"},
		{"post without text", func() error {
			_, _, err := api.PostMessageContext(ctx, "C0PREORDER")
			return err
		}, "no_text"},
		{"update unknown message", func() error {
			_, _, _, err := api.UpdateMessageContext(ctx, "C0PREORDER", "1.000001", slack.MsgOptionText("x", false))
			return err
		}, "message_not_found"},
		{"update text over 4000", func() error {
			_, _, _, err := api.UpdateMessageContext(ctx, "C0PREORDER", ts, slack.MsgOptionText(strings.Repeat("a", 4001), false))
			return err
		}, "msg_too_long"},
		{"51 blocks", func() error {
			var blocks []slack.Block
			for range 51 {
				blocks = append(blocks, slack.NewDividerBlock())
			}
			_, _, err := api.PostMessageContext(ctx, "C0PREORDER", slack.MsgOptionBlocks(blocks...))
			return err
		}, "invalid_blocks"},
		{"ephemeral to a stranger", func() error {
			_, err := api.PostEphemeralContext(ctx, "C0PREORDER", "U0NOBODY", slack.MsgOptionText("x", false))
			return err
		}, "user_not_in_channel"},
		{"permalink of unknown message", func() error {
			_, err := api.GetPermalinkContext(ctx, &slack.PermalinkParameters{Channel: "C0PREORDER", Ts: "1.000001"})
			return err
		}, "message_not_found"},
		{"unknown user", func() error {
			_, err := api.GetUserInfoContext(ctx, "U0NOBODY")
			return err
		}, "user_not_found"},
		{"unknown usergroup", func() error {
			_, err := api.GetUserGroupMembersContext(ctx, "S0NOPE")
			return err
		}, "no_such_subteam"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, slackErr(t, tt.call()))
		})
	}
	assert.Len(t, srv.Messages("C0PREORDER"), 1, "failed calls change nothing")
}

func TestUpdatingOthersMessageFails(t *testing.T) {
	srv := slacktest.NewTestServer(t, slacktest.Options{})
	_, err := srv.Mention("U0ANA", "C0PREORDER", "hi", "")
	require.NoError(t, err)
	ts := srv.Messages("C0PREORDER")[0].TS
	_, _, _, err = apiClient(srv).UpdateMessage("C0PREORDER", ts, slack.MsgOptionText("x", false))
	assert.Equal(t, "cant_update_message", slackErr(t, err))
}

func TestEphemeralPermalinkReactions(t *testing.T) {
	srv := slacktest.NewTestServer(t, slacktest.Options{})
	api := apiClient(srv)
	ctx := context.Background()
	_, ts, err := api.PostMessageContext(ctx, "C0PREORDER", slack.MsgOptionText("card", false))
	require.NoError(t, err)

	ets, err := api.PostEphemeralContext(ctx, "C0PREORDER", "U0BEN", slack.MsgOptionText("only for Ben", false))
	require.NoError(t, err)
	eph := srv.Ephemeral("U0BEN")
	require.Len(t, eph, 1)
	assert.Equal(t, slacktest.Message{Channel: "C0PREORDER", TS: ets, User: srv.BotUserID(), BotID: slacktest.BotID,
		Text: "only for Ben", Ephemeral: true, Recipient: "U0BEN"}, eph[0])
	assert.Empty(t, srv.Ephemeral("U0ANA"))

	link, err := api.GetPermalinkContext(ctx, &slack.PermalinkParameters{Channel: "C0PREORDER", Ts: ts})
	require.NoError(t, err)
	assert.Equal(t, srv.URL()+"/archives/C0PREORDER/p"+strings.ReplaceAll(ts, ".", ""), link)

	ref := slack.NewRefToMessage("C0PREORDER", ts)
	require.NoError(t, api.AddReactionContext(ctx, "eyes", ref))
	assert.Equal(t, "already_reacted", slackErr(t, api.AddReactionContext(ctx, "eyes", ref)))
	assert.Equal(t, []slacktest.Reaction{{Name: "eyes", Users: []string{srv.BotUserID()}}}, srv.Reactions("C0PREORDER", ts))
}

func TestUsersAndGroups(t *testing.T) {
	srv := slacktest.NewTestServer(t, slacktest.Options{
		Users:      []slacktest.User{{ID: "U1", Name: "ana", RealName: "Ana A", TZ: "Asia/Kolkata"}},
		UserGroups: []slacktest.UserGroup{{ID: "S1", Handle: "preorder-operators", Users: []string{"U1", "U2"}}},
	})
	api := apiClient(srv)
	u, err := api.GetUserInfo("U1")
	require.NoError(t, err)
	assert.Equal(t, "ana", u.Name)
	assert.Equal(t, "Ana A", u.RealName)
	assert.Equal(t, "Asia/Kolkata", u.TZ)

	members, err := api.GetUserGroupMembers("S1")
	require.NoError(t, err)
	assert.Equal(t, []string{"U1", "U2"}, members)

	auth, err := api.AuthTest()
	require.NoError(t, err)
	assert.Equal(t, srv.BotUserID(), auth.UserID)
	assert.Equal(t, slacktest.BotID, auth.BotID)
	assert.Equal(t, slacktest.TeamID, auth.TeamID)
}

func TestRateLimit(t *testing.T) {
	srv := slacktest.NewTestServer(t, slacktest.Options{})
	api := apiClient(srv)
	srv.RateLimit("chat.postMessage", 1, 7*time.Second)

	_, _, err := api.PostMessage("C0PREORDER", slack.MsgOptionText("x", false))
	var rl *slack.RateLimitedError
	require.ErrorAs(t, err, &rl)
	assert.Equal(t, 7*time.Second, rl.RetryAfter)

	_, _, err = api.PostMessage("C0PREORDER", slack.MsgOptionText("x", false))
	require.NoError(t, err, "only the next call was limited")
	assert.Equal(t, 1, srv.RateLimited("chat.postMessage"))
	assert.Equal(t, 2, srv.Count("chat.postMessage"))
	assert.Len(t, srv.Messages("C0PREORDER"), 1)

	srv.RateLimitStorm("*", time.Hour, time.Second)
	_, err = api.AuthTest()
	require.ErrorAs(t, err, &rl)
	assert.Equal(t, time.Second, rl.RetryAfter)
	assert.Equal(t, 2, srv.RateLimited(""))
}

func TestTokens(t *testing.T) {
	srv := slacktest.NewTestServer(t, slacktest.Options{})
	tests := []struct {
		name  string
		token string
		want  string
	}{
		{"app token on the Web API", srv.AppToken(), "not_allowed_token_type"},
		{"unknown token", "xoxb-0-0-nope", "invalid_auth"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := slack.New(tt.token, slack.OptionAPIURL(srv.APIURL())).AuthTest()
			assert.Equal(t, tt.want, slackErr(t, err))
		})
	}
	t.Run("revoked", func(t *testing.T) {
		srv.Revoke(srv.BotToken(), "token_revoked")
		_, err := apiClient(srv).AuthTest()
		assert.Equal(t, "token_revoked", slackErr(t, err))
		srv.Revoke(srv.BotToken(), "")
		_, err = apiClient(srv).AuthTest()
		assert.NoError(t, err)
	})
	assert.True(t, strings.HasPrefix(srv.AppToken(), "xapp-1-"))
	assert.True(t, strings.HasPrefix(srv.BotToken(), "xoxb-"))
	assert.Equal(t, "http://"+strings.TrimPrefix(srv.URL(), "http://")+"/api/", srv.APIURL())
}

func TestAppsConnectionsOpenAuth(t *testing.T) {
	srv := slacktest.NewTestServer(t, slacktest.Options{})
	tests := []struct {
		name        string
		auth        string
		contentType string
		want        string
	}{
		{"json with app token", "Bearer " + srv.AppToken(), "application/json", ""},
		{"form with app token", "Bearer " + srv.AppToken(), "application/x-www-form-urlencoded", ""},
		{"no token", "", "application/json", "not_authed"},
		{"bot token", "Bearer " + srv.BotToken(), "application/json", "not_allowed_token_type"},
		{"unknown app token", "Bearer xapp-1-A0-1-nope", "application/json", "invalid_auth"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := http.NewRequest(http.MethodPost, srv.APIURL()+"apps.connections.open", nil)
			require.NoError(t, err)
			req.Header.Set("Content-Type", tt.contentType)
			if tt.auth != "" {
				req.Header.Set("Authorization", tt.auth)
			}
			resp, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			defer resp.Body.Close()
			var body struct {
				OK    bool   `json:"ok"`
				Error string `json:"error"`
				URL   string `json:"url"`
			}
			require.NoError(t, json.NewDecoder(resp.Body).Decode(&body))
			assert.Equal(t, tt.want == "", body.OK)
			assert.Equal(t, tt.want, body.Error)
			assert.Equal(t, tt.want == "", strings.HasPrefix(body.URL, "ws://127.0.0.1:"))
		})
	}
}

func TestFailNextOnConnectionsOpenIsFatalForSlackGo(t *testing.T) {
	srv := slacktest.NewTestServer(t, slacktest.Options{})
	srv.Revoke(srv.AppToken(), "invalid_auth")
	err := socketmodeRun(t, srv)
	assert.Equal(t, "invalid_auth", slackErr(t, err))
	assert.Equal(t, 1, srv.Count("apps.connections.open"))
}

func TestViewsOpenTriggers(t *testing.T) {
	view := slack.ModalViewRequest{
		Type: slack.VTModal, Title: slack.NewTextBlockObject(slack.PlainTextType, "Link product", false, false),
		Blocks:     slack.Blocks{BlockSet: []slack.Block{slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, "hi", false, false), nil, nil)}},
		CallbackID: "preorder.link", PrivateMetadata: "c:1",
	}
	tests := []struct {
		name    string
		opts    slacktest.Options
		trigger func(srv *slacktest.Server) string
		twice   bool
		want    string
	}{
		{name: "fresh trigger opens", trigger: func(srv *slacktest.Server) string { return srv.IssueTrigger("U0ANA") }},
		{name: "unknown trigger", trigger: func(*slacktest.Server) string { return "1.2.3" }, want: "invalid_trigger_id"},
		{name: "used twice", trigger: func(srv *slacktest.Server) string { return srv.IssueTrigger("U0ANA") }, twice: true, want: "exchanged_trigger_id"},
		{name: "expired", opts: slacktest.Options{TriggerTTL: time.Nanosecond},
			trigger: func(srv *slacktest.Server) string { return srv.IssueTrigger("U0ANA") }, want: "expired_trigger_id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := slacktest.NewTestServer(t, tt.opts)
			api := apiClient(srv)
			trigger := tt.trigger(srv)
			if tt.twice {
				_, err := api.OpenView(trigger, view)
				require.NoError(t, err)
			}
			resp, err := api.OpenView(trigger, view)
			if tt.want != "" {
				assert.Equal(t, tt.want, slackErr(t, err))
				return
			}
			require.NoError(t, err)
			assert.NotEmpty(t, resp.ID)
			assert.NotEmpty(t, resp.Hash)
			assert.Equal(t, "preorder.link", resp.CallbackID)
			assert.Equal(t, "c:1", resp.PrivateMetadata)
			open := srv.OpenViews("U0ANA")
			require.Len(t, open, 1)
			assert.Equal(t, resp.ID, open[0].ID)
			assert.Equal(t, "Link product", open[0].Title)

			call := srv.Calls("views.open")[0]
			assert.Contains(t, call.ContentType, "application/json")
			require.Len(t, call.Blocks, 1)

			_, err = api.UpdateView(view, "", "stale-hash", resp.ID)
			assert.Equal(t, "hash_conflict", slackErr(t, err))
			view.Title.Text = "Linked"
			upd, err := api.UpdateView(view, "", resp.Hash, resp.ID)
			require.NoError(t, err)
			assert.Equal(t, resp.ID, upd.ID)
			assert.NotEqual(t, resp.Hash, upd.Hash)
			assert.Equal(t, "Linked", srv.OpenViews("U0ANA")[0].Title)
		})
	}
}

func TestBlockLimitsOnTheWire(t *testing.T) {
	txt := func(s string) *slack.TextBlockObject {
		return slack.NewTextBlockObject(slack.PlainTextType, s, false, false)
	}
	long := func(n int) string { return strings.Repeat("a", n) }
	tests := []struct {
		name   string
		blocks []slack.Block
	}{
		{"section text over 3000", []slack.Block{slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, long(3001), false, false), nil, nil)}},
		{"header over 150", []slack.Block{slack.NewHeaderBlock(txt(long(151)))}},
		{"button text over 75", []slack.Block{slack.NewActionBlock("a", slack.NewButtonBlockElement("b", "v", txt(long(76))))}},
		{"button value over 2000", []slack.Block{slack.NewActionBlock("a", slack.NewButtonBlockElement("b", long(2001), txt("ok")))}},
		{"duplicate action_id", []slack.Block{slack.NewActionBlock("a", slack.NewButtonBlockElement("b", "1", txt("one")), slack.NewButtonBlockElement("b", "2", txt("two")))}},
		{"block_id over 255", []slack.Block{slack.NewDividerBlock(), slack.NewActionBlock(long(256), slack.NewButtonBlockElement("b", "v", txt("ok")))}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := slacktest.NewTestServer(t, slacktest.Options{})
			_, _, err := apiClient(srv).PostMessage("C0PREORDER", slack.MsgOptionBlocks(tt.blocks...))
			assert.Equal(t, "invalid_blocks", slackErr(t, err))
			assert.Empty(t, srv.Messages("C0PREORDER"))
		})
	}
}

func TestModalLimitsOnTheWire(t *testing.T) {
	txt := func(s string) *slack.TextBlockObject {
		return slack.NewTextBlockObject(slack.PlainTextType, s, false, false)
	}
	base := func() slack.ModalViewRequest {
		return slack.ModalViewRequest{Type: slack.VTModal, Title: txt("Link"), Blocks: slack.Blocks{BlockSet: []slack.Block{slack.NewDividerBlock()}}}
	}
	tests := []struct {
		name   string
		mutate func(v *slack.ModalViewRequest)
	}{
		{"title over 24", func(v *slack.ModalViewRequest) { v.Title = txt(strings.Repeat("t", 25)) }},
		{"submit over 24", func(v *slack.ModalViewRequest) { v.Submit = txt(strings.Repeat("s", 25)) }},
		{"private_metadata over 3000", func(v *slack.ModalViewRequest) { v.PrivateMetadata = strings.Repeat("m", 3001) }},
		{"101 blocks", func(v *slack.ModalViewRequest) {
			for range 100 {
				v.Blocks.BlockSet = append(v.Blocks.BlockSet, slack.NewDividerBlock())
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := slacktest.NewTestServer(t, slacktest.Options{})
			v := base()
			tt.mutate(&v)
			_, err := apiClient(srv).OpenView(srv.IssueTrigger("U0ANA"), v)
			assert.Equal(t, "invalid_blocks", slackErr(t, err))
			assert.Empty(t, srv.OpenViews("U0ANA"))
		})
	}
}

func TestFileUploadV2(t *testing.T) {
	srv := slacktest.NewTestServer(t, slacktest.Options{})
	_, ts, err := apiClient(srv).PostMessage("C0PREORDER", slack.MsgOptionText("card", false))
	require.NoError(t, err)
	content := "job_id,status\nJOB1,failed\n"
	f, err := apiClient(srv).UploadFileContext(context.Background(), slack.UploadFileParameters{
		Filename: "evidence.csv", Title: "Evidence", Content: content, FileSize: len(content),
		Channel: "C0PREORDER", ThreadTimestamp: ts,
	})
	require.NoError(t, err)
	assert.Equal(t, "Evidence", f.Title)
	files := srv.Files()
	require.Len(t, files, 1)
	assert.Equal(t, content, string(files[0].Content))
	thread := srv.Thread("C0PREORDER", ts)
	require.Len(t, thread, 2)
	require.Len(t, thread[1].Files, 1)
	assert.Equal(t, f.ID, thread[1].Files[0].ID)
}

func TestUnknownMethod(t *testing.T) {
	srv := slacktest.NewTestServer(t, slacktest.Options{})
	_, _, err := apiClient(srv).GetUsersInConversation(&slack.GetUsersInConversationParameters{ChannelID: "C0PREORDER"})
	assert.Equal(t, "unknown_method", slackErr(t, err))
	assert.True(t, errors.Is(slacktest.ValidateBlocks(`[{"type":"header","text":{"type":"mrkdwn","text":"x"}}]`, slacktest.SurfaceMessage), slacktest.ErrInvalidBlocks))
}

func TestScriptedFailures(t *testing.T) {
	t.Run("non-fatal connect errors are retried", func(t *testing.T) {
		srv := slacktest.NewTestServer(t, slacktest.Options{})
		srv.FailNext("apps.connections.open", "missing_scope", 2)
		client := startBot(t, srv)
		nextEvent(t, client, socketmode.EventTypeHello)
		assert.Equal(t, 3, srv.Count("apps.connections.open"))
		calls := srv.Calls("apps.connections.open")
		assert.Equal(t, []string{"missing_scope", "missing_scope", ""}, []string{calls[0].Error, calls[1].Error, calls[2].Error})
	})
	t.Run("404 on connect is fatal", func(t *testing.T) {
		srv := slacktest.NewTestServer(t, slacktest.Options{})
		srv.FailHTTPNext("apps.connections.open", http.StatusNotFound, 1)
		err := socketmodeRun(t, srv)
		var sce slack.StatusCodeError
		require.ErrorAs(t, err, &sce)
		assert.Equal(t, http.StatusNotFound, sce.Code)
	})
	t.Run("5xx on the Web API", func(t *testing.T) {
		srv := slacktest.NewTestServer(t, slacktest.Options{})
		srv.FailHTTPNext("chat.postMessage", http.StatusServiceUnavailable, 1)
		_, _, err := apiClient(srv).PostMessage("C0PREORDER", slack.MsgOptionText("x", false))
		var sce slack.StatusCodeError
		require.ErrorAs(t, err, &sce)
		assert.Equal(t, http.StatusServiceUnavailable, sce.Code)
		_, _, err = apiClient(srv).PostMessage("C0PREORDER", slack.MsgOptionText("x", false))
		assert.NoError(t, err)
	})
}

func TestViewsPushStackLimit(t *testing.T) {
	srv := slacktest.NewTestServer(t, slacktest.Options{})
	api := apiClient(srv)
	modal := slack.ModalViewRequest{Type: slack.VTModal, Title: slack.NewTextBlockObject(slack.PlainTextType, "Step", false, false)}
	root, err := api.OpenView(srv.IssueTrigger("U0ANA"), modal)
	require.NoError(t, err)
	for range 2 {
		pushed, err := api.PushView(srv.IssueTrigger("U0ANA"), modal)
		require.NoError(t, err)
		assert.Equal(t, root.ID, pushed.RootViewID)
	}
	_, err = api.PushView(srv.IssueTrigger("U0ANA"), modal)
	assert.Equal(t, "push_limit_reached", slackErr(t, err))
	assert.Len(t, srv.OpenViews("U0ANA"), 3)
}

func TestDeleteAndChannelInfo(t *testing.T) {
	srv := slacktest.NewTestServer(t, slacktest.Options{})
	api := apiClient(srv)
	_, ts, err := api.PostMessage("C0SUPPORT", slack.MsgOptionText("x", false))
	require.NoError(t, err)
	_, _, err = api.DeleteMessage("C0SUPPORT", ts)
	require.NoError(t, err)
	assert.Empty(t, srv.Messages("C0SUPPORT"))
	_, _, err = api.DeleteMessage("C0SUPPORT", ts)
	assert.Equal(t, "message_not_found", slackErr(t, err))

	info, err := api.GetConversationInfo(&slack.GetConversationInfoInput{ChannelID: "C0SUPPORT"})
	require.NoError(t, err)
	assert.Equal(t, "hotwax-support", info.Name)
}
