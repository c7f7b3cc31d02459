package bot_test

import (
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/preorderbot/preorderbot/bot/slacktest"
)

// versions records every version Slack showed of a card from now on.
func versions(t *testing.T, e *env, card slacktest.Message) func() []string {
	t.Helper()
	changes, cancel := e.slack.Subscribe()
	t.Cleanup(cancel)
	var mu sync.Mutex
	var seen []string
	go func() {
		for c := range changes {
			if c.Kind == slacktest.MessageUpdated && c.Message != nil && c.Message.TS == card.TS {
				mu.Lock()
				seen = append(seen, unescapeJSON.Replace(string(c.Message.Blocks)))
				mu.Unlock()
			}
		}
	}()
	return func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), seen...)
	}
}

var (
	unescapeJSON = strings.NewReplacer(`\u003c`, "<", `\u003e`, ">", `\u0026`, "&")
	nextRunRE    = regexp.MustCompile(`next run <!date\^(\d+)\^`)
	watchedJobRE = regexp.MustCompile(`watching job (\w+)`)
)

// After "Enable", the card states the job's next run once, as a date token of the run time the OMS gave
// the job it scheduled, and never as a frequency id or a UTC clock.
func TestEnableStatesOneNextRun(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "presell-jobs-disabled", func(_ *botOptions, o *hotwaxtestOptions) { o.RunDelay = time.Hour })
	card, _ := e.check("HW-BEANIE-BLK")
	seen := versions(t, e, card)
	e.click(operator, card, "Enable Auto Refresh Pre-sell Catalog")
	var watching string
	e.waitFor("the card watching the job", func() bool {
		for _, v := range seen() {
			if strings.Contains(v, "watching job") {
				watching = v
				return true
			}
		}
		return false
	})
	assert.Equal(t, 1, strings.Count(watching, "next run"), watching)
	assert.NotContains(t, watching, "EVERY_15_MIN")
	assert.NotRegexp(t, `\d{2}:\d{2} UTC[^>]`, watching, "a time outside a date token")
	m := nextRunRE.FindStringSubmatch(watching)
	require.NotNil(t, m, watching)
	job := watchedJobRE.FindStringSubmatch(watching)
	require.NotNil(t, job, watching)
	var runTime time.Time
	for _, j := range e.oms.Jobs() {
		if j.JobID == job[1] {
			runTime = j.RunTime
		}
	}
	require.False(t, runTime.IsZero(), "the OMS scheduled job %s", job[1])
	assert.Equal(t, strconv.FormatInt(runTime.Unix(), 10), m[1], "the OMS's own run time")
}

// While a fix runs, the card's header, verdict and the fixed check's row come from the same facts as its
// status line: none of them still says the problem waits for someone to act.
func TestCardAgreesWithItselfWhileFixRuns(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "associated-after-sync")
	card, _ := e.check("HW-SCARF-GRN")
	seen := versions(t, e, card)
	e.click(operator, card, "Run full catalog sync for Acme CA")
	var during string
	e.waitFor("the card while the sync runs", func() bool {
		for _, v := range seen() {
			if strings.Contains(v, "watching job") {
				during = v
				return true
			}
		}
		return false
	})
	assert.Contains(t, during, "Fix under way for:")
	assert.NotContains(t, during, "Most likely cause")
	assert.Contains(t, during, "⏳ *Association timing*")
	assert.NotContains(t, during, "❌ *Association timing*")
	e.settled(card)
}
