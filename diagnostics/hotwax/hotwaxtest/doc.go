// Package hotwaxtest is a simulated HotWax Commerce OMS: a real HTTP server that answers the requests listed in
// package hotwax's documentation with the same shapes the OMS uses, over an in-memory model that changes the way
// the OMS does when jobs run, jobs are scheduled or products are linked.
//
// It exists so that the client, the diagnostic chain, the bot and the demo can be exercised end to end without a
// HotWax tenant: each named scenario (see Scenarios) reproduces one cause of the "Multistore pre-orders sync"
// troubleshooting guide, and the fault knobs (Faults) reproduce a misbehaving OMS: latency, 500s, hangs,
// malformed bodies, _ERROR_MESSAGE_ answers and expired tokens.
//
// Endpoints (all POST with a JSON body under /api/, Bearer token except login):
//
//	login                              {"USERNAME","PASSWORD"} → {"token","expirationTime"}
//	performFind                        OFBiz performFind grammar over the entities listed in entities.go
//	findJobs                           the same grammar over JobSandbox ⨝ Enumeration ⨝ RuntimeData
//	solr-query                         Solr JSON request; default core: products, "shopifyCore": listings
//	scheduleService                    draft → pending job, or a one-off run-now job
//	service/createShopifyShopProduct   creates a ShopifyShopProduct row
//
// Jobs run on a simulated clock: a job whose runTime has come executes RunDelay (real time) after it became due,
// or at once through Advance and RunDue. Recurring jobs record one run row per execution (parentJobId = the
// pending job) and move their runTime on by their frequency; a one-off (run-now) job's own row goes
// SERVICE_PENDING → SERVICE_FINISHED or SERVICE_FAILED.
package hotwaxtest
