package bot

import (
	"regexp"
	"strings"
	"sync"

	"github.com/preorderbot/preorderbot/bot/blocks"
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

// UsageError is a command the bot cannot run: Misuse is what was wrong, Usage the right form.
type UsageError struct {
	Misuse blocks.Misuse
	Usage  string
}

func (e *UsageError) Error() string { return blocks.Usage(e.Misuse) + " Usage: " + e.Usage }

// misuse is the usage error for a problem with the command called name.
func misuse(name string, m blocks.Misuse) *UsageError {
	return &UsageError{Misuse: m, Usage: usageOf(name)}
}

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
				return c, misuse(name, blocks.Misuse{Kind: blocks.BadStoreID, Word: f})
			}
			if c.StoreID != "" && c.StoreID != id {
				return c, misuse(name, blocks.Misuse{Kind: blocks.SeveralStores})
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
			return c, misuse(name, blocks.Misuse{Kind: blocks.NoSKU})
		}
		if len(c.SKUs) > MaxSKUs {
			return c, misuse(name, blocks.Misuse{Kind: blocks.TooManySKUs, Count: len(c.SKUs), Limit: MaxSKUs})
		}
	case cmdHistory:
		c.SKUs = dedupe(rest)
		if len(rest) != 1 || len(c.SKUs) != 1 {
			return c, misuse(name, blocks.Misuse{Kind: blocks.HistoryOneSKU})
		}
	case cmdJobs:
		if len(rest) > 0 {
			return c, misuse(name, blocks.Misuse{Kind: blocks.JobsTakesNoSKU, Word: strings.Join(rest, " ")})
		}
	case cmdSweep:
		if len(rest) > 0 {
			return c, misuse(name, blocks.Misuse{Kind: blocks.SweepTakesNoSKU, Word: strings.Join(rest, " ")})
		}
	case cmdDoctor:
		if len(rest) > 0 || c.StoreID != "" {
			return c, misuse(name, blocks.Misuse{Kind: blocks.DoctorTakesNothing})
		}
	case cmdHelp:
	default:
		return c, misuse(cmdCheck, blocks.Misuse{Kind: blocks.UnknownCommand, Word: fields[0]})
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
