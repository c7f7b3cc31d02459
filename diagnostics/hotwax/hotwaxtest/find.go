package hotwaxtest

import (
	"cmp"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
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
	in         map[string]bool // the case-sensitive "in"/"not-in" list, looked up instead of walked per row
	pattern    *regexp.Regexp  // "like"/"contains" compiled once per request; nil when it does not compile
}

type orderKey struct {
	field string
	desc  bool
}

// defaultViewSize is OFBiz's performFind page size when the request gives none.
const defaultViewSize = 20

var fldSuffix = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^(.+)_fld\d+$`) })

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
		if m := fldSuffix().FindStringSubmatch(base); m != nil {
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
		c.prepare()
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
