package hotwaxtest

import (
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/preorderbot/preorderbot/diagnostics/hotwax"
)

// Links are the product's ShopifyShopProduct rows, in creation order.
func (s *Server) Links(productID string) []hotwax.ShopLink {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []hotwax.ShopLink
	for _, i := range s.m.linksOf(productID) {
		out = append(out, s.m.links[i])
	}
	return out
}

// Jobs are all JobSandbox rows (drafts, pending jobs and runs), in creation order.
func (s *Server) Jobs() []hotwax.Job {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]hotwax.Job, 0, len(s.m.jobs))
	for _, j := range s.m.jobs {
		out = append(out, copyJob(j.Job))
	}
	return out
}

// Listings are the shop's listing documents, ordered by variant id.
func (s *Server) Listings(shopID string) []hotwax.Listing {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []hotwax.Listing
	for k, l := range s.m.listings {
		if k.shop == shopID {
			out = append(out, l)
		}
	}
	slices.SortFunc(out, func(a, b hotwax.Listing) int { return strings.Compare(a.VariantID, b.VariantID) })
	return out
}

// Watermark is the shop's last pre-order catalog sync time, and whether it has one.
func (s *Server) Watermark(shopID string) (time.Time, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.m.watermarks[shopID]
	return t, ok
}

// ProductID returns the productId of a SKU in the current scenario.
func (s *Server) ProductID(sku string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.m.productBySKU(sku)
	return p.ID, ok
}

// Counts are the requests received per endpoint ("performFind", "service/createShopifyShopProduct", …).
func (s *Server) Counts() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]int, len(s.counts))
	for k, v := range s.counts {
		out[k] = v
	}
	return out
}

// CountsBySource are the requests received per endpoint and what they read: "performFind ShopifyShopAndConfig",
// "solr-query shopifyCore", "findJobs", ….
func (s *Server) CountsBySource() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.bySource)
}

// Total is the number of requests received.
func (s *Server) Total() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, v := range s.counts {
		n += v
	}
	return n
}

// ResetCounts zeroes the request counters.
func (s *Server) ResetCounts() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.counts)
	clear(s.bySource)
}
