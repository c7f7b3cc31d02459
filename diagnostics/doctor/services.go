package doctor

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/preorderbot/preorderbot/diagnostics/hotwax"
)

// Listing field-name generations of shopifyCore (hotwax-api §5.5): current tenants index under dotted
// names, older ones under underscore-flattened names, and a query naming a field the core does not define
// fails with Solr's "undefined field". The names are the client's, so the probe asks what the chain reads.
const (
	GenerationDotted     = hotwax.GenerationDotted
	GenerationUnderscore = hotwax.GenerationUnderscore
)

var (
	dottedNamespace     = hotwax.ListingNamespaceField(hotwax.GenerationDotted)
	underscoreNamespace = hotwax.ListingNamespaceField(hotwax.GenerationUnderscore)
)

// listingCore finds which field-name generation shopifyCore answers, with one query per generation at most,
// and whether it holds any pre-order sync result.
func (p *probe) listingCore(ctx context.Context) {
	const item = "shopifyCore listings"
	ask := func(field string) (hotwax.RawDocs, error) {
		return p.oms.SolrRaw(ctx, "shopifyCore", "docType: BULKOPERATION AND "+field+`: "HC_PREORDER"`, 1)
	}
	dotted, errD := ask(dottedNamespace)
	if errD == nil && dotted.Count > 0 {
		p.r.ListingGeneration = GenerationDotted
		p.r.add(Finding{Area: AreaSolr, Item: item, Status: OK,
			Detail: fmt.Sprintf("answers the dotted field names (data.productVariantUpdate…); %d pre-order sync results", dotted.Count)})
		return
	}
	if errD != nil && !hotwax.IsUndefinedField(errD) {
		f := p.failure(AreaSolr, item, "query the shopifyCore core", errD)
		f.Detail += "; the shop-listing check will be unknown"
		if missingCore(errD) {
			f.Fix = "ask HotWax Support to set up the shopifyCore Solr core (the Pre-order app's Audit page reads it too)"
		}
		p.r.add(f)
		return
	}
	under, errU := ask(underscoreNamespace)
	switch {
	case errU == nil && under.Count > 0:
		p.r.ListingGeneration = GenerationUnderscore
		p.r.add(Finding{Area: AreaSolr, Item: item, Status: OK,
			Detail: fmt.Sprintf("answers the older underscore field names (data_productVariantUpdate_…); %d pre-order sync results", under.Count)})
	case errD != nil && errU != nil:
		f := Finding{Area: AreaSolr, Item: item, Status: Warn,
			Detail: "shopifyCore defines neither the dotted nor the underscore listing fields: the shop-listing check will be unknown",
			Fix:    "ask HotWax Support which fields their shopifyCore indexes Shopify bulk-operation results under"}
		if !hotwax.IsUndefinedField(errU) {
			f = p.failure(AreaSolr, item, "query the shopifyCore core", errU)
		}
		p.r.add(f)
	default:
		p.r.ListingGeneration = GenerationDotted
		if errD != nil {
			p.r.ListingGeneration = GenerationUnderscore
		}
		p.r.add(Finding{Area: AreaSolr, Item: item, Status: Warn,
			Detail: "shopifyCore answers (" + p.r.ListingGeneration + " field names) but holds no pre-order sync result yet: every linked shop shows No listing data",
			Fix:    "enable Preorder Catalog Sync; if it runs and this stays empty, ask HotWax Support about the flow that feeds shopifyCore"})
	}
}

// linkService finds out whether service/createShopifyShopProduct is exposed, without creating anything: it
// posts an empty request. OFBiz validates a service's required IN parameters before running it and answers
// "The following required parameter is missing: [createShopifyShopProduct.shopId]" (the message format
// HotWax's own troubleshooting pages quote for createOrderContactMech), while a service that is not there
// answers 404 or "Cannot locate service by name" (OFBiz ModelService lookup). shopId and shopifyProductId
// are the row's primary key, so no request without them can create one.
func (p *probe) linkService(ctx context.Context) {
	const name = "createShopifyShopProduct"
	f := Finding{Area: AreaService, Item: name, Status: Warn}
	err := p.oms.ProbeService(ctx, name)
	var apiErr *hotwax.APIError
	errors.As(err, &apiErr)
	msg := ""
	if apiErr != nil {
		msg = strings.ToLower(strings.Join(apiErr.Messages, " ") + " " + apiErr.Excerpt)
	}
	notExposed := "not exposed: the Link product button will fail"
	switch {
	case err == nil:
		f.Detail = "accepted an empty request: cannot tell whether this is the link service"
		f.Fix = "ask HotWax Support whether service/createShopifyShopProduct creates ShopifyShopProduct rows"
	case strings.Contains(msg, "required parameter") && strings.Contains(msg, "missing"):
		f.Status, f.Detail = OK, "exposed (an empty request is refused for its missing parameters; nothing was created)"
	case apiErr != nil && (apiErr.Status == http.StatusNotFound || strings.Contains(msg, "cannot locate service") ||
		strings.Contains(msg, "not found") || strings.Contains(msg, "no request map") || strings.Contains(msg, "export")):
		f.Detail = notExposed + " (" + short(err) + ")"
		f.Fix = "link products by hand in the OMS (Find Product → Shopify shop product → Add), or ask HotWax Support to expose the service"
	case errors.Is(err, hotwax.ErrUnauthorized), errors.Is(err, hotwax.ErrForbidden):
		f.Detail = "the OMS user may not call it: the Link product button will fail (" + short(err) + ")"
		f.Fix = "give the OMS user behind the credentials permission to create Shopify shop products"
	default:
		f = p.failure(AreaService, name, "answer the service probe", err)
		f.Detail = "could not tell whether it is exposed: " + f.Detail
	}
	p.r.add(f)
}

// missingCore is a Solr answer saying the core does not exist (hotwax/preorder issues #254, #317: tenants
// whose shopifyCore was never set up).
func missingCore(err error) bool {
	var apiErr *hotwax.APIError
	if !errors.As(err, &apiErr) {
		return false
	}
	said := strings.ToLower(strings.Join(apiErr.Messages, " "))
	return apiErr.Status == http.StatusNotFound || strings.Contains(said, "no such core") || strings.Contains(said, "core not found")
}
