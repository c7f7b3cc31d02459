package hotwax

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-resty/resty/v2"

	"github.com/preorderbot/preorderbot/internal/redact"
)

// Defaults for Options fields left zero.
const (
	DefaultTimeout     = 10 * time.Second
	DefaultRetryWait   = 200 * time.Millisecond
	DefaultMaxAttempts = 3
)

// idleConnsPerHost keeps open the connections of a whole round of calls (a run has up to ten in flight), so
// the next round and the next run reuse them instead of connecting (and, against a tenant, handshaking TLS)
// again; resty's default keeps GOMAXPROCS+1.
const idleConnsPerHost = 16

// maxRetryAfter caps how long a Retry-After header may hold a read back.
const maxRetryAfter = 15 * time.Second

// maxBody bounds a response body; the largest page the bot asks for is a few hundred documents.
const maxBody = 32 << 20

// Options configure a Client. Set Token (an integration JWT), or Username and Password for /api/login.
type Options struct {
	BaseURL     string        // instance name or URL; see NormalizeBaseURL
	Token       string        // static bearer token; takes precedence over Username/Password
	Username    string        // login user when Token is empty
	Password    string        // login password when Token is empty
	Timeout     time.Duration // per HTTP request; default DefaultTimeout
	Logger      *slog.Logger  // debug request log; nil discards
	HTTPClient  *http.Client  // optional transport settings; its Timeout is left as is
	RetryWait   time.Duration // base of the jittered read backoff; default DefaultRetryWait
	MaxAttempts int           // attempts per read (and login); default DefaultMaxAttempts
	// Redactor takes secrets out of the OMS text errors quote; nil redacts Token and Password.
	Redactor *redact.Redactor
}

// Client calls the HotWax OMS REST layer. It is safe for concurrent use.
type Client struct {
	base        string
	basePath    string // path part of base, for logs
	http        *resty.Client
	log         *slog.Logger
	timeout     time.Duration
	retryWait   time.Duration
	maxAttempts int
	auth        *auth
	redact      *redact.Redactor
	calls       atomic.Int64

	// The listing index generation the tenant answers, found by the first listing query (see Listings).
	listingMu    sync.Mutex
	listingGen   *listingFields
	listingProbe chan struct{} // admits one caller at a time to find the generation

	// sleep waits between read attempts; tests replace it to observe backoff without waiting.
	sleep func(ctx context.Context, d time.Duration) error
}

// New checks the options and builds a Client. It makes no request: the first call logs in when needed.
func New(opts Options) (*Client, error) {
	base, err := NormalizeBaseURL(opts.BaseURL)
	if err != nil {
		return nil, err
	}
	a, err := newAuth(opts.Token, opts.Username, opts.Password)
	if err != nil {
		return nil, err
	}
	if opts.Timeout < 0 || opts.RetryWait < 0 || opts.MaxAttempts < 0 {
		return nil, errors.New("hotwax options: timeout, retry wait and max attempts must not be negative")
	}

	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	rc := resty.New()
	if opts.HTTPClient != nil {
		hc := *opts.HTTPClient
		rc = resty.NewWithClient(&hc)
	} else if t, ok := rc.GetClient().Transport.(*http.Transport); ok {
		t.MaxIdleConnsPerHost = idleConnsPerHost
	}
	// The body limit sits in the transport: resty's own limit reads a body 512 bytes at a time.
	rc.GetClient().Transport = limitBodies{cmp.Or[http.RoundTripper](rc.GetClient().Transport, http.DefaultTransport)}
	rc.SetLogger(discardLogger{}).
		SetDisableWarn(true).
		SetHeader("User-Agent", "preorderbot").
		SetHeader("Accept", "application/json")

	c := &Client{
		base:         base,
		basePath:     basePath(base),
		http:         rc,
		log:          log,
		timeout:      orDefault(opts.Timeout, DefaultTimeout),
		retryWait:    orDefault(opts.RetryWait, DefaultRetryWait),
		maxAttempts:  orDefault(opts.MaxAttempts, DefaultMaxAttempts),
		auth:         a,
		redact:       cmp.Or(opts.Redactor, redact.New(opts.Token, opts.Password)),
		listingProbe: make(chan struct{}, 1),
		sleep:        sleepContext,
	}
	return c, nil
}

// Calls is the number of HTTP requests made so far, logins and retries included ("OMS calls" in reports).
func (c *Client) Calls() int64 { return c.calls.Load() }

// BaseURL is the normalised API base the client calls, ending in "/api/".
func (c *Client) BaseURL() string { return c.base }

func basePath(base string) string {
	u, err := url.Parse(base)
	if err != nil {
		return "/"
	}
	return u.Path
}

func orDefault[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}

func sleepContext(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("wait %s before retry: %w", d, ctx.Err())
	}
}

// discardLogger silences resty: the client logs each request itself, without headers or bodies.
type discardLogger struct{}

func (discardLogger) Errorf(string, ...any) {}
func (discardLogger) Warnf(string, ...any)  {}
func (discardLogger) Debugf(string, ...any) {}

// limitBodies ends every response body past maxBody bytes with an error.
type limitBodies struct{ next http.RoundTripper }

func (t limitBodies) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := t.next.RoundTrip(r)
	if resp != nil && resp.Body != nil {
		resp.Body = &limitedBody{ReadCloser: resp.Body, left: maxBody}
	}
	return resp, err
}

type limitedBody struct {
	io.ReadCloser
	left int64
}

func (b *limitedBody) Read(p []byte) (int, error) {
	if int64(len(p)) > b.left+1 {
		p = p[:b.left+1] // one byte past the limit tells a body of exactly maxBody from a longer one
	}
	n, err := b.ReadCloser.Read(p)
	if b.left -= int64(n); b.left < 0 {
		return n, fmt.Errorf("response body larger than %d bytes", maxBody)
	}
	return n, err
}
