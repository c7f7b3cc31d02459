package diagnostics

import (
	"cmp"
	"slices"
	"strings"
	"sync"
	"time"
)

// UnknownSignature labels failures that no signature matches, in metrics and digests.
const UnknownSignature = "unknown"

// FailedRun is one failed run of a job with the signature it matched (the zero SignatureRef when none).
type FailedRun struct {
	Job       string       `json:"job"` // how the report names the job and shop, or its systemJobEnumId
	ShopID    string       `json:"shopId,omitempty"`
	JobID     string       `json:"jobId"`
	At        time.Time    `json:"at,omitzero"`
	Text      string       `json:"text"`
	Signature SignatureRef `json:"signature"`
}

// FailedRuns lists the failed runs a report's job-failures check found.
func (r Report) FailedRuns() []FailedRun {
	var out []FailedRun
	for _, c := range r.Checks {
		if c.ID != CheckJobFailures {
			continue
		}
		for _, e := range c.Evidence {
			if e.Signature == nil || e.JobID == "" {
				continue
			}
			out = append(out, FailedRun{Job: e.Label, ShopID: e.Shop, JobID: e.JobID, At: e.At, Text: e.Value, Signature: *e.Signature})
		}
	}
	return out
}

// FailedRuns lists the last failure of each job of the report.
func (r JobsReport) FailedRuns() []FailedRun {
	var out []FailedRun
	for _, j := range r.Jobs {
		if j.Signature != nil && j.LastFailureID != "" {
			out = append(out, FailedRun{Job: j.Job, ShopID: j.ShopID, JobID: j.LastFailureID, At: j.LastFailure, Text: j.LastError, Signature: *j.Signature})
		}
	}
	return out
}

// SignatureLabel is the signature's id, or UnknownSignature for an unmatched failure.
func SignatureLabel(r SignatureRef) string {
	return cmp.Or(r.ID, UnknownSignature)
}

// SignatureGroup is the failed runs that share a signature.
type SignatureGroup struct {
	Label     string       // signature id, or UnknownSignature
	Signature SignatureRef // zero for UnknownSignature
	Runs      []FailedRun  // newest first
}

// GroupBySignature groups failed runs by the signature they matched, so a digest covering many stores
// and jobs (a periodic sweep) can say "12 runs throttled, 3 lack a scope" instead of listing each run.
// Unknown failures come first, since they need a person; then the groups with the most runs.
func GroupBySignature(runs []FailedRun) []SignatureGroup {
	var groups []SignatureGroup
	for _, run := range runs {
		label := SignatureLabel(run.Signature)
		i := slices.IndexFunc(groups, func(g SignatureGroup) bool { return g.Label == label })
		if i < 0 {
			groups = append(groups, SignatureGroup{Label: label, Signature: run.Signature})
			i = len(groups) - 1
		}
		groups[i].Runs = append(groups[i].Runs, run)
	}
	for _, g := range groups {
		slices.SortStableFunc(g.Runs, func(a, b FailedRun) int { return b.At.Compare(a.At) })
	}
	slices.SortStableFunc(groups, func(a, b SignatureGroup) int {
		if (a.Label == UnknownSignature) != (b.Label == UnknownSignature) {
			if a.Label == UnknownSignature {
				return -1
			}
			return 1
		}
		if n := len(b.Runs) - len(a.Runs); n != 0 {
			return n
		}
		return strings.Compare(a.Label, b.Label)
	})
	return groups
}

// failedOf is what the OMS recorded of a failed run: its jobResult and its runtime data's error.
func failedOf(j Job) Failed {
	return Failed{JobResult: j.Result, ErrorMessage: j.Params["_ERROR_MESSAGE_"]}
}

// signatureOf matches a failed run against the chain's catalogue.
func (o Options) signatureOf(j Job) SignatureRef {
	if sig, ok := o.Signatures.Match(failedOf(j)); ok {
		return sig.Ref()
	}
	return SignatureRef{}
}

// knownFailures remembers the signature of each failure text. A store's runs are read once and judged
// for every SKU of a sweep, and matching a text against the catalogue's patterns each time was a fifth
// of a sweep's CPU.
type knownFailures struct {
	mu   sync.Mutex
	refs map[Failed]SignatureRef
}

// signatureOf is o.signatureOf, remembered; a nil knownFailures remembers nothing.
func (k *knownFailures) signatureOf(o Options, j Job) SignatureRef {
	if k == nil {
		return o.signatureOf(j)
	}
	f := failedOf(j)
	k.mu.Lock()
	ref, ok := k.refs[f]
	k.mu.Unlock()
	if ok {
		return ref
	}
	ref = o.signatureOf(j)
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.refs == nil {
		k.refs = map[Failed]SignatureRef{}
	}
	k.refs[f] = ref
	return ref
}

// failureRemedies are the fixes for one failing job: first its signature's own (its runnable remedy, or an
// escalation carrying its note; an unknown failure is escalated), then running the job again, which
// comes after a person has followed the steps. A relink is offered only when the error names the variant
// this SKU is linked to in that shop: another product's deleted variant is not this card's fix.
func (s *subject) failureRemedies(run Job, sig SignatureRef) (fix, after []Remedy) {
	again := s.runJob(run.Type, run.Shop(), "again")
	switch {
	case !sig.Known():
		note := "The job fails with an error that is not a known failure: " + truncateText(failedOf(run).Text(), 500)
		return []Remedy{escalateWithNote(note)}, []Remedy{again}
	case sig.Fix.Kind == FixEscalate:
		return []Remedy{escalateWithNote(sig.Fix.Note)}, []Remedy{again}
	case sig.Fix.Kind == FixRemedy && sig.Fix.Remedy == RemedyRunJob:
		return []Remedy{again}, nil
	case sig.Fix.Kind == FixRemedy && sig.Fix.Remedy == RemedyLinkProduct:
		if l, ok := s.links[run.Shop()]; ok && l.VariantID != "" && strings.Contains(failedOf(run).Text(), l.VariantID) {
			return []Remedy{s.linkProduct(run.Shop())}, []Remedy{again}
		}
	}
	return nil, []Remedy{again}
}

// appendFix is appendRemedy, except that a second escalation adds its note to the first: one escalation
// carries what every failure wants Support to know.
func appendFix(rs []Remedy, r Remedy) []Remedy {
	i := slices.IndexFunc(rs, func(o Remedy) bool { return o.Kind == RemedyEscalate })
	if r.Kind != RemedyEscalate || i < 0 || r.params[paramNote] == "" {
		return appendRemedy(rs, r)
	}
	prev := rs[i].params[paramNote]
	if strings.Contains(prev, r.params[paramNote]) {
		return rs
	}
	rs[i].params = map[string]string{paramNote: strings.TrimSpace(prev + "\n" + r.params[paramNote])}
	return rs
}

func escalateWithNote(note string) Remedy {
	r := escalate()
	if note != "" {
		r.params = map[string]string{paramNote: note}
	}
	return r
}

func truncateText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

func utf8RuneStart(b byte) bool { return b&0xC0 != 0x80 }
