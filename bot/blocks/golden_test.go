package blocks

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden.json with the current output")

// assertGolden compares v, marshalled with indentation, with testdata/<test name>.golden.json; with
// -update it rewrites the file instead. Review changed files in Block Kit Builder before committing.
func assertGolden(t *testing.T, v any) {
	t.Helper()
	got, err := json.MarshalIndent(v, "", "  ")
	require.NoError(t, err)
	got = append(got, '\n')
	path := filepath.Join("testdata", filepath.FromSlash(goldenName(t.Name()))+".golden.json")
	if *update {
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, got, 0o644))
		return
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "missing golden file: run go test ./bot/blocks -update")
	assert.Equal(t, string(want), string(got))
}

// goldenName keeps subtest names as file names: Test/sub → Test/sub, with no characters a file system dislikes.
func goldenName(name string) string {
	out := []rune(name)
	for i, r := range out {
		if r == ' ' || r == ':' || r == '\\' {
			out[i] = '_'
		}
	}
	return string(out)
}
