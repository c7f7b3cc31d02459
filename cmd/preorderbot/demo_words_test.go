package main

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/preorderbot/preorderbot/bot/blocks"
	"github.com/preorderbot/preorderbot/diagnostics/hotwax/hotwaxtest"
)

// inZone makes the browser's time zone zone, as a visitor elsewhere would have it.
func inZone(zone string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, emulation.SetTimezoneOverride, emulation.SetTimezoneOverrideParams{TimezoneID: zone})
		return err
	})
}

// checkOnPage types /preorder check SKU in the composer and waits for the card to say want.
func checkOnPage(t *testing.T, ctx context.Context, sku, want string) {
	t.Helper()
	composer := chromedp.CSS(`#composer`)
	require.NoError(t, chromedp.Do(ctx,
		chromedp.WaitVisible(composer),
		chromedp.SendKeys(composer, "/preorder check "+sku),
		chromedp.SendKeys(composer, kb.Enter),
		waitText(`#messages`, want),
	), "check %s", sku)
}

// A visitor in another time zone sees every time in theirs: the schedule modal's first run, written in its
// text as a date token, reads the same clock time as its date picker, and not the server's.
func TestDemoTimesInBrowserZone(t *testing.T) {
	ctx := browser(t)
	d := startTestDemo(t, hotwaxtest.ScenarioAssociationJobNotScheduled)
	require.NoError(t, chromedp.Do(ctx, inZone("Asia/Kolkata"), chromedp.Navigate(d.URL)))
	checkOnPage(t, ctx, "HW-BOOT-42", "Schedule association job for Acme CA")
	clickEventually(t, ctx, chromedp.Search(`//button[@data-button="Schedule association job for Acme CA"]`))
	picker := chromedp.CSS(`[data-action="` + blocks.ActionScheduleFirstRun + `"]`)
	require.NoError(t, chromedp.Do(ctx, chromedp.WaitVisible(picker)), "the schedule modal opens")

	picked, err := chromedp.Run(ctx, chromedp.Value(picker)) // "2026-12-03T18:24", in the browser's zone
	require.NoError(t, err)
	shown, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`#modal-body time`)))
	require.NoError(t, err)
	at, err := time.ParseInLocation("2006-01-02T15:04", picked, kolkata(t))
	require.NoError(t, err, picked)
	assert.Contains(t, shown, at.Format("3:04 PM"), "the modal's text and its picker show one first run")
	assert.NotContains(t, shown, at.UTC().Format("3:04 PM"), "not the server's zone")

	stamp, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`#messages .msg .time`)))
	require.NoError(t, err)
	assert.True(t, strings.HasSuffix(stamp, "AM") || strings.HasSuffix(stamp, "PM"), stamp)
}

func kolkata(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Asia/Kolkata")
	require.NoError(t, err)
	return loc
}

// At 760 px the page has no sideways scroll, the channel keeps a usable width, and every link on a card
// opens something: the simulated OMS's product page, or (for a Slack permalink) the message's channel and
// thread on the page itself.
func TestDemoNarrowAndLinksOpen(t *testing.T) {
	ctx := browser(t)
	d := startTestDemo(t, hotwaxtest.ScenarioJobFailing)
	require.NoError(t, chromedp.Do(ctx, chromedp.EmulateViewport(760, 900), chromedp.Navigate(d.URL)))
	checkOnPage(t, ctx, "HW-GLOVE-L", "Escalate to HotWax Support")

	layout, err := chromedp.Run(ctx, chromedp.Evaluate[map[string]float64](`(() => ({
		page: document.documentElement.scrollWidth,
		channel: document.querySelector("#messages").clientWidth,
		composer: document.querySelector("#composer").clientWidth,
		panel: document.querySelector("#side-panel").getBoundingClientRect().height,
	}))()`))
	require.NoError(t, err)
	assert.LessOrEqual(t, layout["page"], 760.0, "no sideways scroll")
	assert.GreaterOrEqual(t, layout["channel"], 600.0, "the channel keeps the width")
	assert.GreaterOrEqual(t, layout["composer"], 500.0)
	assert.GreaterOrEqual(t, layout["panel"], 150.0, "the scenario or thread panel stays visible")

	// The evidence in the thread links the product's page in the simulated OMS.
	clickEventually(t, ctx, chromedp.CSS(`#messages [data-open-thread]`))
	require.NoError(t, chromedp.Do(ctx, waitText(`#thread-messages`, "in the OMS")))
	href, err := chromedp.Run(ctx, chromedp.Evaluate[string](
		`[...document.querySelectorAll("#thread-messages a")].find(a => a.textContent.includes("in the OMS")).href`))
	require.NoError(t, err)
	resp, err := http.Get(href)
	require.NoError(t, err)
	page, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode, href)
	assert.Contains(t, string(page), "HW-GLOVE-L")

	// Escalate (the note comes prefilled), then follow the card's link to the support thread.
	clickEventually(t, ctx, chromedp.Search(`//div[@id="messages"]//button[contains(@data-button, "Escalate to HotWax Support")]`))
	require.NoError(t, chromedp.Do(ctx,
		chromedp.WaitVisible(chromedp.CSS(`#modal-submit`)),
		chromedp.Click(chromedp.CSS(`#modal-submit`)),
		chromedp.WaitNotVisible(chromedp.CSS(`#modal-backdrop`)),
		waitText(`#messages`, "support thread"),
	), "escalate")
	// The support thread's link, not the first link to a message: the card may link its own thread too.
	clickEventually(t, ctx, chromedp.CSS(`#messages a.md-permalink[data-permalink-channel="`+demoSupportChannel+`"]`))
	require.NoError(t, chromedp.Do(ctx,
		waitText(`#channel-name`, "hotwax-support"),
		waitText(`#thread-messages`, "HW-GLOVE-L"),
	), "the support thread opens on the page")

	// The support thread links back to the card.
	clickEventually(t, ctx, chromedp.Search(`//div[@id="thread-messages"]//a[contains(., "Open the card")]`))
	require.NoError(t, chromedp.Do(ctx, waitText(`#channel-name`, "preorder-ops"), waitText(`#thread-messages`, "HW-GLOVE-L")),
		"the card opens with its thread")
}
