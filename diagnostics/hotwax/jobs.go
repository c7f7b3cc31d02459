package hotwax

import (
	"context"
	"encoding/json"
	"fmt"
)

// defaultJobViewSize is the findJobs page size when JobQuery.ViewSize is zero, as in the Job Manager.
const defaultJobViewSize = 50

// FindJobs returns one page of JobSandbox rows. No fieldList is sent, so each doc carries its parsed
// runtimeData and serviceInParams (hotwax-api §3.2). An empty result is not an error.
func (c *Client) FindJobs(ctx context.Context, q JobQuery) ([]Job, error) {
	var r findReply[wireJob]
	if err := c.do(ctx, request{call: "findJobs", path: "findJobs", find: true, body: jobQueryBody(q)}, &r); err != nil {
		return nil, err
	}
	return jobsOf(r.Docs), nil
}

// jobQueryBody is the findJobs request: one value is an equals condition, several an "in".
func jobQueryBody(q JobQuery) map[string]any {
	input := map[string]any{}
	addCondition(input, "systemJobEnumId", q.EnumIDs)
	addCondition(input, "statusId", q.Statuses)
	if q.ProductStoreID != "" {
		input["productStoreId"] = q.ProductStoreID
	}
	if q.ShopID != "" {
		input["shopId"] = q.ShopID
	}
	body := map[string]any{
		"inputFields":     input,
		"noConditionFind": "Y",
		"viewSize":        orDefault(q.ViewSize, defaultJobViewSize),
		"viewIndex":       q.ViewIndex,
	}
	if q.OrderBy != "" {
		body["orderBy"] = q.OrderBy
	}
	return body
}

func addCondition(input map[string]any, field string, values []string) {
	values = nonEmpty(values)
	switch len(values) {
	case 0:
	case 1:
		input[field] = values[0]
	default:
		input[field] = values
		input[field+"_op"] = "in"
	}
}

// wireJob overrides the Job fields whose JSON form differs from Go's: epoch-millisecond times, counts that
// may be strings, and runtime data whose "null" values become "".
type wireJob struct {
	Job
	JobID             flexString  `json:"jobId"`
	CurrentRetryCount flexInt     `json:"currentRetryCount"`
	RunTime           msTime      `json:"runTime"`
	StartDateTime     msTime      `json:"startDateTime"`
	FinishDateTime    msTime      `json:"finishDateTime"`
	CancelDateTime    msTime      `json:"cancelDateTime"`
	CreatedDate       msTime      `json:"createdDate"`
	LastUpdatedStamp  msTime      `json:"lastUpdatedStamp"`
	RuntimeData       wireRuntime `json:"runtimeData"`
	ServiceInParams   []wireParam `json:"serviceInParams"`
}

type wireParam struct {
	Name     string   `json:"name"`
	Type     string   `json:"type"`
	Optional flexBool `json:"optional"`
}

// wireRuntime decodes a job's parsed runtimeData twice: as strings for reading, and as the raw values
// that scheduling forwards as the OMS gave them.
type wireRuntime struct {
	strs runtimeData
	raw  map[string]json.RawMessage
}

// UnmarshalJSON decodes the object once; the strings are read from the raw values by runtimeData's rule.
func (w *wireRuntime) UnmarshalJSON(b []byte) error {
	if raw, ok := plainObject(b); ok {
		w.raw = raw
	} else if err := json.Unmarshal(b, &w.raw); err != nil {
		return fmt.Errorf("runtime data: %w", err)
	}
	if w.raw == nil {
		w.strs = nil
		return nil
	}
	w.strs = make(runtimeData, len(w.raw))
	for k, v := range w.raw {
		w.strs[k] = runtimeText(v)
	}
	return nil
}

func jobsOf(docs []wireJob) []Job {
	jobs := make([]Job, 0, len(docs))
	for i := range docs {
		jobs = append(jobs, docs[i].job())
	}
	return jobs
}

func (w *wireJob) job() Job {
	j := w.Job
	j.JobID = string(w.JobID)
	j.CurrentRetryCount = int(w.CurrentRetryCount)
	j.RunTime = w.RunTime.time()
	j.StartDateTime = w.StartDateTime.time()
	j.FinishDateTime = w.FinishDateTime.time()
	j.CancelDateTime = w.CancelDateTime.time()
	j.CreatedDate = w.CreatedDate.time()
	j.LastUpdatedStamp = w.LastUpdatedStamp.time()
	j.RuntimeData, j.RuntimeValues = w.RuntimeData.strs, w.RuntimeData.raw
	if len(w.ServiceInParams) > 0 {
		j.ServiceInParams = make([]ServiceParam, len(w.ServiceInParams))
		for i, p := range w.ServiceInParams {
			j.ServiceInParams[i] = ServiceParam{Name: p.Name, Type: p.Type, Optional: bool(p.Optional)}
		}
	}
	return j
}
