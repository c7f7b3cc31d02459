package hotwaxtest

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// The Solr side understands the Lucene subset the client sends: field: value, field: "quoted",
// field: (a OR "b"), AND/OR between clauses, parentheses, *:*, backslash escapes, a trailing wildcard
// (field: HW\-SOCK*, a prefix query) and fuzzy terms (field: HW\-SOCK\-S~2, at most 2 edits, as Lucene's
// FuzzyQuery allows). Anything else is a syntax error, which Solr answers with HTTP 400.

type solrToken struct {
	kind   byte // 't' term, 'q' quoted, '(' , ')', ':'
	text   string
	quoted bool
	prefix bool // an unquoted term ending in an unescaped *
	fuzzy  int  // the N of an unquoted term ending in ~N; 0 when not fuzzy
}

// solrSpecial are characters that must be escaped in an unquoted term.
const solrSpecial = `+-!(){}[]^"~*?:\/`

// lexSolr reads the query byte by byte: every character with a meaning is ASCII, and the bytes of any other
// UTF-8 character are copied as they are. Columns in errors count characters, as Solr's do.
func lexSolr(s string) ([]solrToken, error) {
	var toks []solrToken
	column := func(i int) int { return utf8.RuneCountInString(s[:i]) }
	for i := 0; i < len(s); {
		r := s[i]
		switch {
		case r == ' ' || r == '\t' || r == '\n' || r == '\r':
			i++
		case r == '(' || r == ')' || r == ':':
			toks = append(toks, solrToken{kind: r})
			i++
		case r == '"':
			text, end, ok := lexQuoted(s, i+1)
			if !ok {
				return nil, fmt.Errorf("org.apache.solr.search.SyntaxError: Cannot parse '%s': Lexical error: unterminated quoted string", s)
			}
			i = end
			toks = append(toks, solrToken{kind: 't', text: text, quoted: true})
		default:
			var b []byte // the term with escapes removed, once the first escape is met
			start := i
			text := func() string {
				if b == nil {
					return s[start:i]
				}
				return string(b)
			}
			for i < len(s) {
				c := s[i]
				if c == '\\' {
					if i+1 >= len(s) {
						return nil, fmt.Errorf("org.apache.solr.search.SyntaxError: Cannot parse '%s': Lexical error: escape at end of query", s)
					}
					if b == nil {
						b = append([]byte{}, s[start:i]...)
					}
					b = append(b, s[i+1])
					i += 2
					continue
				}
				if c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '(' || c == ')' || c == ':' || c == '"' {
					break
				}
				// A wildcard term "*" is fine; '-' and '+' are only operators at the start of a term.
				inner := i > start && (c == '-' || c == '+')
				if c == '*' && i > start && (i+1 == len(s) || !isTermByte(s[i+1])) {
					toks = append(toks, solrToken{kind: 't', text: text(), prefix: true})
					i++
					start = -1
					break
				}
				if c == '~' && i > start {
					n, end, err := fuzzyEdits(s, i+1)
					if err != nil {
						return nil, err
					}
					toks = append(toks, solrToken{kind: 't', text: text(), fuzzy: n})
					i = end
					start = -1
					break
				}
				if strings.IndexByte(solrSpecial, c) >= 0 && !inner && !(c == '*' && i == start && (i+1 == len(s) || !isTermByte(s[i+1]))) {
					return nil, fmt.Errorf("org.apache.solr.search.SyntaxError: Cannot parse '%s': Encountered unexpected character %q at column %d; escape or quote it", s, rune(c), column(i))
				}
				if b != nil {
					b = append(b, c)
				}
				i++
			}
			if start >= 0 {
				toks = append(toks, solrToken{kind: 't', text: text()})
			}
		}
	}
	return toks, nil
}

// lexQuoted reads a quoted phrase from s[i:], just past its opening quote: its text with escapes removed,
// and where it ends, just past the closing quote.
func lexQuoted(s string, i int) (text string, end int, ok bool) {
	start := i
	var b []byte
	for i < len(s) {
		switch {
		case s[i] == '\\' && i+1 < len(s):
			if b == nil {
				b = append([]byte{}, s[start:i]...)
			}
			b = append(b, s[i+1])
			i += 2
		case s[i] == '"':
			if b == nil {
				return s[start:i], i + 1, true
			}
			return string(b), i + 1, true
		default:
			if b != nil {
				b = append(b, s[i])
			}
			i++
		}
	}
	return "", 0, false
}

// fuzzyEdits reads the edit distance after '~' (2 when absent); Lucene refuses more than 2.
func fuzzyEdits(s string, i int) (n, end int, err error) {
	if i >= len(s) || !isTermByte(s[i]) {
		return 2, i, nil
	}
	if s[i] < '0' || s[i] > '2' || (i+1 < len(s) && isTermByte(s[i+1])) {
		return 0, 0, fmt.Errorf("org.apache.solr.search.SyntaxError: Cannot parse '%s': Fuzzy edits must be 0, 1 or 2", s)
	}
	return int(s[i] - '0'), i + 1, nil
}

func isTermByte(c byte) bool {
	return strings.IndexByte(" \t\r\n():\"", c) < 0
}

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
	if ss, ok := v.([]string); ok { // the common multi-valued field, without boxing each value
		for _, s := range ss {
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
	if ss, ok := v.([]string); ok {
		for _, s := range ss {
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

// sortValue is what a field sorts by: its first value.
func sortValue(v any) any {
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

type solrParser struct {
	src  string
	toks []solrToken
	pos  int
}

// parseSolr parses a query or filter string. An empty string matches everything.
func parseSolr(s string) (solrNode, error) {
	toks, err := lexSolr(s)
	if err != nil {
		return nil, err
	}
	if len(toks) == 0 {
		return solrAnd{}, nil
	}
	p := &solrParser{src: s, toks: toks}
	n, err := p.expr(false)
	if err != nil {
		return nil, err
	}
	if p.pos < len(p.toks) {
		return nil, p.errorf("unexpected %s", p.describe())
	}
	return n, nil
}

func (p *solrParser) errorf(format string, args ...any) error {
	return fmt.Errorf("org.apache.solr.search.SyntaxError: Cannot parse '%s': %s", p.src, fmt.Sprintf(format, args...))
}

func (p *solrParser) describe() string {
	if p.pos >= len(p.toks) {
		return "end of input"
	}
	t := p.toks[p.pos]
	if t.kind == 't' {
		return fmt.Sprintf("%q", t.text)
	}
	return fmt.Sprintf("%q", string(t.kind))
}

func (p *solrParser) peekKeyword(word string) bool {
	return p.pos < len(p.toks) && p.toks[p.pos].kind == 't' && !p.toks[p.pos].quoted && p.toks[p.pos].text == word
}

func (p *solrParser) peek(kind byte) bool {
	return p.pos < len(p.toks) && p.toks[p.pos].kind == kind
}

// expr := and ("OR" and)* ; juxtaposed clauses are ORed as with Solr's default operator.
func (p *solrParser) expr(values bool) (solrNode, error) {
	var ors solrOr
	for {
		n, err := p.and(values)
		if err != nil {
			return nil, err
		}
		ors = append(ors, n)
		switch {
		case p.peekKeyword("OR"):
			p.pos++
		case p.pos < len(p.toks) && !p.peek(')') && !p.peekKeyword("AND"):
			// implicit OR
		default:
			if len(ors) == 1 {
				return ors[0], nil
			}
			return ors, nil
		}
	}
}

func (p *solrParser) and(values bool) (solrNode, error) {
	var ands solrAnd
	for {
		n, err := p.unary(values)
		if err != nil {
			return nil, err
		}
		ands = append(ands, n)
		if !p.peekKeyword("AND") {
			if len(ands) == 1 {
				return ands[0], nil
			}
			return ands, nil
		}
		p.pos++
	}
}

// unary is a parenthesised expression or a field clause. Inside a field's value group (values) a bare term
// is a value of that field, which the caller binds.
func (p *solrParser) unary(values bool) (solrNode, error) {
	if p.pos >= len(p.toks) {
		return nil, p.errorf("Encountered end of input; expected a clause")
	}
	if p.peekKeyword("NOT") || p.peekKeyword("&&") || p.peekKeyword("||") {
		return nil, p.errorf("operator %s is not supported", p.toks[p.pos].text)
	}
	if p.peek('(') {
		p.pos++
		n, err := p.expr(values)
		if err != nil {
			return nil, err
		}
		if !p.peek(')') {
			return nil, p.errorf("expected ')' but found %s", p.describe())
		}
		p.pos++
		return n, nil
	}
	t := p.toks[p.pos]
	if t.kind != 't' {
		return nil, p.errorf("unexpected %s", p.describe())
	}
	p.pos++
	if values {
		return solrValue{text: t.text, prefix: t.prefix, fuzzy: t.fuzzy}, nil
	}
	if t.quoted || !p.peek(':') {
		return nil, p.errorf("term %q has no field (expected field: value)", t.text)
	}
	p.pos++
	return p.fieldValue(t.text)
}

func (p *solrParser) fieldValue(field string) (solrNode, error) {
	if p.peek('(') {
		p.pos++
		n, err := p.expr(true)
		if err != nil {
			return nil, err
		}
		if !p.peek(')') {
			return nil, p.errorf("expected ')' but found %s", p.describe())
		}
		p.pos++
		return bindField(n, field), nil
	}
	if p.pos >= len(p.toks) || p.toks[p.pos].kind != 't' {
		return nil, p.errorf("expected a value for field %s but found %s", field, p.describe())
	}
	t := p.toks[p.pos]
	p.pos++
	return solrTerm{field: field, value: t.text, prefix: t.prefix, fuzzy: t.fuzzy}, nil
}

// solrValue is a field-less value inside a group, bound to the field afterwards.
type solrValue struct {
	text   string
	prefix bool
	fuzzy  int
}

func (solrValue) match(map[string]any) bool { return false }

func bindField(n solrNode, field string) solrNode {
	switch x := n.(type) {
	case solrValue:
		return solrTerm{field: field, value: x.text, prefix: x.prefix, fuzzy: x.fuzzy}
	case solrAnd:
		out := make(solrAnd, len(x))
		for i, c := range x {
			out[i] = bindField(c, field)
		}
		return out
	case solrOr:
		out := make(solrOr, len(x))
		set := map[string]bool{}
		for i, c := range x {
			out[i] = bindField(c, field)
			if t, ok := out[i].(solrTerm); ok && t.value != "*" && !t.prefix && t.fuzzy == 0 && set != nil {
				set[t.value] = true
			} else {
				set = nil
			}
		}
		if set != nil && len(out) > 1 {
			return solrIn{field: field, values: set}
		}
		return out
	default:
		return n
	}
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
	slices.SortStableFunc(docs, func(a, b map[string]any) int {
		for _, k := range keys {
			c := compareValues(sortValue(a[k.field]), sortValue(b[k.field]))
			if k.desc {
				c = -c
			}
			if c != 0 {
				return c
			}
		}
		return 0
	})
}

// solrDoc renders a document for the response: times as ISO strings, fl limiting the fields.
func solrDoc(doc map[string]any, fl []string) map[string]any {
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
