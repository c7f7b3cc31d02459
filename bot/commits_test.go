package bot_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/preorderbot/preorderbot/diagnostics/hotwax/hotwaxtest"
)

// Each store commit is two fdatasyncs (bbolt's pages, then its meta page), each journal group commit one.
// The commits a check and a click take are pinned, in both files as serve has them, so that they can only
// go down.
//
// The store: a check commits its conversation when it starts (the card's client message id derives from
// it, so a restart finds a card whose ts was never saved) and its result (report, snapshots, audit, the
// card's buttons and ts, and done) before the final card edit; a restart draws again the card of a check
// whose request is still in the journal. A click that runs a fix commits its claim (button, effect,
// audit, the fix under way and the card redrawn without its button) in one transaction; the write's
// result with the card watching its job is the job's commit, like the watch's polls (the test polls once
// an hour).
//
// The journal (its log's group commits): an envelope costs one commit, shared with the envelopes arriving together, which also
// removes the requests handled since the one before; when none follows within a second, a sweep removes
// them, in one commit for all.
const (
	maxStoreCommitsPerCheck      = 2
	maxStoreCommitsPerClick      = 1
	storeCommitsPerJob           = 1 // the write's result and the watch, the job's and not the click's
	maxJournalCommitsPerEnvelope = 1 + 1
)

// Not parallel: settling waits for a quiet store, which a loaded machine makes slower.
func TestCommitsPerCheckAndClick(t *testing.T) {
	e := newEnv(t, "associated-after-sync", func(b *botOptions, o *hotwaxtest.Options) {
		o.RunDelay, b.WatchPoll = time.Hour, time.Hour
	})
	journal := e.journal
	// settled waits until the journal is empty and neither file has committed for a while.
	settled := func() (db, jn uint64) {
		e.waitFor("the journal emptied", func() bool {
			p, err := journal.PendingRequests(context.Background())
			return err == nil && len(p) == 0
		})
		db, jn = e.db.Commits(), journal.Commits()
		for quiet := 0; quiet < 30; quiet++ {
			time.Sleep(10 * time.Millisecond)
			if m, n := e.db.Commits(), journal.Commits(); m != db || n != jn {
				db, jn, quiet = m, n, 0
			}
		}
		return db, jn
	}
	db0, jn0 := settled()
	card, _ := e.check("HW-SCARF-GRN")
	db1, jn1 := settled()
	e.click(operator, card, "Run full catalog sync for Acme CA")
	e.waitFor("the card to say it is watching", func() bool { return strings.Contains(string(e.current(card).Blocks), "watching job") })
	db2, jn2 := settled()
	t.Logf("store commits: check %d, click %d (job's included); journal commits: check %d, click %d",
		db1-db0, db2-db1, jn1-jn0, jn2-jn1)
	assert.LessOrEqual(t, db1-db0, uint64(maxStoreCommitsPerCheck), "store commits per check")
	assert.LessOrEqual(t, db2-db1, uint64(maxStoreCommitsPerClick+storeCommitsPerJob), "store commits per click, the job's result included")
	assert.LessOrEqual(t, jn1-jn0, uint64(maxJournalCommitsPerEnvelope), "journal commits per envelope")
	assert.LessOrEqual(t, jn2-jn1, uint64(maxJournalCommitsPerEnvelope), "journal commits per envelope")
}
