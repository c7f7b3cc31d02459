package main

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"text/template"
	"time"

	"github.com/kelseyhightower/envconfig"

	"github.com/preorderbot/preorderbot/diagnostics"
	"github.com/preorderbot/preorderbot/diagnostics/hotwax"
	"github.com/preorderbot/preorderbot/internal/redact"
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
	AdminAddr       string        `envconfig:"PREORDERBOT_ADMIN_ADDR" default:"127.0.0.1:8081"` // adminOff: no listener
	AdminToken      string        `envconfig:"PREORDERBOT_ADMIN_TOKEN"`
	LogLevel        string        `envconfig:"PREORDERBOT_LOG_LEVEL" default:"info"`
	ActionTTL       time.Duration `envconfig:"PREORDERBOT_ACTION_TTL" default:"24h"`
	WatchTimeout    time.Duration `envconfig:"PREORDERBOT_WATCH_TIMEOUT" default:"2h"`
	WatchPoll       time.Duration `envconfig:"PREORDERBOT_WATCH_POLL" default:"20s"`
	Workers         int           `envconfig:"PREORDERBOT_WORKERS" default:"16"`
	ShutdownTimeout time.Duration `envconfig:"PREORDERBOT_SHUTDOWN_TIMEOUT" default:"30s"`
	SignaturesFile  string        `envconfig:"PREORDERBOT_SIGNATURES_FILE"`
	SweepConfig

	signatures *diagnostics.Signatures // the built-in failure signatures plus SignaturesFile's, read by loadBot
}

// loadHotWax reads HOTWAX_* through getenv and validates it.
func loadHotWax(getenv func(string) string) (HotWaxConfig, error) {
	var c HotWaxConfig
	if err := process(getenv, "HOTWAX", &c); err != nil {
		return c, err
	}
	return c, c.Validate()
}

// loadBot reads the whole bot configuration through getenv and validates it.
func loadBot(getenv func(string) string) (BotConfig, error) {
	var c BotConfig
	if err := process(getenv, "", &c); err != nil {
		return c, err
	}
	if c.AdminAddr == adminOff {
		c.AdminAddr = ""
	}
	c.Operators, c.OperatorGroups = trimList(c.Operators), trimList(c.OperatorGroups)
	if err := c.Validate(); err != nil {
		return c, err
	}
	sigs, err := loadSignatures(c.SignaturesFile)
	c.signatures = sigs
	return c, err
}

// loadSignatures is the catalogue of known job failures: the built-in one with the entries of the
// operator's file, if any. A bad file is refused with its line at fault.
func loadSignatures(path string) (*diagnostics.Signatures, error) {
	sigs, err := diagnostics.LoadSignatures(path)
	if err != nil {
		return nil, fmt.Errorf("PREORDERBOT_SIGNATURES_FILE: %w", err)
	}
	return sigs, nil
}

// trimList drops the spaces and empty entries of a comma-separated list ("U1, U2," is U1 and U2).
func trimList(list []string) []string {
	var out []string
	for _, s := range list {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// typeWords says what a setting of a Go type takes, in the words of someone editing an environment file.
func typeWords(typeName string) string {
	switch typeName {
	case "time.Duration", "Duration":
		return "a duration: a number and a unit, like 10s or 2m"
	case "int", "int64", "uint", "uint64":
		return "a whole number, like 4"
	case "bool":
		return "true or false"
	case "float64":
		return "a number, like 0.5"
	}
	return "valid (" + typeName + ")"
}

// adminOff turns the admin listener off: an empty value reads as unset, which means the default address.
const adminOff = "off"

// process fills spec with the values getenv gives for the variables envconfig declares for it (the names,
// defaults and types `serve -h` lists), so that the environment is read in one place, the getenv seam
// run takes. envconfig.Process reads only the process environment (os.LookupEnv), so its one walk over a
// spec that hands out each variable's key, tags and settable field, Usaget, drives the filling here.
// getenv cannot tell unset from empty: an empty value takes the default. Only the full name is read
// (HOTWAX_USERNAME), never envconfig's fallback to the bare tag (USERNAME), which the shell may have set.
func process(getenv func(string) string, prefix string, spec any) error {
	var err error
	fill := func(key, def string, field reflect.Value) string {
		value := cmp.Or(getenv(key), def)
		if err == nil && value != "" {
			if perr := setField(field, value); perr != nil {
				err = &envconfig.ParseError{KeyName: key, TypeName: field.Type().String(), Value: value, Err: perr}
			}
		}
		return ""
	}
	tmpl := template.Must(template.New("fill").Funcs(template.FuncMap{"fill": fill}).
		Parse(`{{range .}}{{fill .Key (.Tags.Get "default") .Field}}{{end}}`))
	if werr := envconfig.Usaget(prefix, spec, io.Discard, tmpl); werr != nil {
		return fmt.Errorf("configuration: %w", werr)
	}
	var pe *envconfig.ParseError
	if errors.As(err, &pe) {
		// Name the variable and what it takes; the value is shown only for settings that are not secret.
		return fmt.Errorf("%s=%q is not %s", pe.KeyName, pe.Value, typeWords(pe.TypeName))
	}
	if err != nil {
		return fmt.Errorf("configuration: %w", err)
	}
	return nil
}

// setField parses value into a field of one of the kinds the configuration uses, as envconfig would:
// durations as time.ParseDuration reads them, lists comma-separated.
func setField(field reflect.Value, value string) error {
	switch {
	case field.Type() == reflect.TypeFor[time.Duration]():
		d, err := time.ParseDuration(value)
		if err != nil {
			return err
		}
		field.SetInt(int64(d))
	case field.Kind() == reflect.String:
		field.SetString(value)
	case field.Kind() == reflect.Int:
		n, err := strconv.ParseInt(value, 0, field.Type().Bits())
		if err != nil {
			return err
		}
		field.SetInt(n)
	case field.Kind() == reflect.Bool:
		b, err := strconv.ParseBool(value)
		if err != nil {
			return err
		}
		field.SetBool(b)
	case field.Kind() == reflect.Slice && field.Type().Elem().Kind() == reflect.String:
		field.Set(reflect.ValueOf(strings.Split(value, ",")).Convert(field.Type()))
	default:
		return fmt.Errorf("settings of type %s are not supported", field.Type())
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
	if c.ActionTTL <= 0 || c.WatchTimeout <= 0 || c.WatchPoll <= 0 || c.ShutdownTimeout <= 0 {
		errs = append(errs, errors.New("PREORDERBOT_ACTION_TTL, PREORDERBOT_WATCH_TIMEOUT, PREORDERBOT_WATCH_POLL and PREORDERBOT_SHUTDOWN_TIMEOUT must be positive"))
	}
	errs = append(errs, checkIDs("PREORDERBOT_OPERATORS", c.Operators, userID, "Slack user ids (U… or W…, from the person's profile → ⋮ → Copy member ID)"))
	errs = append(errs, checkIDs("PREORDERBOT_OPERATOR_GROUPS", c.OperatorGroups, groupID, "Slack user group ids (S…, from the group's page → ⋮ → Copy group ID)"))
	if c.SupportChannel != "" && !channelID().MatchString(c.SupportChannel) {
		errs = append(errs, fmt.Errorf("PREORDERBOT_SUPPORT_CHANNEL=%q is not a channel id: it takes the id (C… or G…, from the channel's details → About → Channel ID), not its name", c.SupportChannel))
	}
	errs = append(errs, checkWebhook(c.SupportWebhook))
	errs = append(errs, c.SweepConfig.Validate())
	if c.AdminAddr != "" && c.AdminToken == "" && !isLoopback(c.AdminAddr) {
		errs = append(errs, fmt.Errorf("PREORDERBOT_ADMIN_ADDR=%q listens beyond this host: set PREORDERBOT_ADMIN_TOKEN (the backup endpoint then requires it as a bearer token) or listen on 127.0.0.1", c.AdminAddr))
	}
	return errors.Join(errs...)
}

// Slack ids: one upper-case letter for the kind, then upper-case letters and digits. They are compiled on
// first use, so that commands that never read them (check, sweep) do not pay for them at start.
var (
	userID    = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[UW][A-Z0-9]{2,}$`) })
	groupID   = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^S[A-Z0-9]{2,}$`) })
	channelID = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[CG][A-Z0-9]{2,}$`) })
)

// checkIDs names the first entries of a list that are not the kind of Slack id the variable takes.
func checkIDs(name string, ids []string, valid func() *regexp.Regexp, what string) error {
	var bad []string
	for _, id := range ids {
		if !valid().MatchString(id) {
			bad = append(bad, strconv.Quote(id))
		}
	}
	if len(bad) == 0 {
		return nil
	}
	return fmt.Errorf("%s: not valid: %s; it takes %s", name, strings.Join(bad, ", "), what)
}

// checkWebhook accepts an https URL, or http to this host only: the packet carries the evidence and
// must not cross a network in clear text. The URL itself is a secret and is never echoed.
func checkWebhook(raw string) error {
	if raw == "" {
		return nil
	}
	u, err := url.Parse(raw)
	switch {
	case err != nil || u.Host == "":
		return errors.New("PREORDERBOT_SUPPORT_WEBHOOK_URL is not a URL: it takes https://host/path")
	case u.Scheme == "https":
		return nil
	case u.Scheme == "http" && isLoopback(u.Host):
		return nil
	}
	return errors.New("PREORDERBOT_SUPPORT_WEBHOOK_URL must be an https:// URL (http:// only to a loopback address)")
}

// isLoopback reports whether a host or host:port names this machine only. An empty host (":8081")
// listens on every interface.
func isLoopback(hostport string) bool {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(strings.Trim(host, "[]"))
	return ip != nil && ip.IsLoopback()
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

// redactor takes every secret of the configuration out of text: the Slack tokens, the HotWax token and
// password, the webhook URL (it may carry a key) and the admin token.
func (c BotConfig) redactor() *redact.Redactor {
	return redact.New(c.Slack.AppToken, c.Slack.BotToken, c.HotWax.Token, c.HotWax.Password, c.SupportWebhook,
		c.AdminToken)
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
		slog.String("sweep_schedule", c.SweepConfig.Schedule),
		slog.String("digest_channel", c.SweepConfig.DigestChannel),
		slog.Bool("support_webhook_set", c.SupportWebhook != ""),
		slog.String("db_path", c.DBPath),
		slog.String("http_addr", c.HTTPAddr),
		slog.String("admin_addr", c.AdminAddr),
		slog.Bool("admin_token_set", c.AdminToken != ""),
	)
}
