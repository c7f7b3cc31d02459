package slacktest

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Message is a message as a person sees it in a channel or as an ephemeral notice.
type Message struct {
	Channel   string
	TS        string
	ThreadTS  string // parent ts for a reply; empty for a top-level message
	User      string // author: BotUserID for the bot
	BotID     string
	Text      string
	Blocks    json.RawMessage // as stored by Slack: every block and element has its ids
	Metadata  json.RawMessage // {"event_type","event_payload"} as posted, nil when none
	Files     []File
	Replies   []string // ts of the replies, on a thread parent
	Edits     int      // number of chat.update / replace_original applied
	Ephemeral bool
	Recipient string // the only user who sees an ephemeral message
}

// File is an uploaded file shared into a channel.
type File struct {
	ID      string
	Title   string
	Name    string
	Content []byte
}

// Reaction is one emoji on a message and who added it.
type Reaction struct {
	Name  string
	Users []string
}

type channelState struct {
	Channel
	messages  []*Message // every message, replies included, in ts order
	byTS      map[string]*Message
	reactions map[string][]Reaction
}

// state is the workspace content; every field is guarded by Server.mu.
type state struct {
	users      map[string]User
	groups     map[string]UserGroup
	channels   map[string]*channelState
	ephemeral  map[string][]*Message
	views      map[string]*View
	viewStacks map[string][]string
	triggers   map[string]*trigger
	responses  map[string]*responseURL
	uploads    map[string]*File
	lastTS     int64
	seq        int

	changed chan struct{}
	subs    map[int]chan Change
	nextSub int
}

func newState(opts Options) *state {
	st := &state{
		users:      map[string]User{},
		groups:     map[string]UserGroup{},
		channels:   map[string]*channelState{},
		ephemeral:  map[string][]*Message{},
		views:      map[string]*View{},
		viewStacks: map[string][]string{},
		triggers:   map[string]*trigger{},
		responses:  map[string]*responseURL{},
		uploads:    map[string]*File{},
		changed:    make(chan struct{}),
		subs:       map[int]chan Change{},
	}
	for _, u := range opts.Users {
		st.users[u.ID] = u
	}
	st.users[BotUserID] = User{ID: BotUserID, Name: BotName, RealName: BotName, TZ: "UTC"}
	for _, g := range opts.UserGroups {
		st.groups[g.ID] = g
	}
	for _, c := range opts.Channels {
		st.channels[c.ID] = &channelState{Channel: c, byTS: map[string]*Message{}, reactions: map[string][]Reaction{}}
	}
	return st
}

// nextID returns a fresh id with the given Slack prefix ("V", "F", "E"…).
func (st *state) nextID(prefix string) string {
	st.seq++
	return fmt.Sprintf("%s%08X", prefix, st.seq)
}

// nextTS returns a message ts "<sec>.<6 digits>" strictly greater than every ts before it.
func (st *state) nextTS() string {
	now := time.Now().UnixMicro()
	if now <= st.lastTS {
		now = st.lastTS + 1
	}
	st.lastTS = now
	return fmt.Sprintf("%d.%06d", now/1_000_000, now%1_000_000)
}

// channel finds a channel by id or by name with or without '#'.
func (st *state) channel(idOrName string) *channelState {
	if c, ok := st.channels[idOrName]; ok {
		return c
	}
	name := strings.TrimPrefix(idOrName, "#")
	for _, c := range st.channels {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// user returns a known user, registering an unknown id on first sight so tests may use any id.
func (st *state) user(id string) User {
	u, ok := st.users[id]
	if !ok {
		u = User{ID: id, Name: strings.ToLower(id), RealName: id, TZ: "UTC"}
		st.users[id] = u
	}
	return u
}

func (st *state) addMessage(c *channelState, m *Message) {
	m.Channel = c.ID
	c.messages = append(c.messages, m)
	c.byTS[m.TS] = m
	if m.ThreadTS != "" {
		if parent, ok := c.byTS[m.ThreadTS]; ok {
			parent.Replies = append(parent.Replies, m.TS)
		}
	}
}

func (st *state) deleteMessage(c *channelState, ts string) {
	m, ok := c.byTS[ts]
	if !ok {
		return
	}
	delete(c.byTS, ts)
	c.messages = slices.DeleteFunc(c.messages, func(x *Message) bool { return x == m })
	if parent, ok := c.byTS[m.ThreadTS]; ok {
		parent.Replies = slices.DeleteFunc(parent.Replies, func(r string) bool { return r == ts })
	}
}

func (st *state) findEphemeral(user, ts string) *Message {
	for _, m := range st.ephemeral[user] {
		if m.TS == ts {
			return m
		}
	}
	return nil
}

func (m *Message) clone() Message {
	c := *m
	c.Replies = slices.Clone(m.Replies)
	c.Files = slices.Clone(m.Files)
	return c
}
