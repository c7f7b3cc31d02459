package main

import (
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/kelseyhightower/envconfig"

	"github.com/preorderbot/preorderbot/diagnostics/hotwax"
)

// HotWaxConfig is how to reach the OMS and which of its ids to use; `check` needs only this.
type HotWaxConfig struct {
	BaseURL        string        `envconfig:"BASE_URL"`
	Token          string        `envconfig:"TOKEN"`
	Username       string        `envconfig:"USERNAME"`
	Password       string        `envconfig:"PASSWORD"`
	ProductStoreID string        `envconfig:"PRODUCT_STORE_ID"`
	ParentShopID   string        `envconfig:"PARENT_SHOP_ID"`
	Timeout        time.Duration `envconfig:"TIMEOUT" default:"10s"`

	// Job enum ids: HotWax's own documents disagree on some of them, so they are settings.
	JobAssociation    string `envconfig:"JOB_ASSOCIATION" default:"JOB_UPD_PROD_ASSOC"`
	JobPresellRefresh string `envconfig:"JOB_PRESELL_REFRESH" default:"JOB_REL_PREODR_CAT"`
	JobCatalogSync    string `envconfig:"JOB_CATALOG_SYNC" default:"JOB_PREORDER_CAT_SYC"`
	JobFullRepush     string `envconfig:"JOB_FULL_REPUSH"`
}

// SlackConfig is the bot's Slack identity.
type SlackConfig struct {
	AppToken string `envconfig:"APP_TOKEN"`
	BotToken string `envconfig:"BOT_TOKEN"`
	APIURL   string `envconfig:"API_URL" default:"https://slack.com/api/"`
}

// BotConfig is everything `serve` reads from the environment (design §7).
type BotConfig struct {
	Slack  SlackConfig  `envconfig:"SLACK"`
	HotWax HotWaxConfig `envconfig:"HOTWAX"`

	Operators       []string      `envconfig:"PREORDERBOT_OPERATORS"`
	OperatorGroups  []string      `envconfig:"PREORDERBOT_OPERATOR_GROUPS"`
	SupportChannel  string        `envconfig:"PREORDERBOT_SUPPORT_CHANNEL"`
	SupportMention  string        `envconfig:"PREORDERBOT_SUPPORT_MENTION"`
	SupportWebhook  string        `envconfig:"PREORDERBOT_SUPPORT_WEBHOOK_URL"`
	DBPath          string        `envconfig:"PREORDERBOT_DB_PATH" default:"./preorderbot.db"`
	HTTPAddr        string        `envconfig:"PREORDERBOT_HTTP_ADDR" default:":8080"`
	AdminAddr       string        `envconfig:"PREORDERBOT_ADMIN_ADDR" default:"127.0.0.1:8081"`
	LogLevel        string        `envconfig:"PREORDERBOT_LOG_LEVEL" default:"info"`
	ActionTTL       time.Duration `envconfig:"PREORDERBOT_ACTION_TTL" default:"24h"`
	WatchTimeout    time.Duration `envconfig:"PREORDERBOT_WATCH_TIMEOUT" default:"2h"`
	Workers         int           `envconfig:"PREORDERBOT_WORKERS" default:"16"`
	ShutdownTimeout time.Duration `envconfig:"PREORDERBOT_SHUTDOWN_TIMEOUT" default:"30s"`
}

// loadHotWax reads HOTWAX_* from the environment and validates it.
func loadHotWax() (HotWaxConfig, error) {
	var c HotWaxConfig
	if err := process("HOTWAX", &c); err != nil {
		return c, err
	}
	return c, c.Validate()
}

// loadBot reads the whole bot configuration from the environment and validates it.
func loadBot() (BotConfig, error) {
	var c BotConfig
	if err := process("", &c); err != nil {
		return c, err
	}
	return c, c.Validate()
}

func process(prefix string, spec any) error {
	err := envconfig.Process(prefix, spec)
	var pe *envconfig.ParseError
	if errors.As(err, &pe) {
		// Name the variable and what it takes; the value is shown only for settings that are not secret.
		return fmt.Errorf("%s=%q is not a valid %s (%v)", pe.KeyName, pe.Value, pe.TypeName, pe.Err)
	}
	if err != nil {
		return fmt.Errorf("configuration: %w", err)
	}
	return nil
}

// Validate checks what envconfig cannot: presence of values that are set but empty, and credential pairs.
func (c HotWaxConfig) Validate() error {
	var errs []error
	if strings.TrimSpace(c.BaseURL) == "" {
		errs = append(errs, errors.New("HOTWAX_BASE_URL is not set: give the instance name (acme-oms) or the OMS URL"))
	} else if _, err := hotwax.NormalizeBaseURL(c.BaseURL); err != nil {
		errs = append(errs, fmt.Errorf("HOTWAX_BASE_URL: %w", err))
	}
	switch {
	case c.Token != "" && (c.Username != "" || c.Password != ""):
		errs = append(errs, errors.New("set HOTWAX_TOKEN or HOTWAX_USERNAME and HOTWAX_PASSWORD, not both"))
	case c.Token == "" && c.Username == "" && c.Password == "":
		errs = append(errs, errors.New("no HotWax credentials: set HOTWAX_TOKEN (integration JWT) or HOTWAX_USERNAME and HOTWAX_PASSWORD"))
	case c.Token == "" && (c.Username == "" || c.Password == ""):
		errs = append(errs, errors.New("HOTWAX_USERNAME and HOTWAX_PASSWORD must be set together"))
	}
	if c.Timeout <= 0 {
		errs = append(errs, fmt.Errorf("HOTWAX_TIMEOUT must be positive, got %s", c.Timeout))
	}
	for name, v := range map[string]string{"HOTWAX_JOB_ASSOCIATION": c.JobAssociation, "HOTWAX_JOB_PRESELL_REFRESH": c.JobPresellRefresh, "HOTWAX_JOB_CATALOG_SYNC": c.JobCatalogSync} {
		if strings.TrimSpace(v) == "" {
			errs = append(errs, fmt.Errorf("%s is set but empty", name))
		}
	}
	return errors.Join(errs...)
}

// Validate checks the Slack tokens' kinds, the HotWax settings and the bot's own limits.
func (c BotConfig) Validate() error {
	var errs []error
	errs = append(errs, checkToken("SLACK_APP_TOKEN", c.Slack.AppToken, "xapp-", "the app-level token (Basic Information → App-Level Tokens, scope connections:write)"))
	errs = append(errs, checkToken("SLACK_BOT_TOKEN", c.Slack.BotToken, "xoxb-", "the bot token (OAuth & Permissions → Bot User OAuth Token)"))
	if !strings.HasSuffix(c.Slack.APIURL, "/") {
		errs = append(errs, fmt.Errorf("SLACK_API_URL must end with /, got %q", c.Slack.APIURL))
	}
	errs = append(errs, c.HotWax.Validate())
	if strings.TrimSpace(c.HotWax.ProductStoreID) == "" {
		errs = append(errs, errors.New("HOTWAX_PRODUCT_STORE_ID is not set: the product store the bot checks by default"))
	}
	if strings.TrimSpace(c.DBPath) == "" {
		errs = append(errs, errors.New("PREORDERBOT_DB_PATH is set but empty"))
	}
	if _, err := parseLevel(c.LogLevel); err != nil {
		errs = append(errs, err)
	}
	if c.Workers < 1 {
		errs = append(errs, fmt.Errorf("PREORDERBOT_WORKERS must be at least 1, got %d", c.Workers))
	}
	if c.ActionTTL <= 0 || c.WatchTimeout <= 0 || c.ShutdownTimeout <= 0 {
		errs = append(errs, errors.New("PREORDERBOT_ACTION_TTL, PREORDERBOT_WATCH_TIMEOUT and PREORDERBOT_SHUTDOWN_TIMEOUT must be positive"))
	}
	return errors.Join(errs...)
}

// checkToken names the variable and what belongs there, and never echoes the token itself.
func checkToken(name, value, prefix, what string) error {
	switch {
	case strings.TrimSpace(value) == "":
		return fmt.Errorf("%s is not set: it takes %s, starting with %s", name, what, prefix)
	case strings.HasPrefix(value, prefix):
		return nil
	case strings.HasPrefix(value, "xoxb-"), strings.HasPrefix(value, "xapp-"), strings.HasPrefix(value, "xoxp-"):
		return fmt.Errorf("%s holds a %s… token where %s belongs: %s starts with %s", name, value[:5], what, name, prefix)
	default:
		return fmt.Errorf("%s does not look like a Slack token: it must start with %s", name, prefix)
	}
}

func parseLevel(s string) (slog.Level, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(s)); err != nil {
		return l, fmt.Errorf("PREORDERBOT_LOG_LEVEL: %q is not debug, info, warn or error", s)
	}
	return l, nil
}

// LogValue keeps secrets out of logs: tokens and the password are reported only as set or not.
func (c BotConfig) LogValue() slog.Value {
	return slog.GroupValue(
		slog.Bool("slack_app_token_set", c.Slack.AppToken != ""),
		slog.Bool("slack_bot_token_set", c.Slack.BotToken != ""),
		slog.String("slack_api_url", c.Slack.APIURL),
		slog.String("hotwax_base_url", c.HotWax.BaseURL),
		slog.Bool("hotwax_token_set", c.HotWax.Token != ""),
		slog.String("hotwax_username", c.HotWax.Username),
		slog.String("product_store_id", c.HotWax.ProductStoreID),
		slog.String("parent_shop_id", c.HotWax.ParentShopID),
		slog.Int("operators", len(c.Operators)),
		slog.Int("operator_groups", len(c.OperatorGroups)),
		slog.String("support_channel", c.SupportChannel),
		slog.Bool("support_webhook_set", c.SupportWebhook != ""),
		slog.String("db_path", c.DBPath),
		slog.String("http_addr", c.HTTPAddr),
		slog.String("admin_addr", c.AdminAddr),
	)
}
