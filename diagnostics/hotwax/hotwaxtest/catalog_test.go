package hotwaxtest

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCatalogIsDeterministicPerSeed(t *testing.T) {
	causes := func(seed int64) map[string]string {
		s := NewTestServer(t, Options{Scenario: ScenarioCatalog, Seed: seed, CatalogSKUs: 2000})
		return s.CatalogCauses()
	}
	a, b, c := causes(3), causes(3), causes(4)
	require.Len(t, a, 2000)
	assert.Equal(t, a, b)
	assert.NotEqual(t, a, c)
	count := map[string]int{}
	for _, cause := range a {
		count[cause]++
	}
	for _, m := range catalogMix {
		assert.Positive(t, count[m.cause], m.cause)
	}
}

func TestCatalogDefaults(t *testing.T) {
	s := NewTestServer(t, Options{Scenario: ScenarioCatalog})
	assert.Len(t, s.CatalogCauses(), DefaultCatalogSKUs)
	assert.Equal(t, ScenarioCatalog, s.Scenario())
}
