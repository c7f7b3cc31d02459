package slacktest

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// Workspace identity used in every payload.
const (
	TeamID     = "T0PREORDER"
	TeamDomain = "preorder-demo"
	AppID      = "A0PREORDER"
	BotUserID  = "U0PREBOT"
	BotID      = "B0PREBOT"
	BotName    = "preorderbot"
)

// Default timings; Slack's own values where Slack documents one.
const (
	DefaultPingInterval = 10 * time.Second
	DefaultAckTimeout   = 3 * time.Second
	DefaultTriggerTTL   = 3 * time.Second
	DefaultWarningLead  = 10 * time.Second
)

// User is a workspace member answered by users.info.
type User struct {
	ID       string
	Name     string
	RealName string
	TZ       string // IANA name, e.g. "America/New_York"
	IsAdmin  bool
}

// UserGroup is answered by usergroups.users.list.
type UserGroup struct {
	ID     string
	Handle string
	Users  []string
}

// Channel is a public channel the bot can post to.
type Channel struct {
	ID   string
	Name string // without '#'
	// BotAbsent: the bot was never invited; its posts answer not_in_channel, as Slack does.
	BotAbsent bool
}

// Options configure a Server. Zero values get the defaults.
type Options struct {
	// Addr to listen on; default 127.0.0.1:0.
	Addr string
	// PingInterval between WebSocket PING frames; default 10 s (slack-go gives up after 30 s).
	PingInterval time.Duration
	// AckTimeout after which an envelope counts as unacknowledged; default 3 s.
	AckTimeout time.Duration
	// TriggerTTL is how long a trigger_id may open a view; default 3 s.
	TriggerTTL time.Duration
	// WarningLead is the delay between a "warning" disconnect and the close; default 10 s.
	WarningLead time.Duration
	Users       []User
	UserGroups  []UserGroup
	// Channels default to C0PREORDER #preorder-ops and C0SUPPORT #hotwax-support.
	Channels []Channel
	Logger   *slog.Logger
}

func (o Options) withDefaults() Options {
	if o.Addr == "" {
		o.Addr = "127.0.0.1:0"
	}
	if o.PingInterval <= 0 {
		o.PingInterval = DefaultPingInterval
	}
	if o.AckTimeout <= 0 {
		o.AckTimeout = DefaultAckTimeout
	}
	if o.TriggerTTL <= 0 {
		o.TriggerTTL = DefaultTriggerTTL
	}
	if o.WarningLead <= 0 {
		o.WarningLead = DefaultWarningLead
	}
	if len(o.Channels) == 0 {
		o.Channels = []Channel{{ID: "C0PREORDER", Name: "preorder-ops"}, {ID: "C0SUPPORT", Name: "hotwax-support"}}
	}
	if len(o.Users) == 0 {
		o.Users = []User{
			{ID: "U0ANA", Name: "ana", RealName: "Ana Operator", TZ: "America/New_York"},
			{ID: "U0BEN", Name: "ben", RealName: "Ben Merchandiser", TZ: "Europe/London"},
		}
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return o
}

// Server is the simulated Slack. All methods are safe for concurrent use.
type Server struct {
	opts     Options
	log      *slog.Logger
	ln       net.Listener
	srv      *http.Server
	baseURL  string
	appToken string
	botToken string
	upgrader websocket.Upgrader
	wg       sync.WaitGroup

	mu    sync.Mutex
	st    *state
	knobs knobs
	sock  *sockets
}

// New starts a server listening on opts.Addr.
func New(opts Options) (*Server, error) {
	opts = opts.withDefaults()
	ln, err := net.Listen("tcp", opts.Addr)
	if err != nil {
		return nil, fmt.Errorf("listen %s: %w", opts.Addr, err)
	}
	s := &Server{
		opts:     opts,
		log:      opts.Logger,
		ln:       ln,
		baseURL:  "http://" + ln.Addr().String(),
		appToken: "xapp-1-" + AppID + "-1-" + randomHex(16),
		botToken: "xoxb-1-1-" + randomHex(12),
		upgrader: websocket.Upgrader{
			// slack-go dials with Origin https://api.slack.com; the default check would refuse it.
			CheckOrigin: func(*http.Request) bool { return true },
		},
	}
	s.st = newState(opts)
	s.knobs = newKnobs()
	s.sock = newSockets()
	mux := http.NewServeMux()
	mux.HandleFunc("/api/", s.handleAPI)
	mux.HandleFunc("/link/", s.handleLink)
	mux.HandleFunc("/response/", s.handleResponseURL)
	mux.HandleFunc("/upload/", s.handleUpload)
	s.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	s.wg.Go(func() {
		if err := s.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.log.Error("slacktest serve", "err", err)
		}
	})
	return s, nil
}

// TB is the part of testing.TB that NewTestServer uses. It is declared here so that the simulator, which
// the demo links into the binary, does not import package testing.
type TB interface {
	Helper()
	Fatalf(format string, args ...any)
	Cleanup(func())
}

// NewTestServer starts a server for tb and closes it when the test ends.
func NewTestServer(tb TB, opts Options) *Server {
	tb.Helper()
	s, err := New(opts)
	if err != nil {
		tb.Fatalf("slacktest: %v", err)
	}
	tb.Cleanup(s.Close)
	return s
}

// Close stops the server, drops every WebSocket and cancels pending timers.
func (s *Server) Close() {
	_ = s.srv.Close()
	s.closeSockets()
	s.wg.Wait()
}

// URL is the server root, "http://127.0.0.1:PORT".
func (s *Server) URL() string { return s.baseURL }

// APIURL is the value for slack.OptionAPIURL; it ends with "/api/".
func (s *Server) APIURL() string { return s.baseURL + "/api/" }

// AppToken is the app-level token (xapp-) for Socket Mode.
func (s *Server) AppToken() string { return s.appToken }

// BotToken is the bot token (xoxb-) for the Web API.
func (s *Server) BotToken() string { return s.botToken }

// BotUserID is the bot's user id, as answered by auth.test.
func (s *Server) BotUserID() string { return BotUserID }

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
