package bot_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/preorderbot/preorderbot/diagnostics/hotwax/hotwaxtest"
)

// settledCommits waits until the store has committed nothing for a while and returns its count.
func (e *env) settledCommits() uint64 {
	e.t.Helper()
	n := e.db.Commits()
	for quiet := 0; quiet < 30; quiet++ {
		time.Sleep(10 * time.Millisecond)
		if m := e.db.Commits(); m != n {
			n, quiet = m, 0
		}
	}
	return n
}

// Each store commit is an fsync. The commits a check and a click take are pinned so that they can only go
// down. Each envelope costs three of its own (journaled with the others arriving with it, its id recorded,
// its journal entry removed). A check then commits its conversation, its card's ts, its result with the
// card's buttons (report, snapshots, audit and actions in one transaction) and, once Slack shows the final
// card, that it is done. A click that runs a fix commits its claim (button, effect, audit and the fix under
// way on the conversation), the card redrawn without the fix's button, and the write's result with the card
// watching its job (effect, button, audit, watch and conversation). The watch's polls, one commit each, are
// the job's, not the click's: the test polls once an hour.
const (
	maxCommitsPerCheck = 3 + 4
	maxCommitsPerClick = 3 + 3
)

// Not parallel: settling waits for a quiet store, which a loaded machine makes slower.
func TestCommitsPerCheckAndClick(t *testing.T) {
	e := newEnv(t, "associated-after-sync", func(b *botOptions, o *hotwaxtest.Options) {
		o.RunDelay, b.WatchPoll = time.Hour, time.Hour
	})
	start := e.settledCommits()
	card, _ := e.check("HW-SCARF-GRN")
	checked := e.settledCommits()
	e.click(operator, card, "Run full catalog sync for Acme CA")
	e.waitFor("the card to say it is watching", func() bool { return strings.Contains(string(e.current(card).Blocks), "watching job") })
	clicked := e.settledCommits()
	t.Logf("commits: check %d, click %d", checked-start, clicked-checked)
	assert.LessOrEqual(t, checked-start, uint64(maxCommitsPerCheck), "commits per check")
	assert.LessOrEqual(t, clicked-checked, uint64(maxCommitsPerClick), "commits per click")
}
