package hotwax_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/preorderbot/preorderbot/diagnostics/hotwax/hotwaxtest"
)

func TestSimilarSKUs(t *testing.T) {
	srv := hotwaxtest.NewTestServer(t, hotwaxtest.Options{Scenario: hotwaxtest.ScenarioHealthy})
	c := newSimClient(t, srv)
	ctx := context.Background()
	tests := []struct {
		typed string
		want  []string
	}{
		{"hw-jacket-m", []string{"HW-JACKET-M", "HW-JACKET-L"}},  // the wrong case: the upper-case try and the stem
		{"HW-JAKCET-M", []string{"HW-JACKET-M", "HW-JACKET-L"}},  // a transposition counts once
		{"HW-JACKET-XL", []string{"HW-JACKET-L", "HW-JACKET-M"}}, // the stem
		{`HW/JACKET "M" (x)`, nil},                               // Lucene's special characters are escaped, not a 400
		{"ZZZZZZZZ", nil},
	}
	for _, tt := range tests {
		t.Run(tt.typed, func(t *testing.T) {
			got, err := c.SimilarSKUs(ctx, "STORE", tt.typed, 5)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}
