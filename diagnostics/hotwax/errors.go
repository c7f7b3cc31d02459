package hotwax

import (
	"bytes"
	"encoding/json"
	"strings"

	"github.com/preorderbot/preorderbot/diagnostics"
)

// APIError is a call the OMS answered but refused or garbled (see diagnostics.OMSError).
type APIError = diagnostics.OMSError

// EmptyAnswer is the error for a well-formed answer that holds none of the rows the question must have.
func EmptyAnswer(call, reason string) *APIError { return diagnostics.EmptyAnswer(call, reason) }

// maxExcerpt bounds how much of a bad body an error quotes, so logs and cards stay readable.
const maxExcerpt = 200

// omsStatus holds the error fields every OMS answer may carry; response types embed it.
type omsStatus struct {
	ErrorMessage     json.RawMessage `json:"_ERROR_MESSAGE_"`
	ErrorMessageList json.RawMessage `json:"_ERROR_MESSAGE_LIST_"`
	Error            json.RawMessage `json:"error"`
}

// reply is a decoded OMS answer; its error fields decide whether the call failed.
type reply interface {
	status() *omsStatus
}

func (s *omsStatus) status() *omsStatus { return s }

// failure returns the OMS messages of an answer. noRecord is set when the only message is the
// "No record found" that finds answer instead of an empty docs list.
func (s *omsStatus) failure() (messages []string, noRecord bool) {
	messages = appendMessages(messages, s.ErrorMessage)
	messages = appendMessages(messages, s.ErrorMessageList)
	fromList := len(messages)
	messages = appendMessages(messages, s.Error)
	noRecord = fromList == 0 && len(messages) == 1 && strings.EqualFold(strings.TrimSpace(messages[0]), "No record found")
	return messages, noRecord
}

// appendMessages adds the texts of one error field: a string, an array of strings or objects, or an object.
func appendMessages(messages []string, raw json.RawMessage) []string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return messages
	}
	switch raw[0] {
	case 'n', 'f': // null, false
		return messages
	case '[':
		var items []json.RawMessage
		if err := json.Unmarshal(raw, &items); err != nil {
			return append(messages, diagnostics.Clip(string(raw), diagnostics.MaxOMSMessage))
		}
		for _, item := range items {
			messages = appendMessages(messages, item)
		}
		return messages
	case '{':
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(raw, &obj); err != nil {
			return append(messages, diagnostics.Clip(string(raw), diagnostics.MaxOMSMessage))
		}
		for _, key := range []string{"message", "msg", "_ERROR_MESSAGE_", "errorMessage", "error"} {
			if text := scalarText(obj[key]); text != "" {
				return append(messages, diagnostics.Clip(text, diagnostics.MaxOMSMessage))
			}
		}
		return append(messages, diagnostics.Clip(string(raw), diagnostics.MaxOMSMessage))
	}
	if text := strings.TrimSpace(scalarText(raw)); text != "" {
		return append(messages, diagnostics.Clip(text, diagnostics.MaxOMSMessage))
	}
	return messages
}

// excerpt is the start of a body, valid UTF-8, at most maxExcerpt bytes, for errors about unreadable bodies.
func excerpt(body []byte) string {
	return diagnostics.Clip(strings.TrimSpace(string(body)), maxExcerpt)
}
