package workspace

import (
	"cmp"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/preorderbot/preorderbot/bot/slacktest"
)

// State is what the page shows for one channel: the answer of GET /api/state.
type State struct {
	User      Person         `json:"user"`
	Channel   string         `json:"channel"`
	Channels  []ChannelInfo  `json:"channels"`
	Messages  []MessageView  `json:"messages"`
	Views     []ModalView    `json:"views"`
	Scenario  string         `json:"scenario,omitempty"`
	Scenarios []ScenarioInfo `json:"scenarios,omitempty"`
}

// Person is the page's user.
type Person struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	RealName string `json:"realName"`
}

// ChannelInfo is one entry of the channel switcher.
type ChannelInfo struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// MessageView is a message rendered for the page: HTML holds the escaped rendering of its blocks (or of
// its text when it has none). Every other string is plain text, for the page to insert as text.
type MessageView struct {
	TS        string         `json:"ts"`
	ThreadTS  string         `json:"threadTs,omitempty"`
	User      string         `json:"user"`
	Author    string         `json:"author"`
	Bot       bool           `json:"bot"`
	Time      string         `json:"time"`
	At        int64          `json:"at"` // Unix seconds of TS, for the page to show in the browser's zone
	HTML      string         `json:"html"`
	Replies   int            `json:"replies"`
	Edited    bool           `json:"edited"`
	Ephemeral bool           `json:"ephemeral"`
	Reactions []ReactionView `json:"reactions,omitempty"`
	Files     []FileView     `json:"files,omitempty"`
}

// ReactionView is one emoji under a message.
type ReactionView struct {
	Name  string `json:"name"`
	Emoji string `json:"emoji"`
	Count int    `json:"count"`
}

// FileView links an uploaded file.
type FileView struct {
	ID    string `json:"id"`
	Title string `json:"title"`
}

// ModalView is an open modal: its chrome and its rendered blocks. Hash changes whenever the bot updates it,
// so the page re-renders a modal (losing typed values) only when its content really changed.
type ModalView struct {
	ID     string `json:"id"`
	Hash   string `json:"hash"`
	Title  string `json:"title"`
	Submit string `json:"submit"`
	Close  string `json:"close"`
	HTML   string `json:"html"`
}

// ScenarioInfo describes one simulated OMS scenario.
type ScenarioInfo struct {
	Name        string   `json:"name"`
	Title       string   `json:"title"`
	Description string   `json:"description"`
	SKUs        []string `json:"skus"`
	Cause       string   `json:"cause"`
}

func (w *Workspace) state(rw http.ResponseWriter, r *http.Request) {
	c, ok := w.channel(r.URL.Query().Get("channel"))
	if !ok {
		writeError(rw, http.StatusNotFound, "no such channel")
		return
	}
	writeJSON(rw, http.StatusOK, w.State(c.ID))
}

// State assembles the page's view of channel: top-level messages with the user's ephemeral notices
// interleaved by time, open modals and the scenario panel.
func (w *Workspace) State(channel string) State {
	s := State{
		User:     Person{ID: w.opts.User.ID, Name: w.opts.User.Name, RealName: w.opts.User.RealName},
		Channel:  channel,
		Messages: []MessageView{},
		Views:    []ModalView{},
	}
	for _, c := range w.opts.Channels {
		s.Channels = append(s.Channels, ChannelInfo{ID: c.ID, Name: c.Name})
	}
	for _, m := range w.opts.Slack.Messages(channel) {
		s.Messages = append(s.Messages, w.message(m))
	}
	for _, m := range w.opts.Slack.Ephemeral(w.opts.User.ID) {
		if m.Channel == channel && m.ThreadTS == "" {
			s.Messages = append(s.Messages, w.message(m))
		}
	}
	slices.SortStableFunc(s.Messages, func(a, b MessageView) int { return cmp.Compare(a.TS, b.TS) })
	for _, v := range w.opts.Slack.OpenViews(w.opts.User.ID) {
		s.Views = append(s.Views, w.modal(v))
	}
	if w.opts.OMS != nil {
		s.Scenario = w.opts.OMS.Scenario()
		for _, sc := range w.opts.Scenarios {
			s.Scenarios = append(s.Scenarios, ScenarioInfo{
				Name: sc.Name, Title: sc.Title, Description: cmp.Or(sc.Story, sc.Description), SKUs: sc.SKUs, Cause: sc.Cause,
			})
		}
	}
	return s
}

func (w *Workspace) thread(rw http.ResponseWriter, r *http.Request) {
	c, ok := w.channel(r.URL.Query().Get("channel"))
	if !ok {
		writeError(rw, http.StatusNotFound, "no such channel")
		return
	}
	ts := r.URL.Query().Get("ts")
	msgs := w.Thread(c.ID, ts)
	if len(msgs) == 0 {
		writeError(rw, http.StatusNotFound, "no such message")
		return
	}
	writeJSON(rw, http.StatusOK, map[string]any{"channel": c.ID, "ts": ts, "messages": msgs})
}

// Thread is a thread's parent and replies, with the user's ephemeral notices posted in it.
func (w *Workspace) Thread(channel, ts string) []MessageView {
	var out []MessageView
	for _, m := range w.opts.Slack.Thread(channel, ts) {
		out = append(out, w.message(m))
	}
	if len(out) == 0 {
		return nil
	}
	for _, m := range w.opts.Slack.Ephemeral(w.opts.User.ID) {
		if m.Channel == channel && m.ThreadTS == ts {
			out = append(out, w.message(m))
		}
	}
	slices.SortStableFunc(out[1:], func(a, b MessageView) int { return cmp.Compare(a.TS, b.TS) })
	return out
}

func (w *Workspace) message(m slacktest.Message) MessageView {
	body, err := Blocks(m.Blocks, w.names)
	if err != nil {
		w.log.Warn("render blocks", "channel", m.Channel, "ts", m.TS, "error", err)
	}
	if body == "" {
		body = `<div class="b-text">` + Mrkdwn(m.Text, w.names) + `</div>`
	}
	author := w.names.Users[m.User]
	if author == "" {
		author = m.User
	}
	v := MessageView{
		TS: m.TS, User: m.User, Author: author, Bot: m.User == slacktest.BotUserID || m.BotID != "",
		Time: tsTime(m.TS, w.opts.Location), At: tsUnix(m.TS), HTML: body, Replies: len(m.Replies), Edited: m.Edits > 0,
		Ephemeral: m.Ephemeral,
	}
	if m.ThreadTS != m.TS {
		v.ThreadTS = m.ThreadTS
	}
	if !m.Ephemeral {
		for _, rc := range w.opts.Slack.Reactions(m.Channel, m.TS) {
			v.Reactions = append(v.Reactions, ReactionView{Name: rc.Name, Emoji: emoji(rc.Name), Count: len(rc.Users)})
		}
	}
	for _, f := range m.Files {
		v.Files = append(v.Files, FileView{ID: f.ID, Title: cmp.Or(f.Title, f.Name, f.ID)})
	}
	return v
}

func (w *Workspace) modal(v slacktest.View) ModalView {
	var raw struct {
		Submit *textObject `json:"submit"`
		Close  *textObject `json:"close"`
	}
	_ = json.Unmarshal(v.Raw, &raw)
	body, err := Blocks(v.Blocks, w.names)
	if err != nil {
		w.log.Warn("render view", "view_id", v.ID, "error", err)
	}
	return ModalView{
		ID: v.ID, Hash: v.Hash, Title: v.Title, Submit: rawText(raw.Submit),
		Close: cmp.Or(rawText(raw.Close), "Cancel"), HTML: body,
	}
}

// tsTime shows a message ts ("1700000000.000100") as a clock time.
func tsTime(ts string, loc *time.Location) string {
	n := tsUnix(ts)
	if n == 0 {
		return ""
	}
	return time.Unix(n, 0).In(loc).Format("3:04 PM")
}

// tsUnix is a message ts's whole seconds, 0 when it is not a ts.
func tsUnix(ts string) int64 {
	sec, _, _ := strings.Cut(ts, ".")
	n, err := strconv.ParseInt(sec, 10, 64)
	if err != nil {
		return 0
	}
	return n
}
