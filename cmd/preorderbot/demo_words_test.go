package main

import (
	"context"
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
