package bot

import (
	"fmt"
	"regexp"
	"strings"
	"sync"
)

// MaxSKUs bounds one Slack check: a matrix card holds 50 rows within Slack's block limits.
const MaxSKUs = 50

// Sub-commands of /preorder.
const (
	cmdCheck   = "check"
	cmdJobs    = "jobs"
	cmdHistory = "history"
	cmdDoctor  = "doctor"
	cmdSweep   = "sweep"
	cmdHelp    = "help"
)

// CommandHelp is one row of /preorder help, generated from commandTable.
type CommandHelp struct {
	Usage   string
	Summary string
}

// commandTable is the single source of the help text and of the "right form" in error messages.
var commandTable = []CommandHelp{
	{"/preorder check SKU [SKU …] [store:ID]", "why a pre-order is (not) synced to every Shopify shop, with fixes"},
	{"/preorder jobs [store:ID]", "health of the pre-order jobs per shop: enabled, frequency, last run, last failure"},
	{"/preorder history SKU", "past checks and actions for a SKU"},
	{"/preorder sweep [store:ID]", "operators: check every pre-order SKU of the store and post the digest"},
	{"/preorder doctor", "operators: what the bot can and cannot read in the OMS, and what to fix"},
	{"/preorder help", "this list"},
	{"@preorderbot check SKU", "the same check, answered in the mention's thread"},
}

func usageOf(name string) string {
	for _, c := range commandTable {
		if strings.HasPrefix(c.Usage, "/preorder "+name) {
			return c.Usage
		}
	}
	return commandTable[0].Usage
}

// Command is a parsed /preorder or @preorderbot request.
type Command struct {
	Name    string
	SKUs    []string
	StoreID string // empty: the configured default store
}

// UsageError is a command the bot cannot run; Message says what was wrong, Usage the right form.
type UsageError struct {
	Message string
	Usage   string
}

func (e *UsageError) Error() string { return e.Message + " Usage: " + e.Usage }

// storeIDPattern is compiled on first use: every command of the binary (a one-shot check too) pays for the
// package-level work of every package it links.
var storeIDPattern = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z0-9_.-]+$`) })

// maxStoreIDLen bounds store:ID; it is checked apart from the pattern, whose {1,60} compiled 60 copies.
const maxStoreIDLen = 60

// ParseCommand parses the text after /preorder (or after the bot mention). An empty text means help.
func ParseCommand(text string) (Command, error) {
	fields := strings.Fields(text)
	if len(fields) == 0 {
		return Command{Name: cmdHelp}, nil
	}
	name := strings.ToLower(fields[0])
	var c Command
	c.Name = name
	var rest []string
	for _, f := range fields[1:] {
		lower := strings.ToLower(f)
		if strings.HasPrefix(lower, "store:") {
			id := f[len("store:"):]
			if len(id) > maxStoreIDLen || !storeIDPattern().MatchString(id) {
				return c, &UsageError{
					Message: fmt.Sprintf("%q is not a product store: write store:ID with letters, digits, _ . or - (for example store:STORE).", f),
					Usage:   usageOf(name),
				}
			}
			if c.StoreID != "" && c.StoreID != id {
				return c, &UsageError{Message: "Give one store: only, not several.", Usage: usageOf(name)}
			}
			c.StoreID = id
			continue
		}
		rest = append(rest, f)
	}
	switch name {
	case cmdCheck:
		c.SKUs = dedupe(rest)
		if len(c.SKUs) == 0 {
			return c, &UsageError{Message: "Which SKU? Give at least one.", Usage: usageOf(cmdCheck)}
		}
		if len(c.SKUs) > MaxSKUs {
			return c, &UsageError{
				Message: fmt.Sprintf("That is %d SKUs; one check takes at most %d. Split the list.", len(c.SKUs), MaxSKUs),
				Usage:   usageOf(cmdCheck),
			}
		}
	case cmdHistory:
		if len(rest) != 1 {
			return c, &UsageError{Message: "History takes exactly one SKU.", Usage: usageOf(cmdHistory)}
		}
		c.SKUs = dedupe(rest)
		if len(c.SKUs) != 1 {
			return c, &UsageError{Message: "History takes exactly one SKU.", Usage: usageOf(cmdHistory)}
		}
	case cmdJobs:
		if len(rest) > 0 {
			return c, &UsageError{Message: fmt.Sprintf("Jobs takes no SKU (got %q).", strings.Join(rest, " ")), Usage: usageOf(cmdJobs)}
		}
	case cmdSweep:
		if len(rest) > 0 {
			return c, &UsageError{Message: fmt.Sprintf("Sweep takes no SKU: it checks every pre-order SKU of the store (got %q).", strings.Join(rest, " ")), Usage: usageOf(cmdSweep)}
		}
	case cmdDoctor:
		if len(rest) > 0 || c.StoreID != "" {
			return c, &UsageError{Message: "Doctor takes no SKU or store: it probes the configured tenant.", Usage: usageOf(cmdDoctor)}
		}
	case cmdHelp:
	default:
		return c, &UsageError{
			Message: fmt.Sprintf("I don't know %q. Try check, jobs, history, sweep, doctor or help.", fields[0]),
			Usage:   usageOf(cmdCheck),
		}
	}
	return c, nil
}

// skuPunctuation is what people put around a SKU they paste: list separators, and straight, typographic
// and code quotes (Slack's clients turn "…" into “…” as you type). No SKU character is among them.
const skuPunctuation = ",;\"'`“”‘’„‚«»"

// dedupe keeps the first occurrence of each SKU, so "check A A" checks A once, without the punctuation
// around it; the case stays as typed, since SKUs are case-sensitive.
func dedupe(skus []string) []string {
	seen := make(map[string]bool, len(skus))
	out := make([]string, 0, len(skus))
	for _, s := range skus {
		s = strings.Trim(s, skuPunctuation)
		if s == "" || seen[s] {
			continue
		}
		seen[s] = true
		out = append(out, s)
	}
	return out
}

// mentionPrefix matches the leading "<@UBOT>" of an app_mention text.
var mentionPrefix = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^\s*<@[A-Z0-9]+(\|[^>]*)?>\s*`) })

// stripMention removes the bot mention from an app_mention's text.
func stripMention(text string) string { return mentionPrefix().ReplaceAllString(text, "") }
