package hotwaxtest

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestFindNarrowingAnswersAsTheScan runs many ShopifyShopProduct finds, with every operator on the key
// fields, ignore-case, groups and paging, once over the rows their conditions narrow to and once over all
// rows: the answers must be the same.
func TestFindNarrowingAnswersAsTheScan(t *testing.T) {
	s := NewTestServer(t, Options{Scenario: ScenarioCatalog, CatalogSKUs: 300})
	s.mu.Lock()
	defer s.mu.Unlock()
	var ids, shops []string
	for _, l := range s.m.links {
		ids, shops = append(ids, l.ProductID), append(shops, l.ShopID)
	}
	require.NotEmpty(t, ids)
	hostile := []string{`%`, `_`, `A/B: (C) "D"`, `Ünï 🙂`, "", ","}
	rnd := rand.New(rand.NewPCG(3, 4))
	pick := func(list []string) string { return list[rnd.IntN(len(list))] }
	list := func(n int) []string {
		out := []string{pick(hostile)}
		for range n {
			out = append(out, pick(ids))
		}
		return out
	}
	ops := []string{"equals", "notEqual", "in", "not-in", "like", "contains", "empty", "not-empty", "greaterThan", "lessThanEqualTo"}
	cond := func(field string, values []string, grp string) map[string]any {
		op := pick(ops)
		in := map[string]any{field + "_op": op}
		switch op {
		case "in", "not-in":
			if rnd.IntN(2) == 0 {
				in[field] = values
			} else {
				in[field] = strings.Join(values, ", ")
			}
		case "like", "contains":
			in[field] = values[1][:1+rnd.IntN(len(values[1]))] + pick([]string{"%", "_", ""})
		default:
			in[field] = values[1]
		}
		if rnd.IntN(4) == 0 {
			in[field+"_ic"] = "Y"
		}
		if grp != "" {
			in[field+"_grp"] = grp
		}
		return in
	}
	found := 0
	for i := range 300 {
		inputs := map[string]any{}
		for range 1 + rnd.IntN(2) {
			field, values := "productId", list(1+rnd.IntN(20))
			if rnd.IntN(3) == 0 {
				field, values = "shopId", []string{pick(hostile), pick(shops)}
			}
			grp := ""
			if rnd.IntN(4) == 0 {
				grp = pick([]string{"g1", "g2"})
			}
			for k, v := range cond(field, values, grp) {
				inputs[k] = v
			}
		}
		if rnd.IntN(5) == 0 {
			inputs["shopifyProductId_op"] = "not-empty"
		}
		body := map[string]any{"entityName": "ShopifyShopProduct", "inputFields": inputs,
			"viewSize": 1 + rnd.IntN(50), "viewIndex": rnd.IntN(2), "orderBy": pick([]string{"", "productId", "shopId DESC|productId"})}
		raw, err := json.Marshal(body)
		require.NoError(t, err)
		body = decode(t, string(raw))
		req, err := parseFind(body)
		require.NoError(t, err)
		now := s.nowLocked()
		narrowed, _ := s.m.entityRows("ShopifyShopProduct", req, now)
		all, _ := s.m.entityRows("ShopifyShopProduct", findRequest{}, now)
		require.Len(t, all, len(s.m.links))
		_, want := findAnswer(req, all, now)
		_, got := findAnswer(req, narrowed, now)
		require.Equal(t, want, got, fmt.Sprintf("find %d: %s", i, raw))
		if m, ok := want.(map[string]any); ok && m["count"] != nil {
			found++
		}
	}
	assert.Greater(t, found, 50, "the finds find rows")
}
