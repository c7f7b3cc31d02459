package diagnostics

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"
)

// Errors an OMS adapter's errors match, tested with errors.Is.
var (
	ErrUnauthorized   = errors.New("oms credentials rejected")
	ErrForbidden      = errors.New("oms permission denied")
	ErrOutcomeUnknown = errors.New("oms write outcome unknown")
	// ErrEmptyAnswer marks a well-formed answer without the rows that must exist ({}, {"docs":null}, or
	// "No record found" for the store's shops, its catalog or the job drafts): "could not read", not evidence.
	ErrEmptyAnswer = errors.New("oms answer holds no rows where some must exist")
)

// OMSError is a call the OMS answered but refused or garbled: a non-2xx status, a body that is not a JSON
// object, or an OMS error message in a 200 answer (hotwax-api §1.1). Callers show Messages as OMS evidence.
// errors.Is(err, ErrUnauthorized) and errors.Is(err, ErrForbidden) hold for 401 and 403.
type OMSError struct {
	Call     string   // what was asked, e.g. "performFind ShopifyShopAndConfig", "findJobs"
	Status   int      // HTTP status; 200 for an OMS business error
	Messages []string // _ERROR_MESSAGE_, _ERROR_MESSAGE_LIST_ and error texts, in that order
	Excerpt  string   // start of a body that could not be decoded
	Reason   string   // why the body could not be used, when it could not
	Err      error    // the *json.UnmarshalTypeError behind Reason, naming the field in another shape

	empty bool // a well-formed answer without the rows that must exist; matches ErrEmptyAnswer
}

// EmptyAnswer is the error for a well-formed answer that holds none of the rows the question must have,
// such as a product store without shops: the OMS could not be read, and the answer is not evidence.
func EmptyAnswer(call, reason string) *OMSError {
	return &OMSError{Call: call, Status: 200, Reason: "empty answer: " + reason, empty: true}
}

func (e *OMSError) Error() string {
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
func (e *OMSError) Unwrap() error { return e.Err }

// Is makes 401 and 403 answers match ErrUnauthorized and ErrForbidden, and empty answers ErrEmptyAnswer.
func (e *OMSError) Is(target error) bool {
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

// DraftError is a draft the OMS marks as unusable, so scheduling it is refused before any write. It unwraps
// to an *OMSError carrying the OMS's reason, as an OMS refusal does.
type DraftError struct {
	EnumID string
	JobID  string
	Reason string // what the OMS said is wrong with the draft's configuration
}

func (e *DraftError) Error() string {
	return fmt.Sprintf("the %s draft (job %s) has no usable runtime data configuration: %s", e.EnumID, e.JobID, e.Reason)
}

func (e *DraftError) Unwrap() error {
	return &OMSError{Call: "findJobs " + e.EnumID + " draft", Status: 200, Messages: []string{Clip(e.Reason, MaxOMSMessage)}}
}

// MaxOMSMessage bounds one OMS message; some services put whole stack traces in _ERROR_MESSAGE_.
const MaxOMSMessage = 500

// Clip shortens s to at most n bytes without splitting a UTF-8 sequence, marking the cut with "…". The
// adapter clips every OMS text an error quotes with it.
func Clip(s string, n int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if len(s) <= n {
		return s
	}
	cut := n - len("…")
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// requestCounter keys the counter CountRequests puts in a context.
type requestCounter struct{}

// CountRequests returns a context under which the OMS adapter adds every HTTP request it makes to n:
// retries, logins and one-time probes included, so a caller can report what a task cost.
func CountRequests(ctx context.Context, n *atomic.Int64) context.Context {
	return context.WithValue(ctx, requestCounter{}, n)
}

// CountRequest adds one request to the counter CountRequests put in ctx, if any.
func CountRequest(ctx context.Context) {
	if n, ok := ctx.Value(requestCounter{}).(*atomic.Int64); ok {
		n.Add(1)
	}
}

// refusalKey keys the refusal StopOnRefusal puts in a context.
type refusalKey struct{}

// refusal remembers the first refused credential of a run.
type refusal struct {
	mu  sync.Mutex
	err error
}

// StopOnRefusal returns a context under which, once the OMS refuses the credentials (a refused login, or a
// 401 on a static token), every later request of the adapter fails at once with that same error instead
// of asking again: a wrong password costs one login, not one per read. One run of reads shares it; a
// long-lived process must not, so that it logs in again once the credentials are fixed.
func StopOnRefusal(ctx context.Context) context.Context {
	return context.WithValue(ctx, refusalKey{}, &refusal{})
}

// Refused returns the refusal recorded under ctx, if any.
func Refused(ctx context.Context) error {
	r, ok := ctx.Value(refusalKey{}).(*refusal)
	if !ok {
		return nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.err
}

// NoteRefusal records err under ctx when it says the credentials were refused; the first one wins.
func NoteRefusal(ctx context.Context, err error) {
	r, ok := ctx.Value(refusalKey{}).(*refusal)
	if !ok || !errors.Is(err, ErrUnauthorized) {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.err == nil {
		r.err = err
	}
}
