package main

import (
	"fmt"
	"math/rand/v2"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/preorderbot/preorderbot/bot/slacktest"
	"github.com/preorderbot/preorderbot/diagnostics/hotwax/hotwaxtest"
)

// crashFigures are the two forms of the kill -9 test: the short one runs with every `go test`, the full
// one with PREORDERBOT_CRASH_FULL=1.
var crashFigures = map[bool]struct {
	kills int
	rate  int // commands per second
}{
	false: {kills: 10, rate: 50},
	true:  {kills: 60, rate: 60},
}

// The real `serve` binary, killed with SIGKILL at random moments while commands and clicks arrive at
// 50+ per second, then restarted: every acknowledged command ends with exactly one final card, no card
// stays at "Checking", none is posted twice, and the OMS gets no more writes than buttons were pressed.
func TestKill9(t *testing.T) {
	t.Parallel()
	full := os.Getenv("PREORDERBOT_CRASH_FULL") != ""
	fig := crashFigures[full]
	bin := buildBinary(t)
	sl := slacktest.NewTestServer(t, slacktest.Options{PingInterval: time.Second})
	oms := hotwaxtest.NewTestServer(t, hotwaxtest.Options{Scenario: hotwaxtest.ScenarioNotPreorder, Latency: 5 * time.Millisecond, RunDelay: time.Hour})
	bot := newBotProcess(t, bin, sl, oms, "PREORDERBOT_LOG_LEVEL=info")

	const channel, user, known = "C0PREORDER", "U0BEN", "HW-TEE-WHT"
	var (
		mu      sync.Mutex
		skuOf   = map[string]string{} // envelope id → SKU of its command
		clicked = map[string]bool{}   // card ts → its run button was pressed
	)
	stopLoad, stopClicks := make(chan struct{}), make(chan struct{})
	var load, clicks sync.WaitGroup
	load.Go(func() { // commands: unknown SKUs, one per command, and now and then the known one
		tick := time.NewTicker(time.Second / time.Duration(fig.rate))
		defer tick.Stop()
		for n := 0; ; n++ {
			select {
			case <-stopLoad:
				return
			case <-tick.C:
			}
			sku := fmt.Sprintf("HW-CRASH-%05d", n)
			if n%10 == 0 {
				sku = known
			}
			env, err := sl.SlashCommand(user, channel, "/preorder check "+sku)
			if err != nil {
				t.Errorf("slash command: %v", err)
				return
			}
			mu.Lock()
			skuOf[env] = sku
			mu.Unlock()
		}
	})
	clicks.Go(func() { // clicks: the fix on each final card of the known SKU, sometimes twice
		for {
			select {
			case <-stopClicks:
				return
			case <-time.After(50 * time.Millisecond):
			}
			for _, m := range sl.Messages(channel) {
				if !strings.HasPrefix(m.Text, known+":") || !strings.Contains(string(m.Blocks), "Run Auto Refresh Pre-sell Catalog now") {
					continue
				}
				mu.Lock()
				done := clicked[m.TS]
				clicked[m.TS] = true
				mu.Unlock()
				if done {
					continue
				}
				for range 1 + rand.IntN(2) {
					_, _ = sl.ClickButton("U0ANA", channel, m.TS, "Run Auto Refresh Pre-sell Catalog now")
				}
			}
		}
	})

	start := time.Now()
	for kill := 0; kill < fig.kills; kill++ {
		bot.start()
		waitConnected(t, sl, 30*time.Second)
		time.Sleep(time.Duration(200+rand.IntN(1200)) * time.Millisecond)
		bot.kill()
	}
	close(stopLoad)
	load.Wait()
	loadTime := time.Since(start)

	// The last start finishes what the kills left.
	bot.start()
	waitConnected(t, sl, 30*time.Second)
	acked := map[string]bool{}
	settled := func() bool {
		for _, a := range sl.Acks() {
			acked[a.EnvelopeID] = true
		}
		for _, m := range botCards(sl, channel) {
			if !finalCard(m) {
				return false
			}
		}
		cards := cardsBySKU(sl, channel)
		mu.Lock()
		defer mu.Unlock()
		for env, sku := range skuOf {
			if acked[env] && sku != known && cards[sku] == 0 {
				return false
			}
		}
		return true
	}
	// The backlog of checks the kills left can be long on a busy machine: wait while cards keep
	// turning final, and give up after a minute without progress.
	progress, finals := time.Now(), 0
	for !settled() && time.Since(progress) < time.Minute {
		if n := countFinal(sl, channel); n > finals {
			progress, finals = time.Now(), n
		}
		time.Sleep(200 * time.Millisecond)
	}
	time.Sleep(time.Second) // the clicks on the last cards
	close(stopClicks)
	clicks.Wait()
	bot.stop()

	cards := cardsBySKU(sl, channel)
	var stuck []string
	for _, m := range botCards(sl, channel) {
		if !finalCard(m) {
			stuck = append(stuck, m.TS+" "+m.Text)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	sent, ackedN, knownAcked, lost := len(skuOf), 0, 0, []string{}
	for env, sku := range skuOf {
		if !acked[env] {
			continue
		}
		ackedN++
		if sku == known {
			knownAcked++
			continue
		}
		if cards[sku] != 1 {
			lost = append(lost, fmt.Sprintf("%s: %d cards", sku, cards[sku]))
		}
	}
	var dups []string
	for sku, n := range cards {
		if sku != known && n > 1 {
			dups = append(dups, fmt.Sprintf("%s: %d cards", sku, n))
		}
	}
	writes := oms.Counts()["scheduleService"]
	t.Logf("%d kills in %s at %d commands/s: %d commands sent, %d acknowledged, %d cards, %d buttons pressed, %d OMS writes",
		fig.kills, loadTime.Round(time.Second), fig.rate, sent, ackedN, len(botCards(sl, channel)), len(clicked), writes)
	for _, d := range append(slices.Clone(dups), stuck...) {
		if sku := crashSKU.FindString(d); sku != "" {
			t.Logf("serve's log about %s:\n%s", sku, logAbout(bot.log.Name(), sku))
		}
	}
	assert.Empty(t, lost, "every acknowledged command has exactly one card")
	assert.Empty(t, dups, "no command has two cards")
	assert.Empty(t, stuck, "no card left at Checking")
	assert.GreaterOrEqual(t, cards[known], knownAcked, "every acknowledged check of %s has its card", known)
	assert.LessOrEqual(t, writes, len(clicked), "no more OMS writes than buttons pressed")
	require.Greater(t, ackedN, fig.kills*10, "the load reached the bot")
}

var crashSKU = regexp.MustCompile(`HW-(CRASH-\d{5}|TEE-WHT)`)

// botCards are the bot's top-level messages: the cards.
func botCards(sl *slacktest.Server, channel string) []slacktest.Message {
	var out []slacktest.Message
	for _, m := range sl.Messages(channel) {
		if m.User == slacktest.BotUserID {
			out = append(out, m)
		}
	}
	return out
}

func countFinal(sl *slacktest.Server, channel string) int {
	n := 0
	for _, m := range botCards(sl, channel) {
		if finalCard(m) {
			n++
		}
	}
	return n
}

func cardsBySKU(sl *slacktest.Server, channel string) map[string]int {
	out := map[string]int{}
	for _, m := range botCards(sl, channel) {
		out[crashSKU.FindString(m.Text)]++
	}
	return out
}

// finalCard reports a card that shows a verdict: it offers Re-check, which a card being checked does not.
func finalCard(m slacktest.Message) bool {
	return strings.Contains(string(m.Blocks), `"preorder.recheck"`)
}

func tail(b []byte, n int) string {
	if len(b) > n {
		b = b[len(b)-n:]
	}
	return string(b)
}

// logAbout is every line of serve's JSON log that names sku, or a conversation that a line naming sku
// names, at most 60 of them.
func logAbout(path, sku string) string {
	data, _ := os.ReadFile(path)
	lines := strings.Split(string(data), "\n")
	convs := map[string]bool{}
	conv := regexp.MustCompile(`"conversation_id":(\d+)`)
	for _, l := range lines {
		if strings.Contains(l, sku) {
			for _, m := range conv.FindAllStringSubmatch(l, -1) {
				convs[m[1]] = true
			}
		}
	}
	var out []string
	for _, l := range lines {
		m := conv.FindStringSubmatch(l)
		if strings.Contains(l, sku) || (m != nil && convs[m[1]]) {
			out = append(out, l)
		}
	}
	return strings.Join(out[max(0, len(out)-60):], "\n")
}
