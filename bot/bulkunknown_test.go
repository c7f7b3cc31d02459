package bot_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/preorderbot/preorderbot/bot"
	"github.com/preorderbot/preorderbot/bot/slacktest"
	"github.com/preorderbot/preorderbot/diagnostics"
	"github.com/preorderbot/preorderbot/diagnostics/hotwax"
	"github.com/preorderbot/preorderbot/diagnostics/hotwax/hotwaxtest"
)

// pressIntoHang posts a digest, restarts the bot with an OMS client that gives up after clientTimeout,
// makes the OMS hang on scheduleService, and presses the association bulk fix: the write is sent and
// its answer never comes. It returns the digest card and the executor the bot had before, whose client
// is healthy.
func pressIntoHang(t *testing.T, e *env, clientTimeout time.Duration) (slacktest.Message, bot.Executor) {
	t.Helper()
	e.slash(operator, "sweep")
	card := e.digestCard(opsChannel, nil)
	label := fixButton.FindString(string(card.Blocks))
	require.NotEmpty(t, label)

	e.shutdown()
	healthy := e.opts.Executor
	impatient, err := hotwax.New(hotwax.Options{BaseURL: e.oms.URL(), Token: e.oms.Token(), Timeout: clientTimeout, RetryWait: 10 * time.Millisecond})
	require.NoError(t, err)
	e.opts.Executor = diagnostics.NewExecutor(hotwax.NewOMS(impatient), diagnostics.Options{Jobs: hotwax.DefaultJobs(), Deadline: clientTimeout + 3*time.Second})
	e.start()
	e.oms.ResetCounts()
	e.oms.SetFaults(hotwaxtest.Faults{Endpoint: "scheduleService", Hang: true})
	_, err = e.slack.ClickButton(operator, card.Channel, card.TS, label)
	require.NoError(t, err)
	e.waitFor("the write sent", func() bool { return e.oms.Counts()["scheduleService"] == 1 })
	return card, healthy
}

// assertNoDeadEnd checks that no line of the digest or its thread sends the person to a button a digest
// does not have.
func assertNoDeadEnd(t *testing.T, e *env, card slacktest.Message) {
	t.Helper()
	assert.NotContains(t, string(e.current(card).Blocks), "Press Re-check")
	for _, m := range e.slack.Thread(card.Channel, card.TS) {
		assert.NotContains(t, m.Text+string(m.Blocks), "Press Re-check")
	}
}

// TestBulkFixTimeoutWithoutWriteIsOfferedAgain: the OMS does not answer a bulk fix's write in time and
// the write never lands. The bot re-reads the OMS, says it shows no sign of the fix and offers it again;
// pressing it writes once.
func TestBulkFixTimeoutWithoutWriteIsOfferedAgain(t *testing.T) {
	t.Parallel()
	e := catalogEnv(t)
	card, _ := pressIntoHang(t, e, 300*time.Millisecond)
	e.waitFor("the digest to say what became of the fix", func() bool {
		return strings.Contains(string(e.current(card).Blocks), "shows no sign of it")
	})
	e.oms.SetFaults(hotwaxtest.Faults{})
	body := string(e.current(card).Blocks)
	assert.Contains(t, body, "the OMS did not answer in time")
	assert.NotContains(t, body, "started by", "nothing stays under way")
	assertNoDeadEnd(t, e, card)
	label := fixButton.FindString(body)
	require.NotEmpty(t, label, "the fix is offered again")
	conv, err := e.db.ConversationByCard(context.Background(), card.Channel, card.TS)
	require.NoError(t, err)
	assert.Empty(t, conv.InFlight)
	var fix diagnostics.Remedy
	for _, f := range digestFixes(t, conv) {
		if f.State == "failed" {
			fix = f.Remedy
		}
	}
	require.NotEmpty(t, fix.Job, "the fix is recorded as not done")
	require.Zero(t, pendingJobs(e, fix))
	assert.Equal(t, 1, e.oms.Counts()["scheduleService"], "the re-read wrote nothing")

	pressAgainOnce(t, e, card, label, fix)
}

// TestBulkFixTimeoutThatLandedIsWatched: the OMS does not answer a bulk fix's write in time, but the
// write lands. The bot re-reads the OMS, finds the schedule, writes nothing more, watches the job and
// re-checks the fix's SKUs.
func TestBulkFixTimeoutThatLandedIsWatched(t *testing.T) {
	t.Parallel()
	e := catalogEnv(t)
	card, healthy := pressIntoHang(t, e, 4*time.Second) // room for the test to apply the write first on a loaded machine
	// What the OMS did with the write whose answer was lost, before the bot's client gave up.
	e.oms.SetFaults(hotwaxtest.Faults{})
	var fix diagnostics.Remedy
	conv, err := e.db.ConversationByCard(context.Background(), card.Channel, card.TS)
	require.NoError(t, err)
	for _, f := range digestFixes(t, conv) {
		if f.State == "fixing" {
			fix = f.Remedy
		}
	}
	require.NotEmpty(t, fix.Job, "the fix is under way")
	_, err = healthy.Execute(context.Background(), storeID, fix, diagnostics.Input{})
	require.NoError(t, err)
	require.Equal(t, 1, pendingJobs(e, fix))

	e.waitFor("the fix's SKUs re-checked", func() bool { return strings.Contains(string(e.current(card).Blocks), "re-checked the ") })
	body := string(e.current(card).Blocks)
	assert.NotContains(t, body, "started by", "nothing stays under way")
	assertNoDeadEnd(t, e, card)
	assert.Equal(t, 2, e.oms.Counts()["scheduleService"], "the bot's write that hung and the one that landed; the re-read wrote nothing")
	assert.Equal(t, 1, pendingJobs(e, fix))
	var said bool
	for _, m := range e.slack.Thread(card.Channel, card.TS) {
		said = said || strings.Contains(m.Text+string(m.Blocks), "the OMS shows it done")
	}
	assert.True(t, said, "the thread says the OMS showed the fix done")
}

// TestBulkFixCutByRestartWithOMSUnreadable: the bot stops mid bulk fix and, when it starts again, the
// OMS cannot be read. The digest says the outcome is unknown and that a new sweep is the way forward,
// offers no fix button, and nothing is written.
func TestBulkFixCutByRestartWithOMSUnreadable(t *testing.T) {
	t.Parallel()
	e := catalogEnv(t)
	card, _ := crashMidBulkFix(t, e)
	e.oms.ResetCounts()
	e.oms.SetFaults(hotwaxtest.Faults{ErrorRate: 1})

	e.start()
	e.waitFor("the digest to say the outcome is unknown", func() bool {
		return strings.Contains(string(e.current(card).Blocks), "could not read the OMS")
	})
	body := string(e.current(card).Blocks)
	assert.Contains(t, body, "/preorder sweep")
	assert.NotContains(t, body, "started by", "nothing stays under way")
	assert.Empty(t, fixButton.FindString(body), "no button whose outcome is unknown")
	assertNoDeadEnd(t, e, card)
	assert.Zero(t, e.oms.Counts()["scheduleService"], "the restart wrote nothing")
	conv, err := e.db.ConversationByCard(context.Background(), card.Channel, card.TS)
	require.NoError(t, err)
	assert.Empty(t, conv.InFlight)
}
