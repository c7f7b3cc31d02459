package bot_test

import (
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/preorderbot/preorderbot/bot/blocks"
)

// BenchmarkAckLatency sends 200 slash commands at once and reports the ack latency Slack measures
// (envelope written → ack received), while the bot runs every one of those checks. Target: p99 < 50 ms.
func BenchmarkAckLatency(b *testing.B) {
	const inFlight = 200
	e := newEnv(b, "healthy", func(o *botOptions, _ *hotwaxtestOptions) { o.Workers = 16 })
	var lat []time.Duration
	for b.Loop() {
		ids := make([]string, 0, inFlight)
		for range inFlight {
			id, err := e.slack.SlashCommand(viewer, opsChannel, "/preorder check HW-JACKET-M")
			require.NoError(b, err)
			ids = append(ids, id)
		}
		for _, id := range ids {
			e.waitFor("ack", func() bool { _, ok := e.slack.AckFor(id); return ok })
			a, _ := e.slack.AckFor(id)
			lat = append(lat, a.Latency)
		}
	}
	b.StopTimer()
	slices.Sort(lat)
	b.ReportMetric(ms(lat[len(lat)/2]), "p50-ms")
	b.ReportMetric(ms(lat[len(lat)*99/100]), "p99-ms")
	b.ReportMetric(ms(lat[len(lat)-1]), "max-ms")
	require.Empty(b, e.slack.Timeouts(), "no envelope missed Slack's 3 s")
}

// BenchmarkSlackCallsPerCheck counts the Web API calls one single-SKU check costs, thread replies apart.
// Target: at most 4.
func BenchmarkSlackCallsPerCheck(b *testing.B) {
	e := newEnv(b, "association-job-not-scheduled")
	methods := []string{"chat.postMessage", "chat.update", "chat.postEphemeral", "reactions.add", "chat.getPermalink", "views.open"}
	count := func() int {
		n := 0
		for _, m := range methods {
			n += e.slack.Count(m)
		}
		return n
	}
	checks, replies, calls := 0, 0, 0
	for b.Loop() {
		before := count()
		card, report := e.check("HW-BOOT-42")
		r := len(blocks.Evidence(report, ""))
		e.waitFor("evidence posted", func() bool { return len(e.slack.Thread(opsChannel, card.TS)) == r+1 })
		calls += count() - before - r
		replies += r
		checks++
	}
	b.ReportMetric(float64(calls)/float64(checks), "slack-calls/check")
	b.ReportMetric(float64(replies)/float64(checks), "thread-replies/check")
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
