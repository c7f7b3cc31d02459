package bot

import (
	"errors"
	"strings"
	"testing"

	"github.com/preorderbot/preorderbot/bot/blocks"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseCommand(t *testing.T) {
	t.Parallel()
	cases := []struct {
		text    string
		want    Command
		problem string // empty: valid
	}{
		{"", Command{Name: "help"}, ""},
		{"help", Command{Name: "help"}, ""},
		{"check HW-1", Command{Name: "check", SKUs: []string{"HW-1"}}, ""},
		{"CHECK HW-1, HW-2 HW-1", Command{Name: "check", SKUs: []string{"HW-1", "HW-2"}}, ""},
		{"check HW-1 store:EU_STORE", Command{Name: "check", SKUs: []string{"HW-1"}, StoreID: "EU_STORE"}, ""},
		{"check store:EU HW-1 Store:EU", Command{Name: "check", SKUs: []string{"HW-1"}, StoreID: "EU"}, ""},
		{"jobs store:EU", Command{Name: "jobs", StoreID: "EU"}, ""},
		{"jobs", Command{Name: "jobs"}, ""},
		{"history HW-1", Command{Name: "history", SKUs: []string{"HW-1"}}, ""},
		{`check "HW-SOCK-S"`, Command{Name: "check", SKUs: []string{"HW-SOCK-S"}}, ""},
		{"check “HW-GLOVE-L”, ‘HW-BOOT-42’ 'hw-boot-42' `HW-TEE-WHT`", Command{Name: "check", SKUs: []string{"HW-GLOVE-L", "HW-BOOT-42", "hw-boot-42", "HW-TEE-WHT"}}, ""},
		{"history “HW-SOCK-S”", Command{Name: "history", SKUs: []string{"HW-SOCK-S"}}, ""},
		{`check ""`, Command{}, "Which SKU?"},
		{"check", Command{}, "Which SKU?"},
		{"check store:EU", Command{}, "Which SKU?"},
		{"check HW-1 store:", Command{}, "is not a product store"},
		{"check HW-1 store:a/b", Command{}, "is not a product store"},
		{"check HW-1 store:A store:B", Command{}, "one store:"},
		{"history", Command{}, "exactly one SKU"},
		{"history A B", Command{}, "exactly one SKU"},
		{"jobs HW-1", Command{}, "takes no SKU"},
		{"frobnicate HW-1", Command{}, `I don't know "frobnicate"`},
		{"check " + strings.Repeat("X ", 1) + skus(51), Command{}, "at most 50"},
	}
	for _, tc := range cases {
		t.Run(tc.text[:min(len(tc.text), 30)], func(t *testing.T) {
			got, err := ParseCommand(tc.text)
			if tc.problem == "" {
				require.NoError(t, err)
				assert.Equal(t, tc.want, got)
				return
			}
			var ue *UsageError
			require.True(t, errors.As(err, &ue), "a usage error, got %v", err)
			assert.Contains(t, blocks.Usage(ue.Misuse), tc.problem)
			assert.True(t, strings.HasPrefix(ue.Usage, "/preorder "), "shows the right form")
		})
	}
}

func skus(n int) string {
	var sb strings.Builder
	for i := range n {
		sb.WriteString("SKU-")
		sb.WriteString(strings.Repeat("9", i+1))
		sb.WriteByte(' ')
	}
	return sb.String()
}

func TestStripMention(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "check HW-1", stripMention("<@U0PREBOT> check HW-1"))
	assert.Equal(t, "check HW-1", stripMention("  <@U0PREBOT|preorderbot>   check HW-1"))
	assert.Equal(t, "check <@U0OTHER>", stripMention("<@U0PREBOT> check <@U0OTHER>"))
}
