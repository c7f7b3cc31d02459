package bot_test

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/preorderbot/preorderbot/bot/slacktest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var (
	dateTokenRE = regexp.MustCompile(`<!date\^\d+\^[^|>]*\|[^>]*>`)
	rawTimeRE   = regexp.MustCompile(`\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}`)
	keyValueRE  = regexp.MustCompile(`\b[A-Za-z_]+=\S`)
)

// evidenceLines are the text lines of the evidence the bot posted in a card's thread.
func evidenceLines(t *testing.T, e *env, card slacktest.Message) []string {
	t.Helper()
	var lines []string
	e.waitFor("the evidence", func() bool {
		lines = nil
		for _, m := range e.slack.Thread(opsChannel, card.TS) {
			if strings.HasPrefix(m.Text, "Evidence for") {
				for _, s := range sectionTexts(t, m) {
					lines = append(lines, strings.Split(s, "\n")...)
				}
			}
		}
		return len(lines) > 0
	})
	return lines
}

// Evidence says each fact once per line: a time once and as a date token (never "since 2026-… UTC ·
// <date>"), the shop once (never "Acme CA: … · shop Acme CA (10001)"), and no raw key=value.
func TestEvidenceSaysEachFactOnce(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "associated-after-sync")
	card, _ := e.check("HW-SCARF-GRN")
	lines := evidenceLines(t, e, card)
	require.NotEmpty(t, lines)
	for _, l := range lines {
		for _, tok := range dateTokenRE.FindAllString(l, -1) {
			assert.Equal(t, 1, strings.Count(l, tok), "a time said twice: %s", l)
		}
		words := dateTokenRE.ReplaceAllString(l, "")
		assert.NotRegexp(t, rawTimeRE, words, "a time not given as a date token: %s", l)
		assert.NotRegexp(t, keyValueRE, words, "a raw key=value: %s", l)
		for _, shop := range []string{"Acme US", "Acme CA", "Acme UK", "Acme AU"} {
			assert.LessOrEqual(t, strings.Count(words, shop), 1, "%s named twice: %s", shop, l)
		}
	}
}

// sectionTexts are the mrkdwn texts of a message's sections.
func sectionTexts(t *testing.T, m slacktest.Message) []string {
	t.Helper()
	var bs []struct {
		Type string `json:"type"`
		Text *struct {
			Text string `json:"text"`
		} `json:"text"`
	}
	require.NoError(t, json.Unmarshal(m.Blocks, &bs))
	var out []string
	for _, b := range bs {
		if b.Type == "section" && b.Text != nil {
			out = append(out, b.Text.Text)
		}
	}
	return out
}
