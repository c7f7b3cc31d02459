package main

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/preorderbot/preorderbot/bot/blocks"
	"github.com/preorderbot/preorderbot/diagnostics/hotwax/hotwaxtest"
)

const chromiumPath = "/usr/bin/chromium"

// Texts the bot writes (bot/blocks causeSentence and the re-check note); the test reads them as a person would.
const (
	manualLinkVerdict = "Every job is scheduled and running, yet the product is still not linked to Acme CA"
	healthyVerdict    = "HW-SOCK-S is linked to every connected shop and its pre-order information is synced"
	fixedNote         = "Fixed: every shop is in sync."
)

// startTestDemo runs the demo on a free loopback port until the test ends.
func startTestDemo(t *testing.T, scenario string) *demo {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	d, err := startDemo(ctx, demoOptions{Addr: "127.0.0.1:0", Scenario: scenario})
	require.NoError(t, err)
	t.Cleanup(func() {
		cancel()
		assert.NoError(t, d.Wait(), "the demo stops cleanly")
	})
	return d
}

// browser starts headless Chromium for the test; without it the test skips, except in CI.
// The browser tests do not run in parallel: beside the kill -9 runs, under -race on two cores, their
// 30 s waits for the page ran out.
func browser(t *testing.T) context.Context {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is required in CI: %v", chromiumPath, err)
		}
		t.Skipf("no Chromium at %s", chromiumPath)
	}
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(chromiumPath),
		chromedp.Flag("headless", true),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1440, 1200),
	)
	ctx, cancelCtx := chromedp.NewContext(alloc)
	ctx, cancelTimeout := context.WithTimeout(ctx, 60*time.Second)
	t.Cleanup(func() {
		cancelTimeout()
		cancelCtx()
		cancelAlloc()
	})
	return ctx
}

// waitText polls until the element's innerText contains want.
func waitText(selector, want string) chromedp.Action[chromedp.Void] {
	return waitTextWithin(selector, want, 30*time.Second)
}

func waitTextWithin(selector, want string, d time.Duration) chromedp.Action[chromedp.Void] {
	return chromedp.Poll[chromedp.Void](`(() => { const e = document.querySelector(`+quoteJS(selector)+`);
		return !!e && e.innerText.includes(`+quoteJS(want)+`); })()`, chromedp.WithPollingTimeout(d))
}

// clearInput empties a text field, as selecting all and deleting would.
func clearInput(selector string) chromedp.Action[chromedp.Void] {
	return chromedp.Evaluate[chromedp.Void](`(() => { document.querySelector(` + quoteJS(selector) + `).value = ""; return true; })()`)
}

func quoteJS(s string) string {
	b := []byte{'"'}
	for _, r := range s {
		switch r {
		case '"', '\\':
			b = append(b, '\\', byte(r))
		default:
			b = append(b, string(r)...)
		}
	}
	return string(append(b, '"'))
}

// clickEventually clicks sel, retrying while the live page replaces the node between lookup and click.
func clickEventually[S chromedp.Selectable](t *testing.T, ctx context.Context, sel S) {
	t.Helper()
	var err error
	for range 10 {
		if err = chromedp.Do(ctx, chromedp.Click(sel)); err == nil {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	require.NoError(t, err, "click %v", sel)
}

// TestDemoWalkthroughInBrowser walks the needs-manual-link cause to its fix in a real browser: switch the
// scenario, check the SKU, open the link modal from the card, get an inline error for a bad id, link with the
// right ids, and see the card turn healthy and its thread say it is fixed.
func TestDemoWalkthroughInBrowser(t *testing.T) {
	ctx := browser(t)
	d := startTestDemo(t, hotwaxtest.ScenarioHealthy)

	scenario := `[data-scenario="` + hotwaxtest.ScenarioNeedsManualLink + `"]`
	variant := chromedp.CSS(`[data-action="` + blocks.ActionLinkVariant + `"]`)
	inventory := chromedp.CSS(`[data-action="` + blocks.ActionLinkInventoryItem + `"]`)
	shop := chromedp.CSS(`[data-action="` + blocks.ActionLinkShop + `"]`)
	variantError := `[data-error-for="` + blocks.BlockLinkVariant + `"]`
	composer := chromedp.CSS(`#composer`)

	require.NoError(t, chromedp.Do(ctx,
		chromedp.Navigate(d.URL),
		chromedp.WaitVisible(chromedp.CSS(scenario+` [data-use-scenario]`)),
		chromedp.Click(chromedp.CSS(scenario+` [data-use-scenario]`)),
		chromedp.WaitVisible(chromedp.CSS(scenario+`.current`)),
		// A SKU chip prefills the composer.
		chromedp.Click(chromedp.CSS(scenario+` [data-sku="HW-SOCK-S"]`)),
	), "switch the scenario")
	assert.Equal(t, hotwaxtest.ScenarioNeedsManualLink, d.OMS.Scenario(), "the page switched the simulated OMS")
	prefilled, err := chromedp.Run(ctx, chromedp.Value(composer))
	require.NoError(t, err)
	assert.Equal(t, "/preorder check HW-SOCK-S", prefilled)

	// The visitor types the command as in Slack and sends it with Enter.
	require.NoError(t, chromedp.Do(ctx,
		clearInput(`#composer`),
		chromedp.SendKeys(composer, "/preorder check HW-SOCK-S"),
		chromedp.SendKeys(composer, kb.Enter),
		waitText(`#messages`, manualLinkVerdict),
	), "check the SKU")
	// The card re-renders as its evidence arrives in the thread; a click may land on a node just replaced.
	clickEventually(t, ctx, chromedp.Search(`//button[@data-button="Link product to Acme CA"]`))
	require.NoError(t, chromedp.Do(ctx, chromedp.WaitVisible(variant)), "open the link modal")
	selectedShop, err := chromedp.Run(ctx, chromedp.Value(shop))
	require.NoError(t, err)
	assert.Equal(t, hotwaxtest.ShopCA, selectedShop, "the remedy's shop is preselected")

	require.NoError(t, chromedp.Do(ctx,
		chromedp.SendKeys(variant, "not-a-number"),
		chromedp.SendKeys(inventory, "47020000000077"),
		chromedp.Click(chromedp.CSS(`#modal-submit`)),
		waitText(variantError, " "),
	), "submit a bad variant id")
	errText, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(variantError)))
	require.NoError(t, err)
	assert.NotEmpty(t, errText, "the bot's inline error shows under the variant input")
	require.Len(t, d.Slack.OpenViews(demoUser.ID), 1, "the modal stays open after an error")

	require.NoError(t, chromedp.Do(ctx,
		clearInput(string(variant)),
		chromedp.SendKeys(variant, "45012000000077"),
		chromedp.Click(chromedp.CSS(`#modal-submit`)),
		chromedp.WaitNotVisible(chromedp.CSS(`#modal-backdrop`)),
		waitText(`#messages`, healthyVerdict),
	), "link with the right ids and see the fix")
	// The reply count moves as replies arrive, so a click can land where the button was; a reader
	// who sees no thread clicks again, and opening a thread twice is harmless.
	threadSays := func() bool {
		_ = chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#messages [data-open-thread]`)))
		return chromedp.Do(ctx, waitTextWithin(`#thread-messages`, fixedNote, 5*time.Second)) == nil
	}
	fixed := false
	for range 6 {
		if fixed = threadSays(); fixed {
			break
		}
	}
	require.True(t, fixed, "the thread says it is fixed")
	assert.Empty(t, d.Slack.OpenViews(demoUser.ID), "the modal closed")
	shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	require.NoError(t, err)

	path := filepath.Join(t.TempDir(), "demo.png")
	require.NoError(t, os.WriteFile(path, shot, 0o644))
	t.Logf("screenshot of the final state: %s", path)
	if os.Getenv("PREORDERBOT_UPDATE_SCREENSHOT") == "1" {
		require.NoError(t, os.MkdirAll("testdata", 0o755))
		require.NoError(t, os.WriteFile(filepath.Join("testdata", "demo.png"), shot, 0o644))
		t.Log("updated testdata/demo.png")
	}
}
