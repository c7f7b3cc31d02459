package hotwax

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"unicode"
)

// SimilarSKUs finds up to n SKUs of the store close to sku, closest first, in one Solr query: terms
// within two edits of the SKU as typed and as upper case (a fuzzy query), or sharing its stem before
// the last '-' (a prefix query). Solr compares string fields case-sensitively, so the upper-case try
// catches a SKU typed in the wrong case.
func (c *Client) SimilarSKUs(ctx context.Context, storeID, sku string, n int) ([]string, error) {
	sku = strings.TrimSpace(sku)
	if storeID == "" || sku == "" {
		return nil, nil
	}
	terms := []string{escapeTerm(sku) + "~2"}
	if up := strings.ToUpper(sku); up != sku {
		terms = append(terms, escapeTerm(up)+"~2")
	}
	if i := strings.LastIndexByte(sku, '-'); i >= 3 {
		terms = append(terms, escapeTerm(sku[:i+1])+"*")
	}
	filter := "docType: PRODUCT AND productStoreIds: " + QuoteLucene(storeID) + " AND sku: (" + strings.Join(terms, " OR ") + ")"
	docs, err := c.productDocs(ctx, "solr-query similar skus", filter, 50)
	if err != nil {
		return nil, err
	}
	var found []string
	for _, d := range docs {
		if s := string(d.SKU); s != "" && s != sku && !slices.Contains(found, s) {
			found = append(found, s)
		}
	}
	folded := strings.ToUpper(sku)
	slices.SortStableFunc(found, func(a, b string) int {
		return cmp.Or(cmp.Compare(distance(strings.ToUpper(a), folded), distance(strings.ToUpper(b), folded)), strings.Compare(a, b))
	})
	return found[:min(n, len(found))], nil
}

// escapeTerm backslash-escapes an unquoted Lucene term, which wildcard and fuzzy queries need (a quoted
// phrase cannot carry * or ~).
func escapeTerm(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(`+-!(){}[]^"~*?:\/&|`, r) || unicode.IsSpace(r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// distance is the edit distance between a and b, for ranking suggestions.
func distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
