package slacktest

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/slack-go/slack"
)

// Call is one recorded Web API request.
type Call struct {
	Method      string
	Time        time.Time
	ContentType string
	Form        url.Values                 // form-encoded and query parameters
	JSON        map[string]json.RawMessage // JSON body, for views.* and JSON posts
	Blocks      []slack.Block              // decoded "blocks" (or the view's blocks), nil when absent
	BlocksJSON  json.RawMessage
	Status      int    // HTTP status served
	Error       string // Slack error code when ok was false
}

// apiRequest is a Web API request decoded from either encoding.
type apiRequest struct {
	form        url.Values
	json        map[string]json.RawMessage
	bearer      string
	contentType string
}

// str returns a parameter as a string; JSON non-strings come back as their JSON text.
func (r *apiRequest) str(key string) string {
	if v := r.form.Get(key); v != "" {
		return v
	}
	raw, ok := r.json[key]
	if !ok {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	return string(raw)
}

// raw returns a JSON-valued parameter, whether sent as a JSON value or as a JSON string in a form field.
func (r *apiRequest) raw(key string) json.RawMessage {
	if v := r.form.Get(key); v != "" {
		return json.RawMessage(v)
	}
	raw, ok := r.json[key]
	if !ok || string(raw) == "null" {
		return nil
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return json.RawMessage(s)
	}
	return raw
}

func (r *apiRequest) token() string {
	if t := r.form.Get("token"); t != "" {
		return t
	}
	return r.bearer
}

func parseAPIRequest(hr *http.Request) (*apiRequest, error) {
	req := &apiRequest{contentType: hr.Header.Get("Content-Type"), json: map[string]json.RawMessage{}}
	if auth := hr.Header.Get("Authorization"); strings.HasPrefix(auth, "Bearer ") {
		req.bearer = strings.TrimPrefix(auth, "Bearer ")
	}
	mediaType, _, _ := mime.ParseMediaType(req.contentType)
	if mediaType == "application/json" {
		body, err := io.ReadAll(io.LimitReader(hr.Body, 4<<20))
		if err != nil {
			return nil, fmt.Errorf("read body: %w", err)
		}
		if len(strings.TrimSpace(string(body))) > 0 {
			if err := json.Unmarshal(body, &req.json); err != nil {
				return nil, fmt.Errorf("decode json body: %w", err)
			}
		}
		req.form = hr.URL.Query()
		return req, nil
	}
	if err := hr.ParseForm(); err != nil {
		return nil, fmt.Errorf("parse form: %w", err)
	}
	req.form = hr.Form
	return req, nil
}

// apiError is an {"ok":false} answer.
type apiError struct {
	code     string
	messages []string
}

func fail(code string, messages ...string) *apiError {
	return &apiError{code: code, messages: messages}
}

type obj = map[string]any

type apiHandler func(s *Server, r *apiRequest) (obj, *apiError)

// apiMethods are the Web API methods the simulated Slack answers, each in its own file.
var apiMethods = map[string]apiHandler{
	"auth.test":                    (*Server).authTest,
	"chat.postMessage":             (*Server).chatPostMessage,
	"chat.update":                  (*Server).chatUpdate,
	"chat.delete":                  (*Server).chatDelete,
	"chat.postEphemeral":           (*Server).chatPostEphemeral,
	"chat.getPermalink":            (*Server).chatGetPermalink,
	"reactions.add":                (*Server).reactionsAdd,
	"views.open":                   (*Server).viewsOpen,
	"views.push":                   (*Server).viewsPush,
	"views.update":                 (*Server).viewsUpdate,
	"users.info":                   (*Server).usersInfo,
	"usergroups.users.list":        (*Server).usergroupsUsersList,
	"conversations.info":           (*Server).conversationsInfo,
	"conversations.history":        (*Server).conversationsHistory,
	"conversations.replies":        (*Server).conversationsReplies,
	"files.getUploadURLExternal":   (*Server).filesGetUploadURLExternal,
	"files.completeUploadExternal": (*Server).filesCompleteUploadExternal,
}

func (s *Server) handleAPI(w http.ResponseWriter, hr *http.Request) {
	method := strings.TrimPrefix(hr.URL.Path, "/api/")
	req, err := parseAPIRequest(hr)
	if err != nil {
		writeJSON(w, http.StatusOK, obj{"ok": false, "error": "invalid_form_data"})
		return
	}
	call := newCall(method, req)

	s.mu.Lock()
	retryAfter, limited := s.knobs.rateLimitedLocked(method)
	var (
		resp     obj
		aerr     *apiError
		httpFail int
		hang     time.Duration
	)
	if !limited {
		if f, ok := s.knobs.scriptedFailureLocked(method); ok && f.landed {
			if f.late > 0 { // Slack works on it whether or not its sender is still there
				s.mu.Unlock()
				time.Sleep(f.late)
				s.mu.Lock()
			}
			// The call takes effect; its answer is lost, held or late.
			resp, aerr = s.serveLocked(method, req)
			httpFail, hang = f.status, f.hang
		} else if ok && f.status != 0 {
			httpFail = f.status
		} else if ok {
			aerr = fail(f.code)
		} else {
			resp, aerr = s.serveLocked(method, req)
		}
	}
	status := http.StatusOK
	switch {
	case limited:
		status = http.StatusTooManyRequests
		s.knobs.served429[method]++
	case httpFail != 0:
		status = httpFail
	}
	call.Status = status
	if aerr != nil {
		call.Error = aerr.code
	}
	s.knobs.calls = append(s.knobs.calls, call)
	s.bumpLocked()
	s.mu.Unlock()
	s.log.Debug("slacktest api call", "method", method, "status", status, "error", call.Error)

	if hang > 0 {
		select {
		case <-time.After(hang):
		case <-hr.Context().Done():
			return
		}
	}
	if httpFail != 0 {
		http.Error(w, http.StatusText(httpFail), httpFail)
		return
	}
	if limited {
		w.Header().Set("Retry-After", fmt.Sprint(int(math.Ceil(retryAfter.Seconds()))))
		writeJSON(w, status, obj{"ok": false, "error": "ratelimited"})
		return
	}
	if aerr != nil {
		body := obj{"ok": false, "error": aerr.code}
		if len(aerr.messages) > 0 {
			body["response_metadata"] = obj{"messages": aerr.messages}
		}
		writeJSON(w, status, body)
		return
	}
	resp["ok"] = true
	writeJSON(w, status, resp)
}

// newCall records a request with its blocks decoded. The recorded form never holds the token:
// recordings may be shown on the demo page.
func newCall(method string, req *apiRequest) Call {
	form := url.Values{}
	for k, v := range req.form {
		if k != "token" {
			form[k] = v
		}
	}
	call := Call{Method: method, Time: time.Now(), ContentType: req.contentType, Form: form, JSON: req.json}
	call.BlocksJSON = req.raw("blocks")
	if view := req.raw("view"); view != nil {
		var v struct {
			Blocks json.RawMessage `json:"blocks"`
		}
		if json.Unmarshal(view, &v) == nil {
			call.BlocksJSON = v.Blocks
		}
	}
	if call.BlocksJSON != nil {
		var b slack.Blocks
		if json.Unmarshal(call.BlocksJSON, &b) == nil {
			call.Blocks = b.BlockSet
		}
	}
	return call
}

// serveLocked authenticates and runs one method; s.mu is held.
func (s *Server) serveLocked(method string, req *apiRequest) (obj, *apiError) {
	if method == "apps.connections.open" {
		return s.appsConnectionsOpenLocked(req)
	}
	h, ok := apiMethods[method]
	if !ok {
		return nil, fail("unknown_method")
	}
	if aerr := s.checkBotTokenLocked(req.token()); aerr != nil {
		return nil, aerr
	}
	return h(s, req)
}

// checkBotTokenLocked answers like Slack for a missing, wrong-kind, unknown or revoked token.
func (s *Server) checkBotTokenLocked(token string) *apiError {
	switch {
	case token == "":
		return fail("not_authed")
	case token == s.appToken:
		return fail("not_allowed_token_type")
	case token != s.botToken:
		return fail("invalid_auth")
	}
	if code := s.knobs.revoked[token]; code != "" {
		return fail(code)
	}
	return nil
}

func writeJSON(w http.ResponseWriter, status int, body any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}
