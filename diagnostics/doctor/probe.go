package doctor

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/preorderbot/preorderbot/diagnostics/hotwax"
)

// probe carries one run: the OMS, the settings and the report being written.
type probe struct {
	oms  OMS
	opts Options
	r    Report

	cred hotwax.Credential
}

// shop is a Shopify shop of the store as ShopifyShopAndConfig describes it.
type shop struct {
	ID, Name, ConfigID string
	Disconnected       bool
}

func (s shop) label() string {
	if s.Name == "" {
		return "shop " + s.ID
	}
	return s.Name + " (" + s.ID + ")"
}

func (p *probe) run(ctx context.Context) {
	shops, ok := p.credentialsAndShops(ctx)
	if !ok {
		return
	}
	jobs, jobsErr := p.oms.FindJobs(ctx, p.pendingQuery())
	p.parent(shops, jobs, jobsErr)
	p.catalog(ctx)
	p.links(ctx, shops)
	p.productCore(ctx)
	p.listingCore(ctx)
	p.configuredJobs()
	p.jobs(shops, jobs, jobsErr)
	p.history(ctx)
	p.frequencies(ctx)
	p.linkService(ctx)
}

// credentialsAndShops logs in when needed, then reads the store's shops: the first authenticated call says
// whether the credentials work and the OMS is reachable. ok is false when nothing else can be read.
func (p *probe) credentialsAndShops(ctx context.Context) ([]shop, bool) {
	cred, err := p.oms.Credential(ctx)
	p.cred = cred
	if err != nil {
		f := p.failure(AreaCredentials, p.credentialName(), "log in", err)
		f.Status = Fail
		p.r.add(f)
		return nil, false
	}
	docs, err := p.oms.FindRaw(ctx, hotwax.RawFind{
		Entity: "ShopifyShopAndConfig", Input: map[string]any{"productStoreId": p.opts.ProductStoreID},
		Fields: []string{"shopId", "name", "shopifyConfigId", "accessScopeEnumId"}, ViewSize: 100,
	})
	if err != nil && (isAuth(err) || isUnreachable(err)) {
		f := p.failure(AreaCredentials, p.credentialName(), "read the store's shops", err)
		f.Status = Fail
		p.r.add(f)
		return nil, false
	}
	p.r.add(p.credentialFinding())
	if err != nil {
		f := p.failure(AreaEntity, "ShopifyShopAndConfig", "read the store's shops", err)
		f.Status = Fail
		p.r.add(f)
		return nil, false
	}
	var shops []shop
	for _, d := range docs.Docs {
		shops = append(shops, shop{ID: text(d["shopId"]), Name: text(d["name"]), ConfigID: text(d["shopifyConfigId"]),
			Disconnected: text(d["accessScopeEnumId"]) == hotwax.AccessNone})
	}
	f := Finding{Area: AreaEntity, Item: "ShopifyShopAndConfig", Status: OK}
	switch miss := missing(docs.Docs, "shopId", "name", "shopifyConfigId"); {
	case len(shops) == 0:
		f.Status, f.Detail = Fail, "no Shopify shop for product store "+p.opts.ProductStoreID
		f.Fix = "set HOTWAX_PRODUCT_STORE_ID to the product store whose shops the bot checks (Job Manager → store picker)"
		p.r.add(f)
		return nil, false
	case slices.Contains(miss, "shopId"):
		f.Status, f.Detail = Fail, "the shops come without shopId"
		f.Fix = "give the integration user full read access to ShopifyShopAndConfig"
		p.r.add(f)
		return nil, false
	case len(miss) > 0:
		f.Status, f.Detail = Warn, fmt.Sprintf("%d shops, but without %s", len(shops), strings.Join(miss, ", "))
		f.Fix = "give the integration user full read access to ShopifyShopAndConfig"
	default:
		f.Detail = fmt.Sprintf("%d shops: %s", len(shops), shopList(shops))
	}
	p.r.add(f)
	return shops, true
}

func (p *probe) credentialName() string {
	if p.cred.Login {
		return "HOTWAX_USERNAME/HOTWAX_PASSWORD"
	}
	return "HOTWAX_TOKEN"
}

// credentialFinding grades credentials the OMS accepted by when they expire.
func (p *probe) credentialFinding() Finding {
	f := Finding{Area: AreaCredentials, Item: p.credentialName(), Status: OK}
	now := p.opts.Now()
	exp := p.cred.Expires
	switch {
	case p.cred.Login:
		f.Detail = "logged in; the bot logs in again before the session ends"
		if !exp.IsZero() {
			f.Detail = "logged in, session until " + fmtTime(exp) + "; the bot logs in again before it ends"
		}
	case !p.cred.JWT:
		f.Detail = "accepted; not a JWT, so its expiry is not known"
	case exp.IsZero():
		f.Detail = "accepted; the JWT states no expiry"
	case !exp.After(now):
		f.Status, f.Detail = Fail, "the JWT expired on "+fmtTime(exp)
		f.Fix = "create a new JWT (OMS → Settings → Create JWT Token) and set HOTWAX_TOKEN"
	case exp.Sub(now) < p.opts.ExpiryWarning:
		f.Status, f.Detail = Warn, fmt.Sprintf("accepted; the JWT expires on %s, in %s", fmtTime(exp), days(exp.Sub(now)))
		f.Fix = "create a new JWT (OMS → Settings → Create JWT Token) before " + fmtTime(exp) + " and set HOTWAX_TOKEN"
	default:
		f.Detail = fmt.Sprintf("accepted; the JWT expires on %s, in %s", fmtTime(exp), days(exp.Sub(now)))
	}
	return f
}

// pendingQuery is the chain's own question for drafts and scheduled rows of the jobs it reasons about.
func (p *probe) pendingQuery() hotwax.JobQuery {
	j := p.opts.Jobs
	enums := nonEmpty(j.Association, j.PresellRefresh, j.CatalogSync, j.ImportNew, j.ImportUpdates, j.FullRepush)
	return hotwax.JobQuery{EnumIDs: enums, Statuses: []string{hotwax.StatusDraft, hotwax.StatusPending}, ViewSize: 200}
}

func shopList(shops []shop) string {
	names := make([]string, len(shops))
	for i, s := range shops {
		names[i] = s.label()
		if s.Disconnected {
			names[i] += " disconnected"
		}
	}
	return strings.Join(names, ", ")
}
