package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/preorderbot/preorderbot/bot"
	"github.com/preorderbot/preorderbot/bot/slacktest"
	"github.com/preorderbot/preorderbot/cmd/preorderbot/internal/workspace"
	"github.com/preorderbot/preorderbot/diagnostics"
	"github.com/preorderbot/preorderbot/diagnostics/hotwax"
	"github.com/preorderbot/preorderbot/diagnostics/hotwax/hotwaxtest"
	"github.com/preorderbot/preorderbot/store"
)

// The demo workspace: the person at the keyboard is an operator, so every fix button works for them, and
// escalations go to #hotwax-support, which the page can switch to.
var (
	demoUser     = slacktest.User{ID: "U0ANA", Name: "ana", RealName: "Ana Operator", TZ: "America/New_York"}
	demoUsers    = []slacktest.User{demoUser, {ID: "U0BEN", Name: "ben", RealName: "Ben Merchandiser", TZ: "Europe/London"}}
	demoChannels = []slacktest.Channel{{ID: "C0PREORDER", Name: "preorder-ops"}, {ID: demoDigestChannel, Name: "preorder-digest"},
		{ID: "C0SUPPORT", Name: "hotwax-support"}}
)

// demoDigestChannel is where the demo bot posts sweep digests.
const demoDigestChannel = "C0DIGEST"

// demoSupportChannel is where the demo bot escalates.
const demoSupportChannel = "C0SUPPORT"

func runDemo(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	fs := newFlagSet("demo", "", stderr)
	addr := fs.String("addr", "127.0.0.1:8080", "address of the demo page, which also serves /healthz, /readyz and /metrics")
	scenario := fs.String("scenario", hotwaxtest.ScenarioAssociationJobNotScheduled, "simulated OMS scenario to start with: "+
		strings.Join(hotwaxtest.ScenarioNames(), ", "))
	generation := fs.String("listing-generation", hotwaxtest.GenerationDotted, listingGenerationUsage)
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "preorderbot demo: unexpected arguments: %s\n", strings.Join(fs.Args(), " "))
		return 2
	}
	if _, ok := findScenario(*scenario); !ok && *scenario != hotwaxtest.ScenarioCatalog {
		fmt.Fprintf(stderr, "preorderbot demo: unknown scenario %q; known scenarios: %s\n",
			*scenario, strings.Join(hotwaxtest.ScenarioNames(), ", "))
		return 2
	}
	if err := checkGeneration(*generation); err != nil {
		fmt.Fprintf(stderr, "preorderbot demo: %v\n", err)
		return 2
	}
	levelName := getenv("PREORDERBOT_LOG_LEVEL")
	if levelName == "" {
		levelName = "warn" // the terminal shows the URL; the page shows the bot at work
	}
	level, err := parseLevel(levelName)
	if err != nil {
		fmt.Fprintf(stderr, "preorderbot demo: %v\n", err)
		return 2
	}
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))

	d, err := startDemo(ctx, demoOptions{Addr: *addr, Scenario: *scenario, ListingGeneration: *generation, Logger: logger})
	if err != nil {
		fmt.Fprintf(stderr, "preorderbot demo: %v\n", err)
		return 1
	}
	printDemoBanner(stdout, d.URL, *scenario)
	if err := d.Wait(); err != nil {
		fmt.Fprintf(stderr, "preorderbot demo: %v\n", err)
		return 1
	}
	fmt.Fprintln(stdout, "preorderbot demo stopped")
	return 0
}

func printDemoBanner(w io.Writer, url, current string) {
	fmt.Fprintf(w, "preorderbot demo: open %s\n\n", url)
	fmt.Fprintln(w, "The real bot runs against a simulated Slack and a simulated HotWax OMS, all in this process.")
	fmt.Fprintln(w, "Scenarios (switch them on the page; click a SKU there to prefill /preorder check):")
	for _, sc := range demoScenarios(0) {
		mark := " "
		if sc.Name == current {
			mark = "*"
		}
		fmt.Fprintf(w, " %s %-30s %-32s %s\n", mark, sc.Name, sc.Title, strings.Join(sc.SKUs, " "))
	}
	fmt.Fprintf(w, "\nAlso: %s/healthz  %s/readyz  %s/metrics\nPress Ctrl-C to stop.\n", url, url, url)
}

// demoOptions configure startDemo; zero durations take the demo's quick defaults.
type demoOptions struct {
	Addr     string // page address; "127.0.0.1:0" picks a free port
	Scenario string
	// ListingGeneration is the simulated tenant's shopifyCore field names; default the dotted ones.
	ListingGeneration string
	// RunDelay is how soon the simulated OMS runs a job after it falls due; default 2 s.
	RunDelay time.Duration
	// WatchPoll is how often the bot re-checks a card after a fix; default 1 s.
	WatchPoll time.Duration
	// CatalogSKUs sizes the generated catalog the "catalog" scenario serves; default 2,000.
	CatalogSKUs int
	Logger      *slog.Logger
}

// demo is a running demo: the bot, the simulated Slack and OMS, and the page.
type demo struct {
	URL   string // the page, "http://127.0.0.1:PORT"
	Slack *slacktest.Server
	OMS   *hotwaxtest.Server

	done chan struct{}
	err  error
}

// Wait blocks until the demo has stopped and its temporary files are gone.
func (d *demo) Wait() error {
	<-d.done
	return d.err
}

// startDemo starts the demo and returns once the page is listening; it stops when ctx ends. The bot is
// built by wireBot, exactly as serve builds it, with only the watch poll shortened so a fix completes in
// seconds; its state lives in a temporary bbolt file removed on exit.
func startDemo(ctx context.Context, o demoOptions) (d *demo, err error) {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.RunDelay <= 0 {
		o.RunDelay = 2 * time.Second
	}
	if o.WatchPoll <= 0 {
		o.WatchPoll = time.Second
	}
	var undo []func()
	defer func() {
		if err != nil {
			for i := len(undo) - 1; i >= 0; i-- {
				undo[i]()
			}
		}
	}()

	dir, err := os.MkdirTemp("", "preorderbot-demo-")
	if err != nil {
		return nil, fmt.Errorf("temporary directory: %w", err)
	}
	undo = append(undo, func() { _ = os.RemoveAll(dir) })
	dbPath := filepath.Join(dir, "preorderbot.db")
	db, err := store.Open(dbPath, store.Options{Logger: o.Logger.WithGroup("store")})
	if err != nil {
		return nil, err
	}
	undo = append(undo, func() { _ = db.Close() })
	journal, err := store.OpenJournal(dbPath+".journal", store.Options{Logger: o.Logger.WithGroup("journal")})
	if err != nil {
		return nil, err
	}
	undo = append(undo, func() { _ = journal.Close() })
	oms, err := hotwaxtest.NewServer(hotwaxtest.Options{Scenario: o.Scenario, RunDelay: o.RunDelay, Token: demoToken(time.Now()),
		ListingGeneration: o.ListingGeneration, CatalogSKUs: o.CatalogSKUs})
	if err != nil {
		return nil, fmt.Errorf("simulated OMS: %w", err)
	}
	undo = append(undo, oms.Close)
	slack, err := slacktest.New(slacktest.Options{Users: demoUsers, Channels: demoChannels, Logger: o.Logger.WithGroup("slacktest")})
	if err != nil {
		return nil, fmt.Errorf("simulated Slack: %w", err)
	}
	undo = append(undo, slack.Close)

	cfg := demoConfig(slack, oms, dbPath)
	cfg.WatchPoll = o.WatchPoll
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("demo configuration: %w", err)
	}
	var facts *diagnostics.StoreFacts
	b, ops, err := newBot(cfg, db, o.Logger, func(opts *bot.Options) {
		opts.Journal, facts = journal, opts.StoreFacts
	})
	if err != nil {
		return nil, err
	}

	mux := http.NewServeMux()
	ops.register(mux)
	workspace.New(workspace.Options{
		Slack: slack, OMS: scenarioSwitcher{oms, facts}, Scenarios: demoScenarios(o.CatalogSKUs),
		User: demoUser, Users: demoUsers, Channels: demoChannels, Logger: o.Logger.WithGroup("workspace"),
	}).Register(mux)
	ln, err := net.Listen("tcp", o.Addr)
	if err != nil {
		return nil, fmt.Errorf("listen %s: %w", o.Addr, err)
	}

	d = &demo{URL: "http://" + ln.Addr().String(), Slack: slack, OMS: oms, done: make(chan struct{})}
	go func() {
		d.err = runDemoParts(ctx, b, ln, mux)
		for i := len(undo) - 1; i >= 0; i-- {
			undo[i]()
		}
		close(d.done)
	}()
	return d, nil
}

// runDemoParts runs the bot and the page until ctx ends. Requests share a context cancelled at shutdown,
// so open event streams end and Shutdown does not wait on them.
func runDemoParts(ctx context.Context, b *bot.Bot, ln net.Listener, h http.Handler) error {
	g, gctx := errgroup.WithContext(ctx)
	srv := &http.Server{
		Handler: h, ReadHeaderTimeout: 10 * time.Second,
		BaseContext: func(net.Listener) context.Context { return gctx },
	}
	g.Go(func() error { return b.Run(gctx) })
	g.Go(func() error {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			return fmt.Errorf("serve the demo page: %w", err)
		}
		return nil
	})
	g.Go(func() error {
		<-gctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		return srv.Shutdown(sctx)
	})
	err := g.Wait()
	if errors.Is(err, context.Canceled) {
		err = nil
	}
	return err
}

// demoConfig is the configuration serve would read from the environment, pointed at the simulations.
func demoConfig(slack *slacktest.Server, oms *hotwaxtest.Server, dbPath string) BotConfig {
	return BotConfig{
		Slack: SlackConfig{AppToken: slack.AppToken(), BotToken: slack.BotToken(), APIURL: slack.APIURL()},
		HotWax: HotWaxConfig{
			BaseURL: oms.URL(), Token: oms.Token(), ProductStoreID: "STORE", ParentShopID: hotwaxtest.ShopUS,
			Timeout: 10 * time.Second, JobAssociation: hotwax.JobAssociation, JobPresellRefresh: hotwax.JobPresellRefresh,
			JobCatalogSync: hotwax.JobCatalogSync,
		},
		Operators:      []string{demoUser.ID},
		SupportChannel: demoSupportChannel,
		SweepConfig:    SweepConfig{DigestChannel: demoDigestChannel, OMSConcurrency: 4},
		DBPath:         dbPath,
		LogLevel:       "info",
		ActionTTL:      24 * time.Hour,
		WatchTimeout:   30 * time.Minute,
		Workers:        4,
		// Short, so Ctrl-C returns promptly even with a watch in flight.
		ShutdownTimeout: 5 * time.Second,
	}
}

// scenarioSwitcher switches the simulated OMS to another scenario and makes the bot forget the store-wide
// facts of the old one, as if they had expired.
type scenarioSwitcher struct {
	*hotwaxtest.Server
	facts *diagnostics.StoreFacts
}

func (s scenarioSwitcher) SetScenario(name string) error {
	defer s.facts.Drop()
	return s.Server.SetScenario(name)
}

// demoScenarios are the guide's scenarios and the generated catalog, which #preorder-digest sweeps.
func demoScenarios(catalogSKUs int) []hotwaxtest.Scenario {
	return append(hotwaxtest.Scenarios(), hotwaxtest.CatalogScenario(0, catalogSKUs))
}
