package hotwaxtest

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

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

// mayMatch says whether a row whose field holds v can match: false only when an ANDed condition on the field
// fails, so skipping the row before building it changes no answer.
func (req findRequest) mayMatch(field string, v any) bool {
	for _, c := range req.conds {
		if c.field == field && !c.matches(v) {
			return false
		}
	}
	return true
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
		if c.in != nil {
			return c.in[str(v)] == (c.op == "in")
		}
		found := false
		for _, want := range inList(c.value) {
			found = found || c.equal(v, want)
		}
		return found == (c.op == "in")
	case "like", "contains":
		return c.pattern != nil && c.pattern.MatchString(str(v))
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

// prepare readies what a condition compares every row with: the set of an "in" list, the pattern of a
// "like" or "contains".
func (c *condition) prepare() {
	switch c.op {
	case "in", "not-in":
		if !c.ignoreCase {
			c.in = map[string]bool{}
			for _, want := range inList(c.value) {
				c.in[str(want)] = true
			}
		}
	case "like":
		c.pattern = c.like(str(c.value))
	case "contains":
		c.pattern = c.like("%" + str(c.value) + "%")
	}
}

// like compiles SQL LIKE with % and _ wildcards.
func (c condition) like(pattern string) *regexp.Regexp {
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
	if err != nil {
		return nil
	}
	return re
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
