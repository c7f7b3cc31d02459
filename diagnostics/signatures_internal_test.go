package diagnostics

import (
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The built-in catalogue is parsed when first needed or prepared, not when a command starts: check would
// wait for it before its first request.
func TestTheBuiltInCatalogueIsParsedOnFirstUse(t *testing.T) {
	require.NotNil(t, DefaultSignatures().parsed, "the default catalogue parses lazily")

	var parses atomic.Int32
	done := make(chan struct{})
	c := &Signatures{parsed: sync.OnceValue(func() []Signature {
		defer close(done)
		parses.Add(1)
		list, err := ParseSignatures("signatures.json", builtinSignatures)
		require.NoError(t, err)
		return list
	})}
	assert.Zero(t, parses.Load(), "nothing parsed yet")
	c.Prepare()
	<-done
	got, ok := c.Match(DefaultSignatures().All()[0].Samples[0])
	assert.True(t, ok)
	assert.Equal(t, DefaultSignatures().All()[0].ID, got.ID)
	assert.Equal(t, int32(1), parses.Load(), "parsed once")
}
