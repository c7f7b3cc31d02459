package blocks

import (
	"cmp"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/preorderbot/preorderbot/diagnostics"
	"github.com/slack-go/slack"
)

// JobManagerURL is HotWax's Job Manager app, where operators see job schedules and history.
const JobManagerURL = "https://job-manager.hotwax.io/"

// Thread message budgets. Slack caps a message at 50 blocks, but a thread reply is read on phones too, so
// evidence is split into smaller messages well below that.
const (
	maxThreadBlocks   = 20
	maxThreadChars    = 12000
	maxEvidenceValue  = 2000
	maxEvidenceExtras = 500
)

// Evidence renders the raw facts behind a card as thread replies: every check with its evidence (job and run
// ids, error text, timestamps), the shops' identifiers, the failed OMS calls, and links to the product in
// the OMS (omsBase is the OMS web address, e.g. https://acme-oms.hotwax.io) and to the Job Manager. Long
// values are truncated visibly, and the whole is split over as many messages as needed.
func Evidence(r diagnostics.Report, omsBase string) []ThreadMessage {
	intro := []slack.Block{
		section("evidence", "*Evidence for "+escape(r.SKU)+"* · store `"+escape(r.ProductStoreID)+"` · checked "+slackDate(r.CheckedAt)),
		contextLine("links", links(r, omsBase)),
	}
	var body []slack.Block
	if lines := failureDetail(r.Failures); len(lines) > 0 {
		body = append(body, packSections("failures", "*OMS calls that failed*", lines)...)
	}
	if lines := shopDetail(r); len(lines) > 0 && r.Cause != diagnostics.CauseUnknownSKU {
		body = append(body, packSections("shops", "*Shops*", lines)...)
	}
	for _, c := range r.Checks {
		body = append(body, packSections("check."+string(c.ID), "", checkDetail(r, c))...)
	}
	return splitMessages("Evidence for "+r.SKU, intro, body)
}

// links points at the product page in the OMS and the Job Manager, where an operator can verify by hand.
func links(r diagnostics.Report, omsBase string) string {
	var parts []string
	if r.Product != nil && r.Product.ProductID != "" && omsBase != "" {
		parts = append(parts, "<"+ProductURL(omsBase, r.Product.ProductID)+"|Product "+escape(r.Product.ProductID)+" in the OMS>")
	}
	return strings.Join(append(parts, "<"+JobManagerURL+"|Job Manager>"), " · ")
}

// ProductURL is the OMS page of a product (the guide's "Find Product" detail page).
func ProductURL(omsBase, productID string) string {
	return strings.TrimRight(omsBase, "/") + "/commerce/control/EditProduct?productId=" + url.QueryEscape(productID)
}

// checkDetail is one check and one line per fact it relied on.
func checkDetail(r diagnostics.Report, c diagnostics.Check) []string {
	head := statusEmoji(c.Status) + " *" + checkTitle(c.ID) + "*"
	if c.Summary != "" {
		head += " — " + DatesIn(escape(truncate(oneLine(c.Summary), 500)))
	}
	lines := []string{head}
	for _, e := range c.Evidence {
		lines = append(lines, "    • "+evidenceLine(r, e))
	}
	return lines
}

// evidenceLine renders one fact: what it is about (a shop is named once), its value with every time as a
// date token, then the job, the failure's signature, and the time and extras the value did not already say.
func evidenceLine(r diagnostics.Report, e diagnostics.Evidence) string {
	subject := escape(e.Label)
	if e.Shop != "" {
		switch name := shopLabel(r, e.Shop); {
		case e.Label == "" || strings.HasPrefix(name, e.Label+" ("):
			subject = escape(name)
		case !strings.Contains(e.Label, strings.TrimSuffix(name, " ("+e.Shop+")")):
			subject += " · " + escape(name)
		}
	}
	value := DatesIn(truncate(escape(oneLine(e.Value)), maxEvidenceValue))
	line := "*" + subject + "*: " + value
	if e.JobID != "" && !strings.Contains(e.Value, e.JobID) {
		line += " · job `" + escape(e.JobID) + "`"
	}
	if e.Signature != nil {
		line += " · " + signatureMark(*e.Signature)
	}
	said := func(t time.Time) bool { return strings.Contains(line, slackDate(t)) }
	if !e.At.IsZero() && !said(e.At) {
		line += " · " + slackDate(e.At)
	}
	if extra := extras(e.Extra, said); extra != "" {
		line += " · " + truncate(extra, maxEvidenceExtras)
	}
	return line
}

// extraWords names the extra facts the checks attach, in an operator's words.
var extraWords = map[string]string{
	"lastSuccess": "last successful run",
	"promiseDate": "promise date",
	"t_link":      "linked",
	"t_pcm":       "category row changed",
	"t_sync":      "sync started",
}

// extras says the extra facts not already said, sorted by key: "last successful run <date>", never
// "lastSuccess=2026-…". An unknown key is shown in words too ("statusId" as "status id").
func extras(extra map[string]string, said func(time.Time) bool) string {
	keys := make([]string, 0, len(extra))
	for k := range extra {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var parts []string
	for _, k := range keys {
		v := extra[k]
		if t, err := time.Parse(time.RFC3339, v); err == nil {
			if said(t) {
				continue // one fact, one mention
			}
			v = slackDate(t)
		} else {
			v = DatesIn(escape(v))
		}
		parts = append(parts, escape(cmp.Or(extraWords[k], keyWords(k)))+" "+v)
	}
	return strings.Join(parts, ", ")
}

// keyWords turns a field name into words: "statusId" and "status_id" become "status id".
func keyWords(k string) string {
	var b strings.Builder
	for i, r := range k {
		switch {
		case r == '_' || r == '.':
			b.WriteByte(' ')
		case unicode.IsUpper(r) && i > 0:
			b.WriteByte(' ')
			b.WriteRune(unicode.ToLower(r))
		default:
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// utcTimeRE finds the times the checks write into their words ("2026-03-02 09:40 UTC").
// It compiles on first use, as the binary's start needs no evidence.
var utcTimeRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\b\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC\b`) })

// DatesIn turns the UTC times written in a check's words into date tokens, which every reader sees in
// their own time zone.
func DatesIn(s string) string {
	return utcTimeRE().ReplaceAllStringFunc(s, func(m string) string {
		t, err := time.Parse("2006-01-02 15:04 MST", m)
		if err != nil {
			return m
		}
		return slackDate(t)
	})
}

// shopLabel is "Acme CA (10001)" for a shop of the report, else the id.
func shopLabel(r diagnostics.Report, id string) string {
	for _, s := range r.Shops {
		if s.ShopID == id && s.Name != "" {
			return s.Name + " (" + id + ")"
		}
	}
	return id
}

// shopDetail lists the identifiers support needs: variant id, config id, link and listing times.
func shopDetail(r diagnostics.Report) []string {
	lines := make([]string, 0, len(r.Shops)+1)
	if r.ParentSource != "" {
		lines = append(lines, "Parent shop: "+escape(r.ParentSource))
	}
	for _, s := range r.Shops {
		line := fmt.Sprintf("• *%s* `%s` %s · config `%s`", escape(shopName(s)), escape(s.ShopID), s.Role, escape(s.ShopifyConfigID))
		if s.VariantID != "" {
			line += " · variant `" + escape(s.VariantID) + "`"
		}
		if !s.LinkedAt.IsZero() {
			line += " · linked " + slackDate(s.LinkedAt)
		}
		if s.AssociationJob != "" {
			line += " · association job " + escape(s.AssociationJob)
		}
		if s.Listing != "" {
			line += " · " + escape(s.Listing)
			if !s.ListingAt.IsZero() {
				line += " " + slackDate(s.ListingAt)
			}
		}
		lines = append(lines, line)
	}
	return lines
}

// failureDetail lists failed OMS calls in full: kind, message, fix and the checks each left unknown.
func failureDetail(fs []diagnostics.Failure) []string {
	lines := make([]string, 0, len(fs))
	for _, f := range fs {
		line := "• `" + escape(f.Call) + "` (" + escape(string(f.Kind)) + "): " + truncate(escape(f.Message), maxEvidenceValue)
		if f.Fix != "" {
			line += "\n    Fix: " + truncate(escape(f.Fix), maxEvidenceValue)
		}
		if len(f.Checks) > 0 {
			titles := make([]string, 0, len(f.Checks))
			for _, id := range f.Checks {
				titles = append(titles, checkTitle(id))
			}
			line += "\n    Left unknown: " + escape(strings.Join(titles, ", "))
		}
		lines = append(lines, line)
	}
	return lines
}

// splitMessages puts intro and body blocks into as few messages as the thread budgets allow; the intro
// opens the first message and every message's fallback text says which part it is.
func splitMessages(title string, intro, body []slack.Block) []ThreadMessage {
	var groups [][]slack.Block
	cur := slices.Clone(intro)
	chars := blocksChars(cur)
	for _, b := range body {
		n := blocksChars([]slack.Block{b})
		if len(cur) > 0 && (len(cur)+1 > maxThreadBlocks || chars+n > maxThreadChars) {
			groups = append(groups, cur)
			cur, chars = nil, 0
		}
		cur = append(cur, b)
		chars += n
	}
	if len(cur) > 0 {
		groups = append(groups, cur)
	}
	out := make([]ThreadMessage, 0, len(groups))
	for i, g := range groups {
		text := title
		if len(groups) > 1 {
			text = fmt.Sprintf("%s (part %d of %d)", title, i+1, len(groups))
		}
		out = append(out, newMessage(text, g))
	}
	return out
}

// blocksChars counts the text of sections and contexts, the blocks that carry evidence.
func blocksChars(bs []slack.Block) int {
	n := 0
	for _, b := range bs {
		switch b := b.(type) {
		case *slack.SectionBlock:
			if b.Text != nil {
				n += utf8.RuneCountInString(b.Text.Text)
			}
		case *slack.ContextBlock:
			for _, e := range b.ContextElements.Elements {
				if t, ok := e.(*slack.TextBlockObject); ok {
					n += utf8.RuneCountInString(t.Text)
				}
			}
		}
	}
	return n
}
