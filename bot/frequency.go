package bot

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/preorderbot/preorderbot/diagnostics"
)

// frequencyRefresh is how often the OMS's frequencies are read again.
const frequencyRefresh = time.Hour

// frequencies caches the OMS's frequencies, so opening the schedule modal costs no OMS call: the modal
// must open within 3 s of the click.
type frequencies struct {
	load func(ctx context.Context) ([]string, error)

	mu   sync.Mutex
	list []string
}

// get returns the Job Manager's choices that the OMS defines, or all of them while the OMS's list is
// unknown (its answer is checked again when the job is scheduled).
func (f *frequencies) get() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.list) == 0 {
		return diagnostics.Frequencies
	}
	return f.list
}

// refresh reads the OMS's frequencies now and then every frequencyRefresh until ctx ends.
func (f *frequencies) refresh(ctx context.Context, onError func(error)) {
	if f.load == nil {
		return
	}
	for {
		lctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		ids, err := f.load(lctx)
		cancel()
		if err != nil {
			onError(err)
		} else {
			var list []string
			for _, id := range diagnostics.Frequencies {
				if slices.Contains(ids, id) {
					list = append(list, id)
				}
			}
			f.mu.Lock()
			f.list = list
			f.mu.Unlock()
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(frequencyRefresh):
		}
	}
}
