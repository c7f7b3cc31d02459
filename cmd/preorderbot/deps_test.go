package main

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestBinaryLinksNoTestCode keeps package testing and the test libraries out of the binary: the
// simulators the demo uses are linked into it, and their test helpers must not drag testing along.
func TestBinaryLinksNoTestCode(t *testing.T) {
	t.Parallel()
	goTool, err := exec.LookPath("go")
	require.NoError(t, err, "the go command is needed to list the binary's dependencies")
	out, err := exec.Command(goTool, "list", "-deps", ".").CombinedOutput()
	require.NoError(t, err, "go list: %s", out)
	deps := strings.Fields(string(out))
	require.Contains(t, deps, "github.com/preorderbot/preorderbot/bot/slacktest", "the list should cover the simulators")
	for _, dep := range deps {
		if dep == "testing" || strings.HasPrefix(dep, "testing/") || strings.HasPrefix(dep, "github.com/stretchr/testify") {
			t.Errorf("the binary links %s", dep)
		}
	}
}
