package hotwaxtest

import (
	"fmt"
	"time"

	"github.com/preorderbot/preorderbot/diagnostics/hotwax"
)

const day = 24 * time.Hour

// newModel builds the scenario's model at now.
func (sc Scenario) newModel(now time.Time) *model {
	b := newBuilder(now)
	sc.build(b)
	return b.m
}

func buildAssociationJobNotScheduled(b *builder) {
	b.family(19020, "HW-BOOT", "Trail Boot", variant{21, "HW-BOOT-42", "Trail Boot 42"})
	b.member(21, preorderCatID, b.ago(10*day), b.ago(10*day))
	b.link(21, ShopUS, b.ago(30*day))
	b.listing(21, ShopUS, b.lastSync().Add(30*time.Second))
	b.dropScheduled(hotwax.JobAssociation)
}

func buildDraftWithoutConfiguration(b *builder) {
	b.family(19080, "HW-PARKA", "Down Parka", variant{81, "HW-PARKA-S", "Down Parka S"})
	b.member(81, preorderCatID, b.ago(10*day), b.ago(10*day))
	b.link(81, ShopUS, b.ago(30*day))
	b.listing(81, ShopUS, b.lastSync().Add(30*time.Second))
	b.dropScheduled(hotwax.JobAssociation)
	for _, j := range b.m.jobs {
		if j.SystemJobEnumID == hotwax.JobAssociation && j.StatusID == hotwax.StatusDraft {
			j.RuntimeData = map[string]string{"_ERROR_MESSAGE_": DraftRuntimeError}
		}
	}
}

func buildAssociatedAfterSync(b *builder) {
	b.family(19030, "HW-SCARF", "Wool Scarf", variant{31, "HW-SCARF-GRN", "Wool Scarf Green"})
	b.member(31, preorderCatID, b.ago(5*day), b.ago(5*day))
	b.link(31, ShopUS, b.ago(30*day))
	b.link(31, ShopUK, b.ago(30*day))
	b.link(31, ShopCA, b.ago(2*day))
	b.listing(31, ShopUS, b.ago(5*day).Add(10*time.Minute))
	b.listing(31, ShopUK, b.ago(5*day).Add(10*time.Minute))
}

func buildPresellJobsDisabled(b *builder) {
	b.family(19040, "HW-BEANIE", "Knit Beanie", variant{41, "HW-BEANIE-BLK", "Knit Beanie Black"})
	b.member(41, preorderCatID, b.ago(3*day), b.ago(3*day))
	for _, shop := range []string{ShopUS, ShopCA, ShopUK} {
		b.link(41, shop, b.ago(30*day))
	}
	stopped := b.ago(7 * day)
	b.dropScheduled(hotwax.JobPresellRefresh)
	b.dropScheduled(hotwax.JobCatalogSync)
	b.cancelledSchedule(hotwax.JobPresellRefresh, "", "EVERY_15_MIN", stopped)
	for _, shop := range []string{ShopUS, ShopCA, ShopUK} {
		b.cancelledSchedule(hotwax.JobCatalogSync, shop, "EVERY_15_MIN", stopped)
		b.m.watermarks[shop] = stopped
		for _, n := range []int{11, 12} {
			b.listing(n, shop, stopped.Add(30*time.Second))
		}
	}
}

func buildJobFailing(b *builder) {
	b.family(19050, "HW-GLOVE", "Leather Glove", variant{51, "HW-GLOVE-L", "Leather Glove L"})
	b.member(51, preorderCatID, b.ago(2*day), b.ago(2*day))
	for _, shop := range []string{ShopUS, ShopCA, ShopUK} {
		b.link(51, shop, b.ago(30*day))
	}
	b.listing(51, ShopUS, b.ago(2*day).Add(10*time.Minute))
	b.listing(51, ShopUK, b.ago(2*day).Add(10*time.Minute))
	// CA: the last success was 3 days ago; the runs of the last hour failed.
	b.dropScheduled(hotwax.JobCatalogSync, ShopCA)
	pending := b.scheduled(hotwax.JobCatalogSync, ShopCA, "EVERY_15_MIN", b.ago(3*day))
	for _, ago := range []time.Duration{40 * time.Minute, 25 * time.Minute, 10 * time.Minute} {
		b.run(pending, b.ago(ago), hotwax.StatusFailed, CatalogSyncFailure)
	}
	pending.RunTime = b.ago(10 * time.Minute).Add(15 * time.Minute)
	b.m.watermarks[ShopCA] = b.ago(3 * day)
	for _, n := range []int{11, 12} {
		b.listing(n, ShopCA, b.ago(3*day).Add(30*time.Second))
	}
	b.m.failing[failKey{hotwax.JobCatalogSync, ShopCA}] = CatalogSyncFailure
	// UK: the runs of the last hour failed with passing errors; the next one succeeds.
	b.family(19055, "HW-MITTEN", "Wool Mitten", variant{56, "HW-MITTEN-S", "Wool Mitten S"})
	b.member(56, preorderCatID, b.ago(50*time.Minute), b.ago(50*time.Minute))
	for _, shop := range []string{ShopUS, ShopCA, ShopUK} {
		b.link(56, shop, b.ago(30*day))
	}
	b.listing(56, ShopUS, b.lastSync().Add(30*time.Second))
	b.dropScheduled(hotwax.JobCatalogSync, ShopUK)
	uk := b.scheduled(hotwax.JobCatalogSync, ShopUK, "EVERY_15_MIN", b.ago(55*time.Minute))
	b.run(uk, b.ago(40*time.Minute), hotwax.StatusFailed, UKSyncTimeout)
	b.run(uk, b.ago(25*time.Minute), hotwax.StatusFailed, UKSyncThrottled)
	b.run(uk, b.ago(10*time.Minute), hotwax.StatusFailed, UKSyncThrottled)
	uk.RunTime = b.ago(10 * time.Minute).Add(15 * time.Minute)
	b.m.watermarks[ShopUK] = b.ago(55 * time.Minute)
	for _, n := range []int{11, 12} {
		b.listing(n, ShopUK, b.ago(55*time.Minute).Add(30*time.Second))
	}
}

func buildNeedsManualLink(b *builder) {
	b.family(19070, "HW-SOCK", "Merino Sock", variant{77, "HW-SOCK-S", "Merino Sock S"})
	b.member(77, preorderCatID, b.ago(10*day), b.ago(10*day))
	b.link(77, ShopUS, b.ago(30*day))
	b.link(77, ShopUK, b.ago(30*day))
	b.listing(77, ShopUS, b.lastSync().Add(30*time.Second))
	b.listing(77, ShopUK, b.lastSync().Add(30*time.Second))
	delete(b.m.shopify[ShopCA], "HW-SOCK-S")
	b.m.shopify[ShopCA]["HW-SOCKS-S"] = shopifyVariant{VariantID: "45012000000077", InventoryItemID: "47020000000077"}
}

func buildNotPreorder(b *builder) {
	b.family(19060, "HW-TEE", "Cotton Tee", variant{61, "HW-TEE-WHT", "Cotton Tee White"})
	b.eligible(61)
	for _, shop := range []string{ShopUS, ShopCA, ShopUK} {
		b.link(61, shop, b.ago(30*day))
	}
	b.dropScheduled(hotwax.JobPresellRefresh)
}

// variantID is the Shopify variant id of product n in a shop; inventoryItemID its inventory item id.
func variantID(shopID string, n int) string {
	k := shopIndex(shopID)
	return fmt.Sprint(45_000_000_000_000 + k*10_000_000_000 + 2_000_000_000 + int64(n))
}

func inventoryItemID(shopID string, n int) string {
	k := shopIndex(shopID)
	return fmt.Sprint(47_000_000_000_000 + (k+1)*10_000_000_000 + int64(n))
}

func shopIndex(shopID string) int64 {
	var n int64
	_, _ = fmt.Sscan(shopID, &n)
	return n - 10000
}
