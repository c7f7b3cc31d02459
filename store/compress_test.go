package store

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	bolt "go.etcd.io/bbolt"
)

// Every compressed value in every store file needs this exact dictionary to be read.
func TestDictionaryIsFrozen(t *testing.T) {
	sum := sha256.Sum256(dictV1)
	assert.Equal(t, "52c066b9a6319793256c8bda82841ab14cde39038f8e2cdefc0c87d4d179191a", hex.EncodeToString(sum[:]))
}

// largeReport is a report-like JSON value of about 5 KB.
func largeReport(sku string) json.RawMessage {
	var checks []string
	for i := range 9 {
		checks = append(checks, `{"id":"check-`+string(rune('a'+i))+`","status":"pass","summary":"linked to every connected shop","evidence":[{"label":"Acme CA","value":"linked to variant 45012000000077 since 2026-11-03 08:27 UTC","shopId":"10001","at":"2026-11-03T08:27:03.815Z"},{"label":"Acme UK","value":"enabled, EVERY_15_MIN, next run 2026-12-03 08:32 UTC","shopId":"10002","jobId":"300029"}]}`)
	}
	return json.RawMessage(`[{"sku":"` + sku + `","productStoreId":"STORE","status":"pass","cause":"healthy","checks":[` +
		strings.Join(checks, ",") + `]}]`)
}

func TestLargeValuesAreStoredCompressed(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t, Options{})
	small, err := db.AppendAudit(ctx, AuditRecord{Actor: "U1", Action: "check"})
	require.NoError(t, err)
	report := largeReport("B")
	big, err := db.CreateConversation(ctx, Conversation{Kind: "check", SKUs: []string{"B"}, Channel: "C1",
		LastReport: report})
	require.NoError(t, err)

	raw := func(name, key []byte) []byte {
		var v []byte
		require.NoError(t, db.bolt.View(func(tx *bolt.Tx) error {
			v = append(v, tx.Bucket(name).Get(key)...)
			return nil
		}))
		return v
	}
	assert.Equal(t, byte('{'), raw(bucketAudit, auditKey(small))[0], "a small value stays plain JSON")
	packed := raw(bucketConversations, u64(big.ID))
	assert.True(t, bytes.HasPrefix(packed, zstdMagic), "a zstd frame")
	assert.Less(t, len(packed), len(report)/4, "a 5 KB report shrinks at least four times")

	got, err := db.Conversation(ctx, big.ID)
	require.NoError(t, err)
	assert.Equal(t, big, got)
	assert.JSONEq(t, string(report), string(got.LastReport))
}

func TestPlainAndBrokenCompressedValues(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t, Options{})
	plain, err := json.Marshal(Conversation{ID: 1, Kind: "check", LastReport: largeReport("A"), CreatedAt: t0,
		UpdatedAt: t0})
	require.NoError(t, err)
	require.NoError(t, db.bolt.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketConversations)
		require.NoError(t, b.Put(u64(1), plain)) // as schema v5 wrote it
		return b.Put(u64(2), append(bytes.Clone(zstdMagic), 0xff, 0x00, 0x13))
	}))

	got, err := db.Conversation(ctx, 1)
	require.NoError(t, err)
	assert.JSONEq(t, string(largeReport("A")), string(got.LastReport))

	_, err = db.Conversation(ctx, 2)
	var corrupt *CorruptError
	require.ErrorAs(t, err, &corrupt)
	assert.Equal(t, "conversations", corrupt.Bucket)
}

// A conversation updated in a transaction is compressed once, when the transaction ends, however often it
// was updated in it: until then it is stored plain, and reads in the transaction see the latest update.
func TestConversationIsCompressedOncePerTransaction(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t, Options{})
	c, err := db.CreateConversation(ctx, Conversation{Kind: "check", SKUs: []string{"B"}, Channel: "C1"})
	require.NoError(t, err)
	report := largeReport("B")
	require.NoError(t, db.Write(ctx, "test", func(w *Writes) error {
		if _, err := w.UpdateConversation(c.ID, func(c *Conversation) error { c.LastReport = report; return nil }); err != nil {
			return err
		}
		assert.Equal(t, byte('{'), w.tx.Bucket(bucketConversations).Get(u64(c.ID))[0], "plain within the transaction")
		again, err := w.UpdateConversation(c.ID, func(c *Conversation) error { c.CardVersion++; return nil })
		assert.JSONEq(t, string(report), string(again.LastReport), "the second update reads the first")
		return err
	}))
	require.NoError(t, db.bolt.View(func(tx *bolt.Tx) error {
		assert.True(t, bytes.HasPrefix(tx.Bucket(bucketConversations).Get(u64(c.ID)), zstdMagic), "compressed at the end")
		return nil
	}))
	got, err := db.Conversation(ctx, c.ID)
	require.NoError(t, err)
	assert.Equal(t, 1, got.CardVersion)
	assert.JSONEq(t, string(report), string(got.LastReport))
}
