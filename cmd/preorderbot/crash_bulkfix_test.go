package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/preorderbot/preorderbot/bot/slacktest"
	"github.com/preorderbot/preorderbot/diagnostics/hotwax"
	"github.com/preorderbot/preorderbot/diagnostics/hotwax/hotwaxtest"
)

// bulkCrashFigures are the two forms of the bulk-fix kill -9 test: the short one runs with every `go test`,
// the full one with PREORDERBOT_CRASH_FULL=1 on a catalog with more bulk fixes.
var bulkCrashFigures = map[bool]struct{ seeds, kills, skus int }{
	false: {seeds: 1, kills: 6, skus: 200},
	true:  {seeds: 6, kills: 20, skus: 2000},
}

// The real `serve` binary, killed with SIGKILL at random moments while an operator presses a digest's
// bulk fixes (sometimes twice) and while the bot writes them (the OMS takes 150 ms before and 150 ms after
// acting on a write, so a kill may cut the write or lose its answer),
// watches their jobs and re-checks their SKUs, then restarted: the OMS gets exactly one write per effect,
// every acknowledged press ends with its fix re-checked on the digest or the digest saying the OMS shows no
// sign of it, nothing stays under way, and neither the digest nor anything in its thread is posted twice.
func TestKill9DuringBulkFix(t *testing.T) {
	t.Parallel()
	fig := bulkCrashFigures[os.Getenv("PREORDERBOT_CRASH_FULL") != ""]
	bin := buildBinary(t)
	for seed := range int64(fig.seeds) {
		t.Run(fmt.Sprintf("seed %d", 7+seed), func(t *testing.T) { killDuringBulkFixes(t, bin, 7+seed, fig.kills, fig.skus) })
	}
}

// killDuringBulkFixes sweeps a generated catalog, then presses its digest's bulk fixes and kills serve at
// most maxKills times, until every fix is pressed and finished.
func killDuringBulkFixes(t *testing.T, bin string, seed int64, maxKills, skus int) {
	sl := slacktest.NewTestServer(t, slacktest.Options{PingInterval: time.Second})
	oms := hotwaxtest.NewTestServer(t, hotwaxtest.Options{Scenario: hotwaxtest.ScenarioCatalog, CatalogSKUs: skus, Seed: seed,
		Latency: 5 * time.Millisecond, RunDelay: 300 * time.Millisecond,
		Faults: hotwaxtest.Faults{Endpoint: "scheduleService", Latency: 150 * time.Millisecond, AnswerLatency: 150 * time.Millisecond}})
	bot := newBotProcess(t, bin, sl, oms, "PREORDERBOT_WATCH_POLL=200ms", "PREORDERBOT_LOG_LEVEL=info")
	const channel, operator = "C0PREORDER", "U0ANA"

	bot.start()
	waitConnected(t, sl, 30*time.Second)
	_, err := sl.SlashCommand(operator, channel, "/preorder sweep")
	require.NoError(t, err)
	var card slacktest.Message
	waitWithin(t, "the digest with its bulk fixes", time.Minute, func() bool {
		for _, m := range botCards(sl, channel) {
			if strings.Contains(string(m.Blocks), "🧹 Pre-order sweep") && len(bulkFixLabels(t, m)) > 0 {
				card = m
				return true
			}
		}
		return false
	})
	before := jobIDs(oms.Jobs())

	pressed := map[string]bool{} // remedy labels of the fixes whose press the bot acknowledged
	var presses []string         // envelope ids of the presses, with their remedy labels
	labelOf := map[string]string{}
	kills := 0
	for ; kills < maxKills; kills++ {
		current, _ := sl.Message(channel, card.TS)
		labels := bulkFixLabels(t, current)
		underway := strings.Contains(string(current.Blocks), "⏳")
		if len(labels) == 0 && !underway {
			break // every fix pressed and finished
		}
		if len(labels) > 0 && (!underway || rand.IntN(2) == 0) {
			label := labels[rand.IntN(len(labels))]
			t.Logf("kill %d: press %q", kills, label)
			for range 1 + rand.IntN(2) {
				env, err := sl.ClickButton(operator, channel, card.TS, label)
				if errors.Is(err, slacktest.ErrNoSuchButton) {
					break // the bot redrew the digest without it since it was read: nothing pressed
				}
				require.NoError(t, err)
				presses = append(presses, env)
				labelOf[env] = remedyLabel(label)
			}
		}
		// Anywhere from the claim to the re-check of the fix's SKUs, or of an earlier fix's.
		time.Sleep(time.Duration(rand.IntN(1000)) * time.Millisecond)
		bot.kill()
		bot.start()
		waitConnected(t, sl, 30*time.Second)
	}

	// The last start finishes what the kills left: nothing under way, for a while.
	var calm time.Time
	waitWithin(t, "the digest to settle", 2*time.Minute, func() bool {
		m, _ := sl.Message(channel, card.TS)
		if strings.Contains(string(m.Blocks), "⏳") {
			calm = time.Time{}
			return false
		}
		if calm.IsZero() {
			calm = time.Now()
		}
		return time.Since(calm) > 2*time.Second
	})
	bot.stop()

	for _, a := range sl.Acks() {
		if l, ok := labelOf[a.EnvelopeID]; ok {
			pressed[l] = true
		}
	}
	final, _ := sl.Message(channel, card.TS)
	body := blocksText(t, final)
	thread := sl.Thread(channel, card.TS)
	offered := map[string]bool{}
	for _, l := range bulkFixLabels(t, final) {
		offered[remedyLabel(l)] = true
	}
	// A press journaled before a kill cut off its ack is done too, so the fixes re-checked are counted over
	// every fix the digest offered, acknowledged or not; each acknowledged one must end one way or the other.
	rechecked := 0
	for _, l := range bulkFixLabels(t, card) {
		if strings.Contains(body, remedyLabel(l)+": re-checked the ") {
			rechecked++
		}
	}
	for label := range pressed {
		switch {
		case strings.Contains(body, label+": re-checked the "):
		case offered[label]:
			assert.True(t, slices.ContainsFunc(thread, func(m slacktest.Message) bool {
				text := blocksText(t, m)
				return strings.Contains(text, label) && strings.Contains(text, "no sign of it")
			}), "%q was pressed and is offered again, without a word on why", label)
		default:
			t.Errorf("%q was pressed but the digest neither shows its re-check nor offers it again:\n%s", label, body)
		}
	}

	writes := effectWrites(oms.Jobs(), before)
	for effect, n := range writes {
		assert.Equal(t, 1, n, "OMS writes of %s", effect)
	}
	assert.Len(t, writes, rechecked, "one effect written per fix re-checked, none for a fix offered again")

	digests := 0
	for _, m := range botCards(sl, channel) {
		if strings.Contains(string(m.Blocks), "🧹 Pre-order sweep") {
			digests++
		}
	}
	assert.Equal(t, 1, digests, "one digest card")
	seen := map[string]int{}
	for _, m := range thread {
		if m.User == slacktest.BotUserID {
			seen[m.Text+string(m.Blocks)+fileNames(m)]++
		}
	}
	for post, n := range seen {
		assert.Equal(t, 1, n, "posted %d times in the digest's thread: %.300s", n, post)
	}

	t.Logf("%d kills: %d presses (%d fixes acknowledged), %d fixes re-checked, %d OMS writes, %d thread posts",
		kills, len(presses), len(pressed), rechecked, len(writes), len(thread))
	require.Positive(t, rechecked, "a fix got through the kills")
}

// bulkFixLabels are the labels of the bulk-fix buttons a digest offers ("… — 37 SKUs").
func bulkFixLabels(t *testing.T, m slacktest.Message) []string {
	t.Helper()
	var labels []string
	walkJSON(t, m.Blocks, func(o map[string]any) {
		id, _ := o["action_id"].(string)
		if o["type"] != "button" || !strings.HasPrefix(id, "digest.fix.") {
			return
		}
		if text, ok := o["text"].(map[string]any); ok {
			labels = append(labels, fmt.Sprint(text["text"]))
		}
	})
	return labels
}

// remedyLabel is a bulk fix's button label without its SKU count, as the digest's lines name the fix.
func remedyLabel(button string) string {
	label, _, _ := strings.Cut(button, " — ")
	return label
}

// blocksText is every text of a message's blocks, joined.
func blocksText(t *testing.T, m slacktest.Message) string {
	t.Helper()
	parts := []string{m.Text}
	walkJSON(t, m.Blocks, func(o map[string]any) {
		if s, ok := o["text"].(string); ok {
			parts = append(parts, s)
		}
	})
	return strings.Join(parts, "\n")
}

func walkJSON(t *testing.T, raw json.RawMessage, visit func(map[string]any)) {
	t.Helper()
	if len(raw) == 0 {
		return
	}
	var v any
	require.NoError(t, json.Unmarshal(raw, &v))
	var walk func(any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			visit(v)
			for _, x := range v {
				walk(x)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	walk(v)
}

func fileNames(m slacktest.Message) string {
	var names []string
	for _, f := range m.Files {
		names = append(names, f.Name)
	}
	return strings.Join(names, ",")
}

func jobIDs(jobs []hotwax.Job) map[string]bool {
	ids := map[string]bool{}
	for _, j := range jobs {
		ids[j.JobID] = true
	}
	return ids
}

// effectWrites counts the job rows the bot's writes made since before, by job and shop: a schedule or a
// run-now request each makes one row, and the runs of a recurring schedule (rows whose parent is a row
// made since) are not writes.
func effectWrites(jobs []hotwax.Job, before map[string]bool) map[string]int {
	made := map[string]bool{}
	for _, j := range jobs {
		if !before[j.JobID] {
			made[j.JobID] = true
		}
	}
	out := map[string]int{}
	for _, j := range jobs {
		if made[j.JobID] && !made[j.ParentJobID] {
			out[j.SystemJobEnumID+" "+j.Shop()]++
		}
	}
	return out
}
