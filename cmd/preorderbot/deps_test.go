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
	deps := binaryDeps(t)
	require.Contains(t, deps, "github.com/preorderbot/preorderbot/bot/slacktest", "the list should cover the simulators")
	for _, dep := range deps {
		if dep == "testing" || strings.HasPrefix(dep, "testing/") || strings.HasPrefix(dep, "github.com/stretchr/testify") {
			t.Errorf("the binary links %s", dep)
		}
	}
}

// TestBinaryLinksNoPrometheusClient keeps prometheus' client and what it pulls in out of the binary: their
// package initialisation cost every process, `check` included, about 1 ms of CPU at start.
func TestBinaryLinksNoPrometheusClient(t *testing.T) {
	t.Parallel()
	deps := binaryDeps(t)
	require.Contains(t, deps, "github.com/VictoriaMetrics/metrics", "the list should cover the metrics package")
	for _, dep := range deps {
		if strings.HasPrefix(dep, "github.com/prometheus/") || strings.HasPrefix(dep, "google.golang.org/protobuf") {
			t.Errorf("the binary links %s", dep)
		}
	}
}

// binaryDeps lists every package the binary links.
func binaryDeps(t *testing.T) []string {
	t.Helper()
	goTool, err := exec.LookPath("go")
	require.NoError(t, err, "the go command is needed to list the binary's dependencies")
	out, err := exec.Command(goTool, "list", "-deps", ".").CombinedOutput()
	require.NoError(t, err, "go list: %s", out)
	return strings.Fields(string(out))
}
