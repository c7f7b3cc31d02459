package hotwaxtest

import (
	"cmp"
	"net/http"
	"time"
)

// Faults make the OMS misbehave. Set them in Options or at runtime with SetFaults; the zero value is a healthy OMS.
type Faults struct {
	// Endpoint limits the faults to one endpoint key as in Counts ("performFind", "solr-query", …); "" is all.
	Endpoint string
	// Source limits the faults further to one source of an endpoint: a performFind entityName or a solr-query
	// coreName ("enterpriseSearch" for the products core a query without coreName reads); "" is all.
	Source string
	// Latency is added to each affected request, on top of Options.Latency.
	Latency time.Duration
	// AnswerLatency holds the answer of each affected request after the OMS acted on it: a client that
	// gives up or dies meanwhile loses the answer of a write that landed.
	AnswerLatency time.Duration
	// ErrorRate is the share (0..1) of affected requests answered with HTTP 500, spread evenly: 0.5 fails every
	// second request, 1 fails all.
	ErrorRate float64
	// Hang holds affected requests until the client gives up or the server closes, to exercise timeouts.
	Hang bool
	// Malformed answers affected requests with HTTP 200 and a body that is not valid JSON.
	Malformed bool
	// OMSError answers affected requests with HTTP 200 and {"_ERROR_MESSAGE_": OMSError}.
	OMSError string
	// Echo answers affected requests with HTTP 200 and an _ERROR_MESSAGE_ quoting the request's Authorization
	// header and body, as a misconfigured OMS or a debugging proxy does: the client must not pass it on.
	Echo bool
	// ExpireTokens expires every token issued so far (the configured one included): requests carrying them get
	// 401 until a new token is obtained through login.
	ExpireTokens bool
}

// applies reports whether the faults concern a request to endpoint that reads source.
func (f Faults) applies(endpoint, source string) bool {
	return (f.Endpoint == "" || f.Endpoint == endpoint) && (f.Source == "" || f.Source == source)
}

// requestSource is what a request reads, for Faults.Source: its entity or Solr core.
func requestSource(endpoint string, body map[string]any) string {
	switch endpoint {
	case "performFind":
		return str(body["entityName"])
	case "solr-query":
		return cmp.Or(str(body["coreName"]), "enterpriseSearch")
	}
	return ""
}

// faultFor decides, under the lock, what the faults do to one request.
type faultPlan struct {
	latency   time.Duration
	answer    time.Duration // after acting
	hang      bool
	fail500   bool
	malformed bool
	omsError  string
	echo      bool
}

func (s *Server) planFaults(endpoint, source string) faultPlan {
	s.mu.Lock()
	defer s.mu.Unlock()
	plan := faultPlan{latency: s.opts.Latency}
	f := s.faults
	if !f.applies(endpoint, source) {
		return plan
	}
	s.requests++
	plan.latency += f.Latency
	plan.answer = f.AnswerLatency
	plan.hang = f.Hang
	plan.malformed = f.Malformed
	plan.omsError = f.OMSError
	plan.echo = f.Echo
	if f.ErrorRate > 0 {
		// Fail request n when the running total of failures due, floor(n*rate), steps up.
		n := float64(s.requests)
		plan.fail500 = int(n*f.ErrorRate) > int((n-1)*f.ErrorRate)
	}
	return plan
}

// malformedBody is what a proxy in trouble sends: a truncated JSON document.
const malformedBody = `{"count":1,"docs":[{"jobId":"1000`

// internalErrorBody is the OFBiz/Tomcat error page for an HTTP 500.
const internalErrorBody = "<!doctype html><html><head><title>HTTP Status 500 – Internal Server Error</title></head>" +
	"<body><h1>HTTP Status 500 – Internal Server Error</h1></body></html>"

// wait sleeps for d, or until the request or the server ends; false when it did not sleep the whole time.
func (s *Server) wait(r *http.Request, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
	case <-s.quit:
	}
	return false
}
