package hotwax

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// ScheduleJob copies a draft job into a pending one (scheduleService, hotwax-api §4.3), or with RunNow
// creates a one-off copy that runs at once (§4.4). It is a write: never retried, and an unknown outcome
// wraps ErrOutcomeUnknown. No jobId is read from the reply (no HotWax app does, and the OMS does not always
// send one): find the new row with FindJobs. A draft the OMS marks unusable is refused with a *DraftError
// before any request.
func (c *Client) ScheduleJob(ctx context.Context, req ScheduleRequest) (ScheduleResult, error) {
	payload, err := schedulePayload(req)
	if err != nil {
		return ScheduleResult{}, err
	}
	var r scheduleReply
	if err := c.do(ctx, request{call: "scheduleService", path: "scheduleService", body: payload, write: true}, &r); err != nil {
		return ScheduleResult{}, fmt.Errorf("schedule %s: %w", req.Draft.SystemJobEnumID, err)
	}
	return ScheduleResult{SuccessMessage: r.SuccessMessage}, nil
}

type scheduleReply struct {
	omsStatus
	SuccessMessage string `json:"successMessage"`
}

// schedulePayload builds the scheduleService body the Job Manager sends
// (hotwax/job-manager:src/store/modules/job/actions.ts scheduleService, v2.35.2): the draft's runtime data at
// the root as the OMS gave it ("null" as ""), without the keys starting with "_" (the OMS's own markers, such
// as _ERROR_MESSAGE_), the store and shop keys the runtime data names, the custom Params, then the service
// fields, which nothing can override. A run-now copy has no frequency, recurrence or run-as user.
func schedulePayload(req ScheduleRequest) (map[string]any, error) {
	d := req.Draft
	switch {
	case d.SystemJobEnumID == "" || d.JobName == "":
		return nil, errors.New("hotwax schedule: the draft job has no systemJobEnumId or jobName")
	case d.ServiceName == "" || d.ServiceName == "_NA_":
		return nil, fmt.Errorf("hotwax schedule %s: the draft job has no service configured", d.SystemJobEnumID)
	case !req.RunNow && req.Frequency == "":
		return nil, fmt.Errorf("hotwax schedule %s: a frequency is required", d.SystemJobEnumID)
	case d.RuntimeError() != "":
		return nil, &DraftError{EnumID: d.SystemJobEnumID, JobID: d.JobID, Reason: d.RuntimeError()}
	}

	p := make(map[string]any, len(d.RuntimeData)+len(req.Params)+8)
	for k, v := range d.RuntimeData {
		if strings.HasPrefix(k, "_") {
			continue
		}
		if raw, ok := d.RuntimeValues[k]; ok && v != "" {
			p[k] = raw // as the OMS gave it: a number stays a number
			continue
		}
		p[k] = nullToEmpty(v)
	}
	shopID, hasShop := d.RuntimeData["shopId"]
	configID, hasConfig := d.RuntimeData["shopifyConfigId"]
	storeID, hasStore := d.RuntimeData["productStoreId"]
	shopID = cmp.Or(req.ShopID, nullToEmpty(shopID))
	if hasShop {
		p["shopId"] = shopID
	}
	if hasConfig {
		p["shopifyConfigId"] = cmp.Or(req.ShopifyConfigID, nullToEmpty(configID))
	}
	if hasStore {
		p["productStoreId"] = cmp.Or(req.ProductStoreID, nullToEmpty(storeID))
	}
	for k, v := range req.Params {
		p[k] = v
	}

	fields := map[string]any{
		"systemJobEnumId":     d.SystemJobEnumID,
		"instanceOfProductId": d.SystemJobEnumID,
	}
	setIf(fields, "productStoreId", req.ProductStoreID)
	setIf(fields, "parentJobId", d.ParentJobID)
	setIf(fields, "recurrenceTimeZone", req.TimeZone)
	setIf(fields, "createdByUserLogin", req.UserLogin)
	setIf(fields, "lastModifiedByUserLogin", req.UserLogin)
	if hasShop || hasConfig {
		setIf(fields, "shopId", shopID)
	}
	if !req.RunNow {
		fields["tempExprId"] = req.Frequency
		fields["maxRecurrenceCount"] = "-1"
		fields["runAsUser"] = "system"
		p["SERVICE_TEMP_EXPR"] = req.Frequency
		p["SERVICE_RUN_AS_SYSTEM"] = "Y"
	}
	if !req.FirstRun.IsZero() {
		p["SERVICE_TIME"] = strconv.FormatInt(req.FirstRun.UnixMilli(), 10)
	}
	p["JOB_NAME"] = d.JobName
	p["SERVICE_NAME"] = d.ServiceName
	p["SERVICE_COUNT"] = "0"
	p["jobFields"] = fields
	p["statusId"] = StatusPending
	p["systemJobEnumId"] = d.SystemJobEnumID
	return p, nil
}

func nullToEmpty(s string) string {
	if s == "null" {
		return ""
	}
	return s
}

func setIf(m map[string]any, key, value string) {
	if value != "" {
		m[key] = value
	}
}
