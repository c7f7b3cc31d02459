package main

import (
	"slices"
	"testing"
	"time"

	"github.com/preorderbot/preorderbot/bot/slacktest"
	"github.com/preorderbot/preorderbot/diagnostics/hotwax/hotwaxtest"
)

// ackBurst is how many envelopes are in flight at once in BenchmarkAckSeenBySlack.
const ackBurst = 200

// BenchmarkAckSeenBySlack measures acks as Slack sees them: from the simulated Slack writing an envelope
// to the WebSocket to reading its ack, with the real binary in its own process (journal commit, fsync
// and all) and the OMS answering in 20 ms, so the checks the commands start compete for the machine.
// Each op is a burst of 200 slash commands sent at once, after one burst of warm-up; run it with
// -benchtime 5x for five runs. Reports p50, p99 and max over every ack, and logs them per run; then waits
// for every command's final card and reports the checks finished per second since the warm-up began, so
// that a faster ack bought with slower checks shows.
func BenchmarkAckSeenBySlack(b *testing.B) {
	bin := buildBinary(b)
	sl := slacktest.NewTestServer(b, slacktest.Options{})
	oms := hotwaxtest.NewTestServer(b, hotwaxtest.Options{Scenario: "healthy", Latency: 20 * time.Millisecond})
	bot := newBotProcess(b, bin, sl, oms)
	bot.start()
	waitConnected(b, sl, 30*time.Second)

	burst := func() []time.Duration {
		envs := make([]string, ackBurst)
		for i := range envs {
			env, err := sl.SlashCommand("U0BEN", "C0PREORDER", "/preorder check HW-JACKET-M")
			if err != nil {
				b.Fatal(err)
			}
			envs[i] = env
		}
		lat := make([]time.Duration, 0, ackBurst)
		deadline := time.Now().Add(30 * time.Second)
		for _, env := range envs {
			for {
				if a, ok := sl.AckFor(env); ok {
					lat = append(lat, a.Latency)
					break
				}
				if time.Now().After(deadline) {
					b.Fatalf("envelope %s not acked in 30 s", env)
				}
				time.Sleep(time.Millisecond)
			}
		}
		return lat
	}
	began := time.Now()
	burst() // warm-up: first connections, page cache, the OMS client's pool

	var all []time.Duration
	b.ResetTimer()
	for run := range b.N {
		lat := burst()
		p50, p99, mx := percentiles(lat)
		b.Logf("run %d: %d acks, p50 %s, p99 %s, max %s", run+1, len(lat), p50, p99, mx)
		all = append(all, lat...)
	}
	b.StopTimer()
	p50, p99, mx := percentiles(all)
	b.ReportMetric(float64(p50.Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(p99.Microseconds())/1000, "p99-ms")
	b.ReportMetric(float64(mx.Microseconds())/1000, "max-ms")
	commands := ackBurst * (b.N + 1)
	finalDeadline := time.Now().Add(5 * time.Minute)
	for countFinal(sl, "C0PREORDER") < commands {
		if time.Now().After(finalDeadline) {
			b.Fatalf("%d of %d cards final after 5 min", countFinal(sl, "C0PREORDER"), commands)
		}
		time.Sleep(100 * time.Millisecond)
	}
	b.ReportMetric(float64(commands)/time.Since(began).Seconds(), "checks/s")
	bot.stop()
}

func percentiles(d []time.Duration) (p50, p99, mx time.Duration) {
	if len(d) == 0 {
		return 0, 0, 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	at := func(q float64) time.Duration { return s[min(len(s)-1, int(q*float64(len(s))))] }
	return at(0.50), at(0.99), s[len(s)-1]
}
