package slacktest

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// Socket Mode limits.
const (
	// MaxFrameBytes is Slack's inbound frame limit; a frame this long or longer closes the socket with 1009.
	MaxFrameBytes  = 20480
	maxConnections = 10
	writeWait      = 5 * time.Second
)

// sockets is the Socket Mode side of the server; guarded by Server.mu.
type sockets struct {
	tickets   map[string]bool // ticket -> already used
	live      []*socketConn
	rr        int
	nextID    int
	noPing    bool
	queue     []*envelope
	envelopes map[string]*envelope
	acks      []Ack
	timeouts  []Timeout
	closed    bool
	rejected  int
	pongs     int
}

func newSockets() *sockets {
	return &sockets{tickets: map[string]bool{}, envelopes: map[string]*envelope{}}
}

// socketConn is one accepted WebSocket.
type socketConn struct {
	id        int
	ws        *websocket.Conn
	writeMu   sync.Mutex
	done      chan struct{}
	closeOnce sync.Once
}

func (c *socketConn) writeJSON(v any) error {
	c.writeMu.Lock()
	defer c.writeMu.Unlock()
	_ = c.ws.SetWriteDeadline(time.Now().Add(writeWait))
	return c.ws.WriteJSON(v)
}

// closeWith sends a close frame and drops the connection.
func (c *socketConn) closeWith(code int, reason string) {
	_ = c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, reason), time.Now().Add(writeWait))
	c.abort()
}

// abort drops the TCP connection without a close frame.
func (c *socketConn) abort() {
	c.closeOnce.Do(func() {
		close(c.done)
		_ = c.ws.Close()
	})
}

func (s *Server) appsConnectionsOpenLocked(req *apiRequest) (obj, *apiError) {
	token := req.bearer
	switch {
	case token == "":
		return nil, fail("not_authed")
	case token == s.botToken:
		return nil, fail("not_allowed_token_type")
	case token != s.appToken:
		return nil, fail("invalid_auth")
	}
	if code := s.knobs.revoked[token]; code != "" {
		return nil, fail(code)
	}
	ticket := randomHex(16)
	s.sock.tickets[ticket] = false
	url := strings.Replace(s.baseURL, "http://", "ws://", 1) + "/link/?ticket=" + ticket + "&app_id=" + AppID
	return obj{"url": url}, nil
}

func (s *Server) handleLink(w http.ResponseWriter, r *http.Request) {
	ticket := r.URL.Query().Get("ticket")
	s.mu.Lock()
	used, known := s.sock.tickets[ticket]
	if known && !used {
		s.sock.tickets[ticket] = true
	}
	refused := !known || used || s.sock.closed
	if refused {
		s.sock.rejected++
		s.bumpLocked()
	} else {
		// Added under mu before Close sets closed, so Close's Wait covers this connection.
		s.wg.Add(1)
	}
	s.mu.Unlock()
	if refused {
		http.Error(w, "invalid or used ticket", http.StatusUnauthorized)
		return
	}
	defer s.wg.Done()
	ws, err := s.upgrader.Upgrade(w, r, nil)
	if err != nil {
		s.log.Warn("slacktest upgrade", "err", err)
		return
	}
	// Backstop only: frames are measured in readLoop so the close carries Slack's message.
	ws.SetReadLimit(1 << 20)
	s.serveConn(ws)
}

func (s *Server) serveConn(ws *websocket.Conn) {
	c := &socketConn{ws: ws, done: make(chan struct{})}
	// Holding writeMu until hello is written keeps envelopes behind hello while the
	// connection is already live, so a client that has read hello is counted.
	c.writeMu.Lock()
	s.mu.Lock()
	if s.sock.closed {
		s.mu.Unlock()
		c.writeMu.Unlock()
		c.abort()
		return
	}
	s.sock.nextID++
	c.id = s.sock.nextID
	n := len(s.sock.live) + 1
	tooMany := n > maxConnections
	var queued []*envelope
	if !tooMany {
		s.sock.live = append(s.sock.live, c)
		queued = s.sock.queue
		s.sock.queue = nil
		s.emitLocked(Change{Kind: ConnectionOpened})
	}
	s.mu.Unlock()

	hello := obj{
		"type": "hello", "num_connections": n,
		"connection_info": obj{"app_id": AppID},
		"debug_info": obj{
			"host": "applink-slacktest", "build_number": 1, "approximate_connection_time": 18060,
			"started": time.Now().UTC().Format("2006-01-02 15:04:05.000"),
		},
	}
	_ = ws.SetWriteDeadline(time.Now().Add(writeWait))
	err := ws.WriteJSON(hello)
	c.writeMu.Unlock()
	if tooMany {
		if err == nil {
			_ = c.writeJSON(obj{"type": "disconnect", "reason": "too_many_websockets", "debug_info": obj{"host": "applink-slacktest"}})
		}
		c.closeWith(websocket.ClosePolicyViolation, "too many websockets")
		return
	}
	if err != nil {
		c.abort()
	}

	ws.SetPongHandler(func(string) error {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.sock.pongs++
		s.bumpLocked()
		return nil
	})
	s.wg.Go(func() { s.pingLoop(c) })
	for _, env := range queued {
		s.deliver(env)
	}
	s.readLoop(c)

	s.mu.Lock()
	s.removeConnLocked(c)
	s.emitLocked(Change{Kind: ConnectionClosed})
	s.mu.Unlock()
}

func (s *Server) removeConnLocked(c *socketConn) {
	for i, lc := range s.sock.live {
		if lc == c {
			s.sock.live = append(s.sock.live[:i], s.sock.live[i+1:]...)
			return
		}
	}
}

// readLoop reads acks until the connection ends.
func (s *Server) readLoop(c *socketConn) {
	defer c.abort()
	for {
		_, r, err := c.ws.NextReader()
		if err != nil {
			return
		}
		frame, err := io.ReadAll(io.LimitReader(r, MaxFrameBytes))
		if err != nil {
			return
		}
		if len(frame) >= MaxFrameBytes {
			c.closeWith(websocket.CloseMessageTooBig, fmt.Sprintf("Max frame length of %d has been exceeded.", MaxFrameBytes))
			return
		}
		var ack struct {
			EnvelopeID string          `json:"envelope_id"`
			Payload    json.RawMessage `json:"payload"`
		}
		if err := json.Unmarshal(frame, &ack); err != nil || ack.EnvelopeID == "" {
			s.log.Warn("slacktest: unreadable frame", "bytes", len(frame))
			continue
		}
		s.acknowledge(ack.EnvelopeID, ack.Payload)
	}
}

func (s *Server) pingLoop(c *socketConn) {
	t := time.NewTicker(s.opts.PingInterval)
	defer t.Stop()
	n := 0
	for {
		select {
		case <-c.done:
			return
		case <-t.C:
		}
		s.mu.Lock()
		skip := s.sock.noPing
		s.mu.Unlock()
		if skip {
			continue
		}
		n++
		err := c.ws.WriteControl(websocket.PingMessage, fmt.Appendf(nil, "ping-%d", n), time.Now().Add(writeWait))
		if err != nil && !errors.Is(err, websocket.ErrCloseSent) {
			c.abort()
			return
		}
	}
}

func (s *Server) liveConns() []*socketConn {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]*socketConn(nil), s.sock.live...)
}

func (s *Server) closeSockets() {
	s.mu.Lock()
	s.sock.closed = true
	conns := append([]*socketConn(nil), s.sock.live...)
	for _, env := range s.sock.envelopes {
		if env.timer != nil {
			env.timer.Stop()
		}
	}
	s.mu.Unlock()
	for _, c := range conns {
		c.closeWith(websocket.CloseGoingAway, "server closing")
	}
}
