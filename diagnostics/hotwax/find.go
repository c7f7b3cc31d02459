package hotwax

import (
	"context"
	"maps"
)

// maxFindPages bounds paging through a performFind, so a server that ignores viewIndex cannot loop us.
const maxFindPages = 20

// findReply is the answer of performFind and findJobs: {"count","docs"}.
type findReply[T any] struct {
	omsStatus
	Count flexInt `json:"count"`
	Docs  []T     `json:"docs"`
}

// findOnce queries one entity for a single page: for a question whose first rows are the answer, such as the
// store's active catalog, a count larger than the page must not send the client paging.
func findOnce[T any](ctx context.Context, c *Client, entity string, body map[string]any, viewSize int) ([]T, error) {
	body["entityName"] = entity
	body["viewSize"] = viewSize
	var r findReply[T]
	if err := c.do(ctx, request{call: "performFind " + entity, path: "performFind", find: true, body: body}, &r); err != nil {
		return nil, err
	}
	return r.Docs, nil
}

// performFind queries one entity and follows pages while the OMS reports more rows than it sent.
// body is sent as given on the first page; later pages add "viewIndex".
func performFind[T any](ctx context.Context, c *Client, entity string, body map[string]any, viewSize int) ([]T, error) {
	body["entityName"] = entity
	body["viewSize"] = viewSize
	req := request{call: "performFind " + entity, path: "performFind", find: true, body: body}

	var docs []T
	for page := 0; page < maxFindPages; page++ {
		if page > 0 {
			next := maps.Clone(body)
			next["viewIndex"] = page
			req.body = next
		}
		var r findReply[T]
		if err := c.do(ctx, req, &r); err != nil {
			return nil, err
		}
		docs = append(docs, r.Docs...)
		if len(r.Docs) < viewSize || int64(len(docs)) >= int64(r.Count) {
			break
		}
	}
	return docs, nil
}
