package bot_test

import (
	"testing"

	"github.com/preorderbot/preorderbot/bot/blocks"
)

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
