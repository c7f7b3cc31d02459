package bot

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// mrkdwnMarkup is Slack formatting in a Go string: a mention, channel, date or special token, a link,
// code, or bold, italic or strike-through around a word.
var mrkdwnMarkup = regexp.MustCompile("<[@#!]|<https?:|<$|`|(^|[\\s(])[*_~][^*_~\\s]([^*_~]*[^*_~\\s])?[*_~]($|[\\s).,:;])")

// parsedNotWords are the string constants of package bot that read Slack's or people's text rather than
// write it.
var parsedNotWords = map[string]string{
	"skuPunctuation": "characters people paste around SKUs, stripped from the command",
}

// Package bot states facts; bot/blocks alone words them for Slack, escapes what people and the OMS wrote,
// and writes mentions, dates and links. So no string of package bot carries Slack markup (regular
// expressions that read Slack's text aside), and nothing in it escapes text for Slack.
func TestOnlyBlocksWritesSlackMarkup(t *testing.T) {
	t.Parallel()
	fset := token.NewFileSet()
	names, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	files := 0
	for _, name := range names {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		files++
		skip := map[ast.Node]bool{}
		ast.Inspect(f, func(n ast.Node) bool {
			switch x := n.(type) {
			case *ast.Field:
				if x.Tag != nil {
					skip[x.Tag] = true
				}
			case *ast.ValueSpec:
				for i, name := range x.Names {
					if _, ok := parsedNotWords[name.Name]; ok && i < len(x.Values) {
						skip[x.Values[i]] = true
					}
				}
			case *ast.CallExpr:
				if sel, ok := x.Fun.(*ast.SelectorExpr); ok && isPkg(sel.X, "regexp") && len(x.Args) > 0 {
					skip[x.Args[0]] = true
				}
			case *ast.SelectorExpr:
				if isPkg(x.X, "blocks") && (x.Sel.Name == "Escape" || x.Sel.Name == "DatesIn") {
					t.Errorf("%s: blocks.%s: escaping and dates are blocks' to write", fset.Position(x.Pos()), x.Sel.Name)
				}
			case *ast.BasicLit:
				if x.Kind != token.STRING || skip[x] {
					return true
				}
				s, err := strconv.Unquote(x.Value)
				if err != nil {
					t.Fatalf("%s: %v", fset.Position(x.Pos()), err)
				}
				if m := mrkdwnMarkup.FindString(s); m != "" {
					t.Errorf("%s: %q writes Slack markup (%q): word it in bot/blocks", fset.Position(x.Pos()), s, m)
				}
			}
			return true
		})
	}
	if files < 20 {
		t.Fatalf("read %d files of package bot; run from its directory", files)
	}
}

func isPkg(e ast.Expr, name string) bool {
	id, ok := e.(*ast.Ident)
	return ok && id.Name == name
}

// The markup pattern finds each kind of Slack formatting and leaves plain words, identifiers and cron
// expressions alone, so the scan above is neither blind nor noisy.
func TestMrkdwnMarkupPattern(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"<@", "by <@U1>", "in <#C1>", "<!date^1^{time}|x>", "<https://x|y>", "x <", "`/preorder sweep`",
		"*Checks*", "_why_", "~gone~", "(*bold*)", "a *b c*."} {
		if !mrkdwnMarkup.MatchString(s) {
			t.Errorf("%q: markup not found", s)
		}
	}
	for _, s := range []string{"conversation_id", "PREORDERBOT_OPERATORS", "CRON_TZ=%s %d %d * * *", "a < b", "_ . or -",
		"3 * 4", "Job run %s finished at %s.", "→"} {
		if mrkdwnMarkup.MatchString(s) {
			t.Errorf("%q: plain text taken for markup", s)
		}
	}
}
