package slacktest

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"time"
)

// response_url limits: "up to 5 times within 30 minutes".
const (
	responseURLUses = 5
	responseURLTTL  = 30 * time.Minute
)

// responseURL is where an interaction's replies go; guarded by Server.mu.
type responseURL struct {
	issued    time.Time
	uses      int
	channel   string
	user      string
	messageTS string // the message holding the clicked button; empty for slash commands
	ephemeral bool   // that message is ephemeral
}

func (s *Server) newResponseURLLocked(channel, user, messageTS string, ephemeral bool) string {
	id := randomHex(12)
	s.st.responses[id] = &responseURL{issued: time.Now(), channel: channel, user: user, messageTS: messageTS, ephemeral: ephemeral}
	return s.baseURL + "/response/" + id
}

type responseBody struct {
	Text            string          `json:"text"`
	Blocks          json.RawMessage `json:"blocks"`
	ReplaceOriginal bool            `json:"replace_original"`
	DeleteOriginal  bool            `json:"delete_original"`
	ResponseType    string          `json:"response_type"`
	ThreadTS        string          `json:"thread_ts"`
}

func (s *Server) handleResponseURL(w http.ResponseWriter, r *http.Request) {
	id := strings.TrimPrefix(r.URL.Path, "/response/")
	raw, err := io.ReadAll(io.LimitReader(r.Body, 4<<20))
	if err != nil {
		writeJSON(w, http.StatusBadRequest, obj{"ok": false, "error": "invalid_payload"})
		return
	}
	var body responseBody
	if err := json.Unmarshal(raw, &body); err != nil {
		writeJSON(w, http.StatusBadRequest, obj{"ok": false, "error": "invalid_payload"})
		return
	}
	var bodyMap map[string]json.RawMessage
	_ = json.Unmarshal(raw, &bodyMap)

	s.mu.Lock()
	defer s.mu.Unlock()
	call := Call{Method: "response_url", Time: time.Now(), ContentType: r.Header.Get("Content-Type"), JSON: bodyMap, Status: http.StatusOK}
	status, answer := s.respondLocked(id, body)
	call.Status = status
	if e, ok := answer["error"].(string); ok {
		call.Error = e
	}
	if string(body.Blocks) != "null" && body.Blocks != nil {
		call.BlocksJSON = body.Blocks
	}
	s.knobs.calls = append(s.knobs.calls, call)
	s.bumpLocked()
	writeJSON(w, status, answer)
}

// respondLocked applies a response_url post the way Slack does.
func (s *Server) respondLocked(id string, body responseBody) (int, obj) {
	ru, ok := s.st.responses[id]
	switch {
	case !ok:
		return http.StatusNotFound, obj{"ok": false, "error": "invalid_url"}
	case time.Since(ru.issued) > responseURLTTL:
		return http.StatusNotFound, obj{"ok": false, "error": "expired_url"}
	case ru.uses >= responseURLUses:
		return http.StatusNotFound, obj{"ok": false, "error": "used_too_many_times"}
	}
	blocks := body.Blocks
	if string(blocks) == "null" {
		blocks = nil
	}
	if blocks != nil {
		if err := ValidateBlocks(blocks, SurfaceMessage); err != nil {
			return http.StatusOK, obj{"ok": false, "error": "invalid_blocks"}
		}
		n, err := normalizeBlocks(blocks)
		if err != nil {
			return http.StatusOK, obj{"ok": false, "error": "invalid_blocks"}
		}
		blocks = n
	}
	ru.uses++
	c := s.st.channel(ru.channel)
	switch {
	case body.DeleteOriginal && ru.messageTS != "":
		if ru.ephemeral {
			s.deleteEphemeralLocked(ru.user, ru.messageTS)
		} else if c != nil {
			s.st.deleteMessage(c, ru.messageTS)
			s.emitLocked(Change{Kind: MessageDeleted, Channel: c.ID, TS: ru.messageTS})
		}
	case body.ReplaceOriginal && ru.messageTS != "":
		var m *Message
		if ru.ephemeral {
			m = s.st.findEphemeral(ru.user, ru.messageTS)
		} else if c != nil {
			m = c.byTS[ru.messageTS]
		}
		if m == nil {
			return http.StatusNotFound, obj{"ok": false, "error": "message_not_found"}
		}
		s.updateLocked(m, body.Text, blocks, true)
	case body.ResponseType == "in_channel" && c != nil:
		s.postLocked(c, BotUserID, body.ThreadTS, body.Text, blocks, nil)
	default:
		s.postEphemeralLocked(ru.channel, ru.user, BotUserID, body.ThreadTS, body.Text, blocks)
	}
	return http.StatusOK, obj{"ok": true}
}

func (s *Server) deleteEphemeralLocked(user, ts string) {
	list := s.st.ephemeral[user]
	for i, m := range list {
		if m.TS == ts {
			s.st.ephemeral[user] = append(list[:i:i], list[i+1:]...)
			s.emitLocked(Change{Kind: MessageDeleted, Channel: m.Channel, TS: ts, User: user})
			return
		}
	}
}
