package hotwaxtest

import (
	"cmp"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"
)

// Options configure a Server. Zero values take the defaults noted on each field.
type Options struct {
	Scenario string        // default "healthy"
	Addr     string        // default "127.0.0.1:0"
	Token    string        // the configured integration token; default a random "fake-jwt-…"
	Username string        // with Password, enables POST login
	Password string        //
	TokenTTL time.Duration // lifetime of tokens issued by login; default 1h on the simulated clock
	// Latency is every request's round trip, the OMS's own work included: a read is answered Latency after
	// it arrived however long the simulator took to compute it (when that is less), a write acts after it.
	Latency time.Duration
	// RunDelay is how long (real time) after a run-now request, or after a scheduled job falls due, the job
	// executes; default 2s.
	RunDelay time.Duration
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
	s.m.listingDocs(s.opts.ListingGeneration) // a real shopifyCore is indexed before anyone asks
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

func (s *Server) nowLocked() time.Time { return time.Now().Add(s.offset) }
