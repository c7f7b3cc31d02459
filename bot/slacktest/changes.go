package slacktest

import (
	"context"
	"fmt"
	"time"
)

// ChangeKind names what a person (or the test) could notice.
type ChangeKind string

// Change kinds streamed by Subscribe.
const (
	MessagePosted     ChangeKind = "message_posted"
	MessageUpdated    ChangeKind = "message_updated"
	MessageDeleted    ChangeKind = "message_deleted"
	EphemeralPosted   ChangeKind = "ephemeral_posted"
	EphemeralUpdated  ChangeKind = "ephemeral_updated"
	ReactionAdded     ChangeKind = "reaction_added"
	ViewOpened        ChangeKind = "view_opened"
	ViewUpdated       ChangeKind = "view_updated"
	ViewClosed        ChangeKind = "view_closed"
	EnvelopeSent      ChangeKind = "envelope_sent"
	EnvelopeAcked     ChangeKind = "envelope_acked"
	OperationTimedOut ChangeKind = "operation_timeout"
	ConnectionOpened  ChangeKind = "connection_opened"
	ConnectionClosed  ChangeKind = "connection_closed"
)

// Change is one event of the change feed. Message and View are copies taken at the time of the change.
type Change struct {
	Kind       ChangeKind
	Time       time.Time
	Channel    string
	TS         string
	User       string
	ViewID     string
	EnvelopeID string
	Reaction   string
	Message    *Message
	View       *View
}

// subscriberBuffer bounds each feed; a subscriber that falls this far behind loses changes
// rather than stalling the server.
const subscriberBuffer = 256

// Subscribe returns a feed of changes and a function that ends it. A slow reader misses changes
// once subscriberBuffer are pending; WaitFor never misses one.
func (s *Server) Subscribe() (<-chan Change, func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := s.st.nextSub
	s.st.nextSub++
	ch := make(chan Change, subscriberBuffer)
	s.st.subs[id] = ch
	cancel := func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		if c, ok := s.st.subs[id]; ok {
			delete(s.st.subs, id)
			close(c)
		}
	}
	return ch, cancel
}

// emitLocked publishes c; s.mu must be held.
func (s *Server) emitLocked(c Change) {
	c.Time = time.Now()
	for _, ch := range s.st.subs {
		select {
		case ch <- c:
		default:
		}
	}
	s.bumpLocked()
}

// bumpLocked wakes every WaitFor; s.mu must be held.
func (s *Server) bumpLocked() {
	close(s.st.changed)
	s.st.changed = make(chan struct{})
}

// Changed returns a channel closed at the next change of any kind (message, call, ack, connection).
func (s *Server) Changed() <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.st.changed
}

// WaitFor blocks until cond returns true, re-evaluating it after every change, or until ctx ends.
// cond may call any Server method.
func (s *Server) WaitFor(ctx context.Context, cond func() bool) error {
	for {
		changed := s.Changed()
		if cond() {
			return nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return fmt.Errorf("slacktest: wait for condition: %w", ctx.Err())
		}
	}
}
