package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"text/tabwriter"
	"time"

	"github.com/kelseyhightower/envconfig"
	"golang.org/x/sync/errgroup"

	"github.com/preorderbot/preorderbot/bot"
	"github.com/preorderbot/preorderbot/diagnostics"
	"github.com/preorderbot/preorderbot/diagnostics/hotwax"
	"github.com/preorderbot/preorderbot/internal/metricset"
	"github.com/preorderbot/preorderbot/store"
)

var (
	_ diagnostics.OMS      = (*hotwax.OMS)(nil)
	_ diagnostics.JobOMS   = (*hotwax.OMS)(nil)
	_ diagnostics.SweepOMS = (*hotwax.OMS)(nil)
)

// serveUsage is the variables table of serve -h: name, kind and default.
const serveUsage = `{{range .}}  {{usage_key .}}	{{usage_type .}}	{{if usage_default .}}default {{usage_default .}}{{end}}
{{end}}`

func runServe(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	fs := newFlagSet("serve", "", stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: preorderbot serve")
		fmt.Fprintln(stderr, "Runs the Slack bot in Socket Mode. Configuration comes from the environment (the README's configuration table says more):")
		fmt.Fprintln(stderr)
		tw := tabwriter.NewWriter(stderr, 0, 0, 2, ' ', 0)
		_ = envconfig.Usagef("", &BotConfig{}, tw, serveUsage)
		_ = tw.Flush()
	}
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	cfg, err := loadBot(getenv)
	if err != nil {
		fmt.Fprintf(stderr, "preorderbot serve: configuration:\n%v\n", err)
		return 2
	}
	level, _ := parseLevel(cfg.LogLevel)
	logger := slog.New(cfg.redactor().Handler(newJSONLogger(stdout, level).Handler()))
	logger.Info("starting preorderbot", "version", version, "commit", commit, "config", cfg)
	if err := serve(ctx, cfg, logger); err != nil {
		logger.Error("preorderbot stopped", "error", err)
		fmt.Fprintf(stderr, "preorderbot serve: %v\n", err)
		if errors.Is(err, store.ErrDamaged) || errors.Is(err, store.ErrSchema) {
			return 2 // the state file must be restored or replaced: restarting cannot help
		}
		return 1
	}
	return 0
}

// newJSONLogger is the process's one logger: JSON lines, for log collectors.
func newJSONLogger(w io.Writer, level ...slog.Level) *slog.Logger {
	var l slog.Level
	if len(level) > 0 {
		l = level[0]
	}
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: l}))
}

// serve wires the store, the OMS client, the chain and the bot, runs them with the HTTP listeners until
// ctx ends, and closes the store last.
func serve(ctx context.Context, cfg BotConfig, logger *slog.Logger) error {
	db, err := store.Open(cfg.DBPath, store.Options{Logger: logger.WithGroup("store")})
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.Check(ctx); err != nil {
		return fmt.Errorf("%w; restore the last backup (see the README's Operations)", err)
	}
	// The request journal is a log of its own: an ack waits for its group commit, one fdatasync, and
	// must not wait behind the checks' and fixes' writes to the main file. Earlier versions kept it in a
	// bbolt file beside the store; what that holds moves into the log.
	journal, err := store.OpenJournal(cfg.DBPath+".journal", store.Options{Logger: logger.WithGroup("journal")})
	if err != nil {
		return err
	}
	defer journal.Close()
	if err := journal.ImportBoltJournal(ctx, cfg.DBPath+".requests"); err != nil {
		return err
	}

	b, ops, err := newBot(cfg, db, logger, func(o *bot.Options) { o.Journal = journal })
	if err != nil {
		return err
	}

	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error { return b.Run(gctx) })
	g.Go(func() error { return ops.doctor.loop(gctx) })
	g.Go(func() error { return db.RunPruner(gctx, time.Hour) })
	g.Go(func() error { return listen(gctx, cfg.HTTPAddr, ops.handler(), logger) })
	if cfg.AdminAddr != "" {
		g.Go(func() error { return listen(gctx, cfg.AdminAddr, ops.adminHandler(cfg.AdminToken), logger) })
	}
	err = g.Wait()
	if errors.Is(err, context.Canceled) {
		err = nil
	}
	logger.Info("preorderbot stopped; closing the store")
	return err
}

// newBot builds the bot and its operations endpoints the same way for serve and demo: one OMS client
// whose transport feeds the OMS metrics and readiness, one metric set, one tenant doctor. tune
// adjusts the options (the demo polls watched jobs faster).
func newBot(cfg BotConfig, db *store.DB, logger *slog.Logger, tune func(*bot.Options)) (*bot.Bot, *opsServer, error) {
	set := metricset.New()
	omsHealth := newOMSMetrics(set)
	// The default transport keeps 2 idle connections per host: the workers' calls in flight (up to ten a
	// check) dialled the OMS (against a tenant, with a TLS handshake) again and again, for 6 % of serve's
	// CPU in the ack benchmark. Keeping four per worker open lets them reuse their connections.
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.MaxIdleConnsPerHost = 4 * cfg.Workers
	client, err := newHotWaxClient(cfg.HotWax, logger.WithGroup("hotwax"), bot.YieldingToAcks(omsHealth.wrap(transport)), cfg.redactor())
	if err != nil {
		return nil, nil, err
	}
	doc := newTenantDoctor(client, cfg.HotWax.doctorOptions(), logger.WithGroup("doctor"))
	opts := wireBot(cfg, db, client, logger, set)
	opts.Doctor = doc.Run
	if tune != nil {
		tune(&opts)
	}
	b, err := bot.New(opts)
	if err != nil {
		return nil, nil, err
	}
	return b, &opsServer{ready: b.Ready, slack: b.Problems, db: db, oms: omsHealth, doctor: doc, metrics: set, log: logger}, nil
}

// wireBot turns the configuration into bot options: the chain, the executor and the watcher all read
// and write through one OMS client.
func wireBot(cfg BotConfig, db *store.DB, client *hotwax.Client, logger *slog.Logger, set *metricset.Set) bot.Options {
	dopts := diagnostics.Options{ParentShopID: cfg.HotWax.ParentShopID, Jobs: cfg.HotWax.jobs(), Signatures: cfg.signatures}
	facts := diagnostics.NewStoreFacts(diagnostics.DefaultStoreFactsTTL)
	oms := hotwax.NewOMS(client)
	chain := diagnostics.New(oms, diagnostics.Options{
		ParentShopID: dopts.ParentShopID, Jobs: dopts.Jobs, Signatures: dopts.Signatures, StoreFacts: facts,
	})
	opts := bot.Options{
		AppToken: cfg.Slack.AppToken, BotToken: cfg.Slack.BotToken, APIURL: cfg.Slack.APIURL,
		Store: db, Checker: diagnostics.Suggesting{Runner: chain, Catalog: oms}, Jobs: chain, Catalog: oms,
		StoreFacts: facts,
		Executor:   diagnostics.NewExecutor(oms, dopts), Watcher: diagnostics.NewWatcher(oms),
		Frequencies: func(ctx context.Context) ([]string, error) {
			fs, err := client.Frequencies(ctx)
			ids := make([]string, len(fs))
			for i, f := range fs {
				ids[i] = f.ID
			}
			return ids, err
		},
		StoreID:   cfg.HotWax.ProductStoreID,
		OMSWebURL: omsWebURL(cfg.HotWax.BaseURL),
		Operators: cfg.Operators, OperatorGroups: cfg.OperatorGroups,
		SupportChannel: cfg.SupportChannel, SupportMention: cfg.SupportMention, SupportWebhook: cfg.SupportWebhook,
		ActionTTL: cfg.ActionTTL, WatchTimeout: cfg.WatchTimeout, WatchPoll: cfg.WatchPoll, Workers: cfg.Workers, ShutdownTimeout: cfg.ShutdownTimeout,
		Logger: logger.WithGroup("bot"), Metrics: bot.NewMetrics(set),
	}
	cfg.SweepConfig.wire(&opts, oms, dopts)
	return opts
}

func (c HotWaxConfig) jobs() diagnostics.Jobs {
	j := hotwax.DefaultJobs()
	j.Association, j.PresellRefresh, j.CatalogSync, j.FullRepush = c.JobAssociation, c.JobPresellRefresh, c.JobCatalogSync, c.JobFullRepush
	return j
}

// omsWebURL is the OMS web address for links on cards: the API base without /api/.
func omsWebURL(base string) string {
	u, err := hotwax.NormalizeBaseURL(base)
	if err != nil {
		return ""
	}
	if i := len(u) - len("/api/"); i > 0 && u[i:] == "/api/" {
		return u[:i]
	}
	return u
}

// listen serves h on addr until ctx ends, then shuts down gracefully.
func listen(ctx context.Context, addr string, h http.Handler, logger *slog.Logger) error {
	srv := &http.Server{Addr: addr, Handler: h, ReadHeaderTimeout: 5 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	logger.Info("http listening", "addr", addr)
	select {
	case err := <-errc:
		if errors.Is(err, http.ErrServerClosed) {
			return nil
		}
		return fmt.Errorf("listen %s: %w", addr, err)
	case <-ctx.Done():
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		return srv.Shutdown(sctx)
	}
}

func runHealthcheck(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	fs := newFlagSet("healthcheck", "", stderr)
	url := fs.String("url", "", "health URL (default http://127.0.0.1<PREORDERBOT_HTTP_ADDR port>/healthz)")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if *url == "" {
		addr := getenv("PREORDERBOT_HTTP_ADDR")
		if addr == "" {
			addr = ":8080"
		}
		*url = "http://" + loopback(addr) + "/healthz"
	}
	cctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(cctx, http.MethodGet, *url, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		fmt.Fprintf(stderr, "unhealthy: %v\n", err)
		return 1
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		fmt.Fprintf(stderr, "unhealthy: %s\n", resp.Status)
		return 1
	}
	fmt.Fprintln(stdout, "ok")
	return 0
}

// loopback turns a listen address (":8080", "0.0.0.0:8080") into one to dial on this host.
func loopback(addr string) string {
	for i := len(addr) - 1; i >= 0; i-- {
		if addr[i] == ':' {
			return "127.0.0.1" + addr[i:]
		}
	}
	return addr
}
