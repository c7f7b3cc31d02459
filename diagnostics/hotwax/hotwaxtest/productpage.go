package hotwaxtest

import (
	"html"
	"net/http"
	"strings"
	"time"
)

// ProductPagePath is the OMS web page of a product (the guide's "Find Product" detail page), which the
// bot's cards link to as ProductPagePath?productId=….
const ProductPagePath = "/commerce/control/EditProduct"

// productPage is a small stand-in for the OMS's product page: what a person would check there by hand
// (the product, its pre-order category rows and its Shopify shop links), so a card's link opens something.
func (s *Server) productPage(w http.ResponseWriter, r *http.Request) {
	id := r.URL.Query().Get("productId")
	s.mu.Lock()
	defer s.mu.Unlock()
	var p *product
	for i := range s.m.products {
		if s.m.products[i].ID == id {
			p = &s.m.products[i]
		}
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy", "default-src 'none'")
	if p == nil {
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte(`<!doctype html><title>No such product</title><p>The simulated OMS has no product ` + html.EscapeString(id) + `.</p>`))
		return
	}
	var b strings.Builder
	esc := html.EscapeString
	b.WriteString(`<!doctype html><html lang="en"><meta charset="utf-8"><meta name="viewport" content="width=device-width">`)
	b.WriteString(`<title>` + esc(p.Name) + ` · simulated OMS</title><body style="font-family:sans-serif;max-width:46rem;margin:1rem auto;padding:0 1rem">`)
	b.WriteString(`<p><small>Simulated HotWax OMS · product page</small></p><h1>` + esc(p.Name) + `</h1>`)
	b.WriteString(`<p>Product <b>` + esc(p.ID) + `</b> · SKU <code>` + esc(p.SKU) + `</code>`)
	if p.GroupID != "" {
		b.WriteString(` · variant of ` + esc(p.GroupID) + ` ` + esc(p.ParentName))
	}
	b.WriteString(`</p><h2>Categories</h2><ul>`)
	found := false
	for _, m := range s.m.members {
		if m.ProductID == p.ID || (p.GroupID != "" && m.ProductID == p.GroupID) {
			found = true
			b.WriteString(`<li>` + esc(m.ProductCategoryID) + ` since ` + esc(pageTime(m.FromDate)) + `, updated ` + esc(pageTime(m.UpdatedAt)) + `</li>`)
		}
	}
	if !found {
		b.WriteString(`<li>none</li>`)
	}
	b.WriteString(`</ul><h2>Shopify shops</h2><table><tr><th align="left">Shop</th><th align="left">Variant</th><th align="left">Linked</th></tr>`)
	for _, sh := range s.m.shops {
		variant, linked := "not linked", ""
		for _, l := range s.m.links {
			if l.ShopID == sh.ShopID && l.ProductID == p.ID {
				variant, linked = l.ShopifyProductID, pageTime(l.CreatedAt)
			}
		}
		b.WriteString(`<tr><td>` + esc(sh.Name) + ` (` + esc(sh.ShopID) + `)</td><td>` + esc(variant) + `</td><td>` + esc(linked) + `</td></tr>`)
	}
	b.WriteString(`</table></body></html>`)
	_, _ = w.Write([]byte(b.String()))
}

func pageTime(t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	return t.UTC().Format("2006-01-02 15:04 UTC")
}
