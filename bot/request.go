package bot

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"
)

// requestKind says what a person did.
type requestKind int

const (
	kindCommand    requestKind = iota + 1 // /preorder …
	kindMention                           // @preorderbot …
	kindClick                             // a button on a card
	kindSubmission                        // a modal's submit
	kindViewClosed                        // a modal's cancel
)

// request is what handlers see. Slack's transport types stop at the socket loop, so handlers can be
// driven by tests and by other transports without a WebSocket.
type request struct {
	Kind       requestKind
	EnvelopeID string
	DedupeKey  string // the envelope id, or the Events API event id (redeliveries get new envelopes)
	Received   time.Time

	User        string
	Channel     string
	ThreadTS    string // the thread to answer in (mentions)
	MessageTS   string // the message a button sits on, or the mention itself
	TriggerID   string
	ResponseURL string

	Text string // command or mention text, without the mention

	ActionID string // click
	Value    string // click: the opaque action id

	CallbackID string                       // submission
	Metadata   string                       // submission: private_metadata
	Values     map[string]map[string]string // submission: block id → action id → value
	ViewID     string
	ExternalID string // submission: the view's external_id, which names the modal the bot opened
	Rejected   bool   // submission: its ack carried validation errors, so the modal is still open
	OpensForm  bool   `json:"-"` // click: on a button that opens a form; acked at once and never journaled
	Replayed   bool   // from the journal after a restart: it may have been handled before the restart
}

// normalise turns a Socket Mode event into a request. ok is false for events that carry no work
// (lifecycle events, events the bot does not subscribe to).
func normalise(evt socketmode.Event, now time.Time) (request, bool, error) {
	if evt.Request == nil {
		return request{}, false, nil
	}
	r := request{EnvelopeID: evt.Request.EnvelopeID, DedupeKey: evt.Request.EnvelopeID, Received: now}
	switch evt.Type {
	case socketmode.EventTypeSlashCommand:
		cmd, ok := evt.Data.(slack.SlashCommand)
		if !ok {
			return r, false, fmt.Errorf("slash command payload of type %T", evt.Data)
		}
		r.Kind = kindCommand
		r.User, r.Channel, r.Text = cmd.UserID, cmd.ChannelID, cmd.Text
		r.TriggerID, r.ResponseURL = cmd.TriggerID, cmd.ResponseURL
		return r, true, nil
	case socketmode.EventTypeEventsAPI:
		ev, ok := evt.Data.(slackevents.EventsAPIEvent)
		if !ok {
			return r, false, fmt.Errorf("events api payload of type %T", evt.Data)
		}
		if cb, ok := ev.Data.(*slackevents.EventsAPICallbackEvent); ok && cb.EventID != "" {
			r.DedupeKey = "event:" + cb.EventID
		}
		m, ok := ev.InnerEvent.Data.(*slackevents.AppMentionEvent)
		if !ok {
			return r, false, nil
		}
		if m.BotID != "" {
			return r, false, nil // never answer another bot, or ourselves
		}
		r.Kind = kindMention
		r.User, r.Channel, r.MessageTS = m.User, m.Channel, m.TimeStamp
		r.ThreadTS = m.ThreadTimeStamp
		if r.ThreadTS == "" {
			r.ThreadTS = m.TimeStamp
		}
		r.Text = stripMention(m.Text)
		return r, true, nil
	case socketmode.EventTypeInteractive:
		cb, ok := evt.Data.(slack.InteractionCallback)
		if !ok {
			return r, false, fmt.Errorf("interactive payload of type %T", evt.Data)
		}
		r.User, r.TriggerID, r.ResponseURL = cb.User.ID, cb.TriggerID, cb.ResponseURL
		switch cb.Type {
		case slack.InteractionTypeBlockActions:
			if len(cb.ActionCallback.BlockActions) == 0 {
				return r, false, nil
			}
			a := cb.ActionCallback.BlockActions[0]
			r.Kind = kindClick
			r.ActionID, r.Value = a.ActionID, a.Value
			r.Channel = cb.Container.ChannelID
			if r.Channel == "" {
				r.Channel = cb.Channel.ID
			}
			r.MessageTS = cb.Container.MessageTs
			if r.MessageTS == "" {
				r.MessageTS = cb.Message.Timestamp
			}
			r.ThreadTS = cb.Message.ThreadTimestamp
			r.ViewID = cb.View.ID
			r.Metadata = cb.View.PrivateMetadata
			return r, true, nil
		case slack.InteractionTypeViewSubmission:
			r.Kind = kindSubmission
			r.CallbackID, r.Metadata, r.ViewID = cb.View.CallbackID, cb.View.PrivateMetadata, cb.View.ID
			r.ExternalID = cb.View.ExternalID
			r.Values = viewValues(cb.View.State)
			return r, true, nil
		case slack.InteractionTypeViewClosed:
			r.Kind = kindViewClosed
			r.CallbackID, r.Metadata, r.ViewID = cb.View.CallbackID, cb.View.PrivateMetadata, cb.View.ID
			return r, true, nil
		}
		return r, false, nil
	}
	return r, false, nil
}

// viewValues flattens a modal's state to strings, whatever the input element was.
func viewValues(state *slack.ViewState) map[string]map[string]string {
	out := map[string]map[string]string{}
	if state == nil {
		return out
	}
	for blockID, actions := range state.Values {
		out[blockID] = map[string]string{}
		for actionID, a := range actions {
			v := a.Value
			switch {
			case a.SelectedOption.Value != "":
				v = a.SelectedOption.Value
			case a.SelectedDateTime != 0:
				v = fmt.Sprint(a.SelectedDateTime)
			case a.SelectedDate != "" && a.SelectedTime != "":
				v = a.SelectedDate + " " + a.SelectedTime
			case a.SelectedDate != "":
				v = a.SelectedDate
			case a.SelectedTime != "":
				v = a.SelectedTime
			}
			out[blockID][actionID] = v
		}
	}
	return out
}

// envelopeIDOf digs the envelope id out of a message slack-go could not parse, so it can still be acked.
func envelopeIDOf(raw json.RawMessage) string {
	var m struct {
		EnvelopeID string `json:"envelope_id"`
	}
	if json.Unmarshal(raw, &m) != nil {
		return ""
	}
	return m.EnvelopeID
}
