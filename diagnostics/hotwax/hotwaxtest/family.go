package hotwaxtest

import (
	"fmt"
	"time"
)

// AddHealthyFamily adds a virtual product with n variants (numbered from 200, SKUs "<sku>-001"…), healthy
// like the control products: in PREORDER_CAT for 10 days, linked to 10000, 10001 and 10002 30 days ago and
// listed there just after the shop's last sync. It returns the variants' SKUs, for checks of many known SKUs.
func (s *Server) AddHealthyFamily(sku string, n int) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	b := &builder{m: s.m, now: s.nowLocked()}
	first := 200
	for _, p := range s.m.products {
		var k int
		if _, err := fmt.Sscanf(p.ID, "%d", &k); err == nil && k-20000 >= first {
			first = k - 20000 + 1
		}
	}
	vs := make([]variant, n)
	skus := make([]string, n)
	for i := range vs {
		skus[i] = fmt.Sprintf("%s-%03d", sku, i+1)
		vs[i] = variant{n: first + i, sku: skus[i], name: fmt.Sprintf("%s %03d", sku, i+1)}
	}
	b.family(19000+first, sku, sku, vs...)
	for _, v := range vs {
		b.member(v.n, preorderCatID, b.ago(10*day), b.ago(10*day))
		for _, shop := range dataShops {
			b.link(v.n, shop, b.ago(30*day))
			b.listing(v.n, shop, s.m.watermarks[shop].Add(30*time.Second))
		}
	}
	return skus
}
