package workspace

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"strings"

	"github.com/preorderbot/preorderbot/bot/slacktest"
)

// maxBody bounds every JSON request; the largest is a modal submission.
const maxBody = 64 << 10

// mentionRE finds "@preorderbot" as typed in the composer.
var mentionRE = lazyRegexp(`(?i)(^|\s)@` + slacktest.BotName + `\b`)

// ErrNotForBot is returned for composer text that is neither a slash command nor a mention of the bot:
// the simulated Slack delivers only what reaches the app.
var ErrNotForBot = errors.New("type a /preorder command or mention @" + slacktest.BotName)

type sendRequest struct {
	Channel  string `json:"channel"`
	Text     string `json:"text"`
	ThreadTS string `json:"threadTs"`
}

func (w *Workspace) send(rw http.ResponseWriter, r *http.Request) {
	var req sendRequest
	if !readJSON(rw, r, &req) {
		return
	}
	c, ok := w.channel(req.Channel)
	if !ok {
		writeError(rw, http.StatusNotFound, "no such channel")
		return
	}
	id, err := w.Send(c.ID, req.Text, req.ThreadTS)
	if err != nil {
		writeActionError(rw, err)
		return
	}
	writeJSON(rw, http.StatusOK, map[string]string{"envelopeId": id})
}

// Send delivers what the user typed: "/command …" as a slash command (run in the channel, as Slack does
// even from a thread), text mentioning @preorderbot as an app mention in the channel or thread.
func (w *Workspace) Send(channel, text, threadTS string) (string, error) {
	text = strings.TrimSpace(text)
	switch {
	case strings.HasPrefix(text, "/"):
		return w.opts.Slack.SlashCommand(w.opts.User.ID, channel, text)
	case mentionRE().MatchString(text) || strings.Contains(text, "<@"+slacktest.BotUserID+">"):
		text = mentionRE().ReplaceAllString(text, "$1<@"+slacktest.BotUserID+">")
		return w.opts.Slack.Mention(w.opts.User.ID, channel, escapeSlack(text), threadTS)
	}
	return "", ErrNotForBot
}

// escapeSlack escapes what a Slack client escapes in typed text, keeping the bot mention token.
func escapeSlack(s string) string {
	const token = "\x00m\x00"
	s = strings.ReplaceAll(s, "<@"+slacktest.BotUserID+">", token)
	s = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
	return strings.ReplaceAll(s, token, "<@"+slacktest.BotUserID+">")
}

type clickRequest struct {
	Channel string `json:"channel"`
	TS      string `json:"ts"`
	ViewID  string `json:"viewId"`
	Button  string `json:"button"`
}

// click presses a button by its label on a message (channel + ts) or in an open modal (viewId).
func (w *Workspace) click(rw http.ResponseWriter, r *http.Request) {
	var req clickRequest
	if !readJSON(rw, r, &req) {
		return
	}
	var id string
	var err error
	if req.ViewID != "" {
		id, err = w.opts.Slack.ClickButtonInView(w.opts.User.ID, req.ViewID, req.Button)
	} else {
		c, ok := w.channel(req.Channel)
		if !ok {
			writeError(rw, http.StatusNotFound, "no such channel")
			return
		}
		id, err = w.opts.Slack.ClickButton(w.opts.User.ID, c.ID, req.TS, req.Button)
	}
	if err != nil {
		writeActionError(rw, err)
		return
	}
	writeJSON(rw, http.StatusOK, map[string]string{"envelopeId": id})
}

type submitRequest struct {
	ViewID string                       `json:"viewId"`
	Values map[string]map[string]string `json:"values"`
}

// SubmitResult is the answer to a modal submission: the bot's inline errors by block id, empty when the
// submission was accepted (and the modal closed or changed as the bot asked).
type SubmitResult struct {
	Errors map[string]string `json:"errors"`
}

func (w *Workspace) submit(rw http.ResponseWriter, r *http.Request) {
	var req submitRequest
	if !readJSON(rw, r, &req) {
		return
	}
	res, err := w.Submit(r.Context(), req.ViewID, req.Values)
	if err != nil {
		writeActionError(rw, err)
		return
	}
	writeJSON(rw, http.StatusOK, res)
}

// Submit submits the user's open modal and waits (up to SubmitTimeout) for the bot's ack, whose
// response_action "errors" comes back as inline errors.
func (w *Workspace) Submit(ctx context.Context, viewID string, values map[string]map[string]string) (SubmitResult, error) {
	ctx, cancel := context.WithTimeout(ctx, w.opts.SubmitTimeout)
	defer cancel()
	ack, err := w.opts.Slack.SubmitView(ctx, w.opts.User.ID, viewID, values)
	if err != nil {
		return SubmitResult{}, err
	}
	var resp struct {
		ResponseAction string            `json:"response_action"`
		Errors         map[string]string `json:"errors"`
	}
	res := SubmitResult{Errors: map[string]string{}}
	if len(ack) > 0 {
		if err := json.Unmarshal(ack, &resp); err != nil {
			return res, fmt.Errorf("decode the bot's ack: %w", err)
		}
	}
	if resp.ResponseAction == "errors" {
		for k, v := range resp.Errors {
			res.Errors[k] = v
		}
	}
	return res, nil
}

type closeRequest struct {
	ViewID string `json:"viewId"`
}

func (w *Workspace) closeView(rw http.ResponseWriter, r *http.Request) {
	var req closeRequest
	if !readJSON(rw, r, &req) {
		return
	}
	if _, err := w.opts.Slack.CloseView(w.opts.User.ID, req.ViewID); err != nil {
		writeActionError(rw, err)
		return
	}
	writeJSON(rw, http.StatusOK, map[string]string{})
}

type scenarioRequest struct {
	Name string `json:"name"`
}

// setScenario resets the simulated OMS to a named scenario; cards already posted stay as they are.
func (w *Workspace) setScenario(rw http.ResponseWriter, r *http.Request) {
	var req scenarioRequest
	if !readJSON(rw, r, &req) {
		return
	}
	if w.opts.OMS == nil {
		writeError(rw, http.StatusNotFound, "no simulated OMS")
		return
	}
	if err := w.opts.OMS.SetScenario(req.Name); err != nil {
		writeError(rw, http.StatusBadRequest, err.Error())
		return
	}
	w.log.Info("scenario switched", "scenario", req.Name)
	writeJSON(rw, http.StatusOK, map[string]string{"scenario": req.Name})
}

// file serves an uploaded file as an attachment, never rendered by the browser.
func (w *Workspace) file(rw http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	for _, f := range w.opts.Slack.Files() {
		if f.ID != id {
			continue
		}
		rw.Header().Set("Content-Type", "application/octet-stream")
		rw.Header().Set("X-Content-Type-Options", "nosniff")
		rw.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": cmp.Or(f.Name, f.ID)}))
		_, _ = rw.Write(f.Content)
		return
	}
	writeError(rw, http.StatusNotFound, "no such file")
}

// readJSON decodes a JSON body. Requiring the JSON content type makes a cross-site form post fail the
// browser's CORS preflight, so another page cannot drive the demo.
func readJSON(rw http.ResponseWriter, r *http.Request, v any) bool {
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/json" {
		writeError(rw, http.StatusUnsupportedMediaType, "send application/json")
		return false
	}
	if err := json.NewDecoder(http.MaxBytesReader(rw, r.Body, maxBody)).Decode(v); err != nil {
		writeError(rw, http.StatusBadRequest, "bad request: "+err.Error())
		return false
	}
	return true
}

// writeActionError maps the simulated Slack's errors to statuses the page can explain.
func writeActionError(rw http.ResponseWriter, err error) {
	switch {
	case errors.Is(err, ErrNotForBot):
		writeError(rw, http.StatusBadRequest, err.Error())
	case errors.Is(err, slacktest.ErrNoSuchChannel), errors.Is(err, slacktest.ErrNoSuchMessage),
		errors.Is(err, slacktest.ErrNoSuchButton), errors.Is(err, slacktest.ErrNoSuchView):
		writeError(rw, http.StatusNotFound, err.Error())
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, slacktest.ErrOperationTimeout):
		writeError(rw, http.StatusGatewayTimeout, "the bot did not answer in time: "+err.Error())
	default:
		writeError(rw, http.StatusInternalServerError, err.Error())
	}
}

func writeError(rw http.ResponseWriter, status int, msg string) {
	writeJSON(rw, status, map[string]string{"error": msg})
}

func writeJSON(rw http.ResponseWriter, status int, v any) {
	rw.Header().Set("Content-Type", "application/json")
	rw.Header().Set("Cache-Control", "no-store")
	rw.WriteHeader(status)
	_ = json.NewEncoder(rw).Encode(v)
}
