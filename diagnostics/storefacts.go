package diagnostics

import (
	"context"
	"sync"
	"time"
)

// StoreFacts keeps the store-wide facts of a run (shops, the pre-order catalog and its categories, job
// drafts and rows, job history) for a short while, so that a check made while they are fresh waits only
// for its own SKUs: the product lookup, then its links, memberships and listings, two round trips.
//
// A long-running bot shares one StoreFacts between its runs; a one-shot command has no use for it. Facts
// older than half the TTL are still used, and refreshed in the background for the next run; facts older
// than the TTL are fetched again by the run that needs them. Drop forgets them at once: the bot calls it
// after its own writes to the OMS and when someone asks for a re-check, which must see the OMS as it is.
// Only answers that every store-wide call gave without error are kept.
type StoreFacts struct {
	ttl time.Duration
	now func() time.Time

	mu         sync.Mutex
	byStore    map[string]storeFacts
	generation uint64 // bumped by Drop: a fetch begun before it must not store what it read
	refreshing map[string]bool
}

// storeFacts is one product store's store-wide answers and when they were asked for.
type storeFacts struct {
	shops      []Shop
	jobs       []Job
	history    []Job
	categories []Category
	at         time.Time
}

// DefaultStoreFactsTTL is long enough to spare the store-wide questions for a burst of checks and short
// enough that a change made in the OMS's own apps shows within a minute.
const DefaultStoreFactsTTL = time.Minute

// NewStoreFacts returns an empty cache keeping facts for ttl (DefaultStoreFactsTTL when ttl ≤ 0).
func NewStoreFacts(ttl time.Duration) *StoreFacts {
	if ttl <= 0 {
		ttl = DefaultStoreFactsTTL
	}
	return &StoreFacts{ttl: ttl, now: time.Now, byStore: map[string]storeFacts{}, refreshing: map[string]bool{}}
}

// Drop forgets every store's facts, including those being fetched now.
func (s *StoreFacts) Drop() {
	if s == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.generation++
	clear(s.byStore)
}

// get returns the store's facts when younger than the TTL, whether they are due for a background
// refresh (then the caller must refresh them: get marks the refresh as begun), and the generation and
// time to pass to put.
func (s *StoreFacts) get(storeID string) (sf storeFacts, ok, refresh bool, gen uint64, now time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now = s.now()
	sf, ok = s.byStore[storeID]
	age := now.Sub(sf.at)
	if ok && age >= s.ttl {
		delete(s.byStore, storeID)
		ok = false
	}
	if ok && age >= s.ttl/2 && !s.refreshing[storeID] {
		s.refreshing[storeID] = true
		refresh = true
	}
	return sf, ok, refresh, s.generation, now
}

// put keeps f's store-wide facts when they were all answered and nothing was dropped since gen.
func (s *StoreFacts) put(storeID string, gen uint64, at time.Time, f *facts) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if gen != s.generation || !f.shops.ok() || !f.jobs.ok() || !f.history.ok() || !f.categories.ok() {
		return
	}
	s.byStore[storeID] = storeFacts{shops: f.shops.val, jobs: f.jobs.val, history: f.history.val, categories: f.categories.val, at: at}
}

func (s *StoreFacts) clock() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.now()
}

func (s *StoreFacts) refreshed(storeID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.refreshing, storeID)
}

// fill copies cached facts into a run's facts.
func (sf storeFacts) fill(f *facts) {
	f.shops = result[[]Shop]{val: sf.shops}
	f.jobs = result[[]Job]{val: sf.jobs}
	f.history = result[[]Job]{val: sf.history}
	f.categories = result[[]Category]{val: sf.categories}
}

// refresh fetches the store-wide facts again, off the run that found them aging, with a deadline of its own.
func (c *Chain) refresh(storeID string, gen uint64) {
	defer c.opts.StoreFacts.refreshed(storeID)
	ctx, cancel := context.WithTimeout(context.Background(), c.opts.Deadline)
	defer cancel()
	at := c.opts.StoreFacts.clock()
	f := &facts{}
	g := newGroup(ctx, c.opts.MaxInFlight)
	c.askStoreWide(f, func(_ int64, ask func(context.Context), fail func(error)) { g.Go(ask, fail) }, storeID)
	g.Wait()
	c.opts.StoreFacts.put(storeID, gen, at, f)
}
