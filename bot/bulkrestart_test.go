package bot_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/preorderbot/preorderbot/bot/slacktest"
	"github.com/preorderbot/preorderbot/diagnostics"
	"github.com/preorderbot/preorderbot/diagnostics/hotwax"
	"github.com/preorderbot/preorderbot/diagnostics/hotwax/hotwaxtest"
	"github.com/preorderbot/preorderbot/store"
)

// crashMidBulkFix presses the association bulk fix on a fresh digest while the OMS hangs on the write,
// and stops the bot before the OMS answers: its client waits longer than the shutdown's grace, so the
// process is gone with the fix claimed and no answer recorded, as after a kill -9. It returns the digest
// card and the fix's remedy; the OMS is healthy again and the bot stopped.
func crashMidBulkFix(t *testing.T, e *env) (slacktest.Message, diagnostics.Remedy) {
	t.Helper()
	e.slash(operator, "sweep")
	card := e.digestCard(opsChannel, nil)
	label := fixButton.FindString(string(card.Blocks))
	require.NotEmpty(t, label)

	e.shutdown()
	saved := e.opts
	patient, err := hotwax.New(hotwax.Options{BaseURL: e.oms.URL(), Token: e.oms.Token(), Timeout: time.Minute, RetryWait: 10 * time.Millisecond})
	require.NoError(t, err)
	e.opts.Executor = diagnostics.NewExecutor(hotwax.NewOMS(patient), diagnostics.Options{Jobs: hotwax.DefaultJobs(), Deadline: 5 * time.Second})
	e.opts.ShutdownTimeout = 100 * time.Millisecond
	e.start()
	e.oms.ResetCounts()
	e.oms.SetFaults(hotwaxtest.Faults{Endpoint: "scheduleService", Hang: true})
	_, err = e.slack.ClickButton(operator, card.Channel, card.TS, label)
	require.NoError(t, err)
	e.waitFor("the write sent", func() bool { return e.oms.Counts()["scheduleService"] == 1 })
	e.waitFor("the digest to show the fix under way", func() bool { return strings.Contains(string(e.current(card).Blocks), "started by") })
	e.shutdown()
	e.oms.SetFaults(hotwaxtest.Faults{})
	e.opts = saved

	conv, err := e.db.ConversationByCard(context.Background(), card.Channel, card.TS)
	require.NoError(t, err)
	require.NotEmpty(t, conv.InFlight, "the crash left the fix claimed without the OMS's answer")
	for _, f := range digestFixes(t, conv) {
		if f.State != "" {
			require.Equal(t, "fixing", f.State)
			return card, f.Remedy
		}
	}
	t.Fatal("no fix under way on the digest")
	return card, diagnostics.Remedy{}
}

// digestFix is one bulk fix of a stored digest, with its state.
type digestFix struct {
	Remedy diagnostics.Remedy `json:"remedy"`
	State  string             `json:"state"`
}

// digestFixes reads the bulk fixes of the digest a conversation keeps.
func digestFixes(t *testing.T, conv store.Conversation) []digestFix {
	t.Helper()
	var d struct {
		Fixes []digestFix `json:"fixes"`
	}
	require.NoError(t, json.Unmarshal(conv.LastReport, &d))
	return d.Fixes
}

// pendingJobs counts the OMS's scheduled rows of the remedy's job for its shop.
func pendingJobs(e *env, r diagnostics.Remedy) int {
	n := 0
	for _, j := range e.oms.Jobs() {
		if j.SystemJobEnumID == r.Job && j.Shop() == r.ShopID && j.Scheduled() {
			n++
		}
	}
	return n
}

// TestBulkFixCutByRestartIsOfferedAgain: the bot stops after claiming a bulk fix and before the OMS
// answers, and the write never reached the OMS. The restart re-reads the OMS, finds no sign of the fix
// and, without writing, says so on the digest and offers the fix again; pressing it writes once.
func TestBulkFixCutByRestartIsOfferedAgain(t *testing.T) {
	t.Parallel()
	e := catalogEnv(t)
	card, fix := crashMidBulkFix(t, e)
	require.Zero(t, pendingJobs(e, fix))

	e.start()
	e.waitFor("the digest to say what became of the fix", func() bool {
		return strings.Contains(string(e.current(card).Blocks), "shows no sign of it")
	})
	body := string(e.current(card).Blocks)
	assert.NotContains(t, body, "started by", "nothing stays under way")
	assert.Equal(t, 1, e.oms.Counts()["scheduleService"], "the restart wrote nothing")
	label := fixButton.FindString(body)
	require.NotEmpty(t, label, "the fix is offered again")
	conv, err := e.db.ConversationByCard(context.Background(), card.Channel, card.TS)
	require.NoError(t, err)
	assert.Empty(t, conv.InFlight)

	pressAgainOnce(t, e, card, label, fix)
}

// pressAgainOnce presses a bulk fix offered again after its first write hung, and shows it ends re-checked
// with one schedule in the OMS: the hung write and this press are the only two writes.
func pressAgainOnce(t *testing.T, e *env, card slacktest.Message, label string, fix diagnostics.Remedy) {
	t.Helper()
	_, err := e.slack.ClickButton(operator, card.Channel, card.TS, label)
	require.NoError(t, err)
	e.waitFor("the fix's SKUs re-checked", func() bool { return strings.Contains(string(e.current(card).Blocks), "re-checked the ") })
	assert.Equal(t, 1, pendingJobs(e, fix), "one schedule in the OMS")
	assert.Equal(t, 2, e.oms.Counts()["scheduleService"], "the hung write and the press after it")
}

// TestBulkFixThatLandedIsWatchedAfterRestart: the write reached the OMS but the bot stopped before its
// answer. The restart finds the scheduled job, writes nothing, watches it and re-checks the fix's SKUs.
func TestBulkFixThatLandedIsWatchedAfterRestart(t *testing.T) {
	t.Parallel()
	e := catalogEnv(t)
	card, fix := crashMidBulkFix(t, e)
	// What the OMS did with the write whose answer was lost.
	_, err := e.opts.Executor.Execute(context.Background(), storeID, fix, diagnostics.Input{})
	require.NoError(t, err)
	require.Equal(t, 1, pendingJobs(e, fix))
	e.oms.ResetCounts()

	e.start()
	e.waitFor("the fix's SKUs re-checked", func() bool { return strings.Contains(string(e.current(card).Blocks), "re-checked the ") })
	body := string(e.current(card).Blocks)
	assert.NotContains(t, body, "started by", "nothing stays under way")
	assert.Zero(t, e.oms.Counts()["scheduleService"], "the restart wrote nothing")
	assert.Equal(t, 1, pendingJobs(e, fix))
	var said bool
	for _, m := range e.slack.Thread(card.Channel, card.TS) {
		said = said || strings.Contains(m.Text+string(m.Blocks), "the OMS shows it done")
	}
	assert.True(t, said, "the thread says the OMS showed the fix done")
}
