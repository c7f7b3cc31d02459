package diagnostics

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"slices"
	"strings"
)

// FailureKind says, in one word, why an OMS call gave no usable answer; it decides what the operator
// has to fix and whether the verdict is oms-unavailable or incomplete.
type FailureKind string

// Failure kinds.
const (
	FailureUnreachable FailureKind = "unreachable"       // no answer: network, timeout, a gateway in front of the OMS
	FailureCredentials FailureKind = "credentials"       // the OMS refused the token, the login or the permission
	FailureOMSError    FailureKind = "oms-error"         // the OMS answered with its own error
	FailureUnexpected  FailureKind = "unexpected-answer" // the OMS answered in a shape the bot does not read
	FailureSolr        FailureKind = "solr-refused"      // Solr refused the query
)

// Failure is one OMS call that gave no usable answer, said once however many checks it left unknown.
type Failure struct {
	Kind    FailureKind `json:"kind"`
	Call    string      `json:"call"`             // the call that failed, as the chain names it
	Message string      `json:"message"`          // what happened, in plain words, with the OMS's own text
	Fix     string      `json:"fix,omitempty"`    // what to change, naming the setting when there is one
	Checks  []CheckID   `json:"checks,omitempty"` // the checks it left unknown
}

// Unavailable reports whether the failure means the OMS could not be asked at all: not reached, or the
// credentials refused. Other failures cost only the checks that read the call.
func (f Failure) Unavailable() bool {
	return f.Kind == FailureUnreachable || f.Kind == FailureCredentials
}

// maxFailureMessage keeps a failure readable on a card and in a terminal.
const maxFailureMessage = 300

// Classify says what an error of the OMS call named call means, from the hotwax client's error types.
// Messages never carry credentials: the client keeps them out of its errors.
func Classify(call string, err error) Failure {
	f := classify(err)
	f.Call = call
	f.Message = clipMessage(f.Message)
	return f
}

func classify(err error) Failure {
	var ae *OMSError
	switch {
	case err == nil:
		return Failure{Kind: FailureUnexpected, Message: "no error"}
	case errors.Is(err, context.DeadlineExceeded):
		return Failure{Kind: FailureUnreachable, Message: "no answer before the deadline",
			Fix: "check that the OMS at HOTWAX_BASE_URL answers; raise HOTWAX_TIMEOUT if it is only slow"}
	case errors.Is(err, context.Canceled):
		return Failure{Kind: FailureUnreachable, Message: "the check was cancelled before the OMS answered"}
	case errors.As(err, &ae):
		return classifyAPI(err, ae)
	}
	var ne net.Error
	if errors.As(err, &ne) {
		msg := err.Error()
		var op *net.OpError
		if errors.As(err, &op) {
			msg = op.Error()
		}
		return Failure{Kind: FailureUnreachable, Message: "cannot reach the OMS: " + msg,
			Fix: "check HOTWAX_BASE_URL and that this host can reach the OMS"}
	}
	return Failure{Kind: FailureUnexpected, Message: "the answer could not be used: " + err.Error()}
}

// classifyAPI classifies a call the OMS (or something in front of it) answered.
func classifyAPI(err error, ae *OMSError) Failure {
	said := strings.Join(ae.Messages, "; ")
	status := httpStatus(ae.Status)
	switch {
	case ae.Call == "login" && errors.Is(err, ErrUnauthorized):
		return Failure{Kind: FailureCredentials, Message: "the OMS refused the login: " + orText(said, status),
			Fix: "check HOTWAX_USERNAME and HOTWAX_PASSWORD"}
	case errors.Is(err, ErrUnauthorized):
		return Failure{Kind: FailureCredentials, Message: "the OMS refused the token: " + orText(said, status),
			Fix: "replace HOTWAX_TOKEN: it is expired, revoked or for another instance"}
	case errors.Is(err, ErrForbidden):
		return Failure{Kind: FailureCredentials, Message: "the OMS refused permission: " + orText(said, status),
			Fix: "give the HotWax user of HOTWAX_TOKEN (or HOTWAX_USERNAME) permission to read this entity"}
	case errors.Is(err, ErrEmptyAnswer):
		return Failure{Kind: FailureUnexpected, Message: "the answer held no rows where some must exist: " + ae.Reason,
			Fix: "check HOTWAX_PRODUCT_STORE_ID and that the HotWax user can read this entity"}
	case ae.Reason != "":
		return Failure{Kind: FailureUnexpected, Message: unexpectedShape(ae),
			Fix: "report it to the bot's maintainers with this message: the OMS answered in a shape the bot does not read"}
	case strings.HasPrefix(ae.Call, "solr-query") && ae.Status >= 400 && ae.Status < 500 && ae.Status != http.StatusTooManyRequests:
		// Solr answers a query it cannot run with a 4xx and its own message; a 200 with an OMS message
		// is the OMS speaking.
		return Failure{Kind: FailureSolr, Message: "Solr refused the query: " + orText(said, status)}
	case ae.Status == http.StatusTooManyRequests || (ae.Status >= 500 && len(ae.Messages) == 0):
		// An error page instead of an OMS answer: the OMS, or whatever stands in front of it, is down.
		return Failure{Kind: FailureUnreachable, Message: "the OMS is not answering: " + status,
			Fix: "wait for the OMS to come back, then re-check"}
	}
	return Failure{Kind: FailureOMSError, Message: "the OMS answered with an error: " + orText(said, status)}
}

// unexpectedShape names what could not be read: the field and the JSON it held when the decoder says so.
func unexpectedShape(ae *OMSError) string {
	var te *json.UnmarshalTypeError
	if errors.As(ae, &te) && te.Field != "" {
		return fmt.Sprintf("field %q is a JSON %s where the bot reads a %s", te.Field, te.Value, te.Type)
	}
	msg := "the answer could not be read: " + ae.Reason
	if ae.Excerpt != "" {
		msg += fmt.Sprintf(" (answer begins %q)", ae.Excerpt)
	}
	return msg
}

func httpStatus(code int) string {
	if text := http.StatusText(code); text != "" {
		return fmt.Sprintf("HTTP %d %s", code, text)
	}
	return fmt.Sprintf("HTTP %d", code)
}

func orText(said, status string) string {
	if said != "" {
		return said
	}
	return status
}

// clipMessage keeps a message on one line and within maxFailureMessage bytes.
func clipMessage(msg string) string {
	msg = strings.Join(strings.Fields(msg), " ")
	if len(msg) > maxFailureMessage {
		cut := maxFailureMessage - len("…")
		for cut > 0 && msg[cut]&0xC0 == 0x80 {
			cut--
		}
		msg = msg[:cut] + "…"
	}
	return msg
}

// mergeFailures says each failure once: calls that failed the same way (the whole OMS refusing the token,
// say) become one failure naming every call, in the order they were first seen.
func mergeFailures(fs []Failure) []Failure {
	var out []Failure
	for _, f := range fs {
		i := indexOfFailure(out, f)
		if i < 0 {
			out = append(out, f)
			continue
		}
		out[i].Call += ", " + f.Call
		for _, c := range f.Checks {
			out[i].Checks = appendUnique(out[i].Checks, c)
		}
		slices.SortFunc(out[i].Checks, func(a, b CheckID) int {
			return slices.Index(CheckIDs, a) - slices.Index(CheckIDs, b)
		})
	}
	return out
}

func indexOfFailure(fs []Failure, f Failure) int {
	for i, g := range fs {
		if g.Kind == f.Kind && g.Message == f.Message && g.Fix == f.Fix {
			return i
		}
	}
	return -1
}

func appendUnique[T comparable](ss []T, s T) []T {
	if slices.Contains(ss, s) {
		return ss
	}
	return append(ss, s)
}

// RunFailures is every failed OMS call of a run, once: the SKUs of one run share their OMS answers, so
// their reports repeat the same failures. The checks each left unknown are merged over the reports.
func RunFailures(reports []Report) []Failure {
	var out []Failure
	for _, r := range reports {
		for _, f := range r.Failures {
			i := slices.IndexFunc(out, func(g Failure) bool {
				return g.Kind == f.Kind && g.Call == f.Call && g.Message == f.Message
			})
			if i < 0 {
				f.Checks = slices.Clone(f.Checks)
				out = append(out, f)
				continue
			}
			for _, c := range f.Checks {
				out[i].Checks = appendUnique(out[i].Checks, c)
			}
		}
	}
	return out
}
