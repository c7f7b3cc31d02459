package slacktest

import (
	"slices"
	"strings"
)

// Messages returns the channel's top-level messages, oldest first (what conversations.history shows).
func (s *Server) Messages(channel string) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.st.channel(channel)
	if c == nil {
		return nil
	}
	var out []Message
	for _, m := range c.messages {
		if m.ThreadTS == "" || m.ThreadTS == m.TS {
			out = append(out, m.clone())
		}
	}
	return out
}

// Message returns one message of a channel, thread replies included.
func (s *Server) Message(channel, ts string) (Message, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.st.channel(channel)
	if c == nil {
		return Message{}, false
	}
	m, ok := c.byTS[ts]
	if !ok {
		return Message{}, false
	}
	return m.clone(), true
}

// Thread returns the parent message followed by its replies, oldest first.
func (s *Server) Thread(channel, ts string) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.st.channel(channel)
	if c == nil {
		return nil
	}
	parent, ok := c.byTS[ts]
	if !ok {
		return nil
	}
	out := []Message{parent.clone()}
	for _, r := range parent.Replies {
		if m, ok := c.byTS[r]; ok {
			out = append(out, m.clone())
		}
	}
	return out
}

// Ephemeral returns the ephemeral messages shown to user, oldest first.
func (s *Server) Ephemeral(user string) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Message, 0, len(s.st.ephemeral[user]))
	for _, m := range s.st.ephemeral[user] {
		out = append(out, m.clone())
	}
	return out
}

// Reactions returns the reactions on a message.
func (s *Server) Reactions(channel, ts string) []Reaction {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.st.channel(channel)
	if c == nil {
		return nil
	}
	out := slices.Clone(c.reactions[ts])
	for i := range out {
		out[i].Users = slices.Clone(out[i].Users)
	}
	return out
}

// OpenViews returns user's modal stack, bottom first.
func (s *Server) OpenViews(user string) []View {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []View
	for _, id := range s.st.viewStacks[user] {
		if v, ok := s.st.views[id]; ok {
			out = append(out, *v)
		}
	}
	return out
}

// Files returns every file uploaded through the files.* flow.
func (s *Server) Files() []File {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []File
	for _, f := range s.st.uploads {
		out = append(out, *f)
	}
	slices.SortFunc(out, func(a, b File) int { return strings.Compare(a.ID, b.ID) })
	return out
}
