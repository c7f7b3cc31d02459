package blocks

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestValidateMessage proves the validator catches each limit, so TestLimits passing means something.
func TestTruncate(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		limit int
		want  string
	}{
		{"short", "abc", 10, "abc"},
		{"exact", "abcde", 5, "abcde"},
		{"cut with marker", strings.Repeat("a", 100), 40, strings.Repeat("a", 12) + "… (truncated, 88 more chars)"},
		{"runes not bytes", strings.Repeat("é", 50), 50, strings.Repeat("é", 50)},
		{"marker longer than limit", strings.Repeat("a", 100), 5, "aaaa…"},
		{"no broken escape", strings.Repeat("a", 9) + "&amp;" + strings.Repeat("b", 100), 40, strings.Repeat("a", 9) + "… (truncated, 105 more chars)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := truncate(tt.in, tt.limit)
			assert.Equal(t, tt.want, got)
			assert.LessOrEqual(t, len([]rune(got)), tt.limit)
		})
	}
}

func TestPackLines(t *testing.T) {
	lines := []string{strings.Repeat("a", 6), strings.Repeat("b", 6), strings.Repeat("c", 30)}
	got := packLines("T", lines, 15)
	assert.Equal(t, []string{"T\naaaaaa\nbbbbbb", strings.Repeat("c", 14) + "…"}, got)
}
