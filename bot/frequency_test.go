package bot

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/preorderbot/preorderbot/diagnostics"
	"github.com/stretchr/testify/assert"
)

func TestFrequenciesFromTheOMS(t *testing.T) {
	t.Parallel()
	f := &frequencies{}
	assert.Equal(t, diagnostics.Frequencies, f.get(), "before the OMS answers, the Job Manager's choices")

	ctx, cancel := context.WithCancel(context.Background())
	f.load = func(context.Context) ([]string, error) {
		cancel() // one round is enough
		return []string{"EVERYDAY", "HOURLY", "EVERY_2_DAYS", "EVERY_15_MIN"}, nil
	}
	f.refresh(ctx, func(err error) { t.Errorf("unexpected error %v", err) })
	assert.Equal(t, []string{"EVERY_15_MIN", "HOURLY", "EVERYDAY"}, f.get(), "the OMS's, in the Job Manager's order")

	ctx, cancel = context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	var got error
	f.load = func(context.Context) ([]string, error) {
		cancel()
		return nil, errors.New("oms down")
	}
	f.refresh(ctx, func(err error) { got = err })
	assert.EqualError(t, got, "oms down")
	assert.Equal(t, []string{"EVERY_15_MIN", "HOURLY", "EVERYDAY"}, f.get(), "a failed refresh keeps the last list")
}
