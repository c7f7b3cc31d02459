package hotwax

import "encoding/json"

// PrepareDecoders builds, in the background, encoding/json's tables of the answers a check reads: a
// one-shot command otherwise builds each when its first answer arrives, on the path to the verdict, while
// the other core sits idle during the first round trip.
func PrepareDecoders() {
	go func() {
		sample := []byte(`{"docs":[{}],"response":{"docs":[{}]}}`)
		for _, reply := range []any{
			&findReply[wireJob]{}, &solrReply[wireProduct]{}, &solrReply[listingWire]{}, &findReply[wireShop]{},
			&findReply[wireShopLink]{}, &findReply[wireStoreCatalog]{}, &findReply[wireCategory]{},
			&findReply[wireMember]{},
		} {
			_ = json.Unmarshal(sample, reply)
		}
	}()
}
