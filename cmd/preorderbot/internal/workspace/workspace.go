// Package workspace serves the demo's web page: a Slack-like channel view over the simulated Slack
// (bot/slacktest), where a visitor types /preorder commands and @preorderbot mentions, presses the bot's
// buttons, fills its modals and watches its cards change, plus a switcher for the simulated OMS's scenarios.
//
// The page is plain HTML, CSS and JavaScript embedded in the binary. The server renders Block Kit and
// mrkdwn to escaped HTML (Blocks, Mrkdwn), so the script never builds markup from message content; it
// fetches /api/state, acts through small JSON endpoints that call slacktest's person-level API, and
// re-fetches when /api/events (Server-Sent Events over slacktest's change feed) says something changed.
package workspace

import (
	"embed"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/preorderbot/preorderbot/bot/slacktest"
	"github.com/preorderbot/preorderbot/diagnostics/hotwax/hotwaxtest"
)

//go:embed static
var static embed.FS

// ScenarioSwitcher is the part of the simulated OMS the page drives; *hotwaxtest.Server satisfies it.
type ScenarioSwitcher interface {
	SetScenario(name string) error
	Scenario() string
}

// Options configure a Workspace.
type Options struct {
	Slack *slacktest.Server
	// OMS and Scenarios fill the scenario panel; a nil OMS hides it.
	OMS       ScenarioSwitcher
	Scenarios []hotwaxtest.Scenario
	// User is the person using the page; every command, click and submission is theirs.
	User slacktest.User
	// Users and Channels are the workspace's members and channels as given to the simulated Slack; they
	// name mentions and fill the channel switcher. The first channel is shown first.
	Users    []slacktest.User
	Channels []slacktest.Channel
	// SubmitTimeout bounds the wait for the bot's ack of a modal submission; default 5 s.
	SubmitTimeout time.Duration
	// Location is the zone times are shown in; default time.Local.
	Location *time.Location
	Logger   *slog.Logger
}

// Workspace is the demo page's HTTP handler set.
type Workspace struct {
	opts  Options
	names Names
	log   *slog.Logger
}

// New builds a Workspace; Register adds its routes to a mux.
func New(opts Options) *Workspace {
	if opts.SubmitTimeout <= 0 {
		opts.SubmitTimeout = 5 * time.Second
	}
	if opts.Location == nil {
		opts.Location = time.Local
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	n := Names{Users: map[string]string{}, Channels: map[string]string{}, Location: opts.Location}
	if opts.Slack != nil {
		n.SlackURL = opts.Slack.URL()
	}
	n.Users[slacktest.BotUserID] = slacktest.BotName
	for _, u := range append(opts.Users, opts.User) {
		n.Users[u.ID] = u.Name
	}
	for _, c := range opts.Channels {
		n.Channels[c.ID] = c.Name
	}
	return &Workspace{opts: opts, names: n, log: opts.Logger}
}

// Register adds the page, its assets and its API to mux. It claims "/" for the page, so the demo's other
// routes (/healthz, /readyz, /metrics) must be more specific patterns, which ServeMux prefers.
func (w *Workspace) Register(mux *http.ServeMux) {
	assets, err := fs.Sub(static, "static")
	if err != nil {
		panic("workspace: embedded assets missing: " + err.Error())
	}
	mux.Handle("GET /static/", http.StripPrefix("/static/", http.FileServerFS(assets)))
	mux.HandleFunc("GET /{$}", func(rw http.ResponseWriter, r *http.Request) {
		rw.Header().Set("Content-Security-Policy", "default-src 'self'; img-src 'self' https: data:; style-src 'self'")
		http.ServeFileFS(rw, r, assets, "index.html")
	})
	mux.HandleFunc("GET /api/state", w.state)
	mux.HandleFunc("GET /api/thread", w.thread)
	mux.HandleFunc("GET /api/events", w.events)
	mux.HandleFunc("GET /api/files/{id}", w.file)
	mux.HandleFunc("POST /api/send", w.send)
	mux.HandleFunc("POST /api/click", w.click)
	mux.HandleFunc("POST /api/submit", w.submit)
	mux.HandleFunc("POST /api/close", w.closeView)
	mux.HandleFunc("POST /api/scenario", w.setScenario)
}

// channel resolves a channel parameter, defaulting to the first configured channel.
func (w *Workspace) channel(id string) (slacktest.Channel, bool) {
	if id == "" && len(w.opts.Channels) > 0 {
		return w.opts.Channels[0], true
	}
	for _, c := range w.opts.Channels {
		if c.ID == id || c.Name == strings.TrimPrefix(id, "#") {
			return c, true
		}
	}
	return slacktest.Channel{}, false
}
