package diagnostics

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Every cause is described once, completely, and the README's causes table lists the catalogue in its order.
func TestCatalogueDescribesEveryCause(t *testing.T) {
	seen := map[Cause]bool{}
	for i, e := range catalogue {
		assert.False(t, seen[e.id], "%s twice", e.id)
		seen[e.id] = true
		assert.Equal(t, i+1, e.id.Rank(), e.id)
		assert.NotEmpty(t, e.guide, e.id)
		assert.NotEmpty(t, e.short, e.id)
		require.NotNil(t, e.applies, e.id)
		require.NotNil(t, e.sentence, e.id)
		assert.NotContains(t, Report{SKU: "SKU-1"}.Sentence(e.id, plainQuoting), string(e.id), "a sentence speaks words, not ids")
	}
	assert.Equal(t, CauseHealthy, catalogue[len(catalogue)-1].id, "healthy applies only when nothing else does: last")
	assert.Zero(t, Cause("no-such-cause").Rank())
	assert.Equal(t, "no-such-cause", Cause("no-such-cause").Short())

	readme, err := os.ReadFile("../README.md")
	require.NoError(t, err)
	row := regexp.MustCompile("(?m)^\\| `([a-z-]+)` \\| .* \\| [0-2] \\|$")
	var listed []Cause
	for _, m := range row.FindAllStringSubmatch(string(readme), -1) {
		listed = append(listed, Cause(m[1]))
	}
	assert.Equal(t, Causes(), listed, "the README's causes table, most likely first")
}

var plainQuoting = Quoting{Name: func(s string) string { return s }, Text: func(s string) string { return s }}

// The sentences name the shops of the report, quoted by the caller.
func TestSentenceQuotesWhatItDidNotWrite(t *testing.T) {
	w := healthyWorld()
	w.dropLink("10001")
	w.dropJob("J1")
	w.shops[1].Name = "Acme <CA>"
	r := runOne(t, w.oms(), testOptions())
	require.Equal(t, CauseAssociationJobMissing, r.Cause)
	upper := Quoting{Name: strings.ToUpper, Text: strings.ToUpper}
	assert.Equal(t, "The “Associate Products with Sub Catalog” job is not scheduled for ACME <CA>, so the product was never linked to that shop.",
		r.Sentence(r.Cause, upper))
}

// A manual link is followed by the same full sync the chain offers for a late link, whatever job does it.
func TestFollowUpOfALinkIsTheChainsFullSync(t *testing.T) {
	for _, bulk := range []string{"", "JOB_BULK_PUSH"} {
		w := healthyWorld()
		w.members[0].UpdatedAt = ago(5 * day)
		w.link("10001").CreatedAt = ago(2 * day)
		w.history = append(w.history, finished("S1", testJobs.CatalogSync, "10001", ago(3*day)))
		w.dropListing("10001")
		opts := testOptions()
		opts.Jobs.FullRepush = bulk
		r := runOne(t, w.oms(), opts)
		require.Equal(t, CauseAssociatedAfterSync, r.Cause)
		link := Remedy{Kind: RemedyLinkProduct, ShopID: "10001", ShopName: "Acme CA", Label: "Link product to Acme CA"}
		next, ok := NewExecutor(nil, opts).FollowUp(link)
		require.True(t, ok)
		assert.Equal(t, r.Remedies[0], next, "bulk push job %q", bulk)

		_, ok = NewExecutor(nil, opts).FollowUp(r.Remedies[0])
		assert.False(t, ok, "a sync needs nothing after it")
	}
}
