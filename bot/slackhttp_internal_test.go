package bot

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Every worker may call Slack at once: the connections of one such round are kept for the next, instead of
// two kept and the rest dialled again.
func TestSlackConnectionsAreKeptForEveryWorker(t *testing.T) {
	t.Parallel()
	const workers = 16
	var dials atomic.Int64
	release := make(chan struct{})
	var arrived sync.WaitGroup
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		arrived.Done()
		<-release // every call of a round is in flight at once
		_, _ = w.Write([]byte(`{"ok":true}`))
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			dials.Add(1)
		}
	}
	srv.Start()
	t.Cleanup(srv.Close)

	client := newSlackHTTPClient(workers)
	for round := range 2 {
		arrived.Add(workers)
		release = make(chan struct{})
		var done sync.WaitGroup
		for range workers {
			done.Go(func() {
				resp, err := client.Get(srv.URL)
				if assert.NoError(t, err) {
					_, _ = io.Copy(io.Discard, resp.Body) // as slack-go reads every answer
					_ = resp.Body.Close()
				}
			})
		}
		arrived.Wait()
		close(release)
		done.Wait()
		require.EqualValues(t, workers, dials.Load(), "connections after round %d", round+1)
	}
}
