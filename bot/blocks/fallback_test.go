package blocks

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestFallbackTextIsInert(t *testing.T) {
	for in, want := range map[string]string{
		"<!channel>: not found":                       "@channel: not found",
		"HW-1 &lt;!here&gt; A&amp;B":                  "HW-1 &lt;!here&gt; A&amp;B", // escaped stays as it is
		"raw <@U123> <!subteam^S1> A&B x<y":           "raw @U123 @S1 A&amp;B x&lt;y",
		"y>z":                                         "y&gt;z",
		"<https://evil.example|HotWax login> now":     "HotWax login now",
		"<@U0ANA> at <!date^1700000000^{time}|10:15>": "@U0ANA at 10:15",
		"&amp;lt;!channel&amp;gt;":                    "&amp;lt;!channel&amp;gt;", // the text "&lt;!channel&gt;" as typed
		"<<!channel>>":                                "&lt;@channel&gt;",
	} {
		assert.Equal(t, want, fallbackText(in), in)
	}
}
