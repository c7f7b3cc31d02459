package workspace

import (
	"cmp"
	"html"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Names resolves the ids that Slack's mrkdwn refers to (<@U…>, <#C…>) to display names.
type Names struct {
	Users    map[string]string // user id → name shown after "@"
	Channels map[string]string // channel id → name shown after "#"
	Location *time.Location    // zone for <!date^…> tokens; default time.Local
	// SlackURL is the simulated Slack's address: its permalinks open the message on this page.
	SlackURL string
}

// placeholder marks a pre-rendered fragment inside text that is still to be formatted; NUL never survives
// input cleaning, so message text cannot forge one.
const placeholder = "\x00"

// The patterns compile on first use: their Unicode classes cost most of a millisecond at every start of the
// binary, and only the demo renders mrkdwn.
var (
	boldRE   = lazyRegexp(`(^|[^\p{L}\p{N}*])\*([^*\n]*[^*\s\n])\*`)
	italicRE = lazyRegexp(`(^|[^\p{L}\p{N}_])_([^_\n]*[^_\s\n])_`)
	strikeRE = lazyRegexp(`(^|[^\p{L}\p{N}~])~([^~\n]*[^~\s\n])~`)
	entityRE = lazyRegexp(`<([^<>\n]+)>`)
	codeRE   = lazyRegexp("`[^`\n]+`")
	tokenRE  = lazyRegexp(placeholder + `(\d+)` + placeholder)
)

// Mrkdwn renders Slack mrkdwn as HTML. Everything that came from the message is escaped: the only tags in
// the result are the ones this function writes, and link targets are limited to http, https and mailto.
//
// Slack sends text with &, < and > escaped as entities; they are decoded once and escaped again for HTML.
func Mrkdwn(s string, n Names) string {
	s = strings.ReplaceAll(s, placeholder, "")
	var b strings.Builder
	for i, part := range strings.Split(s, "```") {
		// Odd parts sit between fences; an unclosed fence stays literal text, as in Slack.
		if i%2 == 1 && i < strings.Count(s, "```") {
			b.WriteString(`<pre class="md-pre">` + html.EscapeString(unescapeSlack(strings.Trim(part, "\n"))) + `</pre>`)
			continue
		}
		if i%2 == 1 {
			part = "```" + part
		}
		b.WriteString(inline(part, n))
	}
	return b.String()
}

// inline renders text outside code fences: inline code, entities, emphasis, quotes and line breaks.
func inline(s string, n Names) string {
	var frags []string
	keep := func(fragment string) string {
		frags = append(frags, fragment)
		return placeholder + strconv.Itoa(len(frags)-1) + placeholder
	}
	// Inline code first: nothing inside backticks is formatted.
	s = codeRE().ReplaceAllStringFunc(s, func(m string) string {
		return keep(`<code>` + html.EscapeString(unescapeSlack(m[1:len(m)-1])) + `</code>`)
	})
	s = entityRE().ReplaceAllStringFunc(s, func(m string) string {
		return keep(entity(m[1:len(m)-1], n))
	})
	s = html.EscapeString(unescapeSlack(s))
	s = boldRE().ReplaceAllString(s, `$1<b>$2</b>`)
	s = italicRE().ReplaceAllString(s, `$1<i>$2</i>`)
	s = strikeRE().ReplaceAllString(s, `$1<s>$2</s>`)
	s = shortcodes(s)
	s = lines(s)
	return tokenRE().ReplaceAllStringFunc(s, func(m string) string {
		i, err := strconv.Atoi(strings.Trim(m, placeholder))
		if err != nil || i >= len(frags) {
			return ""
		}
		return frags[i]
	})
}

// lines turns newlines into breaks, "&gt; " lines into quotes and bullet lines into indented items.
func lines(s string) string {
	ls := strings.Split(s, "\n")
	var b strings.Builder
	for i, l := range ls {
		switch {
		case strings.HasPrefix(l, "&gt; ") || l == "&gt;":
			b.WriteString(`<span class="md-quote">` + strings.TrimPrefix(strings.TrimPrefix(l, "&gt;"), " ") + `</span>`)
			continue
		case strings.HasPrefix(strings.TrimLeft(l, " "), "• "), strings.HasPrefix(strings.TrimLeft(l, " "), "◦ "):
			b.WriteString(`<span class="md-bullet">` + l + `</span>`)
			continue
		}
		b.WriteString(l)
		if i < len(ls)-1 {
			b.WriteString("<br>")
		}
	}
	return b.String()
}

// entity renders the inside of one <…>: a link, a user, channel or group mention, or a date.
func entity(inner string, n Names) string {
	target, label, hasLabel := strings.Cut(inner, "|")
	label = unescapeSlack(label)
	switch {
	case strings.HasPrefix(target, "@"):
		id := target[1:]
		name := n.Users[id]
		if name == "" {
			name = cmp.Or(label, id)
		}
		return `<span class="md-mention">@` + html.EscapeString(name) + `</span>`
	case strings.HasPrefix(target, "#"):
		id := target[1:]
		name := n.Channels[id]
		if name == "" {
			name = cmp.Or(label, id)
		}
		return `<a href="#" class="md-channel" data-channel="` + html.EscapeString(id) + `">#` + html.EscapeString(name) + `</a>`
	case strings.HasPrefix(target, "!date^"):
		return date(target, label, n.Location)
	case strings.HasPrefix(target, "!subteam^"):
		return `<span class="md-mention">` + html.EscapeString(cmp.Or(label, "@group")) + `</span>`
	case strings.HasPrefix(target, "!"):
		return `<span class="md-mention">@` + html.EscapeString(cmp.Or(label, target[1:])) + `</span>`
	}
	url := unescapeSlack(target)
	if !safeURL(url) {
		// Not a link Slack would make (or a scheme a page must not follow): show it as typed.
		return html.EscapeString("<" + unescapeSlack(inner) + ">")
	}
	text := url
	if hasLabel && label != "" {
		text = label
	}
	if channel, ts, ok := permalink(url, n.SlackURL); ok {
		return `<a href="#` + html.EscapeString(channel) + `" class="md-permalink" data-permalink-channel="` + html.EscapeString(channel) +
			`" data-permalink-ts="` + html.EscapeString(ts) + `">` + html.EscapeString(text) + `</a>`
	}
	return `<a href="` + html.EscapeString(url) + `" target="_blank" rel="noopener noreferrer">` + html.EscapeString(text) + `</a>`
}

// permalinkRE is the path of a Slack permalink: /archives/C123/p1700000000000100.
var permalinkRE = lazyRegexp(`^/archives/([A-Z0-9]+)/p(\d{10})(\d{6})$`)

// permalink reads a permalink of the simulated Slack at base: the channel, and the ts of the thread to
// open (the thread's parent for a reply).
func permalink(link, base string) (channel, ts string, ok bool) {
	rest, found := strings.CutPrefix(link, base)
	if base == "" || !found {
		return "", "", false
	}
	u, err := url.Parse(rest)
	if err != nil {
		return "", "", false
	}
	m := permalinkRE().FindStringSubmatch(u.Path)
	if m == nil {
		return "", "", false
	}
	return m[1], cmp.Or(u.Query().Get("thread_ts"), m[2]+"."+m[3]), true
}

func safeURL(u string) bool {
	l := strings.ToLower(u)
	return strings.HasPrefix(l, "http://") || strings.HasPrefix(l, "https://") || strings.HasPrefix(l, "mailto:")
}

// date renders <!date^unix^format^link|fallback>, with the tokens Slack documents; a malformed one shows
// the fallback, as Slack clients do.
func date(target, fallback string, loc *time.Location) string {
	parts := strings.Split(target, "^")
	if len(parts) < 3 {
		return html.EscapeString(fallback)
	}
	sec, err := strconv.ParseInt(parts[1], 10, 64)
	if err != nil {
		return html.EscapeString(fallback)
	}
	if loc == nil {
		loc = time.Local
	}
	t := time.Unix(sec, 0).In(loc)
	out := parts[2]
	for token, layout := range map[string]string{
		"{date_num}": "2006-01-02", "{date}": "January 2, 2006", "{date_short}": "Jan 2, 2006",
		"{date_long}": "Monday, January 2, 2006", "{date_pretty}": "January 2, 2006",
		"{date_short_pretty}": "Jan 2, 2006", "{date_long_pretty}": "Monday, January 2, 2006",
		"{time}": "3:04 PM", "{time_secs}": "3:04:05 PM",
	} {
		out = strings.ReplaceAll(out, token, t.Format(layout))
	}
	out = strings.ReplaceAll(out, "{ago}", ago(time.Since(t)))
	// The page formats data-format again in the browser's time zone, as a Slack client does in the
	// reader's; the server's rendering is what shows before the script runs.
	return `<time datetime="` + t.UTC().Format(time.RFC3339) + `" data-format="` + html.EscapeString(parts[2]) +
		`" title="` + html.EscapeString(fallback) + `">` + html.EscapeString(out) + `</time>`
}

func ago(d time.Duration) string {
	future := d < 0
	if future {
		d = -d
	}
	var s string
	switch {
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		s = strconv.Itoa(int(d.Minutes())) + " min"
	case d < 48*time.Hour:
		s = strconv.Itoa(int(d.Hours())) + " h"
	default:
		s = strconv.Itoa(int(d.Hours()/24)) + " days"
	}
	if future {
		return "in " + s
	}
	return s + " ago"
}

// unescapeSlack decodes the three entities Slack escapes in message text.
func unescapeSlack(s string) string {
	return strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&").Replace(s)
}

func lazyRegexp(expr string) func() *regexp.Regexp {
	return sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(expr) })
}
