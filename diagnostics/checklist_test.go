package diagnostics

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Every check runs after the checks whose findings it reads, and the product check, which decides whether
// anything else is asked, runs first.
func TestChecksRunAfterWhatTheyNeed(t *testing.T) {
	order := runOrder(checkList)
	require.Len(t, order, len(checkList))
	at := map[CheckID]int{}
	for i, c := range order {
		at[c.id] = i
	}
	for _, c := range checkList {
		assert.NotEmpty(t, c.title, c.id)
		assert.NotEmpty(t, c.reads, c.id)
		for _, n := range c.needs {
			_, known := specOf(n)
			require.True(t, known, "%s needs %s, which is no check", c.id, n)
			assert.Less(t, at[n], at[c.id], "%s needs %s", c.id, n)
		}
	}
	assert.Equal(t, CheckProduct, order[0].id)
}

// The declared needs are what orders the run: the association check reads the job-failures check's
// findings, which read the listing check's. A list that forgot them would run the association check first,
// see no failing association run, and offer a manual link where the job must be fixed.
func TestDeclaredNeedsOrderTheRun(t *testing.T) {
	w := healthyWorld()
	w.dropLink("10001")
	w.history = append(w.history,
		finished("A1", testJobs.Association, "10001", ago(3*time.Hour)),
		failed("A2", testJobs.Association, "10001", ago(time.Hour), "import failed"))
	c := New(w.oms(), testOptions())
	f := c.fetch(context.Background(), "STORE", []string{"SKU-1"}, nil)
	run := func(specs []checkSpec) *findings {
		fd := &findings{failingFor: map[string]bool{}, listings: map[string]string{}}
		newSubject(c.opts, "STORE", "SKU-1", f).runChecks(runOrder(specs), fd)
		return fd
	}

	fd := run(checkList)
	assert.Empty(t, fd.manualLink, "a failing association run is fixed first, not linked by hand")
	assert.NotEmpty(t, fd.failing)

	forgetful := slices.Clone(checkList)
	for i := range forgetful {
		forgetful[i].needs = nil
	}
	fd = run(forgetful)
	assert.Equal(t, []string{"10001"}, fd.manualLink, "without its needs the association check runs before the failures it reads")
}
