package diagnostics

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"
	"sync"
)

// A Signature is a known job failure: how to recognise its text, what it means in plain words, whether
// it passes by itself, and its fix. The catalogue is data (signatures.json) so that operators can add
// their own without a release.
type Signature struct {
	ID        string   `json:"id"`
	Match     []Match  `json:"match"` // any one matching is enough
	Meaning   string   `json:"meaning"`
	Transient bool     `json:"transient"`
	Fix       Fix      `json:"fix"`
	Source    []string `json:"source,omitempty"`  // where the texts come from
	Samples   []Failed `json:"samples,omitempty"` // real-shaped failures it must claim
	line      int      // where the entry starts in its file
}

// Match recognises a failure text: a case-insensitive substring or a regular expression, on the run's
// jobResult, on its runtimeData's _ERROR_MESSAGE_, or (In empty) on either.
type Match struct {
	In       string `json:"in,omitempty"`
	Contains string `json:"contains,omitempty"`
	Regexp   string `json:"regexp,omitempty"`
	re       *regexp.Regexp
}

// idPattern is the form of a signature id: it labels metrics and appears in cards and packets.
var idPattern = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`) })

// Match.In values.
const (
	InJobResult    = "jobResult"
	InErrorMessage = "_ERROR_MESSAGE_"
)

// Fix is what to do about a known failure: a remedy the bot can run, steps for a person, or an escalation.
// Note prefills the escalation note, whatever the kind: Support gets it if the fix did not help.
type Fix struct {
	Kind   string   `json:"kind"`
	Remedy string   `json:"remedy,omitempty"` // a remedy kind, when Kind is FixRemedy
	Steps  []string `json:"steps,omitempty"`  // when Kind is FixSteps
	Note   string   `json:"note,omitempty"`
}

// Fix kinds.
const (
	FixRemedy   = "remedy"
	FixSteps    = "steps"
	FixEscalate = "escalate"
)

// fixRemedies are the remedies a failure's fix may name: the others need facts a failed run does not give.
var fixRemedies = []string{RemedyRunJob, RemedyLinkProduct}

// Failed is what the OMS recorded of a failed run, in the fields the Job Manager reads (hotwax-api §4.6).
type Failed struct {
	JobResult    string `json:"jobResult,omitempty"`
	ErrorMessage string `json:"_ERROR_MESSAGE_,omitempty"`
}

// Text is the failure as the Job Manager shows it: jobResult, else the runtime data's error.
func (f Failed) Text() string {
	if f.JobResult != "" {
		return f.JobResult
	}
	return f.ErrorMessage
}

// failureText is one field of a failure, with its lower-case form computed once for every pattern.
type failureText struct{ field, text, lower string }

func textsOf(f Failed) []failureText {
	var out []failureText
	for _, t := range []failureText{{field: InJobResult, text: f.JobResult}, {field: InErrorMessage, text: f.ErrorMessage}} {
		if t.text != "" {
			t.lower = strings.ToLower(t.text)
			out = append(out, t)
		}
	}
	return out
}

func (m Match) matches(texts []failureText) bool {
	for _, t := range texts {
		if m.In != "" && m.In != t.field {
			continue
		}
		if m.Contains != "" && strings.Contains(t.lower, strings.ToLower(m.Contains)) {
			return true
		}
		if m.re != nil && m.re.MatchString(t.text) {
			return true
		}
	}
	return false
}

// Matches reports whether any of the signature's patterns recognises the failure.
func (s Signature) Matches(f Failed) bool { return s.matches(textsOf(f)) }

func (s Signature) matches(texts []failureText) bool {
	for _, m := range s.Match {
		if m.matches(texts) {
			return true
		}
	}
	return false
}

// SignatureRef is the part of a signature a report carries beside a failed run. A failed run that no
// signature matches carries the zero SignatureRef, which marshals as null: "not a known failure".
type SignatureRef struct {
	ID        string `json:"id"`
	Meaning   string `json:"meaning"`
	Transient bool   `json:"transient"`
	Fix       Fix    `json:"fix"`
}

// Known tells a matched signature from the zero value of an unmatched failure.
func (r SignatureRef) Known() bool { return r.ID != "" }

// MarshalJSON writes null for an unmatched failure.
func (r SignatureRef) MarshalJSON() ([]byte, error) {
	if !r.Known() {
		return []byte("null"), nil
	}
	type plain SignatureRef
	return json.Marshal(plain(r))
}

// Ref is the signature as reports carry it.
func (s Signature) Ref() SignatureRef {
	return SignatureRef{ID: s.ID, Meaning: s.Meaning, Transient: s.Transient, Fix: s.Fix}
}

// Signatures is a catalogue of known failures, matched in order: the first entry that matches wins.
type Signatures struct {
	list []Signature
	// parsed, when set, gives the entries instead of list: the built-in catalogue is parsed on first use,
	// or in the background by Prepare.
	parsed func() []Signature
}

// entries are the signatures in matching order.
func (c *Signatures) entries() []Signature {
	if c.parsed != nil {
		return c.parsed()
	}
	return c.list
}

// Prepare parses the catalogue in the background, so that a command that starts by asking the OMS has it
// ready when the first verdict needs it, without waiting for it before the first request.
func (c *Signatures) Prepare() {
	if c != nil && c.parsed != nil {
		go c.parsed()
	}
}

//go:embed signatures.json
var builtinSignatures []byte

// DefaultSignatures is the built-in catalogue, parsed on first use. Its tests guarantee it parses, so a
// failure then is a broken build, not bad input.
func DefaultSignatures() *Signatures { return defaultSignatures() }

var defaultSignatures = sync.OnceValue(func() *Signatures {
	return &Signatures{parsed: sync.OnceValue(func() []Signature {
		list, err := ParseSignatures("signatures.json", builtinSignatures)
		if err != nil {
			panic(err)
		}
		return list
	})}
})

// LoadSignatures is the built-in catalogue with the entries of an operator's file (path may be empty)
// added or, for the same id, replacing the built-in ones. The operator's entries are tried first, so a
// narrower pattern of theirs wins over a broad built-in one. Every sample an entry gives must be claimed
// by that entry in the merged order.
func LoadSignatures(path string) (*Signatures, error) {
	base := DefaultSignatures()
	if path == "" {
		return base, nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read signatures: %w", err)
	}
	own, err := ParseSignatures(path, data)
	if err != nil {
		return nil, err
	}
	merged := &Signatures{list: own}
	for _, b := range base.entries() {
		if _, overridden := merged.byID(b.ID); !overridden {
			merged.list = append(merged.list, b)
		}
	}
	for _, s := range own {
		for _, sample := range s.Samples {
			if got, _ := merged.Match(sample); got.ID != s.ID {
				return nil, fmt.Errorf("%s:%d: signature %q: its sample %q is claimed by %q, which comes first",
					path, s.line, s.ID, sample.Text(), got.ID)
			}
		}
	}
	return merged, nil
}

// Match finds the first signature that recognises the failure.
func (c *Signatures) Match(f Failed) (Signature, bool) {
	if c == nil {
		return Signature{}, false
	}
	texts := textsOf(f)
	for _, s := range c.entries() {
		if s.matches(texts) {
			return s, true
		}
	}
	return Signature{}, false
}

// All lists the catalogue in matching order.
func (c *Signatures) All() []Signature {
	return append([]Signature(nil), c.entries()...)
}

func (c *Signatures) byID(id string) (Signature, bool) {
	for _, s := range c.entries() {
		if s.ID == id {
			return s, true
		}
	}
	return Signature{}, false
}

// Overlaps names every pair of entries that claim the same text: a sample of one that another also
// matches, or a literal pattern of one that another matches. A catalogue without overlaps classifies a
// failure the same whatever its order.
func (c *Signatures) Overlaps() []string {
	var out []string
	for _, a := range c.entries() {
		texts := append([]Failed(nil), a.Samples...)
		for _, m := range a.Match {
			switch {
			case m.Contains == "":
			case m.In == InErrorMessage:
				texts = append(texts, Failed{ErrorMessage: m.Contains})
			default:
				texts = append(texts, Failed{JobResult: m.Contains})
			}
		}
		for _, b := range c.entries() {
			if a.ID == b.ID {
				continue
			}
			for _, t := range texts {
				if b.Matches(t) {
					out = append(out, fmt.Sprintf("%s and %s both match %q", a.ID, b.ID, t.Text()))
				}
			}
		}
	}
	return out
}

// ParseSignatures reads a JSON array of signatures and validates each entry. An error names the file, the
// line at fault and the entry's id.
func ParseSignatures(name string, data []byte) ([]Signature, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	if tok, err := dec.Token(); err != nil {
		return nil, fmt.Errorf("%s:%d: %w", name, lineAt(data, dec.InputOffset()), jsonError(err))
	} else if d, ok := tok.(json.Delim); !ok || d != '[' {
		return nil, fmt.Errorf("%s:%d: the file must be a JSON array of signatures", name, lineAt(data, dec.InputOffset()))
	}
	var list []Signature
	seen := map[string]int{}
	for dec.More() {
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", name, lineAt(data, syntaxOffset(err, dec.InputOffset())), jsonError(err))
		}
		start := int(dec.InputOffset()) - len(raw)
		s, where, err := parseSignature(raw)
		if err != nil {
			line := lineAt(data, int64(start+offsetOf(raw, where...)))
			if s.ID == "" {
				return nil, fmt.Errorf("%s:%d: %w", name, line, err)
			}
			return nil, fmt.Errorf("%s:%d: signature %q: %w", name, line, s.ID, err)
		}
		s.line = lineAt(data, int64(start))
		if first, dup := seen[s.ID]; dup {
			return nil, fmt.Errorf("%s:%d: signature %q: the id is already used on line %d", name, s.line, s.ID, first)
		}
		seen[s.ID] = s.line
		list = append(list, s)
	}
	if _, err := dec.Token(); err != nil {
		return nil, fmt.Errorf("%s:%d: %w", name, lineAt(data, dec.InputOffset()), jsonError(err))
	}
	return list, nil
}

// parseSignature decodes and validates one entry; on error it also gives what to look for in the entry's
// text to find the line at fault, most precise first (a value, a key).
func parseSignature(raw json.RawMessage) (Signature, []string, error) {
	var s Signature
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		var ute *json.UnmarshalTypeError
		if errors.As(err, &ute) {
			key := ute.Field[strings.LastIndex(ute.Field, ".")+1:]
			return s, []string{`"` + key + `"`}, fmt.Errorf("%s must be %s, not a JSON %s", ute.Field, typeName(ute.Type.String()), ute.Value)
		}
		if field, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
			field = strings.Trim(field, `"`)
			return s, []string{`"` + field + `"`}, fmt.Errorf("unknown key %q (keys: id, match, meaning, transient, fix, source, samples)", field)
		}
		return s, nil, jsonError(err)
	}
	switch {
	case strings.TrimSpace(s.ID) == "":
		return s, []string{`"id"`}, errors.New("an entry needs an id")
	case !idPattern().MatchString(s.ID):
		return s, []string{`"id"`}, fmt.Errorf("the id must be lower-case words joined by dashes, like shopify-throttled")
	case s.ID == "unknown":
		return s, []string{`"id"`}, errors.New(`"unknown" is the label of failures no signature matches; choose another id`)
	case strings.TrimSpace(s.Meaning) == "":
		return s, []string{`"meaning"`}, errors.New("meaning is empty: say in one plain sentence what the failure means")
	case strings.Contains(strings.TrimSpace(s.Meaning), "\n"):
		return s, []string{`"meaning"`}, errors.New("meaning must be one sentence on one line")
	case len(s.Match) == 0:
		return s, []string{`"match"`}, errors.New("match is empty: give at least one {contains} or {regexp}")
	}
	for i := range s.Match {
		m := &s.Match[i]
		at := []string{quoted(m.Regexp), quoted(m.Contains), quoted(m.In), `"match"`}
		switch {
		case m.In != "" && m.In != InJobResult && m.In != InErrorMessage:
			return s, at, fmt.Errorf("match %d: in is %q; it takes %q or %q (or nothing for both)", i+1, m.In, InJobResult, InErrorMessage)
		case (m.Contains == "") == (m.Regexp == ""):
			return s, at, fmt.Errorf("match %d: give exactly one of contains or regexp", i+1)
		case m.Regexp != "":
			re, err := regexp.Compile(m.Regexp)
			if err != nil {
				return s, at, fmt.Errorf("match %d: bad regexp: %w", i+1, err)
			}
			if re.MatchString("") {
				return s, at, fmt.Errorf("match %d: the regexp %q matches empty text, so it would claim every failure", i+1, m.Regexp)
			}
			m.re = re
		case strings.TrimSpace(m.Contains) == "":
			return s, at, fmt.Errorf("match %d: contains is blank", i+1)
		}
	}
	if key, err := s.Fix.validate(); err != nil {
		return s, []string{`"` + key + `"`, `"fix"`}, fmt.Errorf("fix: %w", err)
	}
	for i, sample := range s.Samples {
		if sample.Text() == "" {
			return s, []string{`"samples"`}, fmt.Errorf("sample %d is empty: give its jobResult or _ERROR_MESSAGE_", i+1)
		}
		if !s.Matches(sample) {
			return s, []string{quoted(sample.Text()), `"samples"`}, fmt.Errorf("sample %d (%q) does not match the entry's own patterns", i+1, sample.Text())
		}
	}
	return s, nil, nil
}

func (f Fix) validate() (string, error) {
	switch f.Kind {
	case FixRemedy:
		for _, r := range fixRemedies {
			if f.Remedy == r {
				return "", nil
			}
		}
		return "remedy", fmt.Errorf("remedy is %q; a failure's fix can run %s", f.Remedy, strings.Join(fixRemedies, " or "))
	case FixSteps:
		if len(f.Steps) == 0 {
			return "steps", errors.New("kind steps needs at least one step")
		}
		for _, st := range f.Steps {
			if strings.TrimSpace(st) == "" {
				return "steps", errors.New("a step is empty")
			}
		}
	case FixEscalate:
		if strings.TrimSpace(f.Note) == "" {
			return "note", errors.New("kind escalate needs the note that prefills the escalation")
		}
	default:
		return "kind", fmt.Errorf("kind is %q; it takes %s, %s or %s", f.Kind, FixRemedy, FixSteps, FixEscalate)
	}
	if f.Remedy != "" {
		return "remedy", fmt.Errorf("remedy is only for kind %s", FixRemedy)
	}
	return "", nil
}

// offsetOf is where the first of the needles found appears in an entry, or 0 (the entry's start).
func offsetOf(raw []byte, needles ...string) int {
	for _, n := range needles {
		if n == "" {
			continue
		}
		if i := bytes.Index(raw, []byte(n)); i >= 0 {
			return i
		}
	}
	return 0
}

// quoted is s as it appears in a JSON file (without HTML escaping), or "" for an empty s.
func quoted(s string) string {
	if s == "" {
		return ""
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	return strings.TrimSuffix(b.String(), "\n")
}

func lineAt(data []byte, offset int64) int {
	offset = min(max(offset, 0), int64(len(data)))
	return bytes.Count(data[:offset], []byte("\n")) + 1
}

func syntaxOffset(err error, fallback int64) int64 {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return se.Offset
	}
	return fallback
}

func jsonError(err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return errors.New("the file ends before the array is closed")
	}
	return fmt.Errorf("not valid JSON: %s", strings.TrimPrefix(err.Error(), "json: "))
}

func typeName(goType string) string {
	switch goType {
	case "string":
		return "a string"
	case "bool":
		return "true or false"
	case "[]string":
		return "a list of strings"
	}
	if strings.HasPrefix(goType, "[]") {
		return "a list"
	}
	return "an object"
}
