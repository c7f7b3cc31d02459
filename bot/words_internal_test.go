package bot

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestStillUnderWayCounts(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "⏳ Not fixed yet: 1 more fix on this card is still under way; I re-check when it ends.", stillUnderWay(1))
	assert.Equal(t, "⏳ Not fixed yet: 2 more fixes on this card are still under way; I re-check when each ends.", stillUnderWay(2))
}
