package bot_test

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/preorderbot/preorderbot/bot"
	"github.com/preorderbot/preorderbot/bot/slacktest"
	"github.com/preorderbot/preorderbot/diagnostics"
	"github.com/preorderbot/preorderbot/diagnostics/hotwax/hotwaxtest"
	"github.com/preorderbot/preorderbot/store"
)

const secondOperator = "U0CAT"

func twoOperators(o *botOptions, _ *hotwaxtest.Options) {
	o.Operators = []string{operator, secondOperator}
}

// slowListings makes every listing query take a while, so a sweep runs long enough to be interrupted.
func slowListings(_ *botOptions, h *hotwaxtest.Options) {
	h.Faults = hotwaxtest.Faults{Endpoint: "solr-query", Source: "shopifyCore", Latency: time.Second}
}

// TestSecondSweepIsToldWhoRunsIt: while a sweep of a store runs, another request for one is refused
// privately with who started the running one and when; once it ends, a new one starts.
func TestSecondSweepIsToldWhoRunsIt(t *testing.T) {
	t.Parallel()
	e := catalogEnv(t, twoOperators, slowListings)
	e.slash(operator, "sweep")
	e.waitFor("the progress card", func() bool {
		posts := botPosts(e.slack, opsChannel)
		return len(posts) == 1 && posts[0].Edits > 0 && strings.Contains(posts[0].Text, "ends about")
	})
	e.slash(secondOperator, "sweep store:STORE")
	e.waitFor("the refusal", func() bool { return len(e.slack.Ephemeral(secondOperator)) > 0 })
	text := e.slack.Ephemeral(secondOperator)[0].Text
	assert.Contains(t, text, "already running: started by @"+operator)
	assert.Contains(t, text, "it should end about")
	assert.Len(t, botPosts(e.slack, opsChannel), 1, "no second digest")

	e.digestCard(opsChannel, nil)
	e.waitFor("the lock released", func() bool {
		l, _ := e.db.SweepLocks(context.Background())
		return len(l) == 1 && !l[0].DoneAt.IsZero()
	})
	e.slash(secondOperator, "sweep")
	e.waitFor("a second digest", func() bool { return len(botPosts(e.slack, opsChannel)) == 2 })
}

// TestSweepRefusals: an unknown store is refused with the stores that exist; a store with no pre-order
// category says so on its card and to the person who asked; a sweep with words after it is refused.
func TestSweepRefusals(t *testing.T) {
	t.Parallel()
	e := catalogEnv(t)
	e.slash(operator, "sweep store:NOPE")
	e.waitFor("unknown store", func() bool { return len(e.slack.Ephemeral(operator)) == 1 })
	assert.Contains(t, e.slack.Ephemeral(operator)[0].Text, "no product store `NOPE`")
	assert.Contains(t, e.slack.Ephemeral(operator)[0].Text, "`STORE`")

	e.slash(operator, "sweep GEN-00001")
	e.waitFor("usage", func() bool { return len(e.slack.Ephemeral(operator)) == 2 })
	assert.Contains(t, e.slack.Ephemeral(operator)[1].Text, "Sweep takes no SKU")
	assert.Empty(t, botPosts(e.slack, opsChannel))

	e.oms.DropPreorderCategories()
	e.slash(operator, "sweep")
	e.waitFor("no category", func() bool { return len(e.slack.Ephemeral(operator)) == 3 })
	assert.Contains(t, e.slack.Ephemeral(operator)[2].Text, "has no pre-order (PCCT_PREORDR) or backorder (PCCT_BACKORDER) category")
	posts := botPosts(e.slack, opsChannel)
	require.Len(t, posts, 1)
	assert.Contains(t, posts[0].Text, "nothing to sweep", "the card says it too")
	l, err := e.db.SweepLocks(context.Background())
	require.NoError(t, err)
	require.Len(t, l, 1)
	assert.False(t, l[0].DoneAt.IsZero(), "a failed sweep releases its lock")
}

// TestCleanDigestIsOneLine: a sweep that finds nothing wrong leaves one short line, not a card.
func TestCleanDigestIsOneLine(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "healthy")
	e.slash(operator, "sweep")
	m := e.digestCard(opsChannel, nil)
	assert.Contains(t, m.Text, "Sweep of STORE: all")
	assert.Contains(t, m.Text, "are in sync")
	assert.Equal(t, 1, strings.Count(string(m.Blocks), `"type":"section"`)+strings.Count(string(m.Blocks), `"type": "section"`))
	assert.NotContains(t, string(m.Blocks), `"actions"`)
	assert.Empty(t, e.slack.Files(), "no CSV when nothing is wrong")
}

// TestDigestNewResolvedAndTrend: the digest compares with the stored records of the previous sweep (a
// SKU healthy then and broken now is new, the reverse resolved) and shows each cause's last count of
// each of the last seven days.
func TestDigestNewResolvedAndTrend(t *testing.T) {
	t.Parallel()
	e := catalogEnv(t)
	ctx := context.Background()
	truth := e.oms.CatalogCauses()
	var broken, healthy string
	for _, sku := range slices.Sorted(func(yield func(string) bool) {
		for k := range truth {
			if !yield(k) {
				return
			}
		}
	}) {
		switch {
		case broken == "" && truth[sku] == string(diagnostics.CauseNeedsManualLink):
			broken = sku
		case healthy == "" && truth[sku] == string(diagnostics.CauseHealthy):
			healthy = sku
		}
	}
	yesterday := time.Now().Add(-24 * time.Hour)
	var recs []store.SweepSKU
	for sku, cause := range truth {
		switch sku {
		case broken:
			cause = string(diagnostics.CauseHealthy) // it broke since
		case healthy:
			cause = string(diagnostics.CauseJobFailing) // it was fixed since
		}
		recs = append(recs, store.SweepSKU{SKU: sku, Cause: cause})
	}
	require.NoError(t, e.db.PutSweepResults(ctx, storeID, yesterday, recs))
	require.NoError(t, e.db.PutSweepRun(ctx, store.SweepRun{Store: storeID, StartedAt: yesterday, SKUs: len(recs),
		ByCause: map[string]int{string(diagnostics.CauseNeedsManualLink): 7}}))
	require.NoError(t, e.db.PutSweepRun(ctx, store.SweepRun{Store: storeID, StartedAt: time.Now().Add(-72 * time.Hour), SKUs: len(recs),
		ByCause: map[string]int{string(diagnostics.CauseNeedsManualLink): 5}}))

	e.slash(operator, "sweep")
	body := string(e.digestCard(opsChannel, nil).Blocks)
	assert.Contains(t, body, "*1 new* (`"+broken+"`)")
	assert.Contains(t, body, "*1 resolved* (`"+healthy+"`)")
	n := 0
	for _, c := range truth {
		if c == string(diagnostics.CauseNeedsManualLink) {
			n++
		}
	}
	assert.Contains(t, body, "*needs a manual link* · "+strconv.Itoa(n)+" SKUs · 7 days: · · · 5 · 7 "+strconv.Itoa(n))
}

// TestOMSFailingMidSweep: the OMS fails every shop-link read after the store-wide facts: the digest says
// which SKUs could not be checked and why (the OMS's words escaped), and none of them counts healthy.
func TestOMSFailingMidSweep(t *testing.T) {
	t.Parallel()
	e := catalogEnv(t, func(_ *botOptions, h *hotwaxtest.Options) {
		h.Faults = hotwaxtest.Faults{Endpoint: "performFind", Source: "ShopifyShopProduct", OMSError: "<!channel> down for <@U0BEN> & <https://evil.example|maintenance>"}
	})
	e.slash(operator, "sweep")
	m := e.digestCard(opsChannel, nil)
	body := string(m.Blocks)
	assert.Contains(t, body, "Could not be checked")
	assert.NotContains(t, body, "<!channel>")
	assert.NotContains(t, body, "<@U0BEN>")
	assert.NotContains(t, body, "<https://evil.example")
	assert.NotContains(t, m.Text, "<!channel>")
	runs, err := e.db.SweepRuns(context.Background(), storeID, time.Time{})
	require.NoError(t, err)
	require.Len(t, runs, 1)
	assert.Zero(t, runs[0].ByCause[string(diagnostics.CauseHealthy)], "an unreadable SKU is never healthy")
}

// TestScheduledSweepPostsInDigestChannel: the schedule starts a sweep of the default store whose digest
// goes to the digest channel, marked as scheduled.
func TestScheduledSweepPostsInDigestChannel(t *testing.T) {
	t.Parallel()
	e := catalogEnv(t, func(o *botOptions, _ *hotwaxtest.Options) {
		o.DigestChannel = "C0DIGEST"
		o.SweepSchedule = &onceSoon{}
	})
	e.slack.AddChannel(slacktest.Channel{ID: "C0DIGEST", Name: "preorder-digest"})
	m := e.digestCard("C0DIGEST", nil)
	assert.Contains(t, string(m.Blocks), "Scheduled sweep")
	assert.Empty(t, botPosts(e.slack, opsChannel))
}

// onceSoon falls due half a second after the bot starts, then never again for a year.
type onceSoon struct{ used atomic.Bool }

func (s *onceSoon) Next(after time.Time) time.Time {
	if s.used.CompareAndSwap(false, true) {
		return after.Add(500 * time.Millisecond)
	}
	return after.Add(365 * 24 * time.Hour)
}

// TestDigestChannelWithoutTheBot: a digest channel the bot was never invited to is said in the log and
// on /readyz (the bot's problems).
func TestDigestChannelWithoutTheBot(t *testing.T) {
	t.Parallel()
	e := catalogEnv(t, func(o *botOptions, _ *hotwaxtest.Options) { o.DigestChannel = opsChannel })
	e.slack.AddChannel(slacktest.Channel{ID: opsChannel, Name: "preorder-ops", BotAbsent: true})
	e.shutdown()
	e.start()
	e.waitFor("the problem", func() bool {
		return slices.ContainsFunc(e.bot.Problems(), func(p string) bool { return strings.Contains(p, "PREORDERBOT_DIGEST_CHANNEL") })
	})
}

// TestSweepResumesAfterRestart: a sweep cut short by a restart is run again on the same digest card, and
// the lock lets it (it is the same request), so the card never stays at "sweeping".
func TestSweepResumesAfterRestart(t *testing.T) {
	t.Parallel()
	e := catalogEnv(t, slowListings)
	e.slash(operator, "sweep")
	e.waitFor("progress shown", func() bool {
		posts := botPosts(e.slack, opsChannel)
		return len(posts) == 1 && posts[0].Edits > 0
	})
	card := botPosts(e.slack, opsChannel)[0]
	e.shutdown()
	e.start()
	m := e.digestCard(opsChannel, nil)
	assert.Equal(t, card.TS, m.TS, "the same card is finished")
	assert.Len(t, botPosts(e.slack, opsChannel), 1)
	runs, err := e.db.SweepRuns(context.Background(), storeID, time.Time{})
	require.NoError(t, err)
	assert.Len(t, runs, 1)
}

// TestParseSweepSchedule: the readable daily form and cron expressions are accepted, in their zone;
// anything else is refused naming the variable.
func TestParseSweepSchedule(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	require.NoError(t, err)
	s, err := bot.ParseSweepSchedule("daily 07:00 Europe/Berlin")
	require.NoError(t, err)
	next := s.Next(time.Date(2026, 12, 3, 6, 30, 0, 0, berlin))
	assert.Equal(t, time.Date(2026, 12, 3, 7, 0, 0, 0, berlin), next.In(berlin))
	next = s.Next(time.Date(2026, 12, 3, 7, 0, 0, 0, berlin))
	assert.Equal(t, time.Date(2026, 12, 4, 7, 0, 0, 0, berlin), next.In(berlin))
	// Across the spring change, 07:00 stays 07:00 local.
	next = s.Next(time.Date(2027, 3, 28, 1, 0, 0, 0, time.UTC))
	assert.Equal(t, time.Date(2027, 3, 28, 7, 0, 0, 0, berlin), next.In(berlin))

	s, err = bot.ParseSweepSchedule("daily 7:05")
	require.NoError(t, err)
	assert.Equal(t, time.Date(2026, 12, 3, 7, 5, 0, 0, time.UTC), s.Next(time.Date(2026, 12, 3, 0, 0, 0, 0, time.UTC)))

	s, err = bot.ParseSweepSchedule("30 6 * * 1-5")
	require.NoError(t, err)
	assert.Equal(t, time.Date(2026, 12, 4, 6, 30, 0, 0, time.UTC), s.Next(time.Date(2026, 12, 3, 7, 0, 0, 0, time.UTC)))
	s, err = bot.ParseSweepSchedule("CRON_TZ=America/New_York 0 5 * * *")
	require.NoError(t, err)
	assert.Equal(t, 10, s.Next(time.Date(2026, 12, 3, 7, 0, 0, 0, time.UTC)).UTC().Hour())

	s, err = bot.ParseSweepSchedule("  ")
	require.NoError(t, err)
	assert.Nil(t, s, "empty is off")

	for _, bad := range []string{"daily 25:00", "daily 07:00 Mars/Olympus", "every morning", "61 * * * *", "daily"} {
		_, err := bot.ParseSweepSchedule(bad)
		require.Error(t, err, bad)
		assert.Contains(t, err.Error(), "PREORDERBOT_SWEEP_SCHEDULE", bad)
	}
}

// A stop after the digest card landed and before its ts was saved: the resumed sweep finds the card by its
// client message id and finishes it there, instead of posting a second digest.
func TestSweepResumesOnAnOrphanDigestCard(t *testing.T) {
	t.Parallel()
	e := catalogEnv(t, slowListings, func(o *botOptions, _ *hotwaxtest.Options) { o.ShutdownTimeout = 300 * time.Millisecond })
	e.slack.LandThenHangNext("chat.postMessage", 20*time.Second, 1)
	e.slash(operator, "sweep")
	e.waitFor("the digest card in the channel", func() bool { return len(botPosts(e.slack, opsChannel)) == 1 })
	e.shutdown() // its answer never came: the card's ts is not saved

	e.start()
	e.digestCard(opsChannel, nil)
	assert.Equal(t, 1, len(botPosts(e.slack, opsChannel)), "one digest card")
}
