// Package reportgen makes realistic diagnostic reports for the store's benchmarks: the chain's own reports,
// run against each scenario of the simulated OMS, then varied per record (SKU, product, ids, names, times)
// so that no two records are alike and none is the sample the store's compression dictionary was made
// from (the benchmark tenant's shops are not called Acme).
package reportgen

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/preorderbot/preorderbot/diagnostics"
	"github.com/preorderbot/preorderbot/diagnostics/hotwax"
	"github.com/preorderbot/preorderbot/diagnostics/hotwax/hotwaxtest"
)

// scenarios are the simulated OMS's scenarios with a SKU each, as its demo lists them.
var scenarios = []struct{ name, sku string }{
	{hotwaxtest.ScenarioHealthy, "HW-JACKET-M"},
	{hotwaxtest.ScenarioAssociationJobNotScheduled, "HW-BOOT-42"},
	{hotwaxtest.ScenarioAssociatedAfterSync, "HW-SCARF-GRN"},
	{hotwaxtest.ScenarioPresellJobsDisabled, "HW-BEANIE-BLK"},
	{hotwaxtest.ScenarioJobFailing, "HW-GLOVE-L"},
	{hotwaxtest.ScenarioNeedsManualLink, "HW-SOCK-S"},
	{hotwaxtest.ScenarioNotPreorder, "HW-TEE-WHT"},
}

// Generator renders report i from the scenarios' reports in turn.
type Generator struct {
	samples []sample
}

type sample struct {
	report    diagnostics.Report
	json      string
	sku       string
	names     []string // product and virtual product names
	nameWords []string // the first word of each name
	at        time.Time
	tmpl      template
}

// New runs the diagnostic chain once per scenario against a simulated OMS on 127.0.0.1.
func New(ctx context.Context) (*Generator, error) {
	g := &Generator{}
	for _, sc := range scenarios {
		srv, err := hotwaxtest.NewServer(hotwaxtest.Options{Scenario: sc.name})
		if err != nil {
			return nil, err
		}
		client, err := hotwax.New(hotwax.Options{BaseURL: srv.URL(), Token: srv.Token()})
		if err != nil {
			srv.Close()
			return nil, err
		}
		reports, err := diagnostics.New(hotwax.NewOMS(client), diagnostics.Options{Jobs: hotwax.DefaultJobs()}).Run(ctx, "STORE", []string{sc.sku})
		srv.Close()
		if err != nil {
			return nil, fmt.Errorf("scenario %s: %w", sc.name, err)
		}
		r := reports[0]
		js, err := json.Marshal(r)
		if err != nil {
			return nil, err
		}
		s := sample{report: r, json: string(js), sku: sc.sku, at: r.CheckedAt}
		pairs := []string{sc.sku, "{{SKU}}", "Acme", "Northwind"}
		if r.Product != nil {
			for _, name := range []string{r.Product.Name, r.Product.VirtualName} {
				if name == "" {
					continue
				}
				pairs = append(pairs, name, fmt.Sprintf("{{NAME%d}}", len(s.names)))
				s.names = append(s.names, name)
				s.nameWords = append(s.nameWords, strings.Fields(name)[0])
			}
		}
		s.tmpl = newTemplate(s.json, pairs)
		g.samples = append(g.samples, s)
	}
	return g, nil
}

var (
	timestamps = regexp.MustCompile(`\d{4}-\d\d-\d\d(T\d\d:\d\d:\d\d(\.\d+)?Z| \d\d:\d\d)`)
	// Product, variant and job ids, in JSON strings or in text; not shop ids (1000x) nor fractions of seconds.
	longIDs = regexp.MustCompile(`[" ][2-9]\d{4,}\b`)
)

// template is a sample's JSON cut into literal text and the times and ids that vary per record.
type template struct {
	parts []part
}

type part struct {
	text   string
	time   time.Time // when layout is set
	layout string
	id     uint64 // when isID
	isID   bool
}

func newTemplate(js string, pairs []string) template {
	js = strings.NewReplacer(pairs...).Replace(js)
	type span struct {
		start, end int
		p          part
	}
	var spans []span
	for _, m := range timestamps.FindAllStringIndex(js, -1) {
		for _, layout := range []string{time.RFC3339Nano, "2006-01-02 15:04"} {
			if t, err := time.Parse(layout, js[m[0]:m[1]]); err == nil {
				spans = append(spans, span{m[0], m[1], part{time: t, layout: layout}})
				break
			}
		}
	}
	for _, m := range longIDs.FindAllStringIndex(js, -1) {
		n, _ := strconv.ParseUint(js[m[0]+1:m[1]], 10, 64)
		spans = append(spans, span{m[0] + 1, m[1], part{id: n, isID: true}})
	}
	slices.SortFunc(spans, func(a, b span) int { return a.start - b.start })
	var t template
	at := 0
	for _, s := range spans {
		if s.start < at {
			continue // an id inside a time
		}
		t.parts = append(t.parts, part{text: js[at:s.start]}, s.p)
		at = s.end
	}
	t.parts = append(t.parts, part{text: js[at:]})
	return t
}

func (t template) render(i int, shift time.Duration, names *strings.Replacer) string {
	var b strings.Builder
	for _, p := range t.parts {
		switch {
		case p.layout != "":
			b.WriteString(p.time.Add(shift).UTC().Format(p.layout))
		case p.isID:
			b.WriteString(strconv.FormatUint(p.id+uint64(i)*7919, 10))
		default:
			b.WriteString(p.text)
		}
	}
	return names.Replace(b.String())
}

// Report returns the JSON of report i, checked at: a SKU of its own, its own product ids and names, the
// times of its checks moved to at, and the tenant's shops renamed.
func (g *Generator) Report(i int, at time.Time) (sku string, report json.RawMessage) {
	s := g.samples[i%len(g.samples)]
	sku = fmt.Sprintf("NW-%s-%06d", strings.SplitN(s.sku, "-", 3)[1], i)
	pairs := []string{"{{SKU}}", sku}
	for n := range s.names {
		pairs = append(pairs, fmt.Sprintf("{{NAME%d}}", n), fmt.Sprintf("%s Mk%d", s.nameWords[n], i))
	}
	return sku, json.RawMessage(s.tmpl.render(i, at.Sub(s.at), strings.NewReplacer(pairs...)))
}

// Remedies returns the remedies of report i, as the card's buttons carry them.
func (g *Generator) Remedies(i int) []diagnostics.Remedy {
	return g.samples[i%len(g.samples)].report.Remedies
}
