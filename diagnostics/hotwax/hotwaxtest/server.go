package hotwaxtest

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/preorderbot/preorderbot/diagnostics/hotwax"
)

// Options configure a Server. Zero values take the defaults noted on each field.
type Options struct {
	Scenario string        // default "healthy"
	Addr     string        // default "127.0.0.1:0"
	Token    string        // the configured integration token; default a random "fake-jwt-…"
	Username string        // with Password, enables POST login
	Password string        //
	TokenTTL time.Duration // lifetime of tokens issued by login; default 1h on the simulated clock
	Latency  time.Duration // added to every request
	// RunDelay is how long (real time) after a run-now request, or after a scheduled job falls due, the job
	// executes; default 2s.
	RunDelay time.Duration
	Clock    func() time.Time // default time.Now; Advance adds an offset to it
	Faults   Faults
	// ListingGeneration is the field-name generation shopifyCore indexes: GenerationDotted (default) or
	// GenerationUnderscore, the older tenants' flow. A query naming the other generation's fields gets Solr's
	// 400 "undefined field".
	ListingGeneration string
	// Seed and CatalogSKUs shape ScenarioCatalog; defaults DefaultCatalogSeed and DefaultCatalogSKUs.
	Seed        int64
	CatalogSKUs int
}

// Server is a running simulated OMS. It is safe for concurrent use.
type Server struct {
	opts  Options
	ln    net.Listener
	http  *http.Server
	url   string
	quit  chan struct{}
	bgEnd chan struct{}
	once  sync.Once

	mu       sync.Mutex
	m        *model
	scenario string
	offset   time.Duration
	faults   Faults
	requests int // requests a fault applied to, for the 500 share
	tokens   map[string]token
	tokenSeq int
	expired  int // tokens issued at or before this sequence are expired (the ExpireTokens fault)
	counts   map[string]int
	bySource map[string]int
}

type token struct {
	seq     int
	expires time.Time // zero: never
}

// NewServer builds the scenario's model and starts listening. Close it when done.
func NewServer(opts Options) (*Server, error) {
	if opts.Scenario == "" {
		opts.Scenario = "healthy"
	}
	if opts.Addr == "" {
		opts.Addr = "127.0.0.1:0"
	}
	if opts.Token == "" {
		b := make([]byte, 16)
		if _, err := rand.Read(b); err != nil {
			return nil, fmt.Errorf("generate token: %w", err)
		}
		opts.Token = "fake-jwt-" + hex.EncodeToString(b)
	}
	if opts.TokenTTL <= 0 {
		opts.TokenTTL = time.Hour
	}
	if opts.RunDelay <= 0 {
		opts.RunDelay = 2 * time.Second
	}
	if opts.Clock == nil {
		opts.Clock = time.Now
	}
	switch opts.ListingGeneration {
	case "":
		opts.ListingGeneration = GenerationDotted
	case GenerationDotted, GenerationUnderscore:
	default:
		return nil, fmt.Errorf("unknown listing generation %q (known: %s, %s)", opts.ListingGeneration, GenerationDotted, GenerationUnderscore)
	}
	s := &Server{
		opts: opts, quit: make(chan struct{}), bgEnd: make(chan struct{}),
		tokens: map[string]token{}, counts: map[string]int{}, bySource: map[string]int{},
	}
	if err := s.SetScenario(opts.Scenario); err != nil {
		return nil, err
	}
	s.tokenSeq++
	s.tokens[opts.Token] = token{seq: s.tokenSeq}
	s.SetFaults(opts.Faults)
	ln, err := net.Listen("tcp", opts.Addr)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", opts.Addr, err)
	}
	s.ln = ln
	s.url = "http://" + ln.Addr().String() + "/api/"
	s.http = &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = s.http.Serve(ln) }()
	go s.scheduler()
	return s, nil
}

// TB is the part of testing.TB that NewTestServer uses. It is declared here so that the simulator, which
// the demo links into the binary, does not import package testing.
type TB interface {
	Helper()
	Fatalf(format string, args ...any)
	Cleanup(func())
}

// NewTestServer starts a server for a test and closes it when the test ends.
func NewTestServer(tb TB, opts Options) *Server {
	tb.Helper()
	s, err := NewServer(opts)
	if err != nil {
		tb.Fatalf("start simulated OMS: %v", err)
	}
	tb.Cleanup(s.Close)
	return s
}

// URL is the base URL, ending in "/api/".
func (s *Server) URL() string { return s.url }

// Token is the configured integration token.
func (s *Server) Token() string { return s.opts.Token }

// Close stops the server; requests hanging on a fault are released.
func (s *Server) Close() {
	s.once.Do(func() {
		close(s.quit)
		_ = s.http.Close()
		<-s.bgEnd
	})
}

// SetScenario replaces the model with a fresh copy of the named scenario.
func (s *Server) SetScenario(name string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	sc, ok := scenarioByName(name)
	if name == ScenarioCatalog {
		sc, ok = catalogScenario(cmp.Or(s.opts.Seed, DefaultCatalogSeed), cmp.Or(s.opts.CatalogSKUs, DefaultCatalogSKUs)), true
	}
	if !ok {
		return fmt.Errorf("unknown scenario %q (known: %v)", name, ScenarioNames())
	}
	s.m = sc.newModel(s.nowLocked())
	s.scenario = name
	return nil
}

// Scenario is the name of the scenario the model was last reset to.
func (s *Server) Scenario() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.scenario
}

// SetFaults replaces the fault knobs. ExpireTokens expires every token issued so far.
func (s *Server) SetFaults(f Faults) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = f
	s.requests = 0
	if f.ExpireTokens {
		s.expired = s.tokenSeq
	}
}

// Now is the simulated time.
func (s *Server) Now() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.nowLocked()
}

func (s *Server) nowLocked() time.Time { return s.opts.Clock().Add(s.offset) }

// Advance moves the simulated clock forward and runs every job that is then due, without waiting RunDelay.
func (s *Server) Advance(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.offset += d
	s.runDueLocked(true)
}

// RunDue runs every job due now, without waiting RunDelay.
func (s *Server) RunDue() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.runDueLocked(true)
}

// runDueLocked executes due jobs; unless immediate, only those that have been due for RunDelay.
func (s *Server) runDueLocked(immediate bool) {
	now, realNow := s.nowLocked(), time.Now()
	for _, j := range s.m.due(now) {
		if !immediate {
			if j.dueSince.IsZero() {
				j.dueSince = realNow
			}
			if realNow.Sub(j.dueSince) < s.opts.RunDelay {
				continue
			}
		}
		s.m.execute(j, now)
	}
}

// scheduler runs due jobs in the background until Close.
func (s *Server) scheduler() {
	defer close(s.bgEnd)
	tick := min(max(s.opts.RunDelay/4, time.Millisecond), 100*time.Millisecond)
	t := time.NewTicker(tick)
	defer t.Stop()
	for {
		select {
		case <-s.quit:
			return
		case <-t.C:
			s.mu.Lock()
			s.runDueLocked(false)
			s.mu.Unlock()
		}
	}
}

// WaitIdle returns when no job is due or executing, or with ctx's error.
func (s *Server) WaitIdle(ctx context.Context) error {
	t := time.NewTicker(2 * time.Millisecond)
	defer t.Stop()
	for {
		s.mu.Lock()
		idle := len(s.m.due(s.nowLocked())) == 0 // executions run under the lock
		s.mu.Unlock()
		if idle {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("wait for simulated jobs: %w", ctx.Err())
		case <-s.quit:
			return errors.New("wait for simulated jobs: server closed")
		case <-t.C:
		}
	}
}

// FailJob makes every later run of the job for the shop ("" for store-wide jobs) fail with msg.
func (s *Server) FailJob(enumID, shopID, msg string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m.failing[failKey{enumID, shopID}] = msg
}

// FixJob undoes FailJob.
func (s *Server) FixJob(enumID, shopID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.m.failing, failKey{enumID, shopID})
}

// Links are the product's ShopifyShopProduct rows, in creation order.
func (s *Server) Links(productID string) []hotwax.ShopLink {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []hotwax.ShopLink
	for _, l := range s.m.links {
		if l.ProductID == productID {
			out = append(out, l)
		}
	}
	return out
}

// Jobs are all JobSandbox rows (drafts, pending jobs and runs), in creation order.
func (s *Server) Jobs() []hotwax.Job {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]hotwax.Job, 0, len(s.m.jobs))
	for _, j := range s.m.jobs {
		out = append(out, copyJob(j.Job))
	}
	return out
}

// Listings are the shop's listing documents, ordered by variant id.
func (s *Server) Listings(shopID string) []hotwax.Listing {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []hotwax.Listing
	for k, l := range s.m.listings {
		if k.shop == shopID {
			out = append(out, l)
		}
	}
	slices.SortFunc(out, func(a, b hotwax.Listing) int { return strings.Compare(a.VariantID, b.VariantID) })
	return out
}

// Watermark is the shop's last pre-order catalog sync time, and whether it has one.
func (s *Server) Watermark(shopID string) (time.Time, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.m.watermarks[shopID]
	return t, ok
}

// ProductID returns the productId of a SKU in the current scenario.
func (s *Server) ProductID(sku string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.m.productBySKU(sku)
	return p.ID, ok
}

// Counts are the requests received per endpoint ("performFind", "service/createShopifyShopProduct", …).
func (s *Server) Counts() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]int, len(s.counts))
	for k, v := range s.counts {
		out[k] = v
	}
	return out
}

// CountsBySource are the requests received per endpoint and what they read: "performFind ShopifyShopAndConfig",
// "solr-query shopifyCore", "findJobs", ….
func (s *Server) CountsBySource() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.bySource)
}

// Total is the number of requests received.
func (s *Server) Total() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, v := range s.counts {
		n += v
	}
	return n
}

// ResetCounts zeroes the request counters.
func (s *Server) ResetCounts() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.counts)
	clear(s.bySource)
}
