package slacktest

import (
	"time"

	"github.com/gorilla/websocket"
)

// SetPinging turns the server's PING frames on or off; off makes slack-go's dead-man timer reconnect.
func (s *Server) SetPinging(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sock.noPing = !on
}

// Disconnect sends {"type":"disconnect","reason":reason} on every live connection and closes them:
// WarningLead later for "warning", at once for other reasons (refresh_requested, link_disabled, …).
// It returns how many connections were told.
func (s *Server) Disconnect(reason string) int {
	conns := s.liveConns()
	for _, c := range conns {
		msg := obj{"type": "disconnect", "reason": reason, "debug_info": obj{"host": "applink-slacktest"}}
		if err := c.writeJSON(msg); err != nil {
			c.abort()
			continue
		}
		delay := time.Duration(0)
		if reason == "warning" {
			delay = s.opts.WarningLead
		}
		s.wg.Go(func() {
			select {
			case <-time.After(delay):
				c.closeWith(websocket.CloseNormalClosure, reason)
			case <-c.done:
			}
		})
	}
	return len(conns)
}

// DropConnections closes every live connection abruptly, without a close frame.
func (s *Server) DropConnections() int {
	conns := s.liveConns()
	for _, c := range conns {
		c.abort()
	}
	return len(conns)
}

// LiveConnections returns how many WebSockets are connected and past hello.
func (s *Server) LiveConnections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.sock.live)
}

// Pongs returns how many PONG frames clients sent back to the server's PINGs.
func (s *Server) Pongs() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sock.pongs
}

// RejectedDials returns how many /link/ dials were refused (unknown or reused ticket).
func (s *Server) RejectedDials() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sock.rejected
}
