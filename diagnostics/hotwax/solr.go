package hotwax

import "strings"

// solrReply is the answer of solr-query: {"response":{"numFound","start","docs"}}.
type solrReply[T any] struct {
	omsStatus
	Response *struct {
		NumFound flexInt `json:"numFound"`
		Start    flexInt `json:"start"`
		Docs     []T     `json:"docs"`
	} `json:"response"`
}

// docs are the documents of the answer. An answer without a response object is not a Solr answer at all:
// reading it as "no documents" would turn an unknown SKU or listing into evidence.
func (r *solrReply[T]) docs(req request) ([]T, error) {
	if r.Response == nil {
		return nil, &APIError{Call: req.call, Status: 200, Reason: "answer has no response object"}
	}
	return r.Response.Docs, nil
}

// QuoteLucene makes s one Lucene phrase: inside double quotes only the backslash and the quote are special,
// so a SKU with "/", ":", spaces or parentheses matches itself instead of breaking or widening the query.
func QuoteLucene(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('"')
	for _, r := range s {
		if r == '\\' || r == '"' {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	b.WriteByte('"')
	return b.String()
}

// anyOf is a Lucene group matching any of the values: ("a" OR "b").
func anyOf(values []string) string {
	quoted := make([]string, len(values))
	for i, v := range values {
		quoted[i] = QuoteLucene(v)
	}
	return "(" + strings.Join(quoted, " OR ") + ")"
}
