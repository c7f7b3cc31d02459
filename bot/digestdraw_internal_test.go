package bot

import (
	"context"
	"encoding/json"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/preorderbot/preorderbot/bot/blocks"
	"github.com/preorderbot/preorderbot/bot/slacktest"
	"github.com/preorderbot/preorderbot/diagnostics"
	"github.com/preorderbot/preorderbot/store"
)

// A digest drawn while other goroutines record changes on it (a fix's answer, a re-check, an escalation)
// never writes an older copy over theirs, and what it clears of Redraw is only what it drew.
func TestDigestDrawNeverOverwritesAChange(t *testing.T) {
	t.Parallel()
	sl := slacktest.NewTestServer(t, slacktest.Options{})
	db, journal := openStores(t)
	b, err := New(Options{Store: db, Journal: journal, Checker: noChecks{}, BotToken: sl.BotToken(), APIURL: sl.APIURL()})
	require.NoError(t, err)
	ctx := context.Background()

	_, ts, err := b.api.PostMessage("C0PREORDER", slack.MsgOptionText("digest", false))
	require.NoError(t, err)
	js, err := json.Marshal(digest{Store: "STORE", SKUs: 10,
		ByCause:  map[diagnostics.Cause]int{diagnostics.CauseNeedsManualLink: 1},
		Problems: map[diagnostics.Cause][]string{diagnostics.CauseNeedsManualLink: {"HW-SOCK-S"}}})
	require.NoError(t, err)
	conv, err := db.CreateConversation(ctx, store.Conversation{Kind: kindDigest, ProductStoreID: "STORE", Channel: "C0PREORDER",
		CardTS: ts, Status: store.StatusDone, LastReport: js})
	require.NoError(t, err)

	const changes = 40
	var wg sync.WaitGroup
	for i := range changes {
		wg.Go(func() { b.redrawDigest(ctx, conv.ID, "") })
		wg.Go(func() {
			_, err := db.UpdateConversation(ctx, conv.ID, func(cv *store.Conversation) error {
				return changeDigest(cv, func(d *digest) {
					d.Escalated = append(d.Escalated, blocks.DigestEscalation{By: "U0ANA", At: time.Now(), SKUs: i, Cause: diagnostics.CauseNeedsManualLink})
				})
			})
			assert.NoError(t, err)
		})
	}
	wg.Wait()
	b.redrawDigest(ctx, conv.ID, "")

	got, err := db.Conversation(ctx, conv.ID)
	require.NoError(t, err)
	d, ok := loadDigest(got)
	require.True(t, ok)
	assert.Equal(t, changes, len(d.Escalated), "every change kept")
	assert.Zero(t, got.Redraw, "the last draw shows every change")
	m, _ := sl.Message("C0PREORDER", ts)
	assert.Contains(t, string(m.Blocks), "escalated the ", "Slack shows them")
}
