package hotwaxtest

import (
	"maps"
	"slices"
)

// solrLookup is one field asked for any of some exact values.
type solrLookup struct {
	field  string
	values []string
}

// lookups narrows a query to exact field values every matching document must hold at least one of, so the
// candidates can be looked up instead of scanned. Only exact terms on fields indexed says yes to count; a query
// shape it cannot narrow (a prefix, a fuzzy term, a wildcard, *:*, an unindexed field under an OR) answers
// false and is scanned. The query language has no NOT, so any conjunct of an AND narrows it, and an OR
// narrows only when every branch does, and an AND by its conjunct of least cost (the documents it would
// look up). The lookups are a superset: the full match still decides.
func lookups(n solrNode, indexed func(field string) bool, cost func([]solrLookup) int) ([]solrLookup, bool) {
	switch x := n.(type) {
	case solrTerm:
		if x.field == "*" || x.value == "*" || x.prefix || x.fuzzy > 0 || !indexed(x.field) {
			return nil, false
		}
		return []solrLookup{{field: x.field, values: []string{x.value}}}, true
	case solrIn:
		if !indexed(x.field) {
			return nil, false
		}
		return []solrLookup{{field: x.field, values: slices.Sorted(maps.Keys(x.values))}}, true
	case solrOr:
		var out []solrLookup
		for _, c := range x {
			l, ok := lookups(c, indexed, cost)
			if !ok {
				return nil, false
			}
			out = append(out, l...)
		}
		return out, len(out) > 0
	case solrAnd:
		var best []solrLookup
		found, least := false, 0
		for _, c := range x {
			l, ok := lookups(c, indexed, cost)
			if !ok {
				continue
			}
			if n := cost(l); !found || n < least {
				best, found, least = l, true, n
			}
		}
		return best, found
	}
	return nil, false
}

func lookupSize(ls []solrLookup) int {
	n := 0
	for _, l := range ls {
		n += len(l.values)
	}
	return n
}

// postings counts the documents a lookup would visit.
func (ix solrIndex) postings(docs []map[string]any) func([]solrLookup) int {
	return func(ls []solrLookup) int {
		n := 0
		for _, l := range ls {
			ix.indexField(docs, l.field)
			for _, v := range l.values {
				n += len(ix[l.field][v])
			}
		}
		return n
	}
}

// solrIndex maps field → value (as a term compares it) → positions of the documents holding it.
type solrIndex map[string]map[string][]int

// indexField adds a field of every document to the index, once.
func (ix solrIndex) indexField(docs []map[string]any, field string) {
	if _, ok := ix[field]; ok {
		return
	}
	byValue := map[string][]int{}
	for i, d := range docs {
		v, ok := d[field]
		if !ok {
			continue
		}
		for _, x := range solrValues(v) {
			s := solrString(x)
			if p := byValue[s]; len(p) == 0 || p[len(p)-1] != i {
				byValue[s] = append(p, i)
			}
		}
	}
	ix[field] = byValue
}

// candidates are the documents holding any looked-up value, in their original order, so matching them gives
// the same page as scanning all.
func (ix solrIndex) candidates(docs []map[string]any, ls []solrLookup) []map[string]any {
	seen := map[int]bool{}
	var at []int
	for _, l := range ls {
		ix.indexField(docs, l.field)
		for _, v := range l.values {
			for _, i := range ix[l.field][v] {
				if !seen[i] {
					seen[i] = true
					at = append(at, i)
				}
			}
		}
	}
	slices.Sort(at)
	out := make([]map[string]any, len(at))
	for j, i := range at {
		out[j] = docs[i]
	}
	return out
}

// productKeyFields are the products core fields whose values come from the product row alone, so products
// can be narrowed before their documents are built.
var productKeyFields = map[string]bool{"productId": true, "sku": true, "internalName": true, "groupId": true}
