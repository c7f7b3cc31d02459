package bot_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/preorderbot/preorderbot/bot/slacktest"
)

// BenchmarkViewsOpenUnderLoad measures, from the simulated Slack's side, how long a person waits for a
// form: from the button press written to the socket to views.open received. Each run starts 200 checks
// against an OMS that answers every request in 100 ms (half slash commands, half Re-check presses on
// other cards) and, once Slack has their acks (they are in flight), presses a form button formSamples
// times, one after another, as an operator whose rights come from a user group. Slack's trigger_id
// lasts 3 s; target: p99 < 1 s.
//
//	go test -run '^$' -bench ViewsOpenUnderLoad -benchtime 5x ./bot
func BenchmarkViewsOpenUnderLoad(b *testing.B) {
	const checks, formSamples = 200, 20
	const formButton = "Link product to Acme CA"
	e := newEnv(b, "needs-manual-link", func(o *botOptions, h *hotwaxtestOptions) {
		o.Workers = 16 // serve's default
		o.Operators = nil
		o.OperatorGroups = []string{"S0OPS"}
		h.Latency = 100 * time.Millisecond
	})
	e.slack.SetUserGroup("S0OPS", []string{operator})
	e.shutdown() // the groups are read at start
	e.start()

	// Warm-up: the cards the Re-checks press, then one form opened.
	for range checks / 2 {
		e.slash(viewer, "check HW-SOCK-S")
	}
	checked := 0
	e.waitForChecks(&checked, checks/2)
	form, _ := e.check("HW-SOCK-S")
	checked++
	var recheckCards []slacktest.Message
	for _, m := range botPosts(e.slack, opsChannel) {
		if m.TS != form.TS {
			recheckCards = append(recheckCards, m)
		}
	}
	require.Len(b, recheckCards, checks/2)
	var acks []time.Duration // press → ack, the part of the wait spent before the ack
	expired := 0             // views.open past the trigger's 3 s: the person saw nothing
	openForm := func() time.Duration {
		n := e.slack.Count("views.open")
		card := e.current(form)
		pressed := time.Now()
		id := e.click(operator, card, formButton)
		for e.slack.Count("views.open") == n {
			if time.Since(pressed) > 10*time.Second {
				b.Fatalf("no views.open 10 s after the press; ephemerals: %v", e.slack.Ephemeral(operator))
			}
			time.Sleep(time.Millisecond)
		}
		call := e.slack.Calls("views.open")[n]
		if ack, ok := e.slack.AckFor(id); ok {
			acks = append(acks, ack.Time.Sub(pressed))
		}
		if call.Error != "" {
			expired++
		}
		return call.Time.Sub(pressed)
	}
	openForm()

	var waits []time.Duration
	var loadTime, sampleTime time.Duration
	for b.Loop() {
		start := time.Now()
		var load []string
		for _, c := range recheckCards {
			load = append(load, e.click(viewer, c, "🔄 Re-check"))
		}
		for range checks / 2 {
			id, err := e.slack.SlashCommand(viewer, opsChannel, "/preorder check HW-SOCK-S")
			require.NoError(b, err)
			load = append(load, id)
		}
		// The presses start once the 200 are acknowledged (in flight), not behind them on the socket.
		e.waitFor("the checks acknowledged", func() bool {
			for _, id := range load {
				if _, ok := e.slack.AckFor(id); !ok {
					return false
				}
			}
			return true
		})
		for range formSamples {
			waits = append(waits, openForm())
		}
		sampleTime += time.Since(start)
		e.waitForChecks(&checked, checks)
		loadTime += time.Since(start)
	}
	b.StopTimer()
	slices.Sort(waits)
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	b.ReportMetric(ms(waits[len(waits)/2]), "p50-ms")
	b.ReportMetric(ms(waits[(len(waits)*99+99)/100-1]), "p99-ms")
	b.ReportMetric(ms(waits[len(waits)-1]), "max-ms")
	slices.Sort(acks)
	b.ReportMetric(ms(acks[(len(acks)*99+99)/100-1]), "ack-p99-ms")
	b.ReportMetric(float64(len(waits)), "forms")
	b.ReportMetric(float64(expired), "forms-refused")
	b.ReportMetric(sampleTime.Seconds()/float64(b.N), "forms-s/run")
	b.ReportMetric(loadTime.Seconds()/float64(b.N), "checks-s/run")
}

// waitForChecks waits until more checks have finished (each audits one "check" record) and counts them.
func (e *env) waitForChecks(done *int, more int) {
	e.t.Helper()
	want := *done + more
	deadline := time.Now().Add(2 * time.Minute)
	for {
		recs, err := e.db.AuditBySKU(context.Background(), "HW-SOCK-S")
		require.NoError(e.t, err)
		n := 0
		for _, r := range recs {
			if r.Action == "check" {
				n++
			}
		}
		if n >= want {
			*done = n
			return
		}
		if time.Now().After(deadline) {
			e.t.Fatalf("%d of %d checks finished in 2 min", n, want)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
