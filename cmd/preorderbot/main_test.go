package main

import (
	"bytes"
	"context"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func noEnv(string) string { return "" }

func TestEveryCommandHasHelp(t *testing.T) {
	for _, c := range commands() {
		t.Run(c.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), []string{c.name, "-h"}, noEnv, &stdout, &stderr)
			assert.Equal(t, 0, code)
			assert.Contains(t, stdout.String()+stderr.String(), "Usage: preorderbot "+c.name)
		})
	}
}

func TestUsageAndUnknownCommand(t *testing.T) {
	var stdout, stderr bytes.Buffer
	assert.Equal(t, 0, run(context.Background(), []string{"help"}, noEnv, &stdout, &stderr))
	for _, c := range commands() {
		assert.Contains(t, stdout.String(), c.name)
	}
	stdout.Reset()
	assert.Equal(t, 2, run(context.Background(), []string{"frobnicate"}, noEnv, &stdout, &stderr))
	assert.Contains(t, stderr.String(), `unknown command "frobnicate"`)
	assert.Equal(t, 2, run(context.Background(), nil, noEnv, &stdout, &stderr), "no command is a usage error")
}

func TestVersion(t *testing.T) {
	var stdout bytes.Buffer
	assert.Equal(t, 0, run(context.Background(), []string{"version"}, noEnv, &stdout, &bytes.Buffer{}))
	out := stdout.String()
	assert.True(t, strings.HasPrefix(out, "preorderbot "+version+" (commit "+commit+", "))
	assert.Contains(t, out, runtime.Version())
}

func TestServeHelpListsTheVariables(t *testing.T) {
	var stdout, stderr bytes.Buffer
	assert.Equal(t, 0, run(context.Background(), []string{"serve", "-h"}, noEnv, &stdout, &stderr))
	for _, v := range []string{"SLACK_APP_TOKEN", "HOTWAX_BASE_URL", "HOTWAX_TOKEN", "HOTWAX_PRODUCT_STORE_ID",
		"PREORDERBOT_SUPPORT_CHANNEL", "PREORDERBOT_DB_PATH"} {
		assert.Contains(t, stderr.String(), v)
	}
	assert.Regexp(t, `PREORDERBOT_WATCH_TIMEOUT\s+Duration\s+default 2h`, stderr.String())
}
