package hotwax

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptrace"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/preorderbot/preorderbot/diagnostics"
	"github.com/preorderbot/preorderbot/internal/redact"
)

// request is one OMS call as the transport sees it.
type request struct {
	call   string // names the call in errors and logs, e.g. "performFind ShopifyShopAndConfig"
	path   string // relative to the base URL, e.g. "findJobs", "service/cancelScheduledJob"
	body   any    // marshalled to the JSON body
	write  bool   // changes OMS state: never retried, an unknown outcome wraps ErrOutcomeUnknown
	find   bool   // a find: {"error":"No record found"} means zero rows
	secret bool   // the answer carries credentials: never quote its body
}

// result is what one HTTP attempt produced.
type result struct {
	status   int
	header   http.Header
	body     []byte
	err      error // transport error: no complete answer
	wrote    bool  // the request was written to the connection, so the OMS may have acted on it
	timedOut bool  // the per-request timeout expired while the caller's ctx was still live
}

// do sends an authenticated request. When a login token is rejected with 401, it logs in again once and
// repeats the request: a 401 means the OMS did not act on it, so this is safe for writes too.
// Under StopOnRefusal, a refused static token or login ends every later request of the run at once.
func (c *Client) do(ctx context.Context, req request, out reply) error {
	for relogged := false; ; relogged = true {
		if err := refused(ctx); err != nil {
			return err
		}
		token, err := c.bearer(ctx)
		if err != nil {
			return err
		}
		err = c.send(ctx, req, token, out)
		if relogged || !c.auth.canLogin() || !errors.Is(err, ErrUnauthorized) {
			if !c.auth.canLogin() {
				noteRefusal(ctx, err)
			}
			return err
		}
		c.auth.invalidate(token)
		c.log.LogAttrs(ctx, slog.LevelDebug, "oms token rejected, logging in again", slog.String("call", req.call))
	}
}

// send posts req, retrying reads on network errors, timeouts, 5xx and 429 with jittered backoff.
// Writes get exactly one attempt. Its errors never quote the client's secrets.
func (c *Client) send(ctx context.Context, req request, token string, out reply) error {
	return c.scrub(c.attempts(ctx, req, token, out), token)
}

// scrub takes the client's secrets out of the OMS text an error quotes: an OMS (or a proxy in front of
// it) may echo the Authorization header or the login body, and that text is shown on cards and logged.
// token is the bearer token of the request, which after a login is known to no one else.
func (c *Client) scrub(err error, token string) error {
	var apiErr *APIError
	if !errors.As(err, &apiErr) {
		return err
	}
	clean := func(s string) string {
		if token != "" {
			s = strings.ReplaceAll(s, token, redact.Marker)
		}
		return c.redact.String(s)
	}
	for i, m := range apiErr.Messages {
		apiErr.Messages[i] = clean(m)
	}
	apiErr.Excerpt, apiErr.Reason = clean(apiErr.Excerpt), clean(apiErr.Reason)
	return err
}

// attempts is send without the scrubbing.
func (c *Client) attempts(ctx context.Context, req request, token string, out reply) error {
	payload, err := json.Marshal(req.body)
	if err != nil {
		return fmt.Errorf("hotwax %s: encode request: %w", req.call, err)
	}
	attempts := c.maxAttempts
	if req.write {
		attempts = 1
	}
	for attempt := 1; ; attempt++ {
		res := c.post(ctx, req, token, payload, attempt)
		err, retry := c.check(ctx, req, res)
		if err == nil {
			return c.decode(req, res, out)
		}
		if !retry || attempt >= attempts {
			return err
		}
		wait := c.backoff(attempt, res.header)
		if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < wait {
			return err // the caller's deadline would pass while waiting
		}
		c.log.LogAttrs(ctx, slog.LevelDebug, "oms request will be retried",
			slog.String("call", req.call), slog.Int("attempt", attempt), slog.Duration("wait", wait))
		if serr := c.sleep(ctx, wait); serr != nil {
			return fmt.Errorf("%w; %w", err, serr)
		}
	}
}

// post makes one HTTP attempt under the per-request timeout and logs it without headers or bodies.
func (c *Client) post(ctx context.Context, req request, token string, payload []byte, attempt int) result {
	actx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	var wrote atomic.Bool
	actx = httptrace.WithClientTrace(actx, &httptrace.ClientTrace{
		WroteRequest: func(httptrace.WroteRequestInfo) { wrote.Store(true) },
	})

	r := c.http.R().SetContext(actx).SetHeader("Content-Type", "application/json").SetBody(payload)
	if token != "" {
		r.SetAuthToken(token)
	}
	release, err := diagnostics.Exchange(ctx)
	if err != nil {
		return result{err: err}
	}
	c.calls.Add(1)
	diagnostics.CountRequest(ctx)
	start := time.Now()
	resp, err := r.Post(c.base + req.path)
	release() // resty has read the whole body: the OMS is done with this exchange
	res := result{err: err, wrote: wrote.Load()}
	if resp != nil && resp.RawResponse != nil {
		res.status = resp.StatusCode()
		res.header = resp.Header()
		res.body = resp.Body()
	}
	if err != nil && ctx.Err() == nil && errors.Is(actx.Err(), context.DeadlineExceeded) {
		res.timedOut = true
	}

	attrs := []slog.Attr{
		slog.String("call", req.call),
		slog.String("method", http.MethodPost),
		slog.String("path", c.basePath+req.path),
		slog.Int("status", res.status),
		slog.Duration("duration", time.Since(start)),
		slog.Int("attempt", attempt),
	}
	if err != nil {
		attrs = append(attrs, slog.String("error", err.Error()))
	}
	c.log.LogAttrs(ctx, slog.LevelDebug, "oms request", attrs...)
	return res
}

// check turns a transport failure or a non-2xx status into an error and says whether a read may retry it.
func (c *Client) check(ctx context.Context, req request, res result) (err error, retry bool) {
	if res.err != nil {
		switch {
		case ctx.Err() != nil:
			err = fmt.Errorf("hotwax %s: %w", req.call, ctx.Err())
		case res.timedOut:
			err = fmt.Errorf("hotwax %s: no answer within %s: %w", req.call, c.timeout, context.DeadlineExceeded)
		default:
			err = fmt.Errorf("hotwax %s: %w", req.call, res.err)
		}
		if req.write && res.wrote {
			err = fmt.Errorf("%w: %w", ErrOutcomeUnknown, err)
		}
		return err, ctx.Err() == nil
	}
	switch {
	case res.status >= 200 && res.status < 300:
		return nil, false
	case res.status == http.StatusTooManyRequests:
		return statusError(req, res), true // refused before any work, so a write's outcome is known
	case res.status >= 500:
		if req.write {
			return fmt.Errorf("%w: %w", ErrOutcomeUnknown, statusError(req, res)), false
		}
		return statusError(req, res), true
	default:
		return statusError(req, res), false
	}
}

// statusError describes a non-2xx answer, with the OMS messages when the body carries any.
func statusError(req request, res result) *APIError {
	e := &APIError{Call: req.call, Status: res.status}
	var s omsStatus
	if trimmed := bytes.TrimSpace(res.body); len(trimmed) > 0 && trimmed[0] == '{' && json.Unmarshal(trimmed, &s) == nil {
		e.Messages, _ = s.failure()
	}
	if len(e.Messages) == 0 && len(bytes.TrimSpace(res.body)) > 0 && !req.secret {
		e.Excerpt = excerpt(res.body)
	}
	return e
}

// decode applies the OMS error rule (hotwax-api §1.1) to a 2xx answer and fills out.
func (c *Client) decode(req request, res result, out reply) error {
	err := decodeBody(req, res, out)
	if err == nil {
		return nil
	}
	var apiErr *APIError
	if req.write && errors.As(err, &apiErr) && apiErr.Reason != "" {
		// The OMS answered 2xx but unreadably: it may have acted.
		return fmt.Errorf("%w: %w", ErrOutcomeUnknown, err)
	}
	return err
}

func decodeBody(req request, res result, out reply) error {
	body := bytes.TrimSpace(res.body)
	if len(body) == 0 || body[0] != '{' {
		return unreadable(req, res, "body is not a JSON object")
	}
	if err := json.Unmarshal(body, out); err != nil {
		reason := "invalid JSON"
		if !req.secret {
			reason += ": " + err.Error()
		}
		e := unreadable(req, res, reason)
		if te := (*json.UnmarshalTypeError)(nil); !req.secret && errors.As(err, &te) {
			e.Err = te // names the field that came in another shape
		}
		return e
	}
	messages, noRecord := out.status().failure()
	if len(messages) == 0 || (req.find && noRecord) {
		return nil
	}
	return &APIError{Call: req.call, Status: res.status, Messages: messages}
}

func unreadable(req request, res result, reason string) *APIError {
	e := &APIError{Call: req.call, Status: res.status, Reason: reason}
	if !req.secret {
		e.Excerpt = excerpt(res.body)
	}
	return e
}

// backoff is the wait before the next read attempt: Retry-After when the OMS sent one (capped at
// maxRetryAfter), else RetryWait doubled per attempt with equal jitter so that callers do not retry in step.
func (c *Client) backoff(attempt int, header http.Header) time.Duration {
	if d, ok := retryAfter(header, time.Now()); ok {
		return min(d, maxRetryAfter)
	}
	d := c.retryWait << (attempt - 1)
	half := d / 2
	return half + rand.N(half+1)
}

// retryAfter reads a Retry-After header in seconds or as an HTTP date.
func retryAfter(header http.Header, now time.Time) (time.Duration, bool) {
	v := header.Get("Retry-After")
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.Atoi(v); err == nil && secs >= 0 {
		return time.Duration(min(secs, 86400)) * time.Second, true
	}
	if at, err := http.ParseTime(v); err == nil {
		return max(at.Sub(now), 0), true
	}
	return 0, false
}
