package bot

import (
	"context"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sync/errgroup"
)

// The Bot holds no state of a run: no context, channel, group or WaitGroup. Run's shutdown stages and
// its errgroup reach work through the work's context instead.
func TestBotHoldsNoRunState(t *testing.T) {
	t.Parallel()
	forbidden := map[reflect.Type]bool{
		reflect.TypeFor[context.Context](): true,
		reflect.TypeFor[*errgroup.Group](): true,
		reflect.TypeFor[sync.WaitGroup]():  true,
	}
	bt := reflect.TypeFor[Bot]()
	for i := range bt.NumField() {
		f := bt.Field(i)
		assert.False(t, f.Type.Kind() == reflect.Chan || forbidden[f.Type], "Bot.%s is %s", f.Name, f.Type)
	}
}

// Work that outlives its request follows the shutdown through its context: a watch's wait ends when the
// socket stops, its work at the drain deadline, and recording what was done at the end of the grace.
func TestWorkFollowsTheShutdownStages(t *testing.T) {
	t.Parallel()
	var g errgroup.Group
	stop, endStop := context.WithCancel(context.Background())
	drain, cutWork := context.WithCancel(context.Background())
	grace, endGrace := context.WithCancel(context.Background())
	type key struct{}
	work := withStages(context.WithValue(drain, key{}, "request"), &g, stop, drain, grace)

	type lent struct{ waiting, work, record context.Context }
	got := make(chan lent)
	goOn(work, drained, func(ctx context.Context) {
		assert.Equal(t, "request", ctx.Value(key{}), "the work keeps its request's values")
		waiting, cancel := until(ctx, stopped)
		defer cancel()
		record, cancelRecord := (&Bot{}).finishing(ctx, time.Hour)
		defer cancelRecord()
		got <- lent{waiting, ctx, record}
		<-record.Done()
	})
	l := <-got
	endStop()
	<-l.waiting.Done()
	assert.NoError(t, l.work.Err(), "the socket stopping does not cut work in flight")
	cutWork()
	<-l.work.Done()
	assert.NoError(t, l.record.Err(), "the drain deadline does not stop recording work already done")
	endGrace()
	require.NoError(t, g.Wait(), "the group waits for the work, which ends with the grace")
}
