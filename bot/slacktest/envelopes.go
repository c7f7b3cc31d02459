package slacktest

import (
	"encoding/json"
	"errors"
	"time"
)

// Envelope types Slack sends over Socket Mode.
const (
	TypeEventsAPI     = "events_api"
	TypeSlashCommands = "slash_commands"
	TypeInteractive   = "interactive"
)

// maxEventRetries is how often Slack re-sends an unacknowledged events_api envelope.
const maxEventRetries = 3

// ErrOperationTimeout is returned by SubmitView when the bot did not ack in time.
var ErrOperationTimeout = errors.New("operation_timeout")

// Ack is one acknowledgement received from the bot.
type Ack struct {
	EnvelopeID   string
	Type         string
	Latency      time.Duration // from the (latest) delivery to the ack
	Payload      json.RawMessage
	RetryAttempt int
	Late         bool // arrived after the envelope had already timed out
	Time         time.Time
}

// Timeout records an envelope the bot failed to ack in time.
type Timeout struct {
	EnvelopeID string
	Type       string
	User       string
	Channel    string
	Attempts   int
}

type ackResult struct {
	payload json.RawMessage
	err     error
}

// envelope is one payload Slack wants acknowledged; guarded by Server.mu.
type envelope struct {
	id           string
	typ          string
	payload      json.RawMessage
	accepts      bool
	retryAttempt int
	retryReason  string
	sentAt       time.Time
	attempt      int // increments per delivery; stale timers compare it
	timer        *time.Timer
	done         bool
	timedOut     bool
	result       chan ackResult // buffered 1: ack payload or timeout
	user         string
	channel      string
	onAck        func(payload json.RawMessage) // runs with s.mu held
}

// enqueue registers env and delivers it, or queues it while no socket is connected.
func (s *Server) enqueue(env *envelope) string {
	s.mu.Lock()
	env.id = newEnvelopeID()
	env.result = make(chan ackResult, 1)
	s.sock.envelopes[env.id] = env
	s.mu.Unlock()
	s.deliver(env)
	return env.id
}

func newEnvelopeID() string {
	h := randomHex(16)
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// deliver writes env to the next live connection (round-robin) and arms the ack timer.
func (s *Server) deliver(env *envelope) {
	s.mu.Lock()
	if env.done {
		s.mu.Unlock()
		return
	}
	if len(s.sock.live) == 0 {
		s.sock.queue = append(s.sock.queue, env)
		s.mu.Unlock()
		return
	}
	c := s.sock.live[s.sock.rr%len(s.sock.live)]
	s.sock.rr++
	env.attempt++
	attempt := env.attempt
	env.sentAt = time.Now()
	if env.timer != nil {
		env.timer.Stop()
	}
	env.timer = time.AfterFunc(s.opts.AckTimeout, func() { s.ackTimedOut(env, attempt) })
	frame := obj{"envelope_id": env.id, "type": env.typ, "accepts_response_payload": env.accepts, "payload": env.payload}
	if env.typ == TypeEventsAPI {
		frame["retry_attempt"] = env.retryAttempt
		frame["retry_reason"] = env.retryReason
	}
	s.emitLocked(Change{Kind: EnvelopeSent, EnvelopeID: env.id, User: env.user, Channel: env.channel})
	s.mu.Unlock()

	if err := c.writeJSON(frame); err != nil {
		c.abort()
		s.mu.Lock()
		if env.attempt == attempt && !env.done {
			env.timer.Stop()
			s.sock.queue = append(s.sock.queue, env)
		}
		s.mu.Unlock()
	}
}

// ackTimedOut re-sends an events_api envelope (up to 3 times) or records operation_timeout.
func (s *Server) ackTimedOut(env *envelope, attempt int) {
	s.mu.Lock()
	if env.done || env.attempt != attempt || s.sock.closed {
		s.mu.Unlock()
		return
	}
	if env.typ == TypeEventsAPI && env.retryAttempt < maxEventRetries {
		env.retryAttempt++
		env.retryReason = "timeout"
		s.mu.Unlock()
		s.deliver(env)
		return
	}
	env.done = true
	env.timedOut = true
	s.sock.timeouts = append(s.sock.timeouts, Timeout{
		EnvelopeID: env.id, Type: env.typ, User: env.user, Channel: env.channel, Attempts: env.attempt,
	})
	env.result <- ackResult{err: ErrOperationTimeout}
	if env.typ != TypeEventsAPI && env.user != "" && env.channel != "" {
		// What the person sees in Slack when an app does not answer in 3 s.
		s.postEphemeralLocked(env.channel, env.user, "USLACKBOT", "", `failed with the error "operation_timeout"`, nil)
	}
	s.emitLocked(Change{Kind: OperationTimedOut, EnvelopeID: env.id, User: env.user, Channel: env.channel})
	s.mu.Unlock()
}

// acknowledge records an ack frame from any connection.
func (s *Server) acknowledge(id string, payload json.RawMessage) {
	s.mu.Lock()
	defer s.mu.Unlock()
	env, ok := s.sock.envelopes[id]
	if !ok {
		s.log.Warn("slacktest: ack for unknown envelope", "envelope_id", id)
		return
	}
	now := time.Now()
	s.sock.acks = append(s.sock.acks, Ack{
		EnvelopeID: id, Type: env.typ, Latency: now.Sub(env.sentAt), Payload: payload,
		RetryAttempt: env.retryAttempt, Late: env.timedOut, Time: now,
	})
	if !env.done {
		env.done = true
		if env.timer != nil {
			env.timer.Stop()
		}
		env.result <- ackResult{payload: payload}
		if env.onAck != nil {
			env.onAck(payload)
		}
	}
	s.emitLocked(Change{Kind: EnvelopeAcked, EnvelopeID: id, User: env.user, Channel: env.channel})
}

// Acks returns every ack received, in arrival order.
func (s *Server) Acks() []Ack {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Ack(nil), s.sock.acks...)
}

// AckFor returns the first ack of an envelope.
func (s *Server) AckFor(envelopeID string) (Ack, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, a := range s.sock.acks {
		if a.EnvelopeID == envelopeID {
			return a, true
		}
	}
	return Ack{}, false
}

// Timeouts returns the envelopes never acked in time (operation_timeout, or events after 3 retries).
func (s *Server) Timeouts() []Timeout {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Timeout(nil), s.sock.timeouts...)
}

// Deliveries returns how many times an envelope was written to a socket (1 + retries).
func (s *Server) Deliveries(envelopeID string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if env, ok := s.sock.envelopes[envelopeID]; ok {
		return env.attempt
	}
	return 0
}

// QueuedEnvelopes returns how many envelopes wait for a connection.
func (s *Server) QueuedEnvelopes() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.sock.queue)
}
