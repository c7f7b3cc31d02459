package hotwaxtest

import (
	"fmt"
	"strings"
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
