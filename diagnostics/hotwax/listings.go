package hotwax

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"time"
)

// GID prefixes the shopifyCore documents name variants with: the Shopify variant id, and the HotWax
// productId for variants a third-party tool listed (hotwax-api §5.5).
const (
	shopifyVariantGID = "gid://shopify/ProductVariant/"
	hotwaxVariantGID  = "gid://hotwax/ProductVariant/id/"
)

// preorderNamespace is the metafield namespace the pre-order sync writes.
const preorderNamespace = "HC_PREORDER"

// lastUpdatedLayout is the metafield's last_updated_at format, "MMM dd,yyyy HH:mm:ss".
const lastUpdatedLayout = "Jan 2,2006 15:04:05"

// Listing index generations: the field names a tenant's shopifyCore documents carry.
const (
	GenerationDotted     = "dotted"     // data.productVariantUpdate.productVariant.*
	GenerationUnderscore = "underscore" // data_productVariantUpdate_productVariant_*, older flows
)

// listingFields are the names of the fields a listing query reads in one generation.
type listingFields struct {
	generation string
	variantIDs string
	namespace  string
	value      string
}

// listingGenerations in the order they are tried: the names the Audit page queries today first
// (hotwax/preorder:src/views/audit-product-details.vue), then those of its earlier revisions.
var listingGenerations = []listingFields{
	{
		generation: GenerationDotted,
		variantIDs: "data.productVariantUpdate.productVariant.id",
		namespace:  "data.productVariantUpdate.productVariant.metafields.edges.node.namespace",
		value:      "data.productVariantUpdate.productVariant.metafields.edges.node.value",
	},
	{
		generation: GenerationUnderscore,
		variantIDs: "data_productVariantUpdate_productVariant_id",
		namespace:  "data_productVariantUpdate_productVariant_metafields_edges_node_namespace",
		value:      "data_productVariantUpdate_productVariant_metafields_edges_node_value",
	},
}

// VariantRef names a variant for a listing query: its Shopify variant id in the shop (numeric or a GID) and
// its HotWax productId, under which third-party listing tools index it. Either may be empty.
type VariantRef struct {
	VariantID string
	ProductID string
}

// ListingGeneration is the listing index generation the tenant answered ("dotted" or "underscore"), or ""
// while no listing query has succeeded.
func (c *Client) ListingGeneration() string {
	c.listingMu.Lock()
	defer c.listingMu.Unlock()
	if c.listingGen == nil {
		return ""
	}
	return c.listingGen.generation
}

func (c *Client) knownListingFields() (listingFields, bool) {
	c.listingMu.Lock()
	defer c.listingMu.Unlock()
	if c.listingGen == nil {
		return listingFields{}, false
	}
	return *c.listingGen, true
}

// Listings returns, per variant, the newest pre-order sync result Shopify reported for the shop (Solr core
// shopifyCore, hotwax-api §5.5), keyed by the VariantID asked for. A variant without any document is
// absent: "no listing data". A Listing with an empty Status names the variant but its HC_PREORDER value
// could not be attributed to it: the listing is unknown.
//
// Until a listing query has succeeded, every call asks in the generation the Audit page queries today, at
// once: concurrent first calls (one per shop) are not held behind each other. Only when the tenant does not
// define those fields does one caller at a time fall back to the older names; the generation that answered
// is remembered, so later calls ask once.
func (c *Client) Listings(ctx context.Context, shopID string, variants []VariantRef) ([]Listing, error) {
	if shopID == "" {
		return nil, errors.New("hotwax listings: shop id is empty")
	}
	variants = usableRefs(variants)
	if len(variants) == 0 {
		return nil, nil
	}
	if f, ok := c.knownListingFields(); ok {
		return c.queryListings(ctx, f, shopID, variants)
	}
	current := listingGenerations[0]
	ls, err := c.queryListings(ctx, current, shopID, variants)
	if err == nil {
		c.rememberListingFields(current)
		return ls, nil
	}
	if !IsUndefinedField(err) {
		return nil, err
	}
	c.log.LogAttrs(ctx, slog.LevelDebug, "shopifyCore does not index this listing generation",
		slog.String("generation", current.generation))
	return c.olderListings(ctx, shopID, variants, err)
}

// olderListings tries the older generations, one caller at a time, after the current one was undefined.
func (c *Client) olderListings(ctx context.Context, shopID string, variants []VariantRef, undefined error) ([]Listing, error) {
	select {
	case c.listingProbe <- struct{}{}:
	case <-ctx.Done():
		return nil, fmt.Errorf("hotwax listings: %w", ctx.Err())
	}
	f, ok := c.knownListingFields()
	if ok { // another caller found it while this one waited
		<-c.listingProbe
		return c.queryListings(ctx, f, shopID, variants)
	}
	defer func() { <-c.listingProbe }()
	err := undefined
	for _, f := range listingGenerations[1:] {
		var ls []Listing
		ls, err = c.queryListings(ctx, f, shopID, variants)
		if err == nil {
			c.rememberListingFields(f)
			return ls, nil
		}
		if !IsUndefinedField(err) {
			return nil, err
		}
		c.log.LogAttrs(ctx, slog.LevelDebug, "shopifyCore does not index this listing generation",
			slog.String("generation", f.generation))
	}
	return nil, err
}

func (c *Client) rememberListingFields(f listingFields) {
	c.listingMu.Lock()
	defer c.listingMu.Unlock()
	c.listingGen = &f
}

// ListingNamespaceField is the metafield namespace field of a listing generation, for probes that ask
// whether shopifyCore defines it; "" for an unknown generation.
func ListingNamespaceField(generation string) string {
	for _, f := range listingGenerations {
		if f.generation == generation {
			return f.namespace
		}
	}
	return ""
}

func (c *Client) queryListings(ctx context.Context, f listingFields, shopID string, variants []VariantRef) ([]Listing, error) {
	named := make([][]string, len(variants)) // each variant's GIDs, the shop's own first
	var gids []string
	seen := make(map[string]bool, 2*len(variants))
	for i, v := range variants {
		named[i] = v.gids()
		for _, gid := range named[i] {
			if !seen[gid] {
				seen[gid] = true
				gids = append(gids, gid)
			}
		}
	}
	filter := "docType: BULKOPERATION AND operation: (SHOP_PREORDER_SYNC OR " + QuoteLucene(shopID) + ") AND " +
		f.variantIDs + ": " + anyOf(gids) + " AND " + f.namespace + ": " + QuoteLucene(preorderNamespace)
	body := map[string]any{
		"coreName": "shopifyCore",
		"json": map[string]any{
			// Several syncs per variant are common; the headroom keeps each variant's newest doc in the page.
			"params": map[string]any{"rows": max(50, 10*len(gids)), "sort": "_timestamp_ desc", "fl": f.returned()},
			"query":  "*:*",
			"filter": filter,
		},
	}
	req := request{call: "solr-query shopifyCore", path: "solr-query", body: body}
	var r solrReply[listingWire]
	if err := c.do(ctx, req, &r); err != nil {
		return nil, err
	}
	wire, err := r.docs(req)
	if err != nil {
		return nil, err
	}
	docs := make([]listingDoc, len(wire))
	for i, w := range wire {
		docs[i] = w.doc(f.generation)
	}
	return newestListings(shopID, variants, named, docs), nil
}

// listingDoc holds the fields of a bulk-operation document the chain uses, whatever their generation.
type listingDoc struct {
	Timestamp     msTime
	ContainsError flexBool
	VariantIDs    stringList
	Namespaces    stringList
	Values        stringList
}

// returned is the fl parameter of a listing query: the fields listingWire.doc keeps, so that Solr does not
// send (nor the client skip) the rest of each bulk-operation document.
func (f listingFields) returned() string {
	return "_timestamp_,contains_error," + f.variantIDs + "," + f.namespace + "," + f.value
}

// listingWire is a bulk-operation document as the listing query returns it, with the fields of both
// generations: decoding into a struct reads each value once, where a map of raw values allocated and
// copied every field before decoding it again. Only one generation's fields are present (fl asks for them).
type listingWire struct {
	Timestamp     msTime   `json:"_timestamp_"`
	ContainsError flexBool `json:"contains_error"`

	DottedVariantIDs stringList `json:"data.productVariantUpdate.productVariant.id"`
	DottedNamespaces stringList `json:"data.productVariantUpdate.productVariant.metafields.edges.node.namespace"`
	DottedValues     stringList `json:"data.productVariantUpdate.productVariant.metafields.edges.node.value"`

	UnderscoreVariantIDs stringList `json:"data_productVariantUpdate_productVariant_id"`
	UnderscoreNamespaces stringList `json:"data_productVariantUpdate_productVariant_metafields_edges_node_namespace"`
	UnderscoreValues     stringList `json:"data_productVariantUpdate_productVariant_metafields_edges_node_value"`
}

// doc keeps the fields of the generation the query asked for.
func (w listingWire) doc(generation string) listingDoc {
	d := listingDoc{Timestamp: w.Timestamp, ContainsError: w.ContainsError}
	if generation == GenerationUnderscore {
		d.VariantIDs, d.Namespaces, d.Values = w.UnderscoreVariantIDs, w.UnderscoreNamespaces, w.UnderscoreValues
	} else {
		d.VariantIDs, d.Namespaces, d.Values = w.DottedVariantIDs, w.DottedNamespaces, w.DottedValues
	}
	return d
}

// metafieldValue is the HC_PREORDER metafield JSON the sync writes per variant.
type metafieldValue struct {
	Status        string `json:"status"`
	PromiseDate   string `json:"promise_date"`
	LastUpdatedAt string `json:"last_updated_at"`
}

// newestListings picks, for each requested variant, the newest document naming it by one of its GIDs (named[i]
// are variants[i]'s: its Shopify GID, then its HotWax GID).
func newestListings(shopID string, variants []VariantRef, named [][]string, docs []listingDoc) []Listing {
	sort.SliceStable(docs, func(i, j int) bool { return time.Time(docs[i].Timestamp).After(time.Time(docs[j].Timestamp)) })
	type naming struct{ doc, index int } // the newest document naming a GID, and the GID's place in it
	newest := make(map[string]naming, len(docs))
	for d := range docs {
		for i, gid := range docs[d].VariantIDs {
			if _, seen := newest[gid]; !seen {
				newest[gid] = naming{d, i}
			}
		}
	}
	var listings []Listing
	for vi, v := range variants {
		found := naming{doc: -1}
		for _, gid := range named[vi] { // the shop's own GID first, when one document names both
			if n, ok := newest[gid]; ok && (found.doc < 0 || n.doc < found.doc) {
				found = n
			}
		}
		if found.doc < 0 {
			continue
		}
		d := docs[found.doc]
		l := Listing{
			ShopID:        shopID,
			VariantID:     v.VariantID,
			ContainsError: bool(d.ContainsError),
			Timestamp:     d.Timestamp.time(),
		}
		if v, ok := preorderValue(d, found.index); ok {
			l.Status = v.Status
			if v.PromiseDate != "_NA_" {
				l.PromiseDate = v.PromiseDate
			}
			l.LastUpdatedAt = parseLastUpdated(v.LastUpdatedAt)
		}
		listings = append(listings, l)
	}
	return listings
}

// preorderValue decodes the HC_PREORDER metafield value of the i-th variant of a document. The index
// flattens every variant's metafields into parallel namespace and value arrays, so a value belongs to a
// variant only when each variant has exactly one metafield, or when the document names one variant and
// one HC_PREORDER value. Anything else cannot be attributed.
func preorderValue(d listingDoc, i int) (metafieldValue, bool) {
	if len(d.Namespaces) != len(d.Values) {
		return metafieldValue{}, false
	}
	var raw string
	switch {
	case len(d.Values) == len(d.VariantIDs):
		if d.Namespaces[i] != preorderNamespace {
			return metafieldValue{}, false
		}
		raw = d.Values[i]
	case len(d.VariantIDs) == 1:
		found := 0
		for j, ns := range d.Namespaces {
			if ns == preorderNamespace {
				raw, found = d.Values[j], found+1
			}
		}
		if found != 1 {
			return metafieldValue{}, false
		}
	default:
		return metafieldValue{}, false
	}
	var v metafieldValue
	if err := json.Unmarshal([]byte(raw), &v); err != nil || v.Status == "" {
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

// gids are the ids a document may name the variant by, the shop's own first.
func (v VariantRef) gids() []string {
	var out []string
	switch {
	case strings.HasPrefix(v.VariantID, "gid://"):
		out = append(out, v.VariantID)
	case v.VariantID != "":
		out = append(out, shopifyVariantGID+v.VariantID)
	}
	if v.ProductID != "" {
		out = append(out, hotwaxVariantGID+v.ProductID)
	}
	return out
}

// usableRefs drops references that name no variant, so a stray "" never widens the query.
func usableRefs(refs []VariantRef) []VariantRef {
	out := make([]VariantRef, 0, len(refs))
	for _, r := range refs {
		if r.VariantID != "" || r.ProductID != "" {
			out = append(out, r)
		}
	}
	return out
}
