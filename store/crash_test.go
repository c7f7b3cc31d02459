package store

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// crashChildEnv tells a re-executed test binary to act as the writer that gets killed.
const crashChildEnv = "PREORDERBOT_STORE_CRASH_CHILD"

// TestCrashChild is the child half of TestCrashSafety: it writes conversations, actions and audit
// records in a loop and prints each id once its transaction has committed.
func TestCrashChild(t *testing.T) {
	path := os.Getenv(crashChildEnv)
	if path == "" {
		t.Skip("only runs as the child of TestCrashSafety")
	}
	ctx := context.Background()
	db, err := Open(path, Options{})
	require.NoError(t, err)
	for i := 0; ; i++ {
		c, err := db.CreateConversation(ctx, Conversation{Kind: "check", SKUs: []string{"SKU-" + strconv.Itoa(i)},
			Channel: "C1", CardTS: fmt.Sprintf("%d.%d", os.Getpid(), i), Status: StatusChecking})
		require.NoError(t, err)
		fmt.Printf("conversation %d %s\n", c.ID, c.CardTS)
		acts, err := db.CreateActions(ctx, Action{Kind: "run-job", ConversationID: c.ID})
		require.NoError(t, err)
		fmt.Printf("action %s %d\n", acts[0].ID, c.ID)
		_, _, err = db.ClaimActionOn(ctx, acts[0].ID, "U1", t0, &AuditRecord{Actor: "U1", Action: "claim",
			ConversationID: c.ID, Detail: acts[0].ID}, keepConversation)
		require.NoError(t, err)
		fmt.Printf("claim %s %d\n", acts[0].ID, c.ID)
	}
}

// TestCrashSafety kills a writing child process with SIGKILL at random moments, then checks that the file
// is consistent and that every write the child reported as committed is there and readable.
func TestCrashSafety(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("re-executes the test binary")
	}
	path := filepath.Join(t.TempDir(), "preorderbot.db")
	reported := map[string][]string{} // kind → reported lines' fields
	for round := range 4 {
		cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
		cmd.Env = append(os.Environ(), crashChildEnv+"="+path)
		stdout, err := cmd.StdoutPipe()
		require.NoError(t, err)
		require.NoError(t, cmd.Start())

		killAfter := 10 + rand.IntN(150)
		lines := 0
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			fields := strings.Fields(sc.Text())
			if len(fields) != 3 { // a line cut by the kill, or test framework output
				continue
			}
			reported[fields[0]] = append(reported[fields[0]], fields[1]+" "+fields[2])
			if lines++; lines == killAfter {
				require.NoError(t, cmd.Process.Kill())
			}
		}
		_ = cmd.Wait() // killed: the error is expected
		require.GreaterOrEqual(t, lines, killAfter, "round %d: the child stopped before it was killed", round)

		db := mustOpenPath(t, path, Options{})
		verifyReported(t, db, reported)
		require.NoError(t, db.Close())
	}
}

// verifyReported asserts every reported write is present and readable.
func verifyReported(t *testing.T, db *DB, reported map[string][]string) {
	t.Helper()
	ctx := context.Background()
	for _, line := range reported["conversation"] {
		var id uint64
		var ts string
		_, err := fmt.Sscan(line, &id, &ts)
		require.NoError(t, err)
		c, err := db.ConversationByCard(ctx, "C1", ts)
		if assert.NoError(t, err, "conversation %d", id) {
			assert.Equal(t, id, c.ID)
		}
	}
	for _, line := range reported["action"] {
		var id string
		var conv uint64
		_, err := fmt.Sscan(line, &id, &conv)
		require.NoError(t, err)
		a, err := db.Action(ctx, id)
		if assert.NoError(t, err, "action %s", id) {
			assert.Equal(t, conv, a.ConversationID)
		}
	}
	for _, line := range reported["claim"] {
		var id string
		var conv uint64
		_, err := fmt.Sscan(line, &id, &conv)
		require.NoError(t, err)
		a, err := db.Action(ctx, id)
		if assert.NoError(t, err, "claimed action %s", id) {
			assert.Equal(t, "U1", a.UsedBy)
		}
		trail := auditOfConversation(t, db, conv)
		if assert.Len(t, trail, 1, "audit of conversation %d", conv) {
			assert.Equal(t, id, trail[0].Detail)
		}
	}
}
