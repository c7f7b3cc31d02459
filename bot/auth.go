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
// Nobody is allowed by default. Group members are read in the background, at start and then every
// refresh period, never on a click: a button that opens a form must reach views.open within Slack's 3 s,
// and usergroups.users.list is rate limited. A person removed from a group loses their rights within one
// refresh period; one added gains them as soon. When Slack cannot be read, the last members read stay in
// force; until a first read succeeds, groups grant nothing.
type authorizer struct {
	users   []string
	groups  []string
	refresh time.Duration
	api     *slack.Client

	mu      sync.RWMutex
	members map[string][]string // group id → user ids, as last read
}

func newAuthorizer(users, groups []string, refresh time.Duration, api *slack.Client) *authorizer {
	return &authorizer{users: users, groups: groups, refresh: refresh, api: api, members: map[string][]string{}}
}

// allowed reports whether user may remediate, from the members last read: it never waits for Slack.
func (a *authorizer) allowed(user string) bool {
	if slices.Contains(a.users, user) {
		return true
	}
	a.mu.RLock()
	defer a.mu.RUnlock()
	for _, ids := range a.members {
		if slices.Contains(ids, user) {
			return true
		}
	}
	return false
}

// keepFresh reads the groups' members again every refresh period until ctx ends; the first read, at
// start, is the caller's. onError hears of each group that could not be read; its last members stay in
// force.
func (a *authorizer) keepFresh(ctx context.Context, onError func(error)) {
	if len(a.groups) == 0 {
		return
	}
	tick := time.NewTicker(a.refresh)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			a.read(ctx, onError)
		}
	}
}

// read replaces each group's members with what Slack says now, group by group.
func (a *authorizer) read(ctx context.Context, onError func(error)) {
	for _, g := range a.groups {
		ids, err := a.api.GetUserGroupMembersContext(ctx, g)
		if err != nil {
			if ctx.Err() == nil {
				onError(fmt.Errorf("usergroups.users.list %s: %w", g, err))
			}
			continue
		}
		a.mu.Lock()
		a.members[g] = ids
		a.mu.Unlock()
	}
}
