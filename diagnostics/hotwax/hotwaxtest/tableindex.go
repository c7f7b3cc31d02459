package hotwaxtest

import "slices"

// tableIndex maps a key of an append-only table of the model (products, links, category members) to the
// positions of its rows, in table order, so an answer about a few products looks them up instead of walking
// every row. It catches up with the rows appended since it last looked.
type tableIndex struct {
	indexed int
	at      map[string][]int
}

// positions brings the index up to n rows, key(i) being row i's key, and returns it.
func (ix *tableIndex) positions(n int, key func(i int) string) map[string][]int {
	if ix.at == nil || ix.indexed > n {
		ix.indexed, ix.at = 0, map[string][]int{}
	}
	for ; ix.indexed < n; ix.indexed++ {
		k := key(ix.indexed)
		ix.at[k] = append(ix.at[k], ix.indexed)
	}
	return ix.at
}

// modelIndexes are the model's lookups by product id (and by SKU and parent for products).
type modelIndexes struct {
	productByID, productBySKU, productByGroup, linkByProduct, memberByProduct tableIndex
}

func (m *model) linksOf(productID string) []int {
	return m.ix.linkByProduct.positions(len(m.links), func(i int) string { return m.links[i].ProductID })[productID]
}

func (m *model) membersOf(productID string) []int {
	return m.ix.memberByProduct.positions(len(m.members), func(i int) string { return m.members[i].ProductID })[productID]
}

// productsHolding are the positions of the products whose key field holds one of the looked-up values, in
// table order.
func (m *model) productsHolding(ls []solrLookup) []int {
	var at []int
	for _, l := range ls {
		byValue := m.productsBy(l.field)
		for _, v := range l.values {
			at = append(at, byValue[v]...)
		}
	}
	slices.Sort(at)
	return slices.Compact(at)
}

// productsBy is the positions of the products by the value of a key field (productId, sku or internalName,
// groupId); nil for any other field.
func (m *model) productsBy(field string) map[string][]int {
	n := len(m.products)
	switch field {
	case "productId":
		return m.ix.productByID.positions(n, func(i int) string { return m.products[i].ID })
	case "sku", "internalName":
		return m.ix.productBySKU.positions(n, func(i int) string { return m.products[i].SKU })
	case "groupId":
		return m.ix.productByGroup.positions(n, func(i int) string { return m.products[i].GroupID })
	}
	return nil
}

// linkCandidates are the positions of the links a find can match, in table order: those of the products an
// ANDed, case-sensitive equals or in condition on productId names, else every link.
func (m *model) linkCandidates(req findRequest) []int {
	for _, c := range req.conds {
		if c.field != "productId" || c.ignoreCase {
			continue
		}
		var ids []string
		switch {
		case c.op == "equals":
			ids = []string{str(c.value)}
		case c.op == "in" && c.in != nil:
			for id := range c.in {
				ids = append(ids, id)
			}
		default:
			continue
		}
		var at []int
		for _, id := range ids {
			at = append(at, m.linksOf(id)...)
		}
		slices.Sort(at)
		return slices.Compact(at)
	}
	all := make([]int, len(m.links))
	for i := range all {
		all[i] = i
	}
	return all
}
