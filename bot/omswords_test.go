package bot_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The bot asks a remedy in domain words (Limit, Note, FullSync, Settings); the OMS parameter names stay
// in diagnostics, so a renamed OMS parameter never reaches the bot's code.
func TestBotReadsNoOMSParameterNames(t *testing.T) {
	omsWords := regexp.MustCompile(`Params\["(includeAll|limit|note)"\]|"includeAll"|"systemJobEnumId"`)
	for _, dir := range []string{".", "blocks"} {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		require.NoError(t, err)
		require.NotEmpty(t, files)
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			src, err := os.ReadFile(f)
			require.NoError(t, err)
			for _, m := range omsWords.FindAll(src, -1) {
				assert.Fail(t, "OMS parameter name in the bot", "%s: %s", f, m)
			}
		}
	}
}
