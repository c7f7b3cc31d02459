package hotwaxtest

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// solrNode is a parsed query that decides whether a document matches.
type solrNode interface {
	match(doc map[string]any) bool
}

type solrAnd []solrNode
type solrOr []solrNode

func (n solrAnd) match(doc map[string]any) bool {
	for _, c := range n {
		if !c.match(doc) {
			return false
		}
	}
	return true
}

func (n solrOr) match(doc map[string]any) bool {
	for _, c := range n {
		if c.match(doc) {
			return true
		}
	}
	return false
}

// solrTerm matches a field against one value; field "*" with value "*" is *:*, value "*" means "has a value".
// A prefix term matches values that start with value, a fuzzy one values within fuzzy edits of it; both
// compare case-sensitively, as Solr does on a string field.
type solrTerm struct {
	field  string
	value  string
	prefix bool
	fuzzy  int
}

func (n solrTerm) match(doc map[string]any) bool {
	if n.field == "*" && n.value == "*" {
		return true
	}
	v, ok := doc[n.field]
	if !ok {
		return false
	}
	hit := func(s string) bool {
		return n.value == "*" && s != "" || s == n.value ||
			n.prefix && strings.HasPrefix(s, n.value) || n.fuzzy > 0 && editDistance(s, n.value) <= n.fuzzy
	}
	switch x := v.(type) { // the common kinds, without boxing each value
	case string:
		return hit(x)
	case []string:
		for _, s := range x {
			if hit(s) {
				return true
			}
		}
		return false
	}
	for _, x := range solrValues(v) {
		if hit(solrString(x)) {
			return true
		}
	}
	return false
}

// solrIn is field: (a OR b OR …) of plain values, matched with a set: a sweep asks for hundreds at once.
type solrIn struct {
	field  string
	values map[string]bool
}

func (n solrIn) match(doc map[string]any) bool {
	v, ok := doc[n.field]
	if !ok {
		return false
	}
	switch x := v.(type) {
	case string:
		return n.values[x]
	case []string:
		for _, s := range x {
			if n.values[s] {
				return true
			}
		}
		return false
	}
	for _, x := range solrValues(v) {
		if n.values[solrString(x)] {
			return true
		}
	}
	return false
}

// solrValues lists the values of a single- or multi-valued field.
func solrValues(v any) []any {
	switch x := v.(type) {
	case []string:
		out := make([]any, len(x))
		for i, s := range x {
			out[i] = s
		}
		return out
	case []bool:
		out := make([]any, len(x))
		for i, b := range x {
			out[i] = b
		}
		return out
	case []time.Time:
		out := make([]any, len(x))
		for i, t := range x {
			out[i] = t
		}
		return out
	case []any:
		return x
	}
	return []any{v}
}

// sortValue is what a field sorts by: its first value. A sort compares every pair it orders, so the common
// multi-valued kinds are read without listing their values.
func sortValue(v any) any {
	switch x := v.(type) {
	case []string:
		if len(x) > 0 {
			return x[0]
		}
		return nil
	case []time.Time:
		if len(x) > 0 {
			return x[0]
		}
		return nil
	}
	if vs := solrValues(v); len(vs) > 0 {
		return vs[0]
	}
	return nil
}

// fields lists the field names a parsed query names, "*" of *:* excluded.
func fields(n solrNode) []string {
	switch x := n.(type) {
	case solrTerm:
		if x.field == "*" {
			return nil
		}
		return []string{x.field}
	case solrIn:
		return []string{x.field}
	case solrAnd:
		var out []string
		for _, c := range x {
			out = append(out, fields(c)...)
		}
		return out
	case solrOr:
		var out []string
		for _, c := range x {
			out = append(out, fields(c)...)
		}
		return out
	}
	return nil
}

func solrString(v any) string {
	if t, ok := v.(time.Time); ok {
		return t.UTC().Format(time.RFC3339Nano)
	}
	return str(v)
}

// solrSort is one "field asc|desc" key.
type solrSort struct {
	field string
	desc  bool
}

// solrError is a message in Solr's own words, capitalised as Solr writes it; the reply carries it as the
// error's msg.
type solrError string

func (e solrError) Error() string { return string(e) }

func parseSolrSort(s string) ([]solrSort, error) {
	var keys []solrSort
	for part := range strings.SplitSeq(s, ",") {
		fields := strings.Fields(part)
		if len(fields) == 0 {
			continue
		}
		if len(fields) != 2 || (fields[1] != "asc" && fields[1] != "desc") {
			return nil, solrError(fmt.Sprintf("Can't determine a Sort Order (asc or desc) in sort spec '%s'", strings.TrimSpace(part)))
		}
		keys = append(keys, solrSort{field: fields[0], desc: fields[1] == "desc"})
	}
	return keys, nil
}

func sortSolr(docs []map[string]any, keys []solrSort) {
	if len(keys) == 0 {
		return
	}
	// Each document's sort values are read once, not at every comparison.
	type keyed struct {
		doc    map[string]any
		values []any
	}
	values := make([]any, len(docs)*len(keys))
	byKey := make([]keyed, len(docs))
	for i, d := range docs {
		v := values[i*len(keys) : (i+1)*len(keys)]
		for j, k := range keys {
			v[j] = sortValue(d[k.field])
		}
		byKey[i] = keyed{doc: d, values: v}
	}
	slices.SortStableFunc(byKey, func(a, b keyed) int {
		for j, k := range keys {
			c := compareValues(a.values[j], b.values[j])
			if k.desc {
				c = -c
			}
			if c != 0 {
				return c
			}
		}
		return 0
	})
	for i, k := range byKey {
		docs[i] = k.doc
	}
}

// solrDoc renders a document for the response: times as ISO strings, fl limiting the fields. A document
// that needs neither is sent as it is: the answer only reads it.
func solrDoc(doc map[string]any, fl []string) map[string]any {
	if asIs(doc, fl) {
		return doc
	}
	out := map[string]any{}
	for k, v := range doc {
		if len(fl) > 0 && !slices.Contains(fl, k) && !slices.Contains(fl, "*") {
			continue
		}
		switch x := v.(type) {
		case time.Time:
			out[k] = x.UTC().Format(time.RFC3339Nano)
		case []time.Time:
			iso := make([]string, len(x))
			for i, t := range x {
				iso[i] = t.UTC().Format(time.RFC3339Nano)
			}
			out[k] = iso
		default:
			out[k] = v
		}
	}
	return out
}

// asIs reports whether solrDoc would copy every field of doc unchanged: no field left out, no time.
func asIs(doc map[string]any, fl []string) bool {
	if len(fl) > 0 && !slices.Contains(fl, "*") {
		return false
	}
	for _, v := range doc {
		switch v.(type) {
		case time.Time, []time.Time:
			return false
		}
	}
	return true
}

// editDistance is the Damerau-Levenshtein distance (adjacent transpositions count once) Lucene's fuzzy
// queries use.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	d := make([][]int, len(ra)+1)
	for i := range d {
		d[i] = make([]int, len(rb)+1)
		d[i][0] = i
	}
	for j := range rb {
		d[0][j+1] = j + 1
	}
	for i := 1; i <= len(ra); i++ {
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(ra)][len(rb)]
}
