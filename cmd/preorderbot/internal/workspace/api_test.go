package workspace_test

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/preorderbot/preorderbot/bot/slacktest"
	"github.com/preorderbot/preorderbot/cmd/preorderbot/internal/workspace"
	"github.com/preorderbot/preorderbot/diagnostics/hotwax/hotwaxtest"
)

// guard bounds every wait so a broken behaviour fails instead of hanging.
const guard = 10 * time.Second

var (
	ana      = slacktest.User{ID: "U0ANA", Name: "ana", RealName: "Ana Operator"}
	channels = []slacktest.Channel{{ID: "C0PREORDER", Name: "preorder-ops"}, {ID: "C0SUPPORT", Name: "hotwax-support"}}
)

// fakeOMS records scenario switches.
type fakeOMS struct{ scenario string }

func (f *fakeOMS) SetScenario(name string) error { f.scenario = name; return nil }
func (f *fakeOMS) Scenario() string              { return f.scenario }

type fixture struct {
	slack *slacktest.Server
	page  *httptest.Server
	oms   *fakeOMS
	app   *socketmode.Client
	api   *slack.Client
}

// newFixture serves the workspace over a simulated Slack with a Socket Mode app connected; ack answers
// each envelope the app receives (nil acks with no payload).
func newFixture(t *testing.T, ack func(socketmode.Event) any) (*fixture, <-chan socketmode.Event) {
	t.Helper()
	srv := slacktest.NewTestServer(t, slacktest.Options{Users: []slacktest.User{ana}, Channels: channels})
	oms := &fakeOMS{scenario: hotwaxtest.ScenarioHealthy}
	ws := workspace.New(workspace.Options{
		Slack: srv, OMS: oms, Scenarios: hotwaxtest.Scenarios(), User: ana, Users: []slacktest.User{ana}, Channels: channels,
		Location: time.UTC,
	})
	mux := http.NewServeMux()
	ws.Register(mux)
	page := httptest.NewServer(mux)
	t.Cleanup(page.Close)

	api := slack.New(srv.BotToken(), slack.OptionAppLevelToken(srv.AppToken()), slack.OptionAPIURL(srv.APIURL()))
	app := socketmode.New(api)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = app.RunContext(ctx)
	}()
	seen := make(chan socketmode.Event, 16)
	go func() {
		for evt := range app.Events {
			if evt.Request == nil {
				continue
			}
			var payload any
			if ack != nil {
				payload = ack(evt)
			}
			if payload != nil {
				assert.NoError(t, app.Ack(*evt.Request, payload))
			} else {
				assert.NoError(t, app.Ack(*evt.Request))
			}
			select {
			case seen <- evt:
			default:
			}
		}
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	return &fixture{slack: srv, page: page, oms: oms, app: app, api: api}, seen
}

func (f *fixture) post(t *testing.T, path string, body any) (int, map[string]any) {
	t.Helper()
	b, err := json.Marshal(body)
	require.NoError(t, err)
	resp, err := http.Post(f.page.URL+path, "application/json", strings.NewReader(string(b)))
	require.NoError(t, err)
	defer resp.Body.Close()
	var out map[string]any
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&out))
	return resp.StatusCode, out
}

func (f *fixture) state(t *testing.T, channel string) workspace.State {
	t.Helper()
	resp, err := http.Get(f.page.URL + "/api/state?channel=" + channel)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	var s workspace.State
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&s))
	return s
}

func next(t *testing.T, seen <-chan socketmode.Event, typ socketmode.EventType) socketmode.Event {
	t.Helper()
	timeout := time.After(guard)
	for {
		select {
		case evt := <-seen:
			if evt.Type == typ {
				return evt
			}
		case <-timeout:
			t.Fatalf("no %s event", typ)
		}
	}
}

func button(label string) *slack.ButtonBlockElement {
	return slack.NewButtonBlockElement("preorder."+strings.ToLower(label), "v:"+label, slack.NewTextBlockObject(slack.PlainTextType, label, false, false))
}

func TestStateShowsMessagesEphemeralsThreadsAndScenarios(t *testing.T) {
	f, _ := newFixture(t, nil)
	_, ts, err := f.api.PostMessage("C0PREORDER", slack.MsgOptionText("card", false), slack.MsgOptionBlocks(
		slack.NewHeaderBlock(slack.NewTextBlockObject(slack.PlainTextType, "HW-1 <x>", false, false)),
		slack.NewActionBlock("act", button("Re-check")),
	))
	require.NoError(t, err)
	_, _, err = f.api.PostMessage("C0PREORDER", slack.MsgOptionText("reply by <@U0ANA>", false), slack.MsgOptionTS(ts))
	require.NoError(t, err)
	_, err = f.api.PostEphemeral("C0PREORDER", ana.ID, slack.MsgOptionText("*Only* for ana", false))
	require.NoError(t, err)
	require.NoError(t, f.api.AddReaction("eyes", slack.NewRefToMessage("C0PREORDER", ts)))

	s := f.state(t, "C0PREORDER")
	assert.Equal(t, "C0PREORDER", s.Channel)
	assert.Equal(t, workspace.Person{ID: ana.ID, Name: "ana", RealName: "Ana Operator"}, s.User)
	assert.Equal(t, []workspace.ChannelInfo{{ID: "C0PREORDER", Name: "preorder-ops"}, {ID: "C0SUPPORT", Name: "hotwax-support"}}, s.Channels)
	require.Len(t, s.Messages, 2, "the card and the ephemeral notice; the reply stays in its thread")
	card, note := s.Messages[0], s.Messages[1]
	assert.Equal(t, ts, card.TS)
	assert.True(t, card.Bot)
	assert.Equal(t, "preorderbot", card.Author)
	assert.Equal(t, 1, card.Replies)
	assert.Equal(t, []workspace.ReactionView{{Name: "eyes", Emoji: "👀", Count: 1}}, card.Reactions)
	assert.Contains(t, card.HTML, `<div class="b-header">HW-1 &lt;x&gt;</div>`)
	assert.Contains(t, card.HTML, `data-button="Re-check"`)
	assert.True(t, note.Ephemeral)
	assert.Contains(t, note.HTML, `<b>Only</b> for ana`)
	assert.Equal(t, hotwaxtest.ScenarioHealthy, s.Scenario)
	assert.Len(t, s.Scenarios, len(hotwaxtest.Scenarios()))
	assert.Empty(t, s.Views)

	resp, err := http.Get(f.page.URL + "/api/thread?channel=C0PREORDER&ts=" + ts)
	require.NoError(t, err)
	defer resp.Body.Close()
	var thread struct{ Messages []workspace.MessageView }
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&thread))
	require.Len(t, thread.Messages, 2)
	assert.Contains(t, thread.Messages[1].HTML, `<span class="md-mention">@ana</span>`)

	other := f.state(t, "C0SUPPORT")
	assert.Empty(t, other.Messages, "ephemerals stay in their channel")
}

func TestSendDeliversCommandsAndMentions(t *testing.T) {
	f, seen := newFixture(t, nil)

	code, _ := f.post(t, "/api/send", map[string]string{"channel": "C0PREORDER", "text": "/preorder check HW-SOCK-S"})
	require.Equal(t, http.StatusOK, code)
	cmd, ok := next(t, seen, socketmode.EventTypeSlashCommand).Data.(slack.SlashCommand)
	require.True(t, ok)
	assert.Equal(t, "/preorder", cmd.Command)
	assert.Equal(t, "check HW-SOCK-S", cmd.Text)
	assert.Equal(t, ana.ID, cmd.UserID)

	code, _ = f.post(t, "/api/send", map[string]string{"channel": "C0PREORDER", "text": "@preorderbot check A&B"})
	require.Equal(t, http.StatusOK, code)
	next(t, seen, socketmode.EventTypeEventsAPI)
	msgs := f.slack.Messages("C0PREORDER")
	require.Len(t, msgs, 1)
	assert.Equal(t, "<@"+slacktest.BotUserID+"> check A&amp;B", msgs[0].Text, "typed text is escaped as Slack clients do")

	code, body := f.post(t, "/api/send", map[string]string{"channel": "C0PREORDER", "text": "hello"})
	assert.Equal(t, http.StatusBadRequest, code)
	assert.Equal(t, workspace.ErrNotForBot.Error(), body["error"])

	code, _ = f.post(t, "/api/send", map[string]string{"channel": "C0NOPE", "text": "/preorder help"})
	assert.Equal(t, http.StatusNotFound, code)
}

func TestClickPressesTheButton(t *testing.T) {
	f, seen := newFixture(t, nil)
	_, ts, err := f.api.PostMessage("C0PREORDER", slack.MsgOptionBlocks(slack.NewActionBlock("act", button("Link"), button("Escalate"))))
	require.NoError(t, err)

	code, _ := f.post(t, "/api/click", map[string]string{"channel": "C0PREORDER", "ts": ts, "button": "Escalate"})
	require.Equal(t, http.StatusOK, code)
	cb, ok := next(t, seen, socketmode.EventTypeInteractive).Data.(slack.InteractionCallback)
	require.True(t, ok)
	require.Len(t, cb.ActionCallback.BlockActions, 1)
	assert.Equal(t, "v:Escalate", cb.ActionCallback.BlockActions[0].Value)
	assert.Equal(t, ana.ID, cb.User.ID)

	code, _ = f.post(t, "/api/click", map[string]string{"channel": "C0PREORDER", "ts": ts, "button": "Nope"})
	assert.Equal(t, http.StatusNotFound, code)
}

func TestSubmitReturnsInlineErrorsThenCloses(t *testing.T) {
	submissions := 0
	f, _ := newFixture(t, func(evt socketmode.Event) any {
		cb, ok := evt.Data.(slack.InteractionCallback)
		if !ok || cb.Type != slack.InteractionTypeViewSubmission {
			return nil
		}
		submissions++
		if cb.View.State.Values["variant"]["variant_input"].Value != "42" {
			return slack.NewErrorsViewSubmissionResponse(map[string]string{"variant": "Digits only"})
		}
		return nil
	})
	input := slack.NewInputBlock("variant", slack.NewTextBlockObject(slack.PlainTextType, "Variant", false, false), nil,
		slack.NewPlainTextInputBlockElement(nil, "variant_input"))
	_, err := f.api.OpenView(f.slack.IssueTrigger(ana.ID), slack.ModalViewRequest{
		Type: slack.VTModal, Title: slack.NewTextBlockObject(slack.PlainTextType, "Link", false, false),
		Submit: slack.NewTextBlockObject(slack.PlainTextType, "Link", false, false),
		Blocks: slack.Blocks{BlockSet: []slack.Block{input}},
	})
	require.NoError(t, err)
	s := f.state(t, "C0PREORDER")
	require.Len(t, s.Views, 1)
	view := s.Views[0]
	assert.Equal(t, "Link", view.Title)
	assert.Equal(t, "Link", view.Submit)
	assert.Contains(t, view.HTML, `data-action="variant_input"`)

	values := map[string]map[string]string{"variant": {"variant_input": "abc"}}
	code, body := f.post(t, "/api/submit", map[string]any{"viewId": view.ID, "values": values})
	require.Equal(t, http.StatusOK, code)
	assert.Equal(t, map[string]any{"variant": "Digits only"}, body["errors"])
	assert.Len(t, f.slack.OpenViews(ana.ID), 1, "errors keep the modal open")

	values["variant"]["variant_input"] = "42"
	code, body = f.post(t, "/api/submit", map[string]any{"viewId": view.ID, "values": values})
	require.Equal(t, http.StatusOK, code)
	assert.Empty(t, body["errors"])
	assert.Empty(t, f.slack.OpenViews(ana.ID), "an empty ack closes the modal")
	assert.Equal(t, 2, submissions)
}

func TestScenarioSwitch(t *testing.T) {
	f, _ := newFixture(t, nil)
	code, _ := f.post(t, "/api/scenario", map[string]string{"name": hotwaxtest.ScenarioNeedsManualLink})
	require.Equal(t, http.StatusOK, code)
	assert.Equal(t, hotwaxtest.ScenarioNeedsManualLink, f.oms.scenario)
	assert.Equal(t, hotwaxtest.ScenarioNeedsManualLink, f.state(t, "").Scenario)
}

func TestActionsRequireJSON(t *testing.T) {
	f, seen := newFixture(t, nil)
	resp, err := http.Post(f.page.URL+"/api/send", "text/plain", strings.NewReader(`{"text":"/preorder help"}`))
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusUnsupportedMediaType, resp.StatusCode, "a cross-site form post cannot drive the demo")

	// Envelopes arrive in order: the first command the app sees is the one sent as JSON afterwards.
	code, _ := f.post(t, "/api/send", map[string]string{"text": "/preorder jobs"})
	require.Equal(t, http.StatusOK, code)
	cmd, ok := next(t, seen, socketmode.EventTypeSlashCommand).Data.(slack.SlashCommand)
	require.True(t, ok)
	assert.Equal(t, "jobs", cmd.Text)
}

func TestEventsStreamChanges(t *testing.T) {
	f, _ := newFixture(t, nil)
	ctx, cancel := context.WithTimeout(context.Background(), guard)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, f.page.URL+"/api/events", nil)
	require.NoError(t, err)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	assert.Equal(t, "text/event-stream", resp.Header.Get("Content-Type"))
	r := bufio.NewReader(resp.Body)
	line, err := r.ReadString('\n')
	require.NoError(t, err)
	require.Equal(t, ": connected\n", line, "subscribed before anything is posted")

	_, ts, err := f.api.PostMessage("C0PREORDER", slack.MsgOptionText("hi", false))
	require.NoError(t, err)
	var data string
	for data == "" {
		line, err := r.ReadString('\n')
		require.NoError(t, err)
		if rest, ok := strings.CutPrefix(line, "data: "); ok {
			data = rest
		}
	}
	var ev workspace.Event
	require.NoError(t, json.Unmarshal([]byte(data), &ev))
	assert.Equal(t, workspace.Event{Kind: string(slacktest.MessagePosted), Channel: "C0PREORDER", TS: ts}, ev)
}

func TestPageAndAssets(t *testing.T) {
	f, _ := newFixture(t, nil)
	for path, want := range map[string]string{"/": `<script src="/static/app.js"`, "/static/app.js": "EventSource", "/static/app.css": ".b-header"} {
		resp, err := http.Get(f.page.URL + path)
		require.NoError(t, err)
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		require.NoError(t, err)
		assert.Equal(t, http.StatusOK, resp.StatusCode, path)
		assert.Contains(t, string(body), want, path)
	}
}
