package bot

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/preorderbot/preorderbot/bot/blocks"
	"github.com/preorderbot/preorderbot/diagnostics"
	"github.com/preorderbot/preorderbot/store"
)

// cardEditor edits a card as checks finish, at most once per interval, from its own goroutine so the
// chain never waits on Slack. The final edit is the caller's, after stop.
type cardEditor struct {
	b     *Bot
	log   *slog.Logger
	conv  store.Conversation
	every time.Duration

	mu   sync.Mutex
	done []diagnostics.Check // checks finished so far (of the first SKU: the card shows one column)
	kick chan struct{}
	quit chan struct{}
	wg   sync.WaitGroup
}

func (e *cardEditor) start() {
	e.kick, e.quit = make(chan struct{}, 1), make(chan struct{})
	e.wg.Go(func() {
		last := time.Now() // the card was just posted
		for {
			select {
			case <-e.quit:
				return
			case <-e.kick:
			}
			if wait := e.every - time.Since(last); wait > 0 {
				select {
				case <-e.quit:
					return
				case <-time.After(wait):
				}
			}
			last = time.Now()
			e.mu.Lock()
			msg := blocks.Progress(e.conv.SKUs, e.done, e.conv.RequestedBy, e.b.now())
			e.mu.Unlock()
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			if err := e.b.update(ctx, e.log, e.conv.Channel, e.conv.CardTS, msg); err != nil {
				e.log.Warn("progress edit failed", "error", err)
			}
			cancel()
		}
	})
}

func (e *cardEditor) stop() {
	close(e.quit)
	e.wg.Wait()
}

func (e *cardEditor) progress(sku string, c diagnostics.Check) {
	if sku != e.conv.SKUs[0] {
		return
	}
	e.mu.Lock()
	e.done = append(e.done, c)
	e.mu.Unlock()
	select {
	case e.kick <- struct{}{}:
	default:
	}
}
