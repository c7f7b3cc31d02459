package slacktest

import (
	"encoding/json"
	"fmt"
)

// Redeliver sends an envelope's payload again under a new envelope id, with retry_attempt one higher and
// retry_reason "timeout": what Slack does when an ack was lost in transit (an ack written to a socket
// that was closing). It returns the new envelope id.
func (s *Server) Redeliver(envelopeID string) (string, error) {
	s.mu.Lock()
	old, ok := s.sock.envelopes[envelopeID]
	if !ok {
		s.mu.Unlock()
		return "", fmt.Errorf("redeliver %s: no such envelope", envelopeID)
	}
	env := &envelope{
		typ: old.typ, accepts: old.accepts, payload: old.payload, user: old.user, channel: old.channel,
		retryAttempt: old.retryAttempt + 1, retryReason: "timeout",
	}
	s.mu.Unlock()
	return s.enqueue(env), nil
}

// ClickButtonWithValue presses the button labelled buttonText but sends value instead of the button's
// own: a forged or tampered click, which the bot must refuse.
func (s *Server) ClickButtonWithValue(user, channel, messageTS, buttonText, value string) (string, error) {
	s.mu.Lock()
	c := s.st.channel(channel)
	if c == nil {
		s.mu.Unlock()
		return "", fmt.Errorf("click %q in %s: %w", buttonText, channel, ErrNoSuchChannel)
	}
	m, ok := c.byTS[messageTS]
	if !ok {
		s.mu.Unlock()
		return "", fmt.Errorf("click %q on %s/%s: %w", buttonText, channel, messageTS, ErrNoSuchMessage)
	}
	forged := *m
	list, err := decodeBlockList(m.Blocks)
	if err != nil {
		s.mu.Unlock()
		return "", err
	}
	for _, b := range list {
		for _, el := range blockElements(b) {
			if t, _ := el["text"].(map[string]any); el["type"] == "button" && t["text"] == buttonText {
				el["value"] = value
			}
		}
	}
	js, err := json.Marshal(list)
	if err != nil {
		s.mu.Unlock()
		return "", err
	}
	forged.Blocks = js
	c.byTS[messageTS] = &forged
	s.mu.Unlock()
	id, err := s.ClickButton(user, channel, messageTS, buttonText)
	s.mu.Lock()
	c.byTS[messageTS] = m
	s.mu.Unlock()
	return id, err
}

// SetUserGroup replaces the members of a user group, as an admin editing it in Slack would.
func (s *Server) SetUserGroup(id string, members []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.st.groups[id]
	g.ID, g.Users = id, append([]string(nil), members...)
	s.st.groups[id] = g
}

// AddChannel adds a channel to the workspace (or replaces its settings, keeping its messages).
func (s *Server) AddChannel(c Channel) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if cur, ok := s.st.channels[c.ID]; ok {
		cur.Channel = c
		return
	}
	s.st.channels[c.ID] = &channelState{Channel: c, byTS: map[string]*Message{}, reactions: map[string][]Reaction{}}
}
