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

// Each store commit is an fsync. The commits a check and a click take (the click's fix included, up to the
// card watching its job) are pinned at today's figures so that they can only go down; the aim is two per
// check (start, result) and one per click.
const (
	maxCommitsPerCheck = 12
	maxCommitsPerClick = 19
)

// Not parallel: the watch's polls commit as time passes, so a loaded machine changes the count.
func TestCommitsPerCheckAndClick(t *testing.T) {
	e := newEnv(t, "associated-after-sync", func(_ *botOptions, o *hotwaxtest.Options) { o.RunDelay = time.Hour })
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
