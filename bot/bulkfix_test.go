package bot_test

import (
	"context"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/preorderbot/preorderbot/bot"
	"github.com/preorderbot/preorderbot/bot/slacktest"
	"github.com/preorderbot/preorderbot/diagnostics"
	"github.com/preorderbot/preorderbot/store"
)

// recordingChecker remembers every SKU a check was asked for.
type recordingChecker struct {
	inner bot.Checker
	mu    sync.Mutex
	skus  []string
}

func (c *recordingChecker) Run(ctx context.Context, storeID string, skus []string) ([]diagnostics.Report, error) {
	c.mu.Lock()
	c.skus = append(c.skus, skus...)
	c.mu.Unlock()
	return c.inner.Run(ctx, storeID, skus)
}

func (c *recordingChecker) asked() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.skus)
}

var fixButton = regexp.MustCompile(`Schedule association job for Acme UK — \d+ SKUs`)

// TestBulkFixOnceForTwoDigests: two operators press the same bulk fix on two digests at once: the OMS
// gets one write, the other operator is told who made it, and the fix's SKUs, and only those, are
// checked again once its job ran, the digest updated in place with how many it fixed.
func TestBulkFixOnceForTwoDigests(t *testing.T) {
	t.Parallel()
	e := catalogEnv(t, twoOperators)
	truth := e.oms.CatalogCauses()
	var want []string
	for sku, c := range truth {
		if c == string(diagnostics.CauseAssociationJobMissing) {
			want = append(want, sku)
		}
	}
	slices.Sort(want)

	e.slash(operator, "sweep")
	first := e.digestCard(opsChannel, nil)
	e.waitFor("the first sweep released", func() bool {
		l, _ := e.db.SweepLocks(context.Background())
		return len(l) == 1 && !l[0].DoneAt.IsZero()
	})
	e.slash(secondOperator, "sweep")
	second := e.digestCard(opsChannel, func(m slacktestMessage) bool { return m.TS != first.TS })
	label := fixButton.FindString(string(first.Blocks))
	require.NotEmpty(t, label, "the first digest offers the bulk fix")
	require.Equal(t, label, fixButton.FindString(string(second.Blocks)))
	assert.Contains(t, label, "— "+itoa(len(want))+" SKUs", "the count is the SKUs the cause has")

	rec := &recordingChecker{inner: e.opts.Checker}
	e.shutdown()
	e.opts.Checker = rec
	e.start()
	e.oms.ResetCounts()

	var wg sync.WaitGroup
	for _, p := range []struct {
		user string
		card slacktestMessage
	}{{operator, first}, {secondOperator, second}} {
		wg.Go(func() {
			_, err := e.slack.ClickButton(p.user, p.card.Channel, p.card.TS, label)
			assert.NoError(t, err)
		})
	}
	wg.Wait()
	e.waitFor("a digest re-checked its SKUs", func() bool {
		for _, m := range botPosts(e.slack, opsChannel) {
			if strings.Contains(string(m.Blocks), "re-checked the "+itoa(len(want))+" SKUs") {
				return true
			}
		}
		return false
	})
	e.waitFor("the other operator told", func() bool {
		return len(e.slack.Ephemeral(operator))+len(e.slack.Ephemeral(secondOperator)) >= 1
	})
	assert.Equal(t, 1, e.oms.Counts()["scheduleService"], "two presses on two digests, one OMS write")
	told := append(e.slack.Ephemeral(operator), e.slack.Ephemeral(secondOperator)...)
	require.Len(t, told, 1)
	assert.True(t, strings.Contains(told[0].Text, "already did this") || strings.Contains(told[0].Text, "still under way"), told[0].Text)

	asked := rec.asked()
	slices.Sort(asked)
	asked = slices.Compact(asked)
	assert.Equal(t, want, asked, "only the fix's SKUs are checked again")

	recs, err := e.db.AuditBySKU(context.Background(), want[0])
	require.NoError(t, err)
	assert.True(t, slices.ContainsFunc(recs, func(a storeAudit) bool { return strings.HasPrefix(a.Action, "remedy:bulk-") }),
		"the SKU's history shows the bulk fix")
}

// TestBulkFixIsForOperators: a viewer's press is refused privately and audited, and writes nothing.
func TestBulkFixIsForOperators(t *testing.T) {
	t.Parallel()
	e := catalogEnv(t)
	e.slash(operator, "sweep")
	card := e.digestCard(opsChannel, nil)
	label := fixButton.FindString(string(card.Blocks))
	require.NotEmpty(t, label)
	_, err := e.slack.ClickButton(viewer, card.Channel, card.TS, label)
	require.NoError(t, err)
	e.waitFor("the refusal", func() bool { return len(e.slack.Ephemeral(viewer)) > 0 })
	assert.Contains(t, e.slack.Ephemeral(viewer)[0].Text, "Only operators")
	assert.Zero(t, e.oms.Counts()["scheduleService"])
}

// TestCheckTheseAndEscalate: a cause without a bulk fix offers "Check these" (a card per SKU, at most
// ten, in the digest's thread) and an escalation with the list attached.
func TestCheckTheseAndEscalate(t *testing.T) {
	t.Parallel()
	e := catalogEnv(t)
	e.slash(operator, "sweep")
	card := e.digestCard(opsChannel, nil)
	check := regexp.MustCompile(`Check these: needs a manual link \(\d+\)`).FindString(string(card.Blocks))
	require.NotEmpty(t, check)
	_, err := e.slack.ClickButton(viewer, card.Channel, card.TS, check)
	require.NoError(t, err)
	n := 0
	for _, c := range e.oms.CatalogCauses() {
		if c == string(diagnostics.CauseNeedsManualLink) {
			n++
		}
	}
	cards := min(n, 10)
	e.waitFor("a card per SKU in the thread", func() bool {
		done := 0
		for _, m := range e.slack.Thread(opsChannel, card.TS) {
			if strings.Contains(string(m.Blocks), `"preorder.recheck"`) {
				done++
			}
		}
		return done == cards
	})

	esc := regexp.MustCompile(`Escalate: needs a manual link \(\d+ SKUs\)`).FindString(string(card.Blocks))
	require.NotEmpty(t, esc)
	_, err = e.slack.ClickButton(viewer, card.Channel, card.TS, esc)
	require.NoError(t, err)
	e.waitFor("the escalation with its list", func() bool {
		for _, f := range e.slack.Files() {
			if strings.HasPrefix(f.Name, "escalation-STORE-needs-manual-link") && strings.Count(string(f.Content), "needs-manual-link") == n {
				return true
			}
		}
		return false
	})
	posts := botPosts(e.slack, supportChannel)
	require.Len(t, posts, 1)
	assert.Contains(t, posts[0].Text, "SKUs of STORE: need a manual link")
	require.NotEmpty(t, e.slack.Thread(supportChannel, posts[0].TS), "the list is in the escalation's thread")
}

type (
	slacktestMessage = slacktest.Message
	storeAudit       = store.AuditRecord
)

func itoa(n int) string { return strconv.Itoa(n) }

// TestDigestChangeIsDrawnAtRestart: a change recorded on a digest whose card update Slack did not take
// (a crash between the two leaves the same) is drawn at the next start, so the digest never stays behind
// what happened, and it is drawn once: the store then knows Slack shows it.
func TestDigestChangeIsDrawnAtRestart(t *testing.T) {
	t.Parallel()
	e := catalogEnv(t)
	e.slash(operator, "sweep")
	card := e.digestCard(opsChannel, nil)
	esc := regexp.MustCompile(`Escalate: needs a manual link \(\d+ SKUs\)`).FindString(string(card.Blocks))
	require.NotEmpty(t, esc)

	updates := e.slack.Count("chat.update")
	e.slack.FailNext("chat.update", "cant_update_message", 1)
	_, err := e.slack.ClickButton(operator, card.Channel, card.TS, esc)
	require.NoError(t, err)
	e.waitFor("the escalation's list", func() bool { return len(e.slack.Files()) >= 2 })
	e.waitFor("the digest's update refused", func() bool { return e.slack.Count("chat.update") > updates })
	shown := func() bool {
		m, _ := e.slack.Message(opsChannel, card.TS)
		return strings.Contains(m.Text+string(m.Blocks), "escalated the ")
	}
	require.False(t, shown(), "Slack does not show the escalation yet")

	e.shutdown()
	e.start()
	e.waitFor("the digest drawn with the escalation", shown)
	e.waitFor("nothing left to draw", func() bool {
		busy, err := e.db.BusyConversations(context.Background())
		return err == nil && len(busy) == 0
	})
}
