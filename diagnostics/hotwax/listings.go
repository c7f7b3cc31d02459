package hotwax

import (
	"context"
	"encoding/json"
	"errors"
	"sort"
	"strings"
	"time"
)

// variantGIDPrefix turns a numeric Shopify variant id into the GID the bulk-operation docs carry.
const variantGIDPrefix = "gid://shopify/ProductVariant/"

// lastUpdatedLayout is the metafield's last_updated_at format, "MMM dd,yyyy HH:mm:ss".
const lastUpdatedLayout = "Jan 2,2006 15:04:05"

// Field names of the shopifyCore bulk-operation documents.
const (
	fieldVariantIDs     = "data.productVariantsBulkUpdate.productVariants.id"
	fieldMetafieldValue = "data.productVariantsBulkUpdate.productVariants.metafields.edges.node.value"
	fieldNamespace      = "data.productVariantsBulkUpdate.productVariants.metafields.edges.node.namespace"
)

// Listings returns, per variant, the newest pre-order sync result Shopify reported for the shop (Solr core
// shopifyCore, hotwax-api §5.5). variantIDs are Shopify variant ids, numeric or GIDs. A variant without
// any document is absent: "no listing data". The core may not exist on every OMS.
func (c *Client) Listings(ctx context.Context, shopID string, variantIDs []string) ([]Listing, error) {
	if shopID == "" {
		return nil, errors.New("hotwax listings: shop id is empty")
	}
	variantIDs = nonEmpty(variantIDs)
	if len(variantIDs) == 0 {
		return nil, nil
	}
	gids := make([]string, len(variantIDs))
	for i, v := range variantIDs {
		gids[i] = variantGID(v)
	}
	filter := "docType: BULKOPERATION AND operation: (SHOP_PREORDER_SYNC OR " + quoteLucene(shopID) + ") AND " +
		fieldVariantIDs + ": " + anyOf(gids) + " AND " + fieldNamespace + ": \"HC_PREORDER\""
	body := map[string]any{
		"coreName": "shopifyCore",
		"json": map[string]any{
			// Several syncs per variant are common; the headroom keeps each variant's newest doc in the page.
			"params": map[string]any{"rows": max(50, 10*len(variantIDs)), "sort": "_timestamp_ desc"},
			"query":  "*:*",
			"filter": filter,
		},
	}
	var r solrReply[listingDoc]
	if err := c.do(ctx, request{call: "solr-query shopifyCore", path: "solr-query", body: body}, &r); err != nil {
		return nil, err
	}
	return newestListings(shopID, variantIDs, r.Response.Docs), nil
}

type listingDoc struct {
	Operation     string     `json:"operation"`
	Timestamp     msTime     `json:"_timestamp_"`
	ContainsError flexBool   `json:"contains_error"`
	VariantIDs    stringList `json:"data.productVariantsBulkUpdate.productVariants.id"`
	Values        stringList `json:"data.productVariantsBulkUpdate.productVariants.metafields.edges.node.value"`
}

// metafieldValue is the HC_PREORDER metafield JSON the sync writes per variant.
type metafieldValue struct {
	Status        string `json:"status"`
	PromiseDate   string `json:"promise_date"`
	LastUpdatedAt string `json:"last_updated_at"`
}

// newestListings picks, for each requested variant, the newest document naming it. Ids and metafield values
// are parallel arrays in a document; a single value applies to every id.
func newestListings(shopID string, variantIDs []string, docs []listingDoc) []Listing {
	sort.SliceStable(docs, func(i, j int) bool { return docs[i].Timestamp.time().After(docs[j].Timestamp.time()) })
	var listings []Listing
	for _, variant := range variantIDs {
		gid := variantGID(variant)
		for _, d := range docs {
			i := indexOf(d.VariantIDs, gid)
			if i < 0 {
				continue
			}
			l := Listing{
				ShopID:        shopID,
				VariantID:     variant,
				ContainsError: bool(d.ContainsError),
				Timestamp:     d.Timestamp.time(),
			}
			if v, ok := valueFor(d, i); ok {
				l.Status = v.Status
				if v.PromiseDate != "_NA_" {
					l.PromiseDate = v.PromiseDate
				}
				l.LastUpdatedAt = parseLastUpdated(v.LastUpdatedAt)
			}
			listings = append(listings, l)
			break
		}
	}
	return listings
}

// valueFor decodes the metafield value belonging to the i-th variant id of a document.
func valueFor(d listingDoc, i int) (metafieldValue, bool) {
	var raw string
	switch {
	case i < len(d.Values) && len(d.Values) == len(d.VariantIDs):
		raw = d.Values[i]
	case len(d.Values) == 1:
		raw = d.Values[0]
	default:
		return metafieldValue{}, false
	}
	var v metafieldValue
	if err := json.Unmarshal([]byte(raw), &v); err != nil {
		return metafieldValue{}, false
	}
	return v, true
}

func parseLastUpdated(s string) time.Time {
	t, err := time.Parse(lastUpdatedLayout, strings.TrimSpace(s))
	if err != nil {
		return time.Time{}
	}
	return t
}

func variantGID(id string) string {
	if strings.HasPrefix(id, "gid://") {
		return id
	}
	return variantGIDPrefix + id
}

func indexOf(values []string, want string) int {
	for i, v := range values {
		if v == want {
			return i
		}
	}
	return -1
}
