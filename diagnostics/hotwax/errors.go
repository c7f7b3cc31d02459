package hotwax

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"
)

// APIError is a call the OMS answered but refused or garbled: a non-2xx status, a body that is not a JSON
// object, or an OMS error message in a 200 answer (hotwax-api §1.1). Callers show Messages as OMS evidence.
// errors.Is(err, ErrUnauthorized) and errors.Is(err, ErrForbidden) hold for 401 and 403.
type APIError struct {
	Call     string   // what was asked, e.g. "performFind ShopifyShopAndConfig", "findJobs"
	Status   int      // HTTP status; 200 for an OMS business error
	Messages []string // _ERROR_MESSAGE_, _ERROR_MESSAGE_LIST_ and error texts, in that order
	Excerpt  string   // start of a body that could not be decoded, at most maxExcerpt bytes
	Reason   string   // why the body could not be used, when it could not
	Err      error    // the *json.UnmarshalTypeError behind Reason, naming the field in another shape

	empty bool // a well-formed answer without the rows that must exist; matches ErrEmptyAnswer
}

// EmptyAnswer is the error for a well-formed answer that holds none of the rows the question must have,
// such as a product store without shops: the OMS could not be read, and the answer is not evidence.
func EmptyAnswer(call, reason string) *APIError {
	return &APIError{Call: call, Status: 200, Reason: "empty answer: " + reason, empty: true}
}

// maxExcerpt bounds how much of a bad body an error quotes, so logs and cards stay readable.
const maxExcerpt = 200

// maxMessage bounds one OMS message; some services put whole stack traces in _ERROR_MESSAGE_.
const maxMessage = 500

func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "hotwax %s: HTTP %d", e.Call, e.Status)
	if text := http.StatusText(e.Status); text != "" && e.Status != http.StatusOK {
		b.WriteString(" " + text)
	}
	if len(e.Messages) > 0 {
		b.WriteString(": " + strings.Join(e.Messages, "; "))
	}
	if e.Reason != "" {
		b.WriteString(": " + e.Reason)
	}
	if e.Excerpt != "" {
		fmt.Fprintf(&b, ": body %q", e.Excerpt)
	}
	return b.String()
}

// Unwrap exposes the decoding error, so callers can name the field the OMS sent in another shape.
func (e *APIError) Unwrap() error { return e.Err }

// Is makes 401 and 403 answers match ErrUnauthorized and ErrForbidden, and empty answers ErrEmptyAnswer.
func (e *APIError) Is(target error) bool {
	switch target {
	case ErrEmptyAnswer:
		return e.empty
	case ErrUnauthorized:
		return e.Status == http.StatusUnauthorized
	case ErrForbidden:
		return e.Status == http.StatusForbidden
	}
	return false
}

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
			return append(messages, clip(string(raw), maxMessage))
		}
		for _, item := range items {
			messages = appendMessages(messages, item)
		}
		return messages
	case '{':
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(raw, &obj); err != nil {
			return append(messages, clip(string(raw), maxMessage))
		}
		for _, key := range []string{"message", "msg", "_ERROR_MESSAGE_", "errorMessage", "error"} {
			if text := scalarText(obj[key]); text != "" {
				return append(messages, clip(text, maxMessage))
			}
		}
		return append(messages, clip(string(raw), maxMessage))
	}
	if text := strings.TrimSpace(scalarText(raw)); text != "" {
		return append(messages, clip(text, maxMessage))
	}
	return messages
}

// excerpt is the start of a body, valid UTF-8, at most maxExcerpt bytes, for errors about unreadable bodies.
func excerpt(body []byte) string {
	return clip(strings.TrimSpace(string(body)), maxExcerpt)
}

// clip shortens s to at most n bytes without splitting a UTF-8 sequence, marking the cut with "…".
func clip(s string, n int) string {
	s = strings.ToValidUTF8(s, "�")
	if len(s) <= n {
		return s
	}
	cut := n - len("…")
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}
