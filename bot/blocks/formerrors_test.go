package blocks

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestFormErrorWordsEveryProblemWithItsFacts(t *testing.T) {
	t.Parallel()
	fallback := FormError(FormProblem{Kind: -1})
	seen := map[string]FormProblemKind{}
	for k := FormNotOurs; k <= NoteTooLong; k++ {
		text := FormError(FormProblem{Kind: k, Detail: "limit must be a number", Count: 2001, Limit: 2000})
		assert.NotEqual(t, fallback, text, "kind %d has its own sentence", k)
		if other, dup := seen[text]; dup {
			t.Errorf("kinds %d and %d share %q", other, k, text)
		}
		seen[text] = k
	}
	at := time.Date(2026, 3, 1, 9, 5, 0, 0, time.FixedZone("CET", 3600))
	assert.Equal(t, "User U2 already did this at 08:05 UTC; close the form and press Re-check.",
		FormError(FormProblem{Kind: FormButtonUsed, Pressed: Pressed{By: "U2", At: at, Viewer: "U1"}}), "plain text: no mention")
	assert.Equal(t, "You already did this at 08:05 UTC; close the form and press Re-check.",
		FormError(FormProblem{Kind: FormButtonUsed, Pressed: Pressed{By: "U1", At: at, Viewer: "U1"}}))
	assert.Equal(t, "Limit must be a number.", FormError(FormProblem{Kind: InvalidInput, Detail: "limit must be a number"}))
	assert.Equal(t, "Keep the note under 2000 characters (it has 2001).", FormError(FormProblem{Kind: NoteTooLong, Count: 2001, Limit: 2000}))
}
