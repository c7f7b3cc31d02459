package blocks

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Block Kit limits (slack-platform.md §6). slack-go does not check them and Slack rejects the whole message
// when one is exceeded, so rendering keeps inside them; the tests prove it with the simulated Slack's validator.
const (
	maxMessageBlocks  = 50
	maxSectionText    = 3000
	maxHeaderText     = 150
	maxButtonText     = 75
	maxActionElements = 25
	maxContextText    = 3000
	maxOptionText     = 75
	maxOptionValue    = 150
	maxOptions        = 100
	maxConfirmTitle   = 100
	maxConfirmText    = 300
	maxConfirmButton  = 30
	maxModalTitle     = 24
	maxFallbackText   = 4000
)

// truncate cuts s to at most limit characters (runes, as Slack counts them) and says how much was cut, so a
// reader sees that evidence was shortened instead of a silently wrong value.
func truncate(s string, limit int) string {
	n := utf8.RuneCountInString(s)
	if n <= limit {
		return s
	}
	if limit <= 0 {
		return ""
	}
	runes := []rune(s)
	for keep := limit; keep >= 0; {
		kept := cutEntity(string(runes[:keep]))
		k := utf8.RuneCountInString(kept)
		marker := fmt.Sprintf("… (truncated, %d more chars)", n-k)
		m := utf8.RuneCountInString(marker)
		if k+m <= limit {
			return kept + marker
		}
		keep = min(keep-1, limit-m)
	}
	// The limit is shorter than the marker itself: an ellipsis is all that fits.
	return string(runes[:limit-1]) + "…"
}

// cutEntity drops a trailing, incomplete mrkdwn escape ("&am") that a cut may leave behind.
func cutEntity(s string) string {
	i := strings.LastIndexByte(s, '&')
	if i >= 0 && i >= len(s)-4 && !strings.Contains(s[i:], ";") {
		return s[:i]
	}
	return s
}

// escape makes text from the OMS or users safe inside mrkdwn: Slack requires &, < and > to be escaped, and an
// unescaped < in an error message would otherwise be read as a link or mention.
func escape(s string) string {
	return mrkdwnEscaper.Replace(s)
}

var mrkdwnEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// oneLine folds newlines so a value fits a bullet line.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
