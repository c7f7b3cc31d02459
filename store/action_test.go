package store

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	bolt "go.etcd.io/bbolt"
)

func TestNewActionID(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		id := NewActionID()
		assert.Regexp(t, `^1[0-9a-v]{34}$`, id)
		assert.False(t, seen[id], "duplicate id %s", id)
		seen[id] = true
	}
	// Ids sort by the second they were made in, whatever their random part, and tell which it was.
	prev := ""
	for i := range 100 {
		at := t0.Add(time.Duration(i) * 1500 * time.Millisecond)
		id := newActionID(at)
		assert.Greater(t, id, prev)
		prev = id
		got, ok := idTime([]byte(id))
		require.True(t, ok, id)
		assert.Equal(t, at.Truncate(time.Second), got)
	}
	for _, id := range []string{"qeupnnvosbr2ochfoezbwyvttm", "fixed-id", "1abc", "1" + strings.Repeat("w", 34), ""} {
		_, ok := idTime([]byte(id))
		assert.False(t, ok, "%q is no time-keyed id", id)
	}
}

func TestCreateActions(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t, Options{})
	in := []Action{
		{ID: "fixed-id", Kind: "run-job", Params: map[string]string{"jobId": "J1"}, ConversationID: 1,
			CreatedBy: "U1", CreatedAt: t0, ExpiresAt: t0.Add(time.Hour)},
		{Kind: "recheck", ConversationID: 1, CreatedBy: "U1"},
	}
	out, err := db.CreateActions(ctx, in...)
	require.NoError(t, err)
	require.Len(t, out, 2)
	assert.Equal(t, in[0], out[0])
	created, ok := idTime([]byte(out[1].ID))
	assert.True(t, ok && created.Equal(t0), "generated id %s keyed by its CreatedAt", out[1].ID)
	assert.Equal(t, t0, out[1].CreatedAt, "store clock")
	for _, a := range out {
		got, err := db.Action(ctx, a.ID)
		require.NoError(t, err)
		assert.Equal(t, a, got)
	}

	// One duplicate id fails the whole call and stores nothing.
	_, err = db.CreateActions(ctx, Action{ID: "new-id", Kind: "recheck"}, Action{ID: "fixed-id", Kind: "x"})
	require.ErrorIs(t, err, ErrExists)
	_, err = db.Action(ctx, "new-id")
	require.ErrorIs(t, err, ErrNotFound)
	got, err := db.Action(ctx, "fixed-id")
	require.NoError(t, err)
	assert.Equal(t, in[0], got)
}

func TestClaimActionOnRefusals(t *testing.T) {
	usedAt := t0.Add(time.Minute)
	tests := []struct {
		name    string
		action  Action
		now     time.Time
		wantErr error
		used    *UsedError
	}{
		{name: "fresh", action: Action{ID: "a", ExpiresAt: t0.Add(time.Hour)}, now: t0},
		{name: "no expiry", action: Action{ID: "a"}, now: t0.Add(1000 * time.Hour)},
		{name: "unknown", action: Action{ID: "other"}, now: t0, wantErr: ErrNotFound},
		{name: "expired", action: Action{ID: "a", ExpiresAt: t0}, now: t0, wantErr: ErrActionExpired},
		{
			name: "used", action: Action{ID: "a", UsedBy: "U9", UsedAt: usedAt}, now: t0.Add(time.Hour),
			wantErr: ErrActionUsed, used: &UsedError{ActionID: "a", By: "U9", At: usedAt},
		},
		{
			name: "used and expired says who used it", action: Action{ID: "a", ExpiresAt: t0, UsedBy: "U9",
				UsedAt: usedAt}, now: t0.Add(time.Hour),
			wantErr: ErrActionUsed, used: &UsedError{ActionID: "a", By: "U9", At: usedAt},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			db := mustOpen(t, Options{})
			conv, err := db.CreateConversation(ctx, Conversation{Kind: "check", Channel: "C1", CardTS: "1.1"})
			require.NoError(t, err)
			tt.action.Kind, tt.action.CreatedAt, tt.action.ConversationID = "run-job", t0, conv.ID
			_, err = db.CreateActions(ctx, tt.action)
			require.NoError(t, err)

			audit := &AuditRecord{Actor: "U1", Action: "claim:run-job", ConversationID: conv.ID, SKU: "SKU-1"}
			got, _, err := db.ClaimActionOn(ctx, "a", "U1", tt.now, audit, keepConversation)

			trail := auditOfConversation(t, db, conv.ID)
			stored, serr := db.Action(ctx, tt.action.ID)
			require.NoError(t, serr)
			if tt.wantErr != nil {
				require.ErrorIs(t, err, tt.wantErr)
				assert.Empty(t, trail, "a refused claim writes no audit")
				assert.Equal(t, tt.action, stored, "a refused claim changes nothing")
				if tt.used != nil {
					var used *UsedError
					require.ErrorAs(t, err, &used)
					assert.Equal(t, tt.used, used)
				}
				return
			}
			require.NoError(t, err)
			want := tt.action
			want.UsedBy, want.UsedAt = "U1", tt.now
			assert.Equal(t, want, got)
			assert.Equal(t, want, stored)
			assert.Equal(t, []AuditRecord{{Seq: 1, At: tt.now, Actor: "U1", Action: "claim:run-job",
				ConversationID: conv.ID, SKU: "SKU-1"}}, trail)
		})
	}
}

func TestClaimActionOnConcurrentExactlyOneWins(t *testing.T) {
	// Batch is on so that claims would be coalesced if ClaimActionOn ever used it.
	for _, batch := range []bool{false, true} {
		t.Run(map[bool]string{false: "update", true: "batch"}[batch], func(t *testing.T) {
			ctx := context.Background()
			db := mustOpen(t, Options{Batch: batch, MaxBatchDelay: time.Millisecond})
			conv, err := db.CreateConversation(ctx, Conversation{Kind: "check", Channel: "C1", CardTS: "1.1"})
			require.NoError(t, err)
			_, err = db.CreateActions(ctx, Action{ID: "a", Kind: "run-job", ConversationID: conv.ID,
				ExpiresAt: t0.Add(time.Hour)})
			require.NoError(t, err)

			const n = 100
			var (
				wg      sync.WaitGroup
				mu      sync.Mutex
				winners []string
				losers  []*UsedError
			)
			for i := range n {
				wg.Add(1)
				go func() {
					defer wg.Done()
					user := "U" + string(rune('A'+i%26)) + string(rune('a'+i/26))
					_, _, err := db.ClaimActionOn(ctx, "a", user, t0, &AuditRecord{Actor: user, Action: "claim"},
						keepConversation)
					mu.Lock()
					defer mu.Unlock()
					var used *UsedError
					switch {
					case err == nil:
						winners = append(winners, user)
					case errors.As(err, &used):
						losers = append(losers, used)
					default:
						assert.NoError(t, err)
					}
				}()
			}
			wg.Wait()

			require.Len(t, winners, 1)
			assert.Len(t, losers, n-1)
			for _, l := range losers {
				assert.Equal(t, &UsedError{ActionID: "a", By: winners[0], At: t0}, l)
			}
			a, err := db.Action(ctx, "a")
			require.NoError(t, err)
			assert.Equal(t, winners[0], a.UsedBy)
			assertAuditCount(t, db, 1)
		})
	}
}

func TestSetActionResult(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t, Options{})
	_, err := db.CreateActions(ctx, Action{ID: "a", Kind: "run-job", ConversationID: 3})
	require.NoError(t, err)
	require.NoError(t, db.SetActionResult(ctx, "a", "ok: job J1 scheduled",
		&AuditRecord{Actor: "U1", Action: "run-job", ConversationID: 3, Outcome: "ok"}))

	a, err := db.Action(ctx, "a")
	require.NoError(t, err)
	assert.Equal(t, "ok: job J1 scheduled", a.Result)
	trail := auditOfConversation(t, db, 3)
	assert.Equal(t, []AuditRecord{{Seq: 1, At: t0, Actor: "U1", Action: "run-job", ConversationID: 3,
		Outcome: "ok"}}, trail)

	require.ErrorIs(t, db.SetActionResult(ctx, "missing", "x", nil), ErrNotFound)
}

// assertAuditCount counts every record in the audit bucket.
func assertAuditCount(t *testing.T, db *DB, want int) {
	t.Helper()
	n := 0
	err := db.bolt.View(func(tx *bolt.Tx) error {
		n = tx.Bucket(bucketAudit).Stats().KeyN
		return nil
	})
	require.NoError(t, err)
	assert.Equal(t, want, n)
}
