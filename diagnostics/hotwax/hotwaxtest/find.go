package hotwaxtest

import (
	"cmp"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// row is one entity value, keyed by field name. Values are strings, numbers, bools, time.Time, maps or slices.
type row map[string]any

// findRequest is a parsed performFind/findJobs request (OFBiz prepareFind + performFind).
type findRequest struct {
	conds        []condition
	groups       map[string][]condition // _grp conditions: ANDed within a group, groups ORed
	fieldList    []string
	viewSize     int
	viewIndex    int
	orderBy      []orderKey
	noCondition  bool
	filterByDate bool
	fromDateName string
	thruDateName string
}

type condition struct {
	field      string
	op         string
	value      any
	ignoreCase bool
}

type orderKey struct {
	field string
	desc  bool
}

// defaultViewSize is OFBiz's performFind page size when the request gives none.
const defaultViewSize = 20

var fldSuffix = regexp.MustCompile(`^(.+)_fld\d+$`)

var knownOps = map[string]bool{
	"equals": true, "notEqual": true, "in": true, "not-in": true, "empty": true, "not-empty": true,
	"like": true, "contains": true, "greaterThan": true, "greaterThanEqualTo": true, "lessThan": true,
	"lessThanEqualTo": true,
}

// parseFind reads the request grammar: inputFields with field, field_op, field_value, field_ic and the
// field_fldN_* OR groups, plus fieldList, viewSize, viewIndex, orderBy, noConditionFind and filterByDate.
func parseFind(body map[string]any) (findRequest, error) {
	req := findRequest{groups: map[string][]condition{}, fromDateName: "fromDate", thruDateName: "thruDate"}
	var err error
	if req.viewSize, err = intParam(body["viewSize"], defaultViewSize); err != nil {
		return req, fmt.Errorf("viewSize: %w", err)
	}
	if req.viewIndex, err = intParam(body["viewIndex"], 0); err != nil {
		return req, fmt.Errorf("viewIndex: %w", err)
	}
	if req.viewSize <= 0 || req.viewIndex < 0 {
		return req, fmt.Errorf("viewSize must be positive and viewIndex not negative")
	}
	req.fieldList = stringList(body["fieldList"])
	req.noCondition = str(body["noConditionFind"]) == "Y"
	req.filterByDate = str(body["filterByDate"]) == "Y"
	req.fromDateName = cmp.Or(str(body["fromDateName"]), req.fromDateName)
	req.thruDateName = cmp.Or(str(body["thruDateName"]), req.thruDateName)
	if req.orderBy, err = parseOrderBy(str(body["orderBy"])); err != nil {
		return req, err
	}
	inputs := map[string]any{}
	if raw, ok := body["inputFields"]; ok && raw != nil {
		m, ok := raw.(map[string]any)
		if !ok {
			return req, fmt.Errorf("inputFields must be an object")
		}
		inputs = m
	}
	return req, req.parseInputs(inputs)
}

type condSpec struct {
	value    any
	hasValue bool
	op       string
	ic       bool
	grp      string
}

func (req *findRequest) parseInputs(inputs map[string]any) error {
	specs := map[string]*condSpec{}
	var order []string
	for key, v := range inputs {
		base, suffix := key, ""
		for _, s := range []string{"_op", "_ic", "_value", "_grp"} {
			if strings.HasSuffix(key, s) && len(key) > len(s) {
				base, suffix = strings.TrimSuffix(key, s), s
				break
			}
		}
		spec, ok := specs[base]
		if !ok {
			spec = &condSpec{}
			specs[base] = spec
			order = append(order, base)
		}
		switch suffix {
		case "_op":
			spec.op = str(v)
		case "_ic":
			spec.ic = str(v) == "Y"
		case "_grp":
			spec.grp = str(v)
		default:
			spec.value, spec.hasValue = v, true
		}
	}
	slices.Sort(order)
	for _, base := range order {
		spec := specs[base]
		field := base
		if m := fldSuffix.FindStringSubmatch(base); m != nil {
			field = m[1]
		}
		op := spec.op
		if op == "" {
			op = "equals"
			if _, isList := spec.value.([]any); isList {
				op = "in"
			}
		}
		if !knownOps[op] {
			return fmt.Errorf("unknown operator %q for field %s", op, field)
		}
		_, isList := spec.value.([]any)
		if op != "empty" && op != "not-empty" && !isList && str(spec.value) == "" {
			continue // OFBiz ignores a condition without a value
		}
		c := condition{field: field, op: op, value: spec.value, ignoreCase: spec.ic}
		if spec.grp != "" {
			req.groups[spec.grp] = append(req.groups[spec.grp], c)
			continue
		}
		req.conds = append(req.conds, c)
	}
	return nil
}

// parseOrderBy reads "a DESC | b ASC", "-a" and "+a".
func parseOrderBy(s string) ([]orderKey, error) {
	var keys []orderKey
	for part := range strings.SplitSeq(s, "|") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		fields := strings.Fields(part)
		k := orderKey{field: fields[0]}
		switch {
		case strings.HasPrefix(k.field, "-"):
			k.field, k.desc = k.field[1:], true
		case strings.HasPrefix(k.field, "+"):
			k.field = k.field[1:]
		}
		if len(fields) > 2 {
			return nil, fmt.Errorf("bad orderBy %q", part)
		}
		if len(fields) == 2 {
			switch strings.ToUpper(fields[1]) {
			case "DESC":
				k.desc = true
			case "ASC":
			default:
				return nil, fmt.Errorf("bad orderBy direction %q", fields[1])
			}
		}
		keys = append(keys, k)
	}
	return keys, nil
}

// hasConditions reports whether the find restricts anything; OFBiz returns nothing for an unconditioned find
// unless noConditionFind is "Y".
func (req findRequest) hasConditions() bool {
	return len(req.conds) > 0 || len(req.groups) > 0
}

// run filters, sorts and pages rows. count is the number of matching rows before paging.
func (req findRequest) run(rows []row, now time.Time) (count int, page []row) {
	if !req.hasConditions() && !req.noCondition {
		return 0, nil
	}
	var matched []row
	for _, r := range rows {
		if req.matches(r, now) {
			matched = append(matched, r)
		}
	}
	slices.SortStableFunc(matched, func(a, b row) int {
		for _, k := range req.orderBy {
			c := compareValues(a[k.field], b[k.field])
			if k.desc {
				c = -c
			}
			if c != 0 {
				return c
			}
		}
		return 0
	})
	start := req.viewIndex * req.viewSize
	if start >= len(matched) {
		return len(matched), nil
	}
	end := min(start+req.viewSize, len(matched))
	return len(matched), matched[start:end]
}

func (req findRequest) matches(r row, now time.Time) bool {
	for _, c := range req.conds {
		if !c.matches(r[c.field]) {
			return false
		}
	}
	if len(req.groups) > 0 {
		anyGroup := false
		for _, group := range req.groups {
			all := true
			for _, c := range group {
				all = all && c.matches(r[c.field])
			}
			anyGroup = anyGroup || all
		}
		if !anyGroup {
			return false
		}
	}
	if req.filterByDate {
		if from, ok := r[req.fromDateName].(time.Time); ok && !from.IsZero() && from.After(now) {
			return false
		}
		if thru, ok := r[req.thruDateName].(time.Time); ok && !thru.IsZero() && !thru.After(now) {
			return false
		}
	}
	return true
}

func isEmptyValue(v any) bool {
	return str(v) == ""
}

func (c condition) matches(v any) bool {
	switch c.op {
	case "empty":
		return isEmptyValue(v)
	case "not-empty":
		return !isEmptyValue(v)
	case "equals":
		return c.equal(v, c.value)
	case "notEqual":
		return !c.equal(v, c.value)
	case "in", "not-in":
		found := false
		for _, want := range inList(c.value) {
			found = found || c.equal(v, want)
		}
		return found == (c.op == "in")
	case "like":
		return c.like(str(v), str(c.value))
	case "contains":
		return c.like(str(v), "%"+str(c.value)+"%")
	}
	if isEmptyValue(v) {
		return false // SQL comparisons with NULL are never true
	}
	cmp := compareValues(v, c.value)
	switch c.op {
	case "greaterThan":
		return cmp > 0
	case "greaterThanEqualTo":
		return cmp >= 0
	case "lessThan":
		return cmp < 0
	default: // lessThanEqualTo
		return cmp <= 0
	}
}

// inList reads an "in" value: a JSON array, or a comma-separated string as OFBiz accepts.
func inList(v any) []any {
	if list, ok := v.([]any); ok {
		return list
	}
	var out []any
	for s := range strings.SplitSeq(str(v), ",") {
		out = append(out, strings.TrimSpace(s))
	}
	return out
}

func (c condition) equal(v, want any) bool {
	if c.ignoreCase {
		return strings.EqualFold(str(v), str(want))
	}
	return str(v) == str(want)
}

// like matches SQL LIKE with % and _ wildcards.
func (c condition) like(s, pattern string) bool {
	var b strings.Builder
	b.WriteString("^")
	if c.ignoreCase {
		b.WriteString("(?i)")
	}
	for _, r := range pattern {
		switch r {
		case '%':
			b.WriteString(".*")
		case '_':
			b.WriteString(".")
		default:
			b.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	b.WriteString("$")
	re, err := regexp.Compile(b.String())
	return err == nil && re.MatchString(s)
}

// compareValues orders two values: empty first, then times, numbers, and strings.
func compareValues(a, b any) int {
	ae, be := isEmptyValue(a), isEmptyValue(b)
	switch {
	case ae && be:
		return 0
	case ae:
		return -1
	case be:
		return 1
	}
	if at, ok := a.(time.Time); ok {
		if bt, ok := asTime(b); ok {
			return at.Compare(bt)
		}
	}
	if bt, ok := b.(time.Time); ok {
		if at, ok := asTime(a); ok {
			return at.Compare(bt)
		}
	}
	as, bs := str(a), str(b)
	af, aerr := strconv.ParseFloat(as, 64)
	bf, berr := strconv.ParseFloat(bs, 64)
	if aerr == nil && berr == nil {
		switch {
		case af < bf:
			return -1
		case af > bf:
			return 1
		}
		return 0
	}
	return strings.Compare(as, bs)
}

func asTime(v any) (time.Time, bool) {
	if t, ok := v.(time.Time); ok {
		return t, true
	}
	return parseTimeValue(str(v))
}

// project renders a row as a JSON document: only fieldList's fields when given, times as epoch milliseconds,
// empty values left out as OFBiz leaves out nulls.
func project(r row, fields []string) map[string]any {
	out := map[string]any{}
	emit := func(k string, v any) {
		switch x := v.(type) {
		case nil:
		case string:
			if x != "" {
				out[k] = x
			}
		case time.Time:
			if !x.IsZero() {
				out[k] = x.UnixMilli()
			}
		default:
			out[k] = x
		}
	}
	if len(fields) == 0 {
		for k, v := range r {
			emit(k, v)
		}
		return out
	}
	for _, f := range fields {
		emit(f, r[f])
	}
	return out
}
