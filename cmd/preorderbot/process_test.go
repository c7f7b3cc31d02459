package main

import (
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/preorderbot/preorderbot/bot/slacktest"
	"github.com/preorderbot/preorderbot/diagnostics/hotwax/hotwaxtest"
)

// buildBinary builds this command into dir: the tests below run the real binary, as an operator would, built
// as the Dockerfile builds it (static, without symbol tables), which also starts faster than a cgo build: no
// dynamic loader, fewer pages to map.
func buildBinary(tb testing.TB) string {
	tb.Helper()
	bin := filepath.Join(tb.TempDir(), "preorderbot")
	cmd := exec.Command("go", "build", "-trimpath", "-ldflags", "-s -w", "-o", bin, ".")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	out, err := cmd.CombinedOutput()
	require.NoError(tb, err, "go build: %s", out)
	return bin
}

// botProcess is `preorderbot serve` running in its own process against a simulated Slack and OMS that
// live in the test process, so they outlive every kill.
type botProcess struct {
	tb  testing.TB
	bin string
	env []string
	log *os.File // both output streams, appended across restarts

	mu  sync.Mutex
	cmd *exec.Cmd
}

func newBotProcess(tb testing.TB, bin string, sl *slacktest.Server, oms *hotwaxtest.Server, extra ...string) *botProcess {
	tb.Helper()
	dir := tb.TempDir()
	log, err := os.Create(filepath.Join(dir, "serve.log"))
	require.NoError(tb, err)
	tb.Cleanup(func() { _ = log.Close() })
	// Registered after the close, so it runs before it: whatever failed the test, even a FailNow, serve's
	// own account of it is in the output.
	tb.Cleanup(func() {
		if tb.Failed() {
			logs, _ := os.ReadFile(log.Name())
			tb.Logf("serve's log (last 8 KB):\n%s", tail(logs, 8<<10))
			if keep := os.Getenv("PREORDERBOT_TEST_LOGS"); keep != "" { // the whole log, for a failure hard to reproduce
				name := filepath.Join(keep, strings.NewReplacer("/", "_", " ", "_").Replace(tb.Name())+".log")
				if err := os.WriteFile(name, logs, 0o644); err == nil {
					tb.Logf("serve's whole log: %s", name)
				}
			}
		}
	})
	env := append([]string{
		"PATH=" + os.Getenv("PATH"), "HOME=" + dir,
		"SLACK_APP_TOKEN=" + sl.AppToken(), "SLACK_BOT_TOKEN=" + sl.BotToken(), "SLACK_API_URL=" + sl.APIURL(),
		"HOTWAX_BASE_URL=" + oms.URL(), "HOTWAX_TOKEN=" + oms.Token(), "HOTWAX_PRODUCT_STORE_ID=STORE",
		"PREORDERBOT_DB_PATH=" + filepath.Join(dir, "bot.db"), "PREORDERBOT_HTTP_ADDR=" + loopbackAddr(tb),
		"PREORDERBOT_ADMIN_ADDR=" + loopbackAddr(tb), "PREORDERBOT_LOG_LEVEL=warn", "PREORDERBOT_OPERATORS=U0ANA",
	}, extra...)
	p := &botProcess{tb: tb, bin: bin, env: env, log: log}
	tb.Cleanup(p.kill)
	return p
}

func (p *botProcess) start() {
	p.tb.Helper()
	cmd := exec.Command(p.bin, "serve")
	cmd.Env, cmd.Stdout, cmd.Stderr = p.env, p.log, p.log
	require.NoError(p.tb, cmd.Start())
	p.mu.Lock()
	p.cmd = cmd
	p.mu.Unlock()
}

// kill sends SIGKILL: no drain, no deferred close, exactly what a crash or an OOM kill leaves.
func (p *botProcess) kill() {
	p.mu.Lock()
	cmd := p.cmd
	p.cmd = nil
	p.mu.Unlock()
	if cmd == nil {
		return
	}
	_ = cmd.Process.Signal(syscall.SIGKILL)
	_ = cmd.Wait()
}

// stop sends SIGTERM and waits for the drain.
func (p *botProcess) stop() {
	p.tb.Helper()
	p.mu.Lock()
	cmd := p.cmd
	p.cmd = nil
	p.mu.Unlock()
	if cmd == nil {
		return
	}
	_ = cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(45 * time.Second):
		_ = cmd.Process.Kill()
		<-done
		p.tb.Error("serve did not stop within 45 s of SIGTERM")
	}
}

// loopbackAddr is a free 127.0.0.1 port.
func loopbackAddr(tb testing.TB) string {
	tb.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(tb, err)
	defer l.Close()
	return l.Addr().String()
}

// waitConnected waits for the process's Socket Mode connection.
func waitConnected(tb testing.TB, sl *slacktest.Server, d time.Duration) {
	tb.Helper()
	deadline := time.Now().Add(d)
	for sl.LiveConnections() == 0 {
		if time.Now().After(deadline) {
			tb.Fatalf("serve did not connect within %s", d)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
