package bot_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/preorderbot/preorderbot/store"
)

// A handled request leaves the journal only with a later commit. A crash before then leaves a check's
// request in the journal though its card is final: the next start draws that card again, from its stored
// result, and neither runs the check again nor posts a second card.
func TestHandledCheckLeftInTheJournalIsNotRunAgain(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "healthy")
	card, _ := e.check("HW-JACKET-M")
	e.shutdown()
	ctx := context.Background()
	conv, err := e.db.ConversationByCard(ctx, opsChannel, card.TS)
	require.NoError(t, err)
	require.NotEmpty(t, conv.Request)
	require.Equal(t, store.StatusDone, conv.Status)

	// The journal as a crash before the removal's commit leaves it (the env's journal has the
	// envelope id already, so a journal of its own is used).
	journal, err := store.OpenJournal(filepath.Join(t.TempDir(), "preorderbot.db.journal"), store.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { assert.NoError(t, journal.Close()) })
	payload := `{"Kind":1,"EnvelopeID":"` + conv.Request + `","DedupeKey":"` + conv.Request + `","Received":"` +
		time.Now().UTC().Format(time.RFC3339Nano) + `","User":"` + viewer + `","Channel":"` + opsChannel + `","Text":"check HW-JACKET-M"}`
	fresh, err := journal.JournalRequests(ctx, []store.JournaledRequest{{ID: conv.Request, At: time.Now(), Payload: []byte(payload)}}, nil)
	require.NoError(t, err)
	require.True(t, fresh[conv.Request])
	edits := card.Edits

	e.opts.Journal = journal
	e.start()
	e.waitFor("the card drawn again", func() bool {
		m, ok := e.slack.Message(opsChannel, card.TS)
		return ok && m.Edits > edits
	})
	e.waitFor("the journal emptied", func() bool {
		p, err := journal.PendingRequests(ctx)
		return err == nil && len(p) == 0
	})
	assert.Len(t, botPosts(e.slack, opsChannel), 1, "no second card")
	again := e.card(opsChannel, nil)
	assert.Equal(t, card.TS, again.TS)
	assert.Equal(t, card.Text, again.Text, "the same final card")
	audit, err := e.db.AuditBySKU(ctx, "HW-JACKET-M")
	require.NoError(t, err)
	checks := 0
	for _, a := range audit {
		if a.Action == "check" {
			checks++
		}
	}
	assert.Equal(t, 1, checks, "the check ran once")
}
