package workspace

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/preorderbot/preorderbot/bot/slacktest"
)

// heartbeat keeps idle event streams open through proxies and lets the server notice a closed page.
const heartbeat = 15 * time.Second

// Event is one line of the page's change stream: enough for the page to decide what to re-fetch.
type Event struct {
	Kind     string `json:"kind"`
	Channel  string `json:"channel,omitempty"`
	TS       string `json:"ts,omitempty"`
	ThreadTS string `json:"threadTs,omitempty"`
	ViewID   string `json:"viewId,omitempty"`
}

// events streams the simulated Slack's changes a person could see as Server-Sent Events. Socket Mode
// traffic is left out, as are other users' ephemeral messages and modals.
func (w *Workspace) events(rw http.ResponseWriter, r *http.Request) {
	flusher, ok := rw.(http.Flusher)
	if !ok {
		writeError(rw, http.StatusInternalServerError, "streaming unsupported")
		return
	}
	changes, cancel := w.opts.Slack.Subscribe()
	defer cancel()
	rw.Header().Set("Content-Type", "text/event-stream")
	rw.Header().Set("Cache-Control", "no-store")
	rw.WriteHeader(http.StatusOK)
	fmt.Fprint(rw, ": connected\n\n")
	flusher.Flush()
	tick := time.NewTicker(heartbeat)
	defer tick.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case <-tick.C:
			fmt.Fprint(rw, ": heartbeat\n\n")
			flusher.Flush()
		case c, open := <-changes:
			if !open {
				return
			}
			ev, show := w.event(c)
			if !show {
				continue
			}
			data, err := json.Marshal(ev)
			if err != nil {
				continue
			}
			fmt.Fprintf(rw, "event: change\ndata: %s\n\n", data)
			flusher.Flush()
		}
	}
}

// event translates a change, and says whether the page's user could see it.
func (w *Workspace) event(c slacktest.Change) (Event, bool) {
	ev := Event{Kind: string(c.Kind), Channel: c.Channel, TS: c.TS, ViewID: c.ViewID}
	if c.Message != nil {
		ev.ThreadTS = c.Message.ThreadTS
		if ev.Channel == "" {
			ev.Channel = c.Message.Channel
		}
		if ev.TS == "" {
			ev.TS = c.Message.TS
		}
	}
	switch c.Kind {
	case slacktest.MessagePosted, slacktest.MessageUpdated, slacktest.MessageDeleted, slacktest.ReactionAdded:
		return ev, true
	case slacktest.EphemeralPosted, slacktest.EphemeralUpdated, slacktest.ViewOpened, slacktest.ViewUpdated, slacktest.ViewClosed:
		return ev, c.User == w.opts.User.ID || (c.Message != nil && c.Message.Recipient == w.opts.User.ID)
	}
	return ev, false
}
