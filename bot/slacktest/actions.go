package slacktest

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Errors returned by the person-side actions.
var (
	ErrNoSuchChannel = errors.New("slacktest: no such channel")
	ErrNoSuchMessage = errors.New("slacktest: no such message")
	ErrNoSuchButton  = errors.New("slacktest: no such button")
	ErrNoSuchView    = errors.New("slacktest: no such open view")
)

func userRef(u User) obj {
	return obj{"id": u.ID, "username": u.Name, "name": u.Name, "team_id": TeamID}
}

func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("slacktest: encode payload: %v", err))
	}
	return b
}

// SlashCommand types a slash command in channel as user and returns the envelope id. A text starting
// with '/' names the command ("/preorder check SKU1"); otherwise the command is /preorder.
// Text and blocks in the bot's ack are shown to the user as an ephemeral message.
func (s *Server) SlashCommand(user, channel, text string) (string, error) {
	command := "/preorder"
	if strings.HasPrefix(text, "/") {
		command, text, _ = strings.Cut(text, " ")
	}
	s.mu.Lock()
	c := s.st.channel(channel)
	if c == nil {
		s.mu.Unlock()
		return "", fmt.Errorf("slash command in %s: %w", channel, ErrNoSuchChannel)
	}
	u := s.st.user(user)
	payload := obj{
		"token": "verification-token", "team_id": TeamID, "team_domain": TeamDomain,
		"enterprise_id": nil, "enterprise_name": nil,
		"channel_id": c.ID, "channel_name": c.Name, "user_id": u.ID, "user_name": u.Name,
		"command": command, "text": text, "api_app_id": AppID, "is_enterprise_install": "false",
		"response_url": s.newResponseURLLocked(c.ID, u.ID, "", false),
		"trigger_id":   s.newTriggerLocked(u.ID),
	}
	s.mu.Unlock()
	env := &envelope{typ: TypeSlashCommands, accepts: true, payload: mustJSON(payload), user: u.ID, channel: c.ID}
	env.onAck = func(p json.RawMessage) { s.showSlashAckLocked(env, p) }
	return s.enqueue(env), nil
}

// showSlashAckLocked shows an ack payload's message, as Slack does for an immediate response.
func (s *Server) showSlashAckLocked(env *envelope, payload json.RawMessage) {
	var body responseBody
	if len(payload) == 0 || json.Unmarshal(payload, &body) != nil {
		return
	}
	blocks := body.Blocks
	if string(blocks) == "null" {
		blocks = nil
	}
	if body.Text == "" && blocks == nil {
		return
	}
	if blocks != nil {
		n, err := normalizeBlocks(blocks)
		if err != nil {
			return
		}
		blocks = n
	}
	if body.ResponseType == "in_channel" {
		if c := s.st.channel(env.channel); c != nil {
			s.postLocked(c, BotUserID, "", body.Text, blocks, nil)
		}
		return
	}
	s.postEphemeralLocked(env.channel, env.user, BotUserID, "", body.Text, blocks)
}

// Mention posts "<@bot> text" in channel (in a thread when threadTS is set) as user and delivers the
// app_mention event. It returns the envelope id.
func (s *Server) Mention(user, channel, text, threadTS string) (string, error) {
	mention := "<@" + BotUserID + ">"
	if !strings.Contains(text, mention) {
		text = mention + " " + text
	}
	s.mu.Lock()
	c := s.st.channel(channel)
	if c == nil {
		s.mu.Unlock()
		return "", fmt.Errorf("mention in %s: %w", channel, ErrNoSuchChannel)
	}
	u := s.st.user(user)
	m := s.postLocked(c, u.ID, threadTS, text, nil, nil)
	event := obj{
		"type": "app_mention", "user": u.ID, "text": text, "ts": m.TS, "channel": c.ID, "event_ts": m.TS,
		"team": TeamID, "client_msg_id": newEnvelopeID(),
	}
	if threadTS != "" {
		event["thread_ts"] = threadTS
	}
	payload := obj{
		"token": "verification-token", "team_id": TeamID, "api_app_id": AppID, "type": "event_callback",
		"event_id": s.st.nextID("Ev"), "event_time": time.Now().Unix(), "event": event,
		"authorizations":        []obj{{"team_id": TeamID, "user_id": BotUserID, "is_bot": true, "is_enterprise_install": false}},
		"is_ext_shared_channel": false, "event_context": "4-" + randomHex(8),
	}
	s.mu.Unlock()
	return s.enqueue(&envelope{typ: TypeEventsAPI, payload: mustJSON(payload), user: u.ID, channel: c.ID}), nil
}

// foundButton is a button located in a block list.
type foundButton struct {
	blockID string
	element map[string]any
}

func findButton(blocks json.RawMessage, text string) (foundButton, bool) {
	list, err := decodeBlockList(blocks)
	if err != nil {
		return foundButton{}, false
	}
	for _, b := range list {
		for _, el := range blockElements(b) {
			if el["type"] != "button" {
				continue
			}
			t, _ := el["text"].(map[string]any)
			if t["text"] == text {
				id, _ := b["block_id"].(string)
				return foundButton{blockID: id, element: el}, true
			}
		}
	}
	return foundButton{}, false
}

func actionJSON(btn foundButton) obj {
	a := obj{
		"type": "button", "block_id": btn.blockID, "action_id": btn.element["action_id"],
		"text": btn.element["text"], "action_ts": fmt.Sprintf("%.6f", float64(time.Now().UnixMicro())/1e6),
	}
	for _, k := range []string{"value", "style", "url"} {
		if v, ok := btn.element[k]; ok {
			a[k] = v
		}
	}
	return a
}

// ClickButton presses the button labelled buttonText on a channel message (or an ephemeral message
// shown to user) and returns the envelope id of the block_actions payload.
func (s *Server) ClickButton(user, channel, messageTS, buttonText string) (string, error) {
	s.mu.Lock()
	c := s.st.channel(channel)
	if c == nil {
		s.mu.Unlock()
		return "", fmt.Errorf("click %q in %s: %w", buttonText, channel, ErrNoSuchChannel)
	}
	u := s.st.user(user)
	m, ok := c.byTS[messageTS]
	if !ok {
		m = s.st.findEphemeral(u.ID, messageTS)
	}
	if m == nil {
		s.mu.Unlock()
		return "", fmt.Errorf("click %q on %s/%s: %w", buttonText, channel, messageTS, ErrNoSuchMessage)
	}
	btn, ok := findButton(m.Blocks, buttonText)
	if !ok {
		s.mu.Unlock()
		return "", fmt.Errorf("click %q on %s/%s: %w", buttonText, channel, messageTS, ErrNoSuchButton)
	}
	container := obj{"type": "message", "message_ts": m.TS, "channel_id": c.ID, "is_ephemeral": m.Ephemeral}
	if m.ThreadTS != "" {
		container["thread_ts"] = m.ThreadTS
	}
	payload := obj{
		"type": "block_actions", "api_app_id": AppID, "token": "verification-token", "is_enterprise_install": false,
		"enterprise": nil, "user": userRef(u), "team": obj{"id": TeamID, "domain": TeamDomain},
		"container": container, "channel": obj{"id": c.ID, "name": c.Name},
		"message":      messageJSON(m, false),
		"state":        obj{"values": obj{}},
		"trigger_id":   s.newTriggerLocked(u.ID),
		"response_url": s.newResponseURLLocked(c.ID, u.ID, m.TS, m.Ephemeral),
		"actions":      []obj{actionJSON(btn)},
		"hash":         randomHex(8),
	}
	s.mu.Unlock()
	return s.enqueue(&envelope{typ: TypeInteractive, accepts: false, payload: mustJSON(payload), user: u.ID, channel: c.ID}), nil
}

// ClickButtonInView presses a button inside one of user's open modals.
func (s *Server) ClickButtonInView(user, viewID, buttonText string) (string, error) {
	s.mu.Lock()
	v, ok := s.st.views[viewID]
	if !ok || v.User != user {
		s.mu.Unlock()
		return "", fmt.Errorf("click %q in view %s: %w", buttonText, viewID, ErrNoSuchView)
	}
	btn, ok := findButton(v.Blocks, buttonText)
	if !ok {
		s.mu.Unlock()
		return "", fmt.Errorf("click %q in view %s: %w", buttonText, viewID, ErrNoSuchButton)
	}
	u := s.st.user(user)
	payload := obj{
		"type": "block_actions", "api_app_id": AppID, "token": "verification-token", "is_enterprise_install": false,
		"enterprise": nil, "user": userRef(u), "team": obj{"id": TeamID, "domain": TeamDomain},
		"container":  obj{"type": "view", "view_id": v.ID},
		"view":       viewJSON(v, nil),
		"state":      obj{"values": obj{}},
		"trigger_id": s.newTriggerLocked(u.ID),
		"actions":    []obj{actionJSON(btn)},
		"hash":       v.Hash,
	}
	s.mu.Unlock()
	return s.enqueue(&envelope{typ: TypeInteractive, payload: mustJSON(payload), user: u.ID}), nil
}
