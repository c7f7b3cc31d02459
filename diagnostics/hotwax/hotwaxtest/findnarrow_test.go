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

// TestJobRowsNarrowingAnswersAsTheScan: findJobs builds only the rows its enum and status conditions can
// match; every operator, ignore-case, groups and paging must answer as over all rows.
func TestJobRowsNarrowingAnswersAsTheScan(t *testing.T) {
	s := NewTestServer(t, Options{Scenario: ScenarioCatalog, CatalogSKUs: 100})
	s.mu.Lock()
	defer s.mu.Unlock()
	var enums, statuses []string
	for _, j := range s.m.jobs {
		enums, statuses = append(enums, j.SystemJobEnumID), append(statuses, j.StatusID)
	}
	require.NotEmpty(t, enums)
	rnd := rand.New(rand.NewPCG(5, 6))
	pick := func(list []string) string { return list[rnd.IntN(len(list))] }
	ops := []string{"equals", "notEqual", "in", "not-in", "like", "empty", "not-empty", "greaterThan"}
	found := 0
	for i := range 200 {
		inputs := map[string]any{}
		for _, f := range []struct {
			field  string
			values []string
		}{{"systemJobEnumId", enums}, {"statusId", statuses}} {
			if rnd.IntN(3) == 0 {
				continue
			}
			op := pick(ops)
			inputs[f.field+"_op"] = op
			switch op {
			case "in", "not-in":
				inputs[f.field] = []string{pick(f.values), pick(f.values), strings.ToLower(pick(f.values))}
			case "like":
				inputs[f.field] = pick(f.values)[:3] + "%"
			default:
				inputs[f.field] = pick(f.values)
			}
			if rnd.IntN(4) == 0 {
				inputs[f.field+"_ic"] = "Y"
			}
			if rnd.IntN(5) == 0 {
				inputs[f.field+"_grp"] = pick([]string{"g1", "g2"})
			}
		}
		body := map[string]any{"inputFields": inputs, "noConditionFind": "Y", "viewSize": 1 + rnd.IntN(60),
			"viewIndex": rnd.IntN(2), "orderBy": pick([]string{"", "runTime DESC", "jobId"})}
		raw, err := json.Marshal(body)
		require.NoError(t, err)
		req, err := parseFind(decode(t, string(raw)))
		require.NoError(t, err)
		now := s.nowLocked()
		_, want := findAnswer(req, s.m.jobRows(findRequest{}), now)
		_, got := findAnswer(req, s.m.jobRows(req), now)
		require.Equal(t, want, got, fmt.Sprintf("find %d: %s", i, raw))
		if m, ok := want.(map[string]any); ok && m["count"] != nil {
			found++
		}
	}
	assert.Greater(t, found, 40, "the finds find jobs")
}
