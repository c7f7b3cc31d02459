package bot

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/slack-go/slack"
)

// authorizer decides who may run remedies: listed Slack users and members of listed user groups.
// Nobody is allowed by default. Group members are cached for a few minutes so a click costs no
// Slack call, yet a change in a group takes effect without a restart.
type authorizer struct {
	users  []string
	groups []string
	ttl    time.Duration
	api    *slack.Client
	now    func() time.Time

	mu      sync.Mutex
	members map[string][]string // group id → user ids
	fetched time.Time
}

func newAuthorizer(users, groups []string, ttl time.Duration, api *slack.Client, now func() time.Time) *authorizer {
	return &authorizer{users: users, groups: groups, ttl: ttl, api: api, now: now}
}

// refusal says which setting an admin must change; it is shown to the refused user.
const refusal = "Only operators can run fixes. An admin can add you to PREORDERBOT_OPERATORS (your user id is %s) " +
	"or add you to a Slack user group listed in PREORDERBOT_OPERATOR_GROUPS."

// allowed reports whether user may remediate. An error means the groups could not be read; the
// caller refuses then, since default deny is the safe side.
func (a *authorizer) allowed(ctx context.Context, user string) (bool, error) {
	if slices.Contains(a.users, user) {
		return true, nil
	}
	if len(a.groups) == 0 {
		return false, nil
	}
	members, err := a.groupMembers(ctx)
	if err != nil {
		return false, err
	}
	for _, ids := range members {
		if slices.Contains(ids, user) {
			return true, nil
		}
	}
	return false, nil
}

func (a *authorizer) groupMembers(ctx context.Context) (map[string][]string, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.members != nil && a.now().Sub(a.fetched) < a.ttl {
		return a.members, nil
	}
	members := make(map[string][]string, len(a.groups))
	for _, g := range a.groups {
		ids, err := a.api.GetUserGroupMembersContext(ctx, g)
		if err != nil {
			return nil, fmt.Errorf("usergroups.users.list %s: %w", g, err)
		}
		members[g] = ids
	}
	a.members, a.fetched = members, a.now()
	return members, nil
}
