package diagnostics

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// statuses lists the nine check statuses in display order.
type statuses [9]Status

func statusesOf(r Report) statuses {
	var out statuses
	for i, c := range r.Checks {
		out[i] = c.Status
	}
	return out
}

// remedyKey is a remedy without its wording.
type remedyKey struct{ Kind, Job, Shop string }

func remedyKeys(rs []Remedy) []remedyKey {
	out := []remedyKey{}
	for _, r := range rs {
		out = append(out, remedyKey{r.Kind, r.Job, r.ShopID})
	}
	return out
}

const (
	P, W, F, S, U = StatusPass, StatusWarn, StatusFail, StatusSkip, StatusUnknown
)

var (
	recheckKey  = remedyKey{RemedyRecheck, "", ""}
	escalateKey = remedyKey{RemedyEscalate, "", ""}
)

func runOne(t *testing.T, oms OMS, opts Options) Report {
	t.Helper()
	reports, err := New(oms, opts).Run(context.Background(), "STORE", []string{"SKU-1"})
	require.NoError(t, err)
	require.Len(t, reports, 1)
	return reports[0]
}

func TestRunRules(t *testing.T) {
	tests := []struct {
		name     string
		change   func(w *world)
		causes   []Cause
		checks   statuses
		remedies []remedyKey
	}{
		{
			name:   "healthy",
			change: func(*world) {},
			causes: []Cause{CauseHealthy}, checks: statuses{P, P, P, P, P, P, P, P, P}, remedies: []remedyKey{},
		},
		{
			name:   "unknown sku stops the chain",
			change: func(w *world) { w.products = nil },
			causes: []Cause{CauseUnknownSKU}, checks: statuses{F, S, S, S, S, S, S, S, S},
			remedies: []remedyKey{recheckKey, escalateKey},
		},
		{
			name:   "not in a pre-order category",
			change: func(w *world) { w.members = nil },
			causes: []Cause{CauseNotPreorder}, checks: statuses{P, F, P, P, S, P, P, P, P},
			remedies: []remedyKey{{RemedyRunJob, testJobs.PresellRefresh, ""}, recheckKey, escalateKey},
		},
		{
			name: "membership of the virtual product counts",
			change: func(w *world) {
				w.members[0].ProductID = "V1"
			},
			causes: []Cause{CauseHealthy}, checks: statuses{P, P, P, P, P, P, P, P, P}, remedies: []remedyKey{},
		},
		{
			name: "association job not scheduled for the unlinked child",
			change: func(w *world) {
				w.dropLink("10001")
				w.dropJob("J1")
			},
			causes: []Cause{CauseAssociationJobMissing}, checks: statuses{P, P, F, F, P, P, P, P, F},
			remedies: []remedyKey{{RemedyScheduleJob, testJobs.Association, "10001"}, {RemedyRunJob, testJobs.Association, "10001"}, recheckKey, escalateKey},
		},
		{
			name:   "association job scheduled yet link missing: link by hand",
			change: func(w *world) { w.dropLink("10001") },
			causes: []Cause{CauseNeedsManualLink}, checks: statuses{P, P, F, P, P, P, P, P, F},
			remedies: []remedyKey{{RemedyLinkProduct, "", "10001"}, recheckKey, escalateKey},
		},
		{
			name: "association job failing for the child: not yet a manual link",
			change: func(w *world) {
				w.dropLink("10001")
				w.history = append(w.history,
					finished("A1", testJobs.Association, "10001", ago(3*time.Hour)),
					failed("A2", testJobs.Association, "10001", ago(time.Hour), "import failed"))
			},
			causes: []Cause{CauseJobFailing}, checks: statuses{P, P, F, P, P, P, P, F, F},
			remedies: []remedyKey{{RemedyRunJob, testJobs.Association, "10001"}, recheckKey, escalateKey},
		},
		{
			name: "linked after the sync passed the member row",
			change: func(w *world) {
				w.members[0].UpdatedAt = ago(5 * day)
				w.link("10001").CreatedAt = ago(2 * day)
				w.history = append(w.history, finished("S1", testJobs.CatalogSync, "10001", ago(3*day)))
				w.dropListing("10001")
			},
			causes: []Cause{CauseAssociatedAfterSync}, checks: statuses{P, P, P, P, F, P, P, P, F},
			remedies: []remedyKey{{RemedyRunJob, testJobs.CatalogSync, "10001"}, recheckKey, escalateKey},
		},
		{
			name: "late link already listed since: not flagged",
			change: func(w *world) {
				w.members[0].UpdatedAt = ago(5 * day)
				w.link("10001").CreatedAt = ago(2 * day)
				w.history = append(w.history, finished("S1", testJobs.CatalogSync, "10001", ago(3*day)))
			},
			causes: []Cause{CauseHealthy}, checks: statuses{P, P, P, P, P, P, P, P, P}, remedies: []remedyKey{},
		},
		{
			name: "late link found from a sync after it when history is short",
			change: func(w *world) {
				w.members[0].UpdatedAt = ago(5 * day)
				w.link("10001").CreatedAt = ago(2 * day)
				w.dropListing("10001")
			},
			causes: []Cause{CauseAssociatedAfterSync}, checks: statuses{P, P, P, P, F, P, P, P, F},
			remedies: []remedyKey{{RemedyRunJob, testJobs.CatalogSync, "10001"}, recheckKey, escalateKey},
		},
		{
			name: "member updated after the link: the next delta selects it",
			change: func(w *world) {
				w.members[0].UpdatedAt = ago(1 * day)
				w.link("10001").CreatedAt = ago(2 * day)
				w.dropListing("10001")
			},
			causes: []Cause{CauseUnexplained}, checks: statuses{P, P, P, P, P, P, P, P, F},
			remedies: []remedyKey{recheckKey, escalateKey},
		},
		{
			name: "member updated exactly at the link",
			change: func(w *world) {
				w.members[0].UpdatedAt = ago(2 * day)
				w.link("10001").CreatedAt = ago(2 * day)
				w.dropListing("10001")
			},
			causes: []Cause{CauseUnexplained}, checks: statuses{P, P, P, P, P, P, P, P, F},
			remedies: []remedyKey{recheckKey, escalateKey},
		},
		{
			name: "sync started exactly at the member update: its delta selected the row",
			change: func(w *world) {
				w.members[0].UpdatedAt = ago(10 * time.Minute)
				w.link("10001").CreatedAt = ago(5 * time.Minute)
				w.dropListing("10001")
			},
			causes: []Cause{CauseUnexplained}, checks: statuses{P, P, P, P, P, P, P, P, F},
			remedies: []remedyKey{recheckKey, escalateKey},
		},
		{
			name: "member updated within the buffer before the only sync: still selected",
			change: func(w *world) {
				w.members[0].UpdatedAt = ago(10*time.Minute + time.Minute)
				w.link("10001").CreatedAt = ago(5 * time.Minute)
				w.dropListing("10001")
			},
			causes: []Cause{CauseUnexplained}, checks: statuses{P, P, P, P, P, P, P, P, F},
			remedies: []remedyKey{recheckKey, escalateKey},
		},
		{
			name: "member updated past the buffer before the only sync, linked after it",
			change: func(w *world) {
				w.members[0].UpdatedAt = ago(10*time.Minute + time.Minute + time.Second)
				w.link("10001").CreatedAt = ago(5 * time.Minute)
				w.dropListing("10001")
			},
			causes: []Cause{CauseAssociatedAfterSync}, checks: statuses{P, P, P, P, F, P, P, P, F},
			remedies: []remedyKey{{RemedyRunJob, testJobs.CatalogSync, "10001"}, recheckKey, escalateKey},
		},
		{
			name:   "presell refresh and one catalog sync disabled",
			change: func(w *world) { w.dropJob("J3"); w.dropJob("J6") },
			causes: []Cause{CausePresellJobsDisabled}, checks: statuses{P, P, P, P, P, F, F, P, P},
			remedies: []remedyKey{{RemedyEnableJob, testJobs.PresellRefresh, ""}, {RemedyEnableJob, testJobs.CatalogSync, "10002"}, recheckKey, escalateKey},
		},
		{
			name: "catalog sync failing where the SKU is not listed",
			change: func(w *world) {
				w.dropListing("10001")
				w.history = append(w.history, failed("F1", testJobs.CatalogSync, "10001", ago(5*time.Minute), "Access denied"))
			},
			causes: []Cause{CauseJobFailing}, checks: statuses{P, P, P, P, P, P, P, F, F},
			remedies: []remedyKey{{RemedyRunJob, testJobs.CatalogSync, "10001"}, recheckKey, escalateKey},
		},
		{
			name: "a failure older than the last success is over",
			change: func(w *world) {
				w.history = append(w.history, failed("F1", testJobs.CatalogSync, "10001", ago(time.Hour), "Access denied"))
			},
			causes: []Cause{CauseHealthy}, checks: statuses{P, P, P, P, P, P, P, P, P}, remedies: []remedyKey{},
		},
		{
			name: "a failure where the SKU is listed anyway only warns",
			change: func(w *world) {
				w.history = append(w.history, failed("F1", testJobs.CatalogSync, "10001", ago(time.Minute), "Access denied"))
			},
			causes: []Cause{CauseHealthy}, checks: statuses{P, P, P, P, P, P, P, W, P}, remedies: []remedyKey{},
		},
		{
			name: "disconnected shop is ignored",
			change: func(w *world) {
				w.history = append(w.history, failed("F1", testJobs.CatalogSync, "10003", ago(time.Minute), "no access"))
			},
			causes: []Cause{CauseHealthy}, checks: statuses{P, P, P, P, P, P, P, P, P}, remedies: []remedyKey{},
		},
		{
			name:   "not listed in a child with every job fine: unexplained",
			change: func(w *world) { w.listings[2].Status = "inactive" },
			causes: []Cause{CauseUnexplained}, checks: statuses{P, P, P, P, P, P, P, P, F},
			remedies: []remedyKey{recheckKey, escalateKey},
		},
		{
			name:   "listing failed in a child",
			change: func(w *world) { w.listings[1].ContainsError = true },
			causes: []Cause{CauseUnexplained}, checks: statuses{P, P, P, P, P, P, P, P, F},
			remedies: []remedyKey{recheckKey, escalateKey},
		},
		{
			name:   "no listing data anywhere only warns",
			change: func(w *world) { w.listings = nil },
			causes: []Cause{CauseHealthy}, checks: statuses{P, P, P, P, P, P, P, P, W}, remedies: []remedyKey{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := healthyWorld()
			tt.change(w)
			r := runOne(t, w.oms(), testOptions())
			assert.Equal(t, tt.causes, r.Causes)
			assert.Equal(t, tt.causes[0], r.Cause)
			assert.Equal(t, tt.checks, statusesOf(r), "checks: %+v", r.Checks)
			assert.Equal(t, tt.remedies, remedyKeys(r.Remedies))
			assert.Empty(t, r.Failures)
		})
	}
}

func TestRunHealthyReport(t *testing.T) {
	r := runOne(t, healthyWorld().oms(), testOptions())
	assert.Equal(t, &Product{ProductID: "P1", Name: "Jacket M", VirtualID: "V1", VirtualName: "Jacket"}, r.Product)
	assert.Equal(t, StatusPass, r.Status)
	assert.Equal(t, testNow, r.CheckedAt)
	assert.Equal(t, 11, r.OMSCalls, "product, shops, 2 job finds, 2 category finds, links, members, 3 listings")
	assert.Equal(t, "inferred: the only shop with a pending product import job (JOB_IMP_PROD_UPD)", r.ParentSource)
	require.Len(t, r.Shops, 4)
	assert.Equal(t, []string{RoleParent, RoleChild, RoleChild, RoleDisconnected}, []string{r.Shops[0].Role, r.Shops[1].Role, r.Shops[2].Role, r.Shops[3].Role})
	assert.Equal(t, ShopFacts{ShopID: "10001", Name: "Acme CA", Role: RoleChild, Linked: true, LinkedAt: ago(30 * day), VariantID: "45000000000001",
		AssociationJob: "scheduled every hour", LastSync: ago(10 * time.Minute), Listing: "Listed", ListingAt: ago(9 * time.Minute), ShopifyConfigID: "CFG_10001"}, r.Shops[1])
	assert.Equal(t, ShopFacts{ShopID: "10003", Name: "Acme AU", Role: RoleDisconnected, ShopifyConfigID: "CFG_10003"}, r.Shops[3])
}

func TestRunRemedyWording(t *testing.T) {
	w := healthyWorld()
	w.dropLink("10001")
	w.dropJob("J1")
	w.members[0].UpdatedAt = ago(5 * day)
	w.link("10002").CreatedAt = ago(2 * day)
	w.history = append(w.history, finished("S1", testJobs.CatalogSync, "10002", ago(3*day)))
	w.dropListing("10002")
	r := runOne(t, w.oms(), testOptions())
	assert.Equal(t, []Cause{CauseAssociationJobMissing, CauseAssociatedAfterSync}, r.Causes)
	assert.Equal(t, []Remedy{
		{Kind: RemedyScheduleJob, Job: testJobs.Association, ShopID: "10001", ShopName: "Acme CA", Frequency: "HOURLY", params: map[string]string{"limit": "100"}, Label: "Schedule association job for Acme CA"},
		{Kind: RemedyRunJob, Job: testJobs.Association, ShopID: "10001", ShopName: "Acme CA", Label: "Run association job now for Acme CA"},
		{Kind: RemedyRunJob, Job: testJobs.CatalogSync, ShopID: "10002", ShopName: "Acme UK", params: map[string]string{"includeAll": "Y"}, Label: "Run full catalog sync for Acme UK"},
		{Kind: RemedyRecheck, Label: "Re-check"},
		{Kind: RemedyEscalate, Label: "Escalate to HotWax Support"},
	}, r.Remedies)
}

func TestRunFullRepushJob(t *testing.T) {
	w := healthyWorld()
	w.members[0].UpdatedAt = ago(5 * day)
	w.link("10001").CreatedAt = ago(2 * day)
	w.history = append(w.history, finished("S1", testJobs.CatalogSync, "10001", ago(3*day)))
	w.dropListing("10001")
	opts := testOptions()
	opts.Jobs.FullRepush = "JOB_BULK_PUSH"
	r := runOne(t, w.oms(), opts)
	require.NotEmpty(t, r.Remedies)
	assert.Equal(t, Remedy{Kind: RemedyRunJob, Job: "JOB_BULK_PUSH", ShopID: "10001", ShopName: "Acme CA", Label: "Run full catalog sync for Acme CA"}, r.Remedies[0])
}

func TestParentInference(t *testing.T) {
	tests := []struct {
		name    string
		change  func(w *world)
		opts    func(o *Options)
		parent  string
		source  string
		remedy0 remedyKey
	}{
		{
			name: "configured wins", change: func(*world) {}, opts: func(o *Options) { o.ParentShopID = "10002" },
			parent: "10002", source: "configured",
		},
		{
			name: "pending import job", change: func(*world) {}, opts: func(*Options) {},
			parent: "10000", source: "inferred: the only shop with a pending product import job (JOB_IMP_PROD_UPD)",
		},
		{
			name: "oldest link without an import job",
			change: func(w *world) {
				w.dropJob("J0")
				w.link("10002").CreatedAt = ago(60 * day)
			},
			opts:   func(*Options) {},
			parent: "10002", source: "inferred: the shop whose link to this product is oldest",
		},
		{
			name:   "import job of a disconnected shop does not count",
			change: func(w *world) { w.jobs[3].ShopID = "10003"; w.link("10001").CreatedAt = ago(90 * day) },
			opts:   func(*Options) {},
			parent: "10001", source: "inferred: the shop whose link to this product is oldest",
		},
		{
			name:   "nothing to go by",
			change: func(w *world) { w.dropJob("J0"); w.links = nil; w.listings = nil },
			opts:   func(*Options) {},
			parent: "", source: "unknown: no parent configured, no product import job, no link",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := healthyWorld()
			tt.change(w)
			opts := testOptions()
			tt.opts(&opts)
			r := runOne(t, w.oms(), opts)
			assert.Equal(t, tt.source, r.ParentSource)
			var parents []string
			for _, sh := range r.Shops {
				if sh.Role == RoleParent {
					parents = append(parents, sh.ShopID)
				}
			}
			if tt.parent == "" {
				assert.Empty(t, parents)
			} else {
				assert.Equal(t, []string{tt.parent}, parents)
			}
		})
	}
}

// TestRunPartialFailure fails one read at a time: only the checks that name it go unknown, and the verdict
// is ranked from the others.
func TestRunPartialFailure(t *testing.T) {
	boom := &OMSError{Call: "performFind", Status: http.StatusOK, Messages: []string{"Entity is not readable"}}
	tests := []struct {
		name   string
		change func(w *world)
		break_ func(f *fakeOMS)
		checks statuses
		causes []Cause
		call   string
		unread []CheckID
	}{
		{
			name:   "listings of one shop",
			break_: listingsFail("10001", boom),
			checks: statuses{P, P, P, P, P, P, P, P, U}, causes: []Cause{CauseIncomplete},
			call: callListings + " for shop 10001", unread: []CheckID{CheckShopListing},
		},
		{
			name: "listings fail while a real cause is found from the rest",
			change: func(w *world) {
				w.dropLink("10001")
				w.dropJob("J1")
			},
			break_: listingsFail("10002", boom),
			checks: statuses{P, P, F, F, P, P, P, P, U}, causes: []Cause{CauseAssociationJobMissing},
			call: callListings + " for shop 10002", unread: []CheckID{CheckShopListing},
		},
		{
			name: "shop links",
			break_: func(f *fakeOMS) {
				f.ShopLinksFn = func(context.Context, []string) ([]ShopLink, error) { return nil, boom }
			},
			checks: statuses{P, P, U, U, U, P, P, P, U}, causes: []Cause{CauseIncomplete},
			call: callLinks, unread: []CheckID{CheckShopLinks, CheckAssociationJob, CheckAssociationTime, CheckShopListing},
		},
		{
			name: "job history, while a cause is still found",
			break_: func(f *fakeOMS) {
				inner := f.FindJobsFn
				f.FindJobsFn = func(ctx context.Context, q JobQuery) ([]Job, error) {
					if contains(q.Statuses, JobFinished) && !contains(q.Statuses, JobDraft) {
						return nil, boom
					}
					jobs, err := inner(ctx, q)
					var keep []Job
					for _, j := range jobs {
						if j.JobID != "J3" {
							keep = append(keep, j)
						}
					}
					return keep, err
				}
			},
			checks: statuses{P, P, P, P, U, F, P, U, P}, causes: []Cause{CausePresellJobsDisabled},
			call: callHistory, unread: []CheckID{CheckAssociationTime, CheckJobFailures},
		},
		{
			name: "product lookup",
			break_: func(f *fakeOMS) {
				f.ProductsBySKUFn = func(context.Context, string, []string) ([]CatalogProduct, error) { return nil, boom }
			},
			checks: statuses{U, U, U, U, U, P, P, U, U}, causes: []Cause{CauseIncomplete},
			call: callProducts, unread: []CheckID{CheckProduct, CheckPreorderCategory, CheckShopLinks, CheckAssociationJob,
				CheckAssociationTime, CheckJobFailures, CheckShopListing},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := healthyWorld()
			if tt.change != nil {
				tt.change(w)
			}
			f := w.oms()
			tt.break_(f)
			r := runOne(t, f, testOptions())
			assert.Equal(t, tt.checks, statusesOf(r), "checks: %+v", r.Checks)
			assert.Equal(t, tt.causes, r.Causes)
			assert.Equal(t, StatusUnknown, r.Status)
			assert.Equal(t, []Failure{{Kind: FailureOMSError, Call: tt.call, Message: "the OMS answered with an error: Entity is not readable",
				Checks: tt.unread}}, r.Failures)
			assert.Equal(t, RemedyRecheck, r.Remedies[len(r.Remedies)-2].Kind)
			assert.Equal(t, RemedyEscalate, r.Remedies[len(r.Remedies)-1].Kind)
		})
	}
}

// TestRunUnavailableOrIncomplete: oms-unavailable only when the OMS could not be asked at all.
func TestRunUnavailableOrIncomplete(t *testing.T) {
	refused := &url.Error{Op: "Post", URL: "http://127.0.0.1:1/api/findJobs", Err: &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connect: connection refused")}}
	unauthorized := &OMSError{Call: "findJobs", Status: http.StatusUnauthorized, Messages: []string{"Unauthorized: token expired"}}
	shape := &OMSError{Call: "findJobs", Status: http.StatusOK, Reason: "invalid JSON"}
	tests := []struct {
		name  string
		err   error
		cause Cause
	}{
		{"network down", refused, CauseOMSUnavailable},
		{"token refused", unauthorized, CauseOMSUnavailable},
		{"deadline", context.DeadlineExceeded, CauseOMSUnavailable},
		{"answer in another shape", shape, CauseIncomplete},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := healthyWorld().oms()
			f.FindJobsFn = func(context.Context, JobQuery) ([]Job, error) { return nil, tt.err }
			r := runOne(t, f, testOptions())
			assert.Equal(t, []Cause{tt.cause}, r.Causes)
			assert.Equal(t, statuses{P, P, P, U, U, U, U, U, P}, statusesOf(r))
			require.Len(t, r.Failures, 1, "both findJobs calls failed the same way: said once")
			assert.Equal(t, callJobs+", "+callHistory, r.Failures[0].Call)
			assert.Equal(t, []CheckID{CheckAssociationJob, CheckAssociationTime, CheckPresellRefresh, CheckCatalogSync, CheckJobFailures}, r.Failures[0].Checks)
		})
	}
}

func listingsFail(shop string, err error) func(f *fakeOMS) {
	return func(f *fakeOMS) {
		inner := f.ListingsFn
		f.ListingsFn = func(ctx context.Context, shopID string, ids []VariantRef) ([]Listing, error) {
			if shopID == shop {
				return nil, err
			}
			return inner(ctx, shopID, ids)
		}
	}
}

func TestRunBadInput(t *testing.T) {
	chain := New(healthyWorld().oms(), testOptions())
	many := make([]string, MaxSKUs+1)
	for i := range many {
		many[i] = "SKU"
	}
	for name, skus := range map[string][]string{"none": nil, "blank": {"SKU-1", "  "}, "too many": many} {
		t.Run(name, func(t *testing.T) {
			_, err := chain.Run(context.Background(), "STORE", skus)
			assert.Error(t, err)
		})
	}
	_, err := chain.Run(context.Background(), " ", []string{"SKU-1"})
	assert.Error(t, err)
}
