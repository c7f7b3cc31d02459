package hotwaxtest

import "fmt"

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
