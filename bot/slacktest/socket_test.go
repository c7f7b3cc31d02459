package slacktest_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/preorderbot/preorderbot/bot/slacktest"
)

func TestSlashCommandIsDeliveredAndAckRecorded(t *testing.T) {
	srv := slacktest.NewTestServer(t, slacktest.Options{})
	client := startBot(t, srv)

	hello := nextEvent(t, client, socketmode.EventTypeHello)
	require.NotNil(t, hello.Request)
	assert.Equal(t, 1, hello.Request.NumConnections)
	assert.Equal(t, 18060, hello.Request.DebugInfo.ApproximateConnectionTime)

	id, err := srv.SlashCommand("U0ANA", "C0PREORDER", "check SKU1")
	require.NoError(t, err)
	evt := nextEvent(t, client, socketmode.EventTypeSlashCommand)
	cmd, ok := evt.Data.(slack.SlashCommand)
	require.True(t, ok)
	assert.Equal(t, id, evt.Request.EnvelopeID)
	assert.True(t, evt.Request.AcceptsResponsePayload)
	assert.Equal(t, "/preorder", cmd.Command)
	assert.Equal(t, "check SKU1", cmd.Text)
	assert.Equal(t, "C0PREORDER", cmd.ChannelID)
	assert.Equal(t, "preorder-ops", cmd.ChannelName)
	assert.Equal(t, "U0ANA", cmd.UserID)
	assert.NotEmpty(t, cmd.TriggerID)
	assert.True(t, strings.HasPrefix(cmd.ResponseURL, srv.URL()+"/response/"))

	require.NoError(t, client.Ack(*evt.Request, map[string]string{"text": "Checking SKU1…"}))
	waitFor(t, srv, "ack recorded", func() bool { _, ok := srv.AckFor(id); return ok })
	ack, _ := srv.AckFor(id)
	assert.Equal(t, slacktest.TypeSlashCommands, ack.Type)
	assert.Positive(t, ack.Latency)
	assert.False(t, ack.Late)
	assert.JSONEq(t, `{"text":"Checking SKU1…"}`, string(ack.Payload))

	eph := srv.Ephemeral("U0ANA")
	require.Len(t, eph, 1, "an ack payload is shown to the user")
	assert.Equal(t, "Checking SKU1…", eph[0].Text)
	assert.Empty(t, srv.Timeouts())
}

func TestSlashCommandNamesItsCommand(t *testing.T) {
	srv := slacktest.NewTestServer(t, slacktest.Options{})
	client := startBot(t, srv)
	_, err := srv.SlashCommand("U0ANA", "#preorder-ops", "/other jobs")
	require.NoError(t, err)
	cmd := nextEvent(t, client, socketmode.EventTypeSlashCommand).Data.(slack.SlashCommand)
	assert.Equal(t, "/other", cmd.Command)
	assert.Equal(t, "jobs", cmd.Text)

	_, err = srv.SlashCommand("U0ANA", "C0NOPE", "help")
	assert.ErrorIs(t, err, slacktest.ErrNoSuchChannel)
}

func TestUnackedEventIsRedelivered(t *testing.T) {
	srv := slacktest.NewTestServer(t, slacktest.Options{AckTimeout: 300 * time.Millisecond})
	client := startBot(t, srv)

	id, err := srv.Mention("U0ANA", "C0PREORDER", "check SKU1", "")
	require.NoError(t, err)
	first := nextEvent(t, client, socketmode.EventTypeEventsAPI)
	assert.Equal(t, 0, first.Request.RetryAttempt)

	retry := nextEvent(t, client, socketmode.EventTypeEventsAPI)
	assert.Equal(t, id, retry.Request.EnvelopeID)
	assert.Equal(t, 1, retry.Request.RetryAttempt)
	assert.Equal(t, "timeout", retry.Request.RetryReason)
	require.NoError(t, client.Ack(*retry.Request))

	waitFor(t, srv, "ack", func() bool { _, ok := srv.AckFor(id); return ok })
	ack, _ := srv.AckFor(id)
	assert.Equal(t, 1, ack.RetryAttempt)
	assert.Equal(t, 2, srv.Deliveries(id))

	outer := retry.Data.(slackevents.EventsAPIEvent)
	mention, ok := outer.InnerEvent.Data.(*slackevents.AppMentionEvent)
	require.True(t, ok)
	assert.Equal(t, "<@"+srv.BotUserID()+"> check SKU1", mention.Text)
	assert.Equal(t, "C0PREORDER", mention.Channel)
	assert.Equal(t, "U0ANA", mention.User)
	msgs := srv.Messages("C0PREORDER")
	require.Len(t, msgs, 1, "the mention is a message in the channel")
	assert.Equal(t, mention.TimeStamp, msgs[0].TS)
}

func TestEventRetriesStopAfterThree(t *testing.T) {
	srv := slacktest.NewTestServer(t, slacktest.Options{AckTimeout: 50 * time.Millisecond})
	client := startBot(t, srv)
	id, err := srv.Mention("U0ANA", "C0PREORDER", "hi", "")
	require.NoError(t, err)
	for want := range 4 {
		evt := nextEvent(t, client, socketmode.EventTypeEventsAPI)
		assert.Equal(t, want, evt.Request.RetryAttempt)
	}
	waitFor(t, srv, "given up", func() bool { return len(srv.Timeouts()) == 1 })
	assert.Equal(t, 4, srv.Deliveries(id))
	assert.Equal(t, slacktest.TypeEventsAPI, srv.Timeouts()[0].Type)
}

func TestUnackedSlashCommandIsOperationTimeout(t *testing.T) {
	srv := slacktest.NewTestServer(t, slacktest.Options{AckTimeout: 100 * time.Millisecond})
	client := startBot(t, srv)
	id, err := srv.SlashCommand("U0ANA", "C0PREORDER", "check SKU1")
	require.NoError(t, err)
	evt := nextEvent(t, client, socketmode.EventTypeSlashCommand)

	waitFor(t, srv, "operation_timeout", func() bool { return len(srv.Timeouts()) == 1 })
	assert.Equal(t, slacktest.Timeout{EnvelopeID: id, Type: slacktest.TypeSlashCommands, User: "U0ANA", Channel: "C0PREORDER", Attempts: 1}, srv.Timeouts()[0])
	eph := srv.Ephemeral("U0ANA")
	require.Len(t, eph, 1)
	assert.Contains(t, eph[0].Text, "operation_timeout")
	assert.Equal(t, 1, srv.Deliveries(id), "slash commands are never redelivered")

	require.NoError(t, client.Ack(*evt.Request))
	waitFor(t, srv, "late ack", func() bool { _, ok := srv.AckFor(id); return ok })
	ack, _ := srv.AckFor(id)
	assert.True(t, ack.Late)
}

func TestEnvelopesWaitForAConnection(t *testing.T) {
	srv := slacktest.NewTestServer(t, slacktest.Options{})
	id, err := srv.SlashCommand("U0ANA", "C0PREORDER", "help")
	require.NoError(t, err)
	assert.Equal(t, 1, srv.QueuedEnvelopes())

	client := startBot(t, srv)
	evt := nextEvent(t, client, socketmode.EventTypeSlashCommand)
	assert.Equal(t, id, evt.Request.EnvelopeID)
	assert.Equal(t, 0, srv.QueuedEnvelopes())
}

func TestRefreshRequestedReconnects(t *testing.T) {
	srv := slacktest.NewTestServer(t, slacktest.Options{})
	client := startBot(t, srv)
	nextEvent(t, client, socketmode.EventTypeHello)

	assert.Equal(t, 1, srv.Disconnect("refresh_requested"))
	nextEvent(t, client, socketmode.EventTypeHello)
	waitFor(t, srv, "reconnected", func() bool { return srv.LiveConnections() == 1 })
	assert.Equal(t, 2, srv.Count("apps.connections.open"))
	assert.Zero(t, srv.RejectedDials(), "each connection used a fresh ticket")

	// The new connection still carries envelopes.
	_, err := srv.SlashCommand("U0ANA", "C0PREORDER", "help")
	require.NoError(t, err)
	nextEvent(t, client, socketmode.EventTypeSlashCommand)
}

func TestWarningDisconnectClosesLater(t *testing.T) {
	srv := slacktest.NewTestServer(t, slacktest.Options{WarningLead: 100 * time.Millisecond})
	ws := dial(t, srv)
	readJSON(t, ws) // hello

	require.Equal(t, 1, srv.Disconnect("warning"))
	msg := readJSON(t, ws)
	assert.Equal(t, "disconnect", msg["type"])
	assert.Equal(t, "warning", msg["reason"])
	_, _, err := ws.ReadMessage()
	var ce *websocket.CloseError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, websocket.CloseNormalClosure, ce.Code)
}

func TestTicketIsSingleUse(t *testing.T) {
	srv := slacktest.NewTestServer(t, slacktest.Options{})
	_, url, err := apiClient(srv).StartSocketModeContext(context.Background())
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(url, "ws://127.0.0.1:"), url)
	assert.Contains(t, url, "/link/?ticket=")
	assert.Contains(t, url, "app_id="+slacktest.AppID)

	header := http.Header{"Origin": {"https://api.slack.com"}}
	ws, _, err := websocket.DefaultDialer.Dial(url, header)
	require.NoError(t, err, "any Origin is accepted")
	t.Cleanup(func() { _ = ws.Close() })

	_, resp, err := websocket.DefaultDialer.Dial(url, header)
	require.Error(t, err)
	require.NotNil(t, resp)
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	assert.Equal(t, 1, srv.RejectedDials())
}

func TestServerPingsKeepTheConnection(t *testing.T) {
	srv := slacktest.NewTestServer(t, slacktest.Options{PingInterval: 50 * time.Millisecond})
	client := startBot(t, srv, socketmode.OptionPingInterval(time.Second))
	nextEvent(t, client, socketmode.EventTypeHello)

	// 50 pings span more than two of slack-go's dead-man periods; a period of a second tolerates a loaded machine.
	waitFor(t, srv, "pongs", func() bool { return srv.Pongs() >= 50 })
	assert.Equal(t, 1, srv.Count("apps.connections.open"), "pinged connection is kept")

	srv.SetPinging(false)
	waitFor(t, srv, "dead-man reconnect", func() bool { return srv.Count("apps.connections.open") >= 2 })
}

func TestFrameSizeLimit(t *testing.T) {
	tests := []struct {
		name      string
		size      int
		wantClose bool
	}{
		{name: "just under the limit", size: slacktest.MaxFrameBytes - 1},
		{name: "at the limit", size: slacktest.MaxFrameBytes, wantClose: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := slacktest.NewTestServer(t, slacktest.Options{})
			ws := dial(t, srv)
			readJSON(t, ws) // hello
			id, err := srv.SlashCommand("U0ANA", "C0PREORDER", "help")
			require.NoError(t, err)
			readJSON(t, ws) // the envelope

			frame := ackOfSize(t, id, tt.size)
			require.NoError(t, ws.WriteMessage(websocket.TextMessage, frame))
			if !tt.wantClose {
				waitFor(t, srv, "ack", func() bool { _, ok := srv.AckFor(id); return ok })
				return
			}
			_, _, err = ws.ReadMessage()
			var ce *websocket.CloseError
			require.ErrorAs(t, err, &ce)
			assert.Equal(t, websocket.CloseMessageTooBig, ce.Code)
			assert.Equal(t, "Max frame length of 20480 has been exceeded.", ce.Text)
			_, acked := srv.AckFor(id)
			assert.False(t, acked)
		})
	}
}

func TestTooManyWebsockets(t *testing.T) {
	srv := slacktest.NewTestServer(t, slacktest.Options{})
	for range 10 {
		readJSON(t, dial(t, srv))
	}
	ws := dial(t, srv)
	hello := readJSON(t, ws)
	assert.Equal(t, float64(11), hello["num_connections"])
	msg := readJSON(t, ws)
	assert.Equal(t, "too_many_websockets", msg["reason"])
	waitFor(t, srv, "ten live", func() bool { return srv.LiveConnections() == 10 })
}

func TestEnvelopesAreSpreadOverConnections(t *testing.T) {
	srv := slacktest.NewTestServer(t, slacktest.Options{})
	a, b := dial(t, srv), dial(t, srv)
	readJSON(t, a)
	readJSON(t, b)
	waitFor(t, srv, "two live", func() bool { return srv.LiveConnections() == 2 })
	_, err := srv.SlashCommand("U0ANA", "C0PREORDER", "one")
	require.NoError(t, err)
	_, err = srv.SlashCommand("U0ANA", "C0PREORDER", "two")
	require.NoError(t, err)
	texts := []string{payloadText(readJSON(t, a)), payloadText(readJSON(t, b))}
	assert.ElementsMatch(t, []string{"one", "two"}, texts)
}

func TestDroppedConnectionReconnects(t *testing.T) {
	srv := slacktest.NewTestServer(t, slacktest.Options{})
	client := startBot(t, srv)
	nextEvent(t, client, socketmode.EventTypeHello)
	assert.Equal(t, 1, srv.DropConnections())
	nextEvent(t, client, socketmode.EventTypeHello)
	assert.Equal(t, 2, srv.Count("apps.connections.open"))
}

func dial(t *testing.T, srv *slacktest.Server) *websocket.Conn {
	t.Helper()
	_, url, err := apiClient(srv).StartSocketModeContext(context.Background())
	require.NoError(t, err)
	ws, _, err := websocket.DefaultDialer.Dial(url, nil)
	require.NoError(t, err)
	t.Cleanup(func() { _ = ws.Close() })
	return ws
}

func readJSON(t *testing.T, ws *websocket.Conn) map[string]any {
	t.Helper()
	require.NoError(t, ws.SetReadDeadline(time.Now().Add(guard)))
	var m map[string]any
	require.NoError(t, ws.ReadJSON(&m))
	return m
}

func payloadText(env map[string]any) string {
	p, _ := env["payload"].(map[string]any)
	s, _ := p["text"].(string)
	return s
}

// ackOfSize builds a valid ack frame of exactly size bytes.
func ackOfSize(t *testing.T, id string, size int) []byte {
	t.Helper()
	empty, err := json.Marshal(map[string]any{"envelope_id": id, "payload": map[string]string{"text": ""}})
	require.NoError(t, err)
	pad := strings.Repeat("x", size-len(empty))
	frame, err := json.Marshal(map[string]any{"envelope_id": id, "payload": map[string]string{"text": pad}})
	require.NoError(t, err)
	require.Len(t, frame, size)
	return frame
}
