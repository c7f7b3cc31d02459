package store

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	bolt "go.etcd.io/bbolt"

	"github.com/preorderbot/preorderbot/store/internal/reportgen"
)

// The large-store benchmarks fill a store through its API with the records the bot writes, each holding
// a report of the diagnostic chain (about 5 KB of JSON, see reportgen). Filling runs without fsync, which
// changes how long it takes but not what ends up in the file.

const (
	largeN      = 100_000
	largeSpread = 100 * 24 * time.Hour // checks spread over 100 days: a 90-day pass prunes a tenth
)

// largeContents is what each of the n checks leaves in the store.
type largeContents int

const (
	conversationsOnly largeContents = iota // the conversation and its card
	wholeCheck                             // and the card's actions, the SKU's snapshot and the audit record
)

// fillLarge writes n checks spread over largeSpread before t0, as the bot writes them: the conversation
// when the check starts, then in one transaction its report, its card's buttons and, for a whole check,
// the SKU's snapshot and the audit record.
func fillLarge(tb testing.TB, db *DB, n int, contents largeContents) {
	tb.Helper()
	ctx := context.Background()
	gen, err := reportgen.New(ctx)
	require.NoError(tb, err)
	db.bolt.NoSync = true
	defer func() { db.bolt.NoSync = false }()
	from := t0.Add(-largeSpread)
	for i := range n {
		at := from.Add(time.Duration(int64(largeSpread) / int64(n) * int64(i)))
		sku, report := gen.Report(i, at)
		c, err := db.CreateConversation(ctx, Conversation{Kind: "check", SKUs: []string{sku},
			ProductStoreID: "STORE", RequestedBy: "U012AB3CDE", Channel: "C012AB3CDE",
			CardTS: fmt.Sprintf("%d.%06d", at.Unix(), i%1_000_000), Status: StatusChecking,
			Request: fmt.Sprintf("9c41-%08d", i), CreatedAt: at})
		require.NoError(tb, err)
		done := at.Add(2 * time.Second)
		err = db.Write(ctx, "keep check", func(w *Writes) error {
			if _, err := w.UpdateConversation(c.ID, func(c *Conversation) error {
				c.Status, c.LastReport, c.UpdatedAt, c.CardVersion = StatusDone, json.RawMessage("["+string(report)+"]"), done, 1
				return nil
			}); err != nil {
				return err
			}
			if contents != wholeCheck {
				return nil
			}
			// The card's buttons, as the bot makes them: a re-check, then one per remedy.
			acts := []Action{{Kind: "recheck", ConversationID: c.ID, CreatedBy: c.RequestedBy, CreatedAt: done,
				ExpiresAt: done.Add(24 * time.Hour), Params: map[string]string{"v": "1"}}}
			for _, rem := range gen.Remedies(i) {
				js, _ := json.Marshal(rem)
				acts = append(acts, Action{Kind: rem.Kind, ConversationID: c.ID, CreatedBy: c.RequestedBy,
					CreatedAt: done, ExpiresAt: done.Add(24 * time.Hour),
					Params: map[string]string{"remedy": string(js), "sku": sku, "store": "STORE", "v": "1",
						"cause": "unexplained"}})
			}
			if _, err := w.CreateActions(acts...); err != nil {
				return err
			}
			if err := w.PutSnapshot(Snapshot{ProductStoreID: "STORE", SKU: sku, Report: report, At: done}); err != nil {
				return err
			}
			_, err := w.AppendAudit(AuditRecord{At: done, Actor: c.RequestedBy, Action: "check",
				ConversationID: c.ID, SKU: sku, ProductStoreID: "STORE",
				Card: &MessageRef{Channel: c.Channel, TS: c.CardTS}, Outcome: "healthy", Detail: "11 OMS calls in 412ms"})
			return err
		})
		require.NoError(tb, err)
	}
}

// largeStores holds the stores largeStore built, one per contents, so that the benchmarks of one run share
// them (building one takes minutes). TestMain removes them.
var largeStores struct {
	sync.Mutex
	dir   string
	paths map[largeContents]string
}

// largeStore returns the closed file of a store of largeN checks, building it on first use. Callers must
// not change it: they work on copies.
func largeStore(b *testing.B, contents largeContents) string {
	b.Helper()
	largeStores.Lock()
	defer largeStores.Unlock()
	if path, ok := largeStores.paths[contents]; ok {
		return path
	}
	if largeStores.dir == "" {
		dir, err := os.MkdirTemp("", "preorderbot-bench-")
		require.NoError(b, err)
		largeStores.dir, largeStores.paths = dir, map[largeContents]string{}
	}
	path := filepath.Join(largeStores.dir, fmt.Sprintf("checks-%d.db", contents))
	db, err := Open(path, Options{Now: func() time.Time { return t0 }})
	require.NoError(b, err)
	fillLarge(b, db, largeN, contents)
	require.NoError(b, db.Close())
	largeStores.paths[contents] = path
	return path
}

func TestMain(m *testing.M) {
	code := m.Run()
	if largeStores.dir != "" {
		_ = os.RemoveAll(largeStores.dir)
	}
	os.Exit(code)
}

// BenchmarkOpen100k reports the file size of 100,000 checks with real reports and the time to open it.
// "conversations" holds conversations and their cards; "whole-check" adds everything else one check writes:
// the card's buttons, the SKU's snapshot and the audit record. With -v it logs the pages of each bucket.
func BenchmarkOpen100k(b *testing.B) {
	for _, bc := range []struct {
		name     string
		contents largeContents
	}{{"conversations", conversationsOnly}, {"whole-check", wholeCheck}} {
		b.Run(bc.name, func(b *testing.B) {
			path := largeStore(b, bc.contents)
			st, err := os.Stat(path)
			require.NoError(b, err)
			for b.Loop() {
				db, err := Open(path, Options{})
				if err != nil {
					b.Fatal(err)
				}
				_ = db.Close()
			}
			b.ReportMetric(float64(st.Size())/(1<<20), "file-MiB")
			logBucketSizes(b, path)
		})
	}
}

// logBucketSizes logs the pages each bucket takes, to say where the file's size goes.
func logBucketSizes(b *testing.B, path string) {
	db, err := Open(path, Options{ReadOnly: true})
	require.NoError(b, err)
	defer db.Close()
	var sizes []string
	require.NoError(b, db.bolt.View(func(tx *bolt.Tx) error {
		return tx.ForEach(func(name []byte, bk *bolt.Bucket) error {
			if st := bk.Stats(); st.KeyN > 0 {
				sizes = append(sizes, fmt.Sprintf("%s %.1f MiB (%d keys)", name,
					float64(st.LeafAlloc+st.BranchAlloc+st.InlineBucketInuse)/(1<<20), st.KeyN))
			}
			return nil
		})
	}))
	b.Logf("pages by bucket: %s", strings.Join(sizes, ", "))
}

// BenchmarkPrune100k times one prune pass over 100,000 checks spread over 100 days, each pass on a fresh
// copy of the file, and measures the peak RSS (VmHWM) of a separate process that opens the store and runs
// one pass. "conversations" prunes conversations and their cards; "whole-check" also each card's actions
// and the SKU's snapshot (the audit record is kept a year). "tenth" prunes ten days of checks at once (a
// pruner that did not run for ten days), "day" one day's worth (serve prunes every hour).
func BenchmarkPrune100k(b *testing.B) {
	for _, bc := range []struct {
		name     string
		contents largeContents
	}{{"conversations", conversationsOnly}, {"whole-check", wholeCheck}} {
		b.Run(bc.name, func(b *testing.B) {
			path := largeStore(b, bc.contents)
			for _, pass := range []struct {
				name string
				at   time.Time
				want int
			}{{"tenth", t0, largeN / 10}, {"day", t0.Add(-9 * 24 * time.Hour), largeN / 100}} {
				b.Run(pass.name, func(b *testing.B) { benchPrune(b, path, pass.at, pass.want) })
			}
		})
	}
}

func benchPrune(b *testing.B, path string, at time.Time, want int) {
	work := filepath.Join(b.TempDir(), "work.db")
	var (
		pruned  PruneStats
		commits uint64 // each costs two fdatasyncs
	)
	for b.Loop() {
		b.StopTimer()
		copyFile(b, path, work)
		db, err := Open(work, Options{})
		require.NoError(b, err)
		before := db.Commits()
		b.StartTimer()
		pruned, err = db.Prune(context.Background(), at)
		b.StopTimer()
		commits = db.Commits() - before
		require.NoError(b, err)
		require.NoError(b, db.Close())
		b.StartTimer()
	}
	require.InDelta(b, want, pruned.Conversations, float64(want)/10, "conversations pruned")
	hwm := pruneProcessHWM(b, path, at)
	b.ReportMetric(float64(hwm)/(1<<10), "VmHWM-MiB")
	b.ReportMetric(float64(pruned.Conversations+pruned.Actions+pruned.Snapshots), "pruned/op")
	b.ReportMetric(float64(commits), "commits/op")
}

func copyFile(tb testing.TB, from, to string) {
	tb.Helper()
	src, err := os.Open(from)
	require.NoError(tb, err)
	defer src.Close()
	dst, err := os.Create(to)
	require.NoError(tb, err)
	_, err = io.Copy(dst, src)
	require.NoError(tb, err)
	require.NoError(tb, dst.Close())
}

// envPruneDB names the store TestPruneProcess prunes and envPruneAt the time of the pass; only
// pruneProcessHWM sets them.
const (
	envPruneDB = "PREORDERBOT_BENCH_PRUNE_DB"
	envPruneAt = "PREORDERBOT_BENCH_PRUNE_AT"
)

// pruneProcessHWM runs TestPruneProcess on a copy of path in a child process and returns its VmHWM in KiB.
func pruneProcessHWM(b *testing.B, path string, at time.Time) int {
	work := filepath.Join(b.TempDir(), "child.db")
	copyFile(b, path, work)
	cmd := exec.Command(os.Args[0], "-test.run=^TestPruneProcess$", "-test.count=1", "-test.v")
	cmd.Env = append(os.Environ(), envPruneDB+"="+work, envPruneAt+"="+at.Format(time.RFC3339Nano))
	out, err := cmd.CombinedOutput()
	require.NoError(b, err, "%s", out)
	sc := bufio.NewScanner(strings.NewReader(string(out)))
	for sc.Scan() {
		if v, ok := strings.CutPrefix(strings.TrimSpace(sc.Text()), "VmHWM:"); ok {
			kib, err := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")))
			require.NoError(b, err)
			return kib
		}
	}
	b.Fatalf("no VmHWM in the child's output:\n%s", out)
	return 0
}

// TestPruneProcess is the child of BenchmarkPrune100k: it opens the store named by envPruneDB, runs one
// prune pass and prints its peak RSS. Without the variable it does nothing.
func TestPruneProcess(t *testing.T) {
	path := os.Getenv(envPruneDB)
	if path == "" {
		t.Skip("run by BenchmarkPrune100k")
	}
	at, err := time.Parse(time.RFC3339Nano, os.Getenv(envPruneAt))
	require.NoError(t, err)
	db, err := Open(path, Options{})
	require.NoError(t, err)
	st, err := db.Prune(context.Background(), at)
	require.NoError(t, err)
	require.NoError(t, db.Close())
	status, err := os.ReadFile("/proc/self/status")
	require.NoError(t, err)
	for line := range strings.Lines(string(status)) {
		if strings.HasPrefix(line, "VmHWM:") || strings.HasPrefix(line, "VmRSS:") {
			fmt.Print(line)
		}
	}
	fmt.Printf("pruned %+v\n", st)
}
