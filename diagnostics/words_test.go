package diagnostics_test

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/preorderbot/preorderbot/diagnostics"
	"github.com/preorderbot/preorderbot/diagnostics/hotwax/hotwaxtest"
)

// A card shows each check as "Title — summary": a summary that repeats its check's job name reads twice,
// and a TemporalExpression id is a word no operator uses.
func TestSummariesSpeakPlainly(t *testing.T) {
	frequencyID := regexp.MustCompile(`EVERY_|HOURLY|EVERYDAY`)
	jobOfCheck := map[diagnostics.CheckID]string{
		diagnostics.CheckPresellRefresh: "Auto Refresh Pre-sell Catalog",
		diagnostics.CheckCatalogSync:    "Preorder Catalog Sync",
	}
	scenarios := map[string]string{
		hotwaxtest.ScenarioHealthy: "HW-JACKET-M", hotwaxtest.ScenarioPresellJobsDisabled: "HW-BEANIE-BLK",
		hotwaxtest.ScenarioAssociationJobNotScheduled: "HW-BOOT-42", hotwaxtest.ScenarioNeedsManualLink: "HW-SOCK-S",
	}
	for scenario, sku := range scenarios {
		_, client, _ := simulated(t, hotwaxtest.Options{Scenario: scenario})
		reports, err := diagnostics.New(client, diagnostics.Options{Jobs: defaultJobs}).Run(context.Background(), "STORE", []string{sku})
		require.NoError(t, err)
		for _, c := range reports[0].Checks {
			assert.NotRegexp(t, frequencyID, c.Summary, "%s %s", scenario, c.ID)
			for _, ev := range c.Evidence {
				assert.NotRegexp(t, frequencyID, ev.Value, "%s %s", scenario, c.ID)
			}
			if name := jobOfCheck[c.ID]; name != "" {
				assert.NotContains(t, strings.ToLower(c.Summary), strings.ToLower(name), "%s %s", scenario, c.ID)
			}
		}
		for _, s := range reports[0].Shops {
			assert.NotRegexp(t, frequencyID, s.AssociationJob, scenario)
		}
	}
}
