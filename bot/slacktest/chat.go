package slacktest

import (
	"encoding/json"
	"strings"
	"unicode/utf8"
)

// Slack's text limits for chat methods.
const (
	maxPostText   = 40000
	maxUpdateText = 4000
)

// messageContent reads text and blocks, validating blocks like Slack and giving them ids.
func messageContent(r *apiRequest) (string, json.RawMessage, *apiError) {
	text := r.str("text")
	blocks := r.raw("blocks")
	if blocks == nil {
		return text, nil, nil
	}
	if err := ValidateBlocks(blocks, SurfaceMessage); err != nil {
		return "", nil, fail("invalid_blocks", err.Error())
	}
	normalized, err := normalizeBlocks(blocks)
	if err != nil {
		return "", nil, fail("invalid_blocks", err.Error())
	}
	return text, normalized, nil
}

func (s *Server) chatPostMessage(r *apiRequest) (obj, *apiError) {
	c := s.st.channel(r.str("channel"))
	if c == nil {
		return nil, fail("channel_not_found")
	}
	if c.BotAbsent {
		return nil, fail("not_in_channel")
	}
	text, blocks, aerr := messageContent(r)
	if aerr != nil {
		return nil, aerr
	}
	if text == "" && blocks == nil {
		return nil, fail("no_text")
	}
	if utf8.RuneCountInString(text) > maxPostText {
		return nil, fail("msg_too_long")
	}
	meta, aerr := messageMetadata(r)
	if aerr != nil {
		return nil, aerr
	}
	m := s.postLocked(c, BotUserID, r.str("thread_ts"), text, blocks, meta)
	return obj{"channel": c.ID, "ts": m.TS, "message": messageJSON(m, true)}, nil
}

// postLocked stores a channel message and announces it.
func (s *Server) postLocked(c *channelState, user, threadTS, text string, blocks, metadata json.RawMessage) *Message {
	m := &Message{TS: s.st.nextTS(), ThreadTS: threadTS, User: user, Text: text, Blocks: blocks, Metadata: metadata}
	if user == BotUserID {
		m.BotID = BotID
	}
	s.st.addMessage(c, m)
	cp := m.clone()
	s.emitLocked(Change{Kind: MessagePosted, Channel: c.ID, TS: m.TS, User: user, Message: &cp})
	return m
}

func (s *Server) chatUpdate(r *apiRequest) (obj, *apiError) {
	c := s.st.channel(r.str("channel"))
	if c == nil {
		return nil, fail("channel_not_found")
	}
	m, ok := c.byTS[r.str("ts")]
	if !ok {
		return nil, fail("message_not_found")
	}
	if m.User != BotUserID {
		return nil, fail("cant_update_message")
	}
	text, blocks, aerr := messageContent(r)
	if aerr != nil {
		return nil, aerr
	}
	if utf8.RuneCountInString(text) > maxUpdateText {
		return nil, fail("msg_too_long")
	}
	s.updateLocked(m, text, blocks, r.raw("blocks") != nil)
	return obj{"channel": c.ID, "ts": m.TS, "text": m.Text, "message": messageJSON(m, false)}, nil
}

// updateLocked edits a message in place; blocks are replaced only when the caller sent some.
func (s *Server) updateLocked(m *Message, text string, blocks json.RawMessage, replaceBlocks bool) {
	m.Text = text
	if replaceBlocks {
		m.Blocks = blocks
	}
	m.Edits++
	cp := m.clone()
	kind := MessageUpdated
	if m.Ephemeral {
		kind = EphemeralUpdated
	}
	s.emitLocked(Change{Kind: kind, Channel: m.Channel, TS: m.TS, User: m.User, Message: &cp})
}

func (s *Server) chatDelete(r *apiRequest) (obj, *apiError) {
	c := s.st.channel(r.str("channel"))
	if c == nil {
		return nil, fail("channel_not_found")
	}
	ts := r.str("ts")
	m, ok := c.byTS[ts]
	if !ok {
		return nil, fail("message_not_found")
	}
	if m.User != BotUserID {
		return nil, fail("cant_delete_message")
	}
	s.st.deleteMessage(c, ts)
	s.emitLocked(Change{Kind: MessageDeleted, Channel: c.ID, TS: ts})
	return obj{"channel": c.ID, "ts": ts}, nil
}

func (s *Server) chatPostEphemeral(r *apiRequest) (obj, *apiError) {
	c := s.st.channel(r.str("channel"))
	if c == nil {
		return nil, fail("channel_not_found")
	}
	user := r.str("user")
	if _, ok := s.st.users[user]; !ok {
		return nil, fail("user_not_in_channel")
	}
	text, blocks, aerr := messageContent(r)
	if aerr != nil {
		return nil, aerr
	}
	if text == "" && blocks == nil {
		return nil, fail("no_text")
	}
	m := s.postEphemeralLocked(c.ID, user, BotUserID, r.str("thread_ts"), text, blocks)
	return obj{"message_ts": m.TS}, nil
}

func (s *Server) postEphemeralLocked(channel, recipient, author, threadTS, text string, blocks json.RawMessage) *Message {
	m := &Message{
		Channel: channel, TS: s.st.nextTS(), ThreadTS: threadTS, User: author, Text: text, Blocks: blocks,
		Ephemeral: true, Recipient: recipient,
	}
	if author == BotUserID {
		m.BotID = BotID
	}
	s.st.ephemeral[recipient] = append(s.st.ephemeral[recipient], m)
	cp := m.clone()
	s.emitLocked(Change{Kind: EphemeralPosted, Channel: channel, TS: m.TS, User: recipient, Message: &cp})
	return m
}

func (s *Server) chatGetPermalink(r *apiRequest) (obj, *apiError) {
	c := s.st.channel(r.str("channel"))
	if c == nil {
		return nil, fail("channel_not_found")
	}
	m, ok := c.byTS[r.str("message_ts")]
	if !ok {
		return nil, fail("message_not_found")
	}
	link := s.baseURL + "/archives/" + c.ID + "/p" + strings.ReplaceAll(m.TS, ".", "")
	if m.ThreadTS != "" && m.ThreadTS != m.TS {
		link += "?thread_ts=" + m.ThreadTS + "&cid=" + c.ID
	}
	return obj{"channel": c.ID, "permalink": link}, nil
}

func (s *Server) reactionsAdd(r *apiRequest) (obj, *apiError) {
	name := strings.Trim(r.str("name"), ":")
	if name == "" {
		return nil, fail("invalid_name")
	}
	c := s.st.channel(r.str("channel"))
	if c == nil {
		return nil, fail("channel_not_found")
	}
	ts := r.str("timestamp")
	if ts == "" {
		return nil, fail("no_item_specified")
	}
	if _, ok := c.byTS[ts]; !ok {
		return nil, fail("message_not_found")
	}
	list := c.reactions[ts]
	for i := range list {
		if list[i].Name != name {
			continue
		}
		for _, u := range list[i].Users {
			if u == BotUserID {
				return nil, fail("already_reacted")
			}
		}
		list[i].Users = append(list[i].Users, BotUserID)
		s.emitLocked(Change{Kind: ReactionAdded, Channel: c.ID, TS: ts, User: BotUserID, Reaction: name})
		return obj{}, nil
	}
	c.reactions[ts] = append(list, Reaction{Name: name, Users: []string{BotUserID}})
	s.emitLocked(Change{Kind: ReactionAdded, Channel: c.ID, TS: ts, User: BotUserID, Reaction: name})
	return obj{}, nil
}

// messageJSON is a message as Slack returns it in API answers and interaction payloads; its metadata only
// when asked for (conversations.* with include_all_metadata, and the answer to the post that set it).
func messageJSON(m *Message, withMetadata bool) obj {
	out := obj{"type": "message", "ts": m.TS, "text": m.Text, "user": m.User, "team": TeamID}
	if m.BotID != "" {
		out["bot_id"] = m.BotID
		out["app_id"] = AppID
	}
	if m.ThreadTS != "" {
		out["thread_ts"] = m.ThreadTS
	}
	if m.Blocks != nil {
		out["blocks"] = m.Blocks
	}
	if withMetadata && m.Metadata != nil {
		out["metadata"] = m.Metadata
	}
	if len(m.Replies) > 0 {
		out["reply_count"] = len(m.Replies)
	}
	return out
}

// messageMetadata reads chat.postMessage's metadata: a JSON object with a non-empty event_type and an
// object event_payload, as Slack requires; slack-go sends {"event_type":"","event_payload":null} when a
// message has none, which Slack ignores.
func messageMetadata(r *apiRequest) (json.RawMessage, *apiError) {
	raw := r.raw("metadata")
	if raw == nil {
		return nil, nil
	}
	var m struct {
		EventType    string          `json:"event_type"`
		EventPayload json.RawMessage `json:"event_payload"`
	}
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, fail("invalid_metadata_format")
	}
	if m.EventType == "" && (len(m.EventPayload) == 0 || string(m.EventPayload) == "null") {
		return nil, nil
	}
	if m.EventType == "" || len(m.EventPayload) == 0 || m.EventPayload[0] != '{' {
		return nil, fail("invalid_metadata_schema")
	}
	out, _ := json.Marshal(obj{"event_type": m.EventType, "event_payload": m.EventPayload})
	return out, nil
}
