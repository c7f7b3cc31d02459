package diagnostics

import (
	"cmp"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Bounds of what a person may enter for a remedy.
const (
	maxLimit      = 10000
	firstRunSlack = 5 * time.Minute // a first run picked "now" is a few minutes old by the time it is sent
	firstRunAhead = 365 * 24 * time.Hour
)

// Validate checks what a person entered for r exactly as Execute does before it calls the OMS: the
// modals show its refusals inline, so nothing the executor would refuse is ever claimed. Each refusal is
// a *ValidationError naming its input; Problems lists them all.
func Validate(r Remedy, in Input, now time.Time) error {
	var errs []error
	switch r.Kind {
	case RemedyScheduleJob, RemedyEnableJob, RemedyRunJob:
		if r.Job == "" {
			errs = append(errs, invalid("job", "no job given"))
		}
		if f := cmp.Or(in.Frequency, r.Frequency, preorderFrequency); r.Kind != RemedyRunJob && !slices.Contains(Frequencies, f) {
			errs = append(errs, invalid("frequency", "%q is not one of the OMS's frequencies (%s)", f, strings.Join(Frequencies, ", ")))
		}
		if l, ok := limitOf(r, in); ok && !validLimit(l) {
			errs = append(errs, invalid("limit", "the limit is a whole number from 1 to %d in digits only, not %q", maxLimit, l))
		}
		if t := in.FirstRun; !t.IsZero() && t.Before(now.Add(-firstRunSlack)) {
			errs = append(errs, invalid("firstRun", "the first run is in the past; pick a time from now on"))
		}
		if t := in.FirstRun; !t.IsZero() && t.After(now.Add(firstRunAhead)) {
			errs = append(errs, invalid("firstRun", "the first run is more than a year away; pick a time within a year"))
		}
	case RemedyLinkProduct:
		if r.ShopID == "" {
			errs = append(errs, invalid("shop", "no shop given"))
		}
		if cmp.Or(in.ProductID, r.params[paramProductID]) == "" {
			errs = append(errs, invalid("productId", "no product given"))
		}
		if !ShopifyID(in.VariantID) {
			errs = append(errs, invalid("variantId", "the Shopify variant id is a positive whole number, like 44596467138724 (the end of the variant's admin URL), not %q", in.VariantID))
		}
		if !ShopifyID(in.InventoryItemID) {
			errs = append(errs, invalid("inventoryItemId", "the Shopify inventory item id is a positive whole number, like 46447064219812, not %q", in.InventoryItemID))
		}
	}
	return errors.Join(errs...)
}

// Problems lists the refusals in an error from Validate or Execute; nil when it holds none.
func Problems(err error) []*ValidationError {
	var out []*ValidationError
	var walk func(error)
	walk = func(err error) {
		var ve *ValidationError
		switch e := err.(type) {
		case nil:
		case interface{ Unwrap() []error }:
			for _, x := range e.Unwrap() {
				walk(x)
			}
		default:
			if errors.As(err, &ve) {
				out = append(out, ve)
			}
		}
	}
	walk(err)
	return out
}

func limitOf(r Remedy, in Input) (string, bool) {
	if in.Limit != "" {
		return in.Limit, true
	}
	l, ok := r.params[paramLimit]
	return l, ok
}

func validLimit(s string) bool {
	n, err := strconv.Atoi(s)
	return isDigits(s) && err == nil && n >= 1 && n <= maxLimit
}

// ShopifyID reports whether s can be a Shopify variant or inventory item id: a positive 64-bit number
// written as its digits, without a sign or leading zeros (not a gid:// URL).
func ShopifyID(s string) bool {
	n, err := strconv.ParseInt(s, 10, 64)
	return isDigits(s) && s[0] != '0' && err == nil && n > 0
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
