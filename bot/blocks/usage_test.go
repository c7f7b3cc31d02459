package blocks

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestUsageWordsEveryMisuseWithItsFacts(t *testing.T) {
	t.Parallel()
	fallback := Usage(Misuse{Kind: -1})
	seen := map[string]MisuseKind{}
	for k := BadStoreID; k <= UnknownCommand; k++ {
		text := Usage(Misuse{Kind: k, Word: "store:a/b", Count: 51, Limit: 50})
		assert.NotEqual(t, fallback, text, "kind %d has its own sentence", k)
		if other, dup := seen[text]; dup {
			t.Errorf("kinds %d and %d share %q", other, k, text)
		}
		seen[text] = k
	}
	assert.Equal(t, "That is 51 SKUs; one check takes at most 50. Split the list.", Usage(Misuse{Kind: TooManySKUs, Count: 51, Limit: 50}))
	assert.Equal(t, `I don't know "frobnicate". Try check, jobs, history, sweep, doctor or help.`, Usage(Misuse{Kind: UnknownCommand, Word: "frobnicate"}))
}
